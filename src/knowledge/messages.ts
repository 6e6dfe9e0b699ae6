import { z } from 'zod';
import catalog from './data/messages.json';
import type { Facts } from './extractFacts';
import { defaultKnowledge } from './loadKnowledge';
import { SecretKind } from './redactSecrets';
import { Localized, type Lang } from './schema';

export type MessageKey = keyof typeof catalog;

const Catalog = z.record(z.string(), Localized);
const parsed = Catalog.safeParse(catalog);
if (!parsed.success) {
  const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new Error(`src/knowledge/data/messages.json: ${issues}`);
}
const messages: Readonly<Record<string, Localized>> = parsed.data;

export type MessageParams = Readonly<Record<string, string | number>>;

/** A catalog string in the given language, with {name} placeholders filled. */
export function t(lang: Lang, key: MessageKey, params: MessageParams = {}): string {
  const template = (messages[key] as Localized)[lang];
  // Most strings (labels, headings) have no placeholder; cards ask for several of them per reply.
  if (!template.includes('{')) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function allMessageKeys(): MessageKey[] {
  return Object.keys(messages) as MessageKey[];
}

/** The kinds of secret removed from a paste, in words ("a password, an access token"). */
export function secretKindsInWords(lang: Lang, kinds: readonly string[]): string {
  const parsed = z.array(SecretKind).safeParse(kinds);
  return parsed.success ? parsed.data.map((kind) => t(lang, `secret.${kind}`)).join(', ') : kinds.join(', ');
}

/** Confidence in words, for people. */
export function confidenceInWords(lang: Lang, confidence: number): string {
  const percent = Math.round(confidence * 100);
  const key: MessageKey =
    confidence >= 0.9
      ? 'confidence.veryLikely'
      : confidence >= 0.75
        ? 'confidence.likely'
        : confidence >= 0.6
          ? 'confidence.possible'
          : confidence >= 0.3
            ? 'confidence.uncertain'
            : 'confidence.unlikely';
  return t(lang, key, { percent });
}

/** Facts in the order people read them. */
const FACT_ORDER = [
  'userPrincipalName',
  'remoteServer',
  'endpoint',
  'loadedPowerShellVersion',
  'requiredPowerShellVersion',
  'powerShellEdition',
  'powerShellVersion',
  'moduleVersion',
  'modulePath',
  'cmdlet',
  'signInCode',
  'traceId',
  'correlationId',
  'timestamp',
] as const satisfies ReadonlyArray<keyof Facts>;

/** What a sign-in code means, in the language, where the knowledge knows the code. */
function signInMeaning(lang: Lang, signInCode: string): string | undefined {
  const digits = signInCode.replace(/^AADSTS/i, '');
  return defaultKnowledge().signInCodes.codes.find((c) => c.code === digits)?.meaning[lang];
}

/**
 * Facts in the order people read them, each with its label: for cards, summaries and the CLI. A
 * known sign-in code is followed by its meaning; a service endpoint that is the remote server
 * already shown is not repeated.
 */
export function factRows(lang: Lang, facts: Facts): Array<{ label: string; value: string }> {
  return FACT_ORDER.flatMap((key) => {
    const value = facts[key];
    if (!value || (key === 'endpoint' && value === facts.remoteServer)) return [];
    const row = { label: t(lang, `fact.${key}`), value };
    const meaning = key === 'signInCode' ? signInMeaning(lang, value) : undefined;
    return meaning ? [row, { label: t(lang, 'fact.signInMeaning'), value: meaning }] : [row];
  });
}
