import { z } from 'zod';
import catalog from './data/messages.json';
import type { Facts } from './extractFacts';
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

/** Facts in the order people read them, each with its label: for cards, summaries and the CLI. */
export function factRows(lang: Lang, facts: Facts): Array<{ label: string; value: string }> {
  const keys = ['userPrincipalName', 'remoteServer', 'loadedPowerShellVersion', 'requiredPowerShellVersion', 'modulePath', 'cmdlet'] as const;
  return keys.flatMap((key) => {
    const value = facts[key];
    return value ? [{ label: t(lang, `fact.${key}`), value }] : [];
  });
}
