import { z } from 'zod';

export const Facts = z
  .object({
    userPrincipalName: z.string().optional(),
    remoteServer: z.string().optional(),
    loadedPowerShellVersion: z.string().optional(),
    requiredPowerShellVersion: z.string().optional(),
    modulePath: z.string().optional(),
    cmdlet: z.string().optional(),
  })
  .strict();
export type Facts = z.infer<typeof Facts>;

const MAX_FACT_LENGTH = 260;

const QUOTED_UPN = /(?:user|사용자)\s*['‘’"]\s*([^\s'‘’"]{1,128}@[^\s'‘’"]{1,200}?)\s*['‘’"]/iu;
const UPN_AT = /[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,8}/iu;
/** Look for an address only around the first few "@" signs: scanning every position costs 64 steps a character. */
const MAX_AT_SIGNS = 20;
const BRACKET_SERVER = /\[\s*([a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){1,8})\s*\]/iu;
const NAMED_SERVER = /(?:remote\s*server|remoteserver|원격\s*서버)\s*["“„«]?\s*([a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){1,8})/iu;
const LOADED_VERSION = /(?:loaded\s+PowerShell\s+is|PowerShell의\s*버전은)\s*['‘’"]\s*(\d{1,2}(?:\.\d{1,4}){0,3})\s*['‘’"]/iu;
const REQUIRED_VERSION = /(?:minimum\s+PowerShell\s+version\s+of|최소\s*PowerShell\s*버전)\s*['‘’"]\s*(\d{1,2}(?:\.\d{1,4}){0,3})\s*['‘’"]/iu;
const MODULE_PATH = /[a-z]:\\[^\n'"‘’“”<>|?*]{0,240}?\.(?:psm1|psd1|ps1|dll)\b/iu;
const CMDLET = /\b((?:Import|Get|New|Set|Connect|Remove|Enter|Start|Invoke)-[A-Za-z]{2,40})\s*:/u;

function anyUpn(text: string): string | undefined {
  let at = text.indexOf('@');
  for (let n = 0; at >= 0 && n < MAX_AT_SIGNS; n++, at = text.indexOf('@', at + 1)) {
    const from = Math.max(0, at - 64);
    const m = UPN_AT.exec(text.slice(from, at + 600));
    if (m && m.index <= at - from && m.index + m[0].length > at - from) return m[0];
  }
  return undefined;
}

function first(pattern: RegExp, text: string): string | undefined {
  const m = pattern.exec(text);
  const value = (m?.[1] ?? m?.[0])?.trim();
  return value && value.length <= MAX_FACT_LENGTH ? value : undefined;
}

/**
 * Pulls the values an admin would want echoed back: who signed in, which server answered,
 * which PowerShell versions, which module file, which cmdlet failed. Works on plain text
 * (after HTML and Unicode folding); hard wraps inside a value are tolerated where unambiguous.
 */
export function extractFacts(plain: string): Facts {
  // A value wrapped across lines is joined only where a line break sits inside a token.
  const unwrapped = plain.replace(/([^\s])\n(?=[^\s])/g, '$1');
  const facts: Facts = {};
  const upn = first(QUOTED_UPN, plain) ?? anyUpn(plain) ?? anyUpn(unwrapped);
  if (upn) facts.userPrincipalName = upn;
  const server = first(BRACKET_SERVER, plain) ?? first(NAMED_SERVER, plain);
  if (server) facts.remoteServer = server.toLowerCase();
  const loaded = first(LOADED_VERSION, unwrapped);
  if (loaded) facts.loadedPowerShellVersion = loaded;
  const required = first(REQUIRED_VERSION, unwrapped);
  if (required) facts.requiredPowerShellVersion = required;
  const path = first(MODULE_PATH, plain.replace(/\n/g, ''));
  if (path) facts.modulePath = path;
  const cmdlet = first(CMDLET, plain);
  if (cmdlet) facts.cmdlet = cmdlet;
  return facts;
}

/** A mode's fact sentence with the facts filled in, or undefined when one of them is missing. */
export function summarizeFacts(template: string | undefined, facts: Facts): string | undefined {
  if (!template) return undefined;
  let complete = true;
  const filled = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = (facts as Record<string, string | undefined>)[name];
    if (value === undefined) complete = false;
    return value ?? '';
  });
  return complete ? filled : undefined;
}
