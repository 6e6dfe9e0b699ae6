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

/** Lower-case words joined by hyphens, as the data names modes, packs, contexts and frames. */
const DataId = z
  .string()
  .max(48)
  .regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, 'lower-case words joined by hyphens');

/** A failure mode's id; the set of ids is whatever the data holds (see loadKnowledge). */
export const FailureModeId = DataId;
export type FailureModeId = z.infer<typeof FailureModeId>;

export const PackId = DataId;
export type PackId = z.infer<typeof PackId>;

/** A group of failure modes for one tool: the retired connector, the MicrosoftTeams module. */
export const Pack = z
  .object({
    id: PackId,
    /** Order of the packs in lists and guided troubleshooting. */
    order: z.number().int().min(1),
    /** The tool, as a card names it ("Skype for Business Online Connector (retired)"). */
    title: Localized,
    summary: Localized,
    retired: z.boolean(),
    /** Said on every card of the pack (for the retired connector: what admins use today). */
    cardNote: Localized,
  })
  .strict();
export type Pack = z.infer<typeof Pack>;

/** Where in the connection the failure happens. */
export const Stage = z.enum(['install', 'load-module', 'sign-in', 'open-session', 'run-cmdlet']);
export type Stage = z.infer<typeof Stage>;

/** A kind of paste the data can name: the MicrosoftTeams module, another product's cmdlets, app-only sign-in (contexts.json). */
export const ContextId = DataId;
export type ContextId = z.infer<typeof ContextId>;

/**
 * An error text as some PowerShell prints it. Variable parts are written as placeholders, a
 * lower-case name in braces ({upn}, {server}, {path}, {version}, {name}, {message}, …), so that no
 * fragment spans them.
 */
export const Signature = z
  .object({
    /** BCP-47 language of the text around the English core (e.g. "en", "ko", "de", "ja", "zh-Hans"). */
    lang: z.string().min(2),
    /**
     * Where the text comes from: "powershell" (as printed), "article" (a translated article),
     * "localized-windows" (as a non-English Windows prints it), "fragment" (a part people paste
     * alone), "report" (as an admin's report quotes it), "framed" (a framed signature, written out
     * by the loader).
     */
    source: z.enum(['powershell', 'article', 'localized-windows', 'fragment', 'report', 'framed']),
    text: z.string().min(10),
    /**
     * Evidence from this text counts only in a paste that shows this context: an AADSTS code or a
     * WinRM message is shared by every Microsoft sign-in and every remoting target.
     */
    requires: ContextId.optional(),
    /** Evidence from this text does not count in a paste that shows any of these contexts. */
    unless: z.array(ContextId).min(1).optional(),
  })
  .strict();
export type Signature = z.infer<typeof Signature>;

/**
 * A mode's words inside one of PowerShell's frames, in every language the frames data has:
 * "The term '{name}' is not recognized …" with name = New-CsOnlineSession. The loader expands it
 * into one signature per language that has the frame.
 */
export const FramedSignature = z
  .object({
    frame: DataId,
    /** Values for the frame's placeholders; placeholders left out stay variable. */
    fill: z.record(z.string().regex(/^[a-z][a-zA-Z]*$/), z.string().min(1)),
    requires: ContextId.optional(),
    unless: z.array(ContextId).min(1).optional(),
  })
  .strict();
