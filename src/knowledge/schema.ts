import { z } from 'zod';

/** The languages the bot speaks. Adding one means adding it here and to every data file. */
export const Lang = z.enum(['en', 'ko']);
export type Lang = z.infer<typeof Lang>;
export const LANGS: readonly Lang[] = Lang.options;

/** A user-facing string in every language the bot speaks. */
export const Localized = z
  .object({ en: z.string().trim().min(1), ko: z.string().trim().min(1) })
  .strict();
export type Localized = z.infer<typeof Localized>;

export const FailureModeId = z.enum([
  'execution-policy',
  'powershell-version',
  'liveid-connect-failed',
  'liveid-module-missing',
  'logon-failed',
  'no-tenant-permission',
  'tenant-remote-powershell-disabled',
  'user-shell-limit',
  'tenant-shell-limit',
]);
export type FailureModeId = z.infer<typeof FailureModeId>;

/** Where in the connection the failure happens, in the order the article walks through them. */
export const Stage = z.enum(['load-module', 'sign-in', 'open-session']);
export type Stage = z.infer<typeof Stage>;

/**
 * An error text as some PowerShell prints it. Variable parts are written as placeholders
 * ({upn}, {server}, {path}, {version}, {n}) so that no signature fragment spans them.
 */
export const Signature = z
  .object({
    /** BCP-47 language of the text around the English core (e.g. "en", "ko", "de", "ja", "zh-Hans"). */
    lang: z.string().min(2),
    /**
     * Where the text comes from: "powershell" (as printed), "article" (a translated article),
     * "localized-windows" (as a non-English Windows prints it), "fragment" (a part people paste alone).
     */
    source: z.enum(['powershell', 'article', 'localized-windows', 'fragment']),
    text: z.string().min(10),
  })
  .strict();
export type Signature = z.infer<typeof Signature>;

/** One thing the admin does: a sentence and, where there is one, the exact command. */
export const Step = z
  .object({
    text: Localized,
    command: z.string().min(1).optional(),
  })
  .strict();
export type Step = z.infer<typeof Step>;

export const Escalation = z
  .object({
    /** never: the admin can always fix it; if-unresolved: support when the steps do not help; always: only support can fix it. */
    need: z.enum(['never', 'if-unresolved', 'always']),
    when: Localized,
    /** What to put in the support request. */
    include: z.array(Localized),
  })
  .strict();
export type Escalation = z.infer<typeof Escalation>;

export const FailureMode = z
  .object({
    id: FailureModeId,
    /** Position in the article; also the order of the "list" command. */
    order: z.number().int().min(1),
    stage: Stage,
    /** The cmdlet whose error it is, as PowerShell names it. */
    cmdlet: z.string().min(1),
    title: Localized,
    /** One line describing the symptom for lists and search results. */
    summary: Localized,
    /**
     * One sentence about this paste, from the facts found in it ("Logon failed for {userPrincipalName}.");
     * shown only when every fact it names was found.
     */
    factSummary: Localized.optional(),
    /** The error exactly as English PowerShell prints it (the article's example values). */
    errorText: z.string().min(10),
    /** The error as the Korean article shows it. */
    errorTextKo: z.string().min(10),
    /** Every text the matcher should recognise; the first two are errorText and errorTextKo as templates. */
    signatures: z.array(Signature).min(2),
    cause: Localized,
    checks: z.array(Step).min(1),
    fix: z.array(Step).min(1),
    verify: z.array(Step).min(1),
    escalation: Escalation,
    article: z
      .object({
        anchor: z.string().regex(/^BKMK[A-Za-z]+$/),
        url: z.string().url().startsWith('https://learn.microsoft.com/'),
      })
      .strict(),
    /** What to do today, now that the connector is retired. */
    today: Localized,
    /** Search words for the failure-mode search, in both languages. */
    keywords: z.object({ en: z.array(z.string().min(1)).min(1), ko: z.array(z.string().min(1)).min(1) }).strict(),
  })
  .strict();
export type FailureMode = z.infer<typeof FailureMode>;

/** Texts that look like ours but are not among the documented failures: their fragments prove nothing. */
export const Background = z
  .object({
    texts: z.array(z.object({ note: z.string(), text: z.string().min(5) }).strict()).min(1),
  })
  .strict();
export type Background = z.infer<typeof Background>;
