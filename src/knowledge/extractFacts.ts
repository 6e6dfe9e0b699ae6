import { z } from 'zod';

export const Facts = z
  .object({
    userPrincipalName: z.string().optional(),
    remoteServer: z.string().optional(),
    /** A Microsoft service host the paste names (sign-in, the Teams endpoint, the PowerShell Gallery). */
    endpoint: z.string().optional(),
    loadedPowerShellVersion: z.string().optional(),
    requiredPowerShellVersion: z.string().optional(),
    /** "Desktop" (Windows PowerShell) or "Core" (PowerShell 6 and later), as the paste shows it. */
    powerShellEdition: z.enum(['Desktop', 'Core']).optional(),
    powerShellVersion: z.string().optional(),
    /** The MicrosoftTeams module's version, from its folder in a path. */
    moduleVersion: z.string().optional(),
    modulePath: z.string().optional(),
    cmdlet: z.string().optional(),
    /** The first Entra sign-in code, as printed ("AADSTS50076"). */
    signInCode: z.string().optional(),
    traceId: z.string().optional(),
    correlationId: z.string().optional(),
    timestamp: z.string().optional(),
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
const CMDLET = /\b((?:Import|Get|New|Set|Connect|Disconnect|Remove|Enter|Start|Invoke|Grant|Add|Update|Install|Test|Enable|Disable|Sync|Register|Export)-[A-Za-z]{2,40})\s{0,20}:/i;
/** The module's folder: …\Modules\MicrosoftTeams\2.3.1\… or …/MicrosoftTeams/2.3.1/… */
const MODULE_VERSION = /[\\/]MicrosoftTeams[\\/](\d{1,3}(?:\.\d{1,5}){1,3})[\\/]/i;
/** $PSVersionTable's rows, as PowerShell prints the table. */
const PS_VERSION_ROW = /\bPSVersion[ \t]{1,40}(\d{1,2}(?:\.\d{1,6}){1,3})/;
const PS_EDITION_ROW = /\bPSEdition[ \t]{1,40}(Desktop|Core)\b/i;
/** $PSVersionTable.PSVersion: "Major  Minor  Build  Revision", a rule, then the numbers. */
const PS_VERSION_OBJECT = /\bMajor[ \t]{1,20}Minor[ \t]{1,20}(?:Build|Patch)[^\n]{0,40}\n[ \t-]{0,80}\n[ \t]{0,20}(\d{1,2})[ \t]{1,20}(\d{1,3})[ \t]{1,20}(\d{1,6})(?:[ \t]{1,20}(\d{1,6}))?/;
/** The banner pwsh prints at start ("PowerShell 7.4.1"), alone on its line. */
const PWSH_BANNER = /^[ \t]{0,20}PowerShell[ \t]{1,20}(\d{1,2}\.\d{1,3}\.\d{1,5})[ \t]{0,20}$/m;
/** The banner of Windows PowerShell, alone on its line. */
const WINDOWS_POWERSHELL_BANNER = /^[ \t]{0,20}Windows PowerShell[ \t]{0,20}$/m;
/** PowerShell 7's concise error view: "Line |" under the error's first line. Windows PowerShell never prints it. */
const CONCISE_VIEW = /^[ \t]{0,20}Line \|[ \t]{0,20}$/m;
const SIGN_IN_CODE = /\bAADSTS\d{5,7}\b/i;
const GUID = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';
const TRACE_ID = new RegExp(`(?:\\bTrace[ \\t]?ID|추적[ \\t]?ID)[ \\t]{0,20}:[ \\t]{0,20}${GUID}`, 'i');
const CORRELATION_ID = new RegExp(`(?:\\bCorrelation[ \\t]?ID|상관[ \\t]?관계[ \\t]?ID)[ \\t]{0,20}:[ \\t]{0,20}${GUID}`, 'i');
const TIMESTAMP = /(?:\bTimestamp|타임스탬프)[ \t]{0,20}:[ \t]{0,20}(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?Z?)/i;
/** The registrable part of a Microsoft service host (not a tenant's *.onmicrosoft.com); the host is read back from it. */
const SERVICE_DOMAIN = /\b(?:microsoftonline(?:-p)?|microsoft|windows|office365|office|lync|powershellgallery)\.(?:com|net|us)\b/gi;
const HOST_CHAR = /[a-z0-9.-]/i;
/** Documentation and link hosts: a help link is not where the paste's request went. */
const NOT_ENDPOINTS = new Set(['go.microsoft.com', 'learn.microsoft.com', 'docs.microsoft.com', 'support.microsoft.com', 'aka.ms', 'microsoft.com', 'www.microsoft.com']);
/** Hosts looked at, at most: endpoints are named near the error. */
const MAX_HOSTS = 50;

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

/** The first Microsoft service host the text names, other than help links: read back from its domain. */
function firstEndpoint(text: string): string | undefined {
  let n = 0;
  for (const m of text.matchAll(SERVICE_DOMAIN)) {
    if (++n > MAX_HOSTS) break;
    const at = m.index ?? 0;
    let start = at;
    while (start > 0 && at - start < 200 && HOST_CHAR.test(text[start - 1] as string)) start--;
    const host = text
      .slice(start, at + m[0].length)
      .replace(/^[.-]+/, '')
      .toLowerCase();
    if (!NOT_ENDPOINTS.has(host)) return host;
  }
  return undefined;
}

function powerShellVersion(text: string, banner: string | undefined): string | undefined {
  const row = first(PS_VERSION_ROW, text);
  if (row) return row;
  const parts = PS_VERSION_OBJECT.exec(text);
  if (parts) return parts.slice(1).filter((p) => p !== undefined).join('.');
  return banner;
}

function powerShellEdition(text: string, version: string | undefined, banner: string | undefined): Facts['powerShellEdition'] {
  const row = first(PS_EDITION_ROW, text);
  if (row) return row.toLowerCase() === 'core' ? 'Core' : 'Desktop';
  // Line-anchored patterns cost a test at every line start: look only where their words are.
  if (banner !== undefined || (text.includes('Line |') && CONCISE_VIEW.test(text))) return 'Core';
  if (text.includes('Windows PowerShell') && WINDOWS_POWERSHELL_BANNER.test(text)) return 'Desktop';
  // Only Windows PowerShell has a 5.x or older version; 6 and later are all Core.
  const major = version === undefined ? undefined : Number.parseInt(version, 10);
  return major === undefined ? undefined : major >= 6 ? 'Core' : 'Desktop';
}

/**
 * Pulls the values an admin would want echoed back: who signed in, which server or service host
 * answered, which PowerShell (edition and version) and MicrosoftTeams module version, which module
 * file and cmdlet, which Entra sign-in code, and the trace and correlation ids and timestamp Entra
 * prints for support. Works on plain text (after HTML and Unicode folding); hard wraps inside a
 * value are tolerated where unambiguous. Every pattern is anchored on a literal and bounded, so
 * the time is linear in the paste.
 */
export function extractFacts(plain: string): Facts {
  // A value wrapped across lines is joined only where a line break sits inside a token.
  const unwrapped = plain.replace(/([^\s])\n(?=[^\s])/g, '$1');
  const facts: Facts = {};
  const upn = first(QUOTED_UPN, plain) ?? anyUpn(plain) ?? anyUpn(unwrapped);
  if (upn) facts.userPrincipalName = upn;
  const server = first(BRACKET_SERVER, plain) ?? first(NAMED_SERVER, plain);
  if (server) facts.remoteServer = server.toLowerCase();
  const endpoint = firstEndpoint(unwrapped);
  if (endpoint) facts.endpoint = endpoint;
  const loaded = first(LOADED_VERSION, unwrapped);
  if (loaded) facts.loadedPowerShellVersion = loaded;
  const required = first(REQUIRED_VERSION, unwrapped);
  if (required) facts.requiredPowerShellVersion = required;
  const banner = plain.includes('PowerShell ') ? first(PWSH_BANNER, plain) : undefined;
  const version = powerShellVersion(plain, banner);
  const edition = powerShellEdition(plain, version, banner);
  if (edition) facts.powerShellEdition = edition;
  if (version) facts.powerShellVersion = version;
  const moduleVersion = first(MODULE_VERSION, unwrapped);
  if (moduleVersion) facts.moduleVersion = moduleVersion;
  const path = first(MODULE_PATH, plain.replace(/\n/g, ''));
  if (path) facts.modulePath = path;
  const cmdlet = first(CMDLET, plain);
  if (cmdlet) facts.cmdlet = cmdlet;
  const code = first(SIGN_IN_CODE, plain);
  if (code) facts.signInCode = code.toUpperCase();
  // Entra prints "Trace ID" and "Correlation ID" in capitals; most pastes have neither.
  if (plain.includes('ID')) {
    const trace = first(TRACE_ID, plain) ?? first(TRACE_ID, unwrapped);
    if (trace) facts.traceId = trace.toLowerCase();
    const correlation = first(CORRELATION_ID, plain) ?? first(CORRELATION_ID, unwrapped);
    if (correlation) facts.correlationId = correlation.toLowerCase();
  }
  const timestamp = first(TIMESTAMP, plain);
  if (timestamp) facts.timestamp = timestamp;
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