export type FramedSignature = z.infer<typeof FramedSignature>;

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
    pack: PackId,
    /** Position within its pack (for the connector, in the article); the order of the "list" command. */
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
    /** The error exactly as English PowerShell prints it (the sources' example values). */
    errorText: z.string().min(10),
    /** The error as the Korean article shows it, where there is one. */
    errorTextKo: z.string().min(10).optional(),
    /**
     * Every text the matcher should recognise; the first is errorText as a template, unless a framed
     * signature writes it (a framed text written out again here would count only its words outside
     * the frame, as any signature's do).
     */
    signatures: z.array(Signature).min(1),
    /** More texts, written once as a frame and its filling, recognised in every language of the frame. */
    framedSignatures: z.array(FramedSignature).min(1).optional(),
    cause: Localized,
    checks: z.array(Step).min(1),
    fix: z.array(Step).min(1),
    verify: z.array(Step).min(1),
    escalation: Escalation,
    /** Old lines of a script and what replaces them, shown side by side. */
    replacements: z
      .array(z.object({ old: z.string().min(1), new: z.string().min(1) }).strict())
      .min(1)
      .optional(),
    /** What the sources leave uncertain about this mode's cause or advice; shown on the card. */
    uncertain: z.array(Localized).min(1).optional(),
    /** The page (and section) the advice comes from. */
    article: z
      .object({
        title: Localized,
        url: z.string().url().startsWith('https://learn.microsoft.com/'),
      })
      .strict(),
    /** What to do today, where the mode's tool is retired. */
    today: Localized.optional(),
    /** Search words for the failure-mode search, in both languages. */
    keywords: z.object({ en: z.array(z.string().min(1)).min(1), ko: z.array(z.string().min(1)).min(1) }).strict(),
  })
  .strict();
export type FailureMode = z.infer<typeof FailureMode>;

/** Texts that look like ours but are not among the documented failures: their fragments prove nothing. */
export const Background = z
  .object({
    /**
     * Words of PowerShell and Windows that any error may use: no signature's evidence, not even a
     * text told apart by its context. Look-alike errors (the default) only leave out the words of
     * texts told apart by their words.
     */
    vocabulary: z.boolean().default(false),
    texts: z
      .array(
        z
          .object({
            note: z.string().min(1),
            /** BCP-47 language of the text, as for signatures. */
            lang: z.string().min(2),
            text: z.string().min(5),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type Background = z.infer<typeof Background>;

/**
 * PowerShell's own words around a message, in one language: "X : ", "Connecting to remote server
 * {server} failed with the following error message : {message} For more information, see the
 * about_Remote_Troubleshooting Help topic.", "The term '{name}' is not recognized as …". Every mode
 * shares them, so they are never a mode's evidence.
 */
export const Frame = z
  .object({
    /** What the frame is, the same id in every language ("remoting-connect", "command-not-found"). */
    id: DataId,
    note: z.string().min(1).optional(),
    text: z.string().min(5),
  })
  .strict();
export type Frame = z.infer<typeof Frame>;

export const FrameSet = z
  .object({
    lang: z.string().min(2),
    frames: z.array(Frame).min(1),
  })
  .strict();
export type FrameSet = z.infer<typeof FrameSet>;

/**
 * What a paste shows about where it comes from, told by names no other context uses: the
 * MicrosoftTeams module (Connect-MicrosoftTeams, its module path, its endpoint), another product's
 * cmdlets (Connect-ExchangeOnline, Connect-AzAccount, …), app-only sign-in (-CertificateThumbprint).
 */
export const Context = z
  .object({
    id: ContextId,
    note: z.string().min(1),
    /** Names compared as letters and digits only, case folded ("Connect-MicrosoftTeams"). */
    literals: z.array(z.string().min(3)).default([]),
    /** Regular expressions over the plain paste, case-insensitive without the u flag, which makes V8 scan several times slower (a cmdlet shape such as Get-Cs…). */
    patterns: z.array(z.string().min(3)).default([]),
    /** Contexts whose presence in the same paste cancels this one (another product's cmdlets). */
    unless: z.array(ContextId).default([]),
  })
  .strict();
export type Context = z.infer<typeof Context>;

export const ContextSet = z.object({ contexts: z.array(Context).min(1) }).strict();
export type ContextSet = z.infer<typeof ContextSet>;

/** Microsoft Entra sign-in error codes (AADSTS…) the bot can explain. */
export const SignInCodes = z
  .object({
    /** A code names its failure mode only in a paste that shows this context. */
    requires: ContextId,
    codes: z
      .array(
        z
          .object({
            code: z.string().regex(/^\d{5,7}$/),
            /** The name Entra's reference gives it (e.g. "UserStrongAuthClientAuthNRequired"). */
            name: z.string().min(1),
            meaning: Localized,
            /**
             * The failure mode this code means in a paste that shows the teams-module context. The code
             * alone is too short to be evidence, yet WAM and MSAL wrappers often cut the message after it.
             */
            failureMode: FailureModeId.optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type SignInCodes = z.infer<typeof SignInCodes>;
