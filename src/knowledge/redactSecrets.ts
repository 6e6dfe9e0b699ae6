import { z } from 'zod';

/** What a redacted value was, so the bot can tell the admin what to rotate. */
export const SecretKind = z.enum([
  'password',
  'clientSecret',
  'accessToken',
  'storageAccountKey',
  'sharedAccessKey',
  'sasSignature',
  'privateKey',
]);
export type SecretKind = z.infer<typeof SecretKind>;

export const REDACTED = '[REDACTED]';

/*
 * Linear time: every quantifier is bounded, a pattern can only start at a literal anchor, a quote
 * or a token boundary, the value after the anchor matches without backtracking, and each rule
 * resumes after the value it found. A bare value longer than MAX is hidden up to MAX characters;
 * an unterminated string up to the end of its line.
 */
const MAX = 4096;

// PowerShell also accepts the typographic quotes that Word and Outlook substitute.
const SQ = `'\u2018\u2019\u201A\u201B`;
const DQ = `"\u201C\u201D\u201E`;
const BT = '`';

/** A PowerShell string: '' doubles a single quote, a backtick escapes inside double quotes. */
const PS_QUOTED =
  `[${SQ}](?:[^${SQ}\\r\\n]|[${SQ}]{2}){0,${MAX}}[${SQ}]?` +
  `|[${DQ}](?:[^${DQ}${BT}\\r\\n]|${BT}[^\\r\\n]|[${DQ}]{2}){0,${MAX}}[${DQ}]?`;
/** A bare PowerShell argument; variables, subexpressions, splats, casts and parameters are not literals. */
const PS_BARE = `[^\\s${SQ}${DQ}${BT}$@(){}\\[\\]<>;:,|=#-][^\\s${SQ}${DQ}${BT};,|(){}]{0,${MAX}}`;
const PS_VALUE = `(?<secret>${PS_QUOTED}|${PS_BARE})`;
const PARAM_SEPARATOR = '(?::[ \\t]{0,16}|[ \\t]{1,16})';

/** A value in a connection string, .env line, URL query or form body. */
const KV_QUOTED = `[${SQ}][^${SQ}\\r\\n]{0,${MAX}}[${SQ}]?|[${DQ}][^${DQ}\\r\\n]{0,${MAX}}[${DQ}]?|\\{[^}\\r\\n]{0,${MAX}}\\}?`;
const KV_BARE = `[^\\s${SQ}${DQ}$@({\\[<>;&=][^\\s${SQ}${DQ};&<>]{0,${MAX}}`;
const KV_VALUE = `(?<secret>${KV_QUOTED}|${KV_BARE})`;
const KV_EQUALS = '[ \\t]{0,8}=[ \\t]{0,8}';
/** Not in a PowerShell variable name: there only a quoted value is a literal (see variable()). */
const NOT_A_VARIABLE = '(?<!\\$[\\w.:]{0,48})';

const JSON_STRING = `(?<secret>"(?:[^"\\\\\\r\\n]|\\\\[^\\r\\n]){0,${MAX}}"?)`;

const PASSWORD_WORD = '(?:password|passwd|pwd)';
const SECRET_WORD = 'secret';
/** Paging cursors ($skiptoken, nextPageToken) are not credentials. */
const TOKEN_WORD = '(?<!skip|delta|next|page|continuation|sync)token';

const USER_NAME = /^(?:[^\s@\\]{1,64}@(?:[a-z0-9-]{1,63}\.){1,8}[a-z]{2,63}|[a-z0-9._-]{1,64}\\[a-z0-9._$-]{1,64})$/i;
const PATH_LIKE = /^(?:[a-z]:[\\/]|\\\\|~?\/[\w.-]{1,64}\/)/i;
/** Masks, placeholders and literals that carry no secret. */
const PLACEHOLDER = /^(?:\*{1,64}|<[^<>]{0,64}>|true|false|null)$/i;
/** A PowerShell variable, which is no secret unless it is inside single quotes, where `$` is literal. */
const VARIABLE = /^(?:\$\{[^}]{1,64}\}|\$[\w:]{1,64})$/;

interface SecretRule {
  readonly kind: SecretKind;
  /** Must have a group named `secret`; a quoted secret keeps its quotes. */
  readonly pattern: RegExp;
  /** Values that look like a secret here but are not, such as a user name given to -Credential. */
  readonly keep?: RegExp;
  /**
   * Lower-case words of which every match contains at least one: a text (lower-cased) with none
   * of them cannot match, so the rule is not run. Most pastes contain no secret at all.
   */
  readonly triggers: readonly string[];
}

/** A rule that only runs on texts containing one of the trigger words. */
function when(triggers: readonly string[], secretRule: Omit<SecretRule, 'triggers'>): SecretRule {
  return { ...secretRule, triggers };
}

function rule(kind: SecretKind, source: string, keep?: RegExp): Omit<SecretRule, 'triggers'> {
  return { kind, pattern: new RegExp(source, 'dgi'), keep };
}

function parameter(kind: SecretKind, name: string, keep?: RegExp): Omit<SecretRule, 'triggers'> {
  return rule(kind, `(?<![\\w-])-(?:${name})(?![\\w-])${PARAM_SEPARATOR}${PS_VALUE}`, keep);
}

function variable(kind: SecretKind, word: string, keep?: RegExp): Omit<SecretRule, 'triggers'> {
  return rule(kind, `\\$[\\w.:]{0,48}${word}(?!\\w)[ \\t]{0,16}=[ \\t]{0,16}(?<secret>${PS_QUOTED})`, keep);
}

function jsonProperty(kind: SecretKind, word: string): Omit<SecretRule, 'triggers'> {
  return rule(kind, `"[\\w.-]{0,48}${word}"[ \\t]{0,16}:[ \\t]{0,16}${JSON_STRING}`);
}

function keyValue(kind: SecretKind, word: string, keep?: RegExp): Omit<SecretRule, 'triggers'> {
  return rule(kind, `${NOT_A_VARIABLE}${word}(?!\\w)${KV_EQUALS}${KV_VALUE}`, keep);
}

/** On overlap the earlier-starting, then longer, then earlier-listed rule names the kind. */
const PASS = ['pass', 'pwd', 'pw'];
const RULES: readonly SecretRule[] = [
  when(
    ['private key'],
    rule(
      'privateKey',
      '-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY-----(?<secret>(?:[^-]|-(?!----)){0,16384})(?:-----END[ A-Z0-9]{0,40}PRIVATE KEY-----)?',
    ),
  ),
  when(
    ['convertto-securestring'],
    rule(
      'password',
      '(?<![\\w-])ConvertTo-SecureString(?:[ \\t]{1,16}-(?:AsPlainText|Force)(?::\\$true)?){0,2}[ \\t]{1,16}' +
        `(?:-String${PARAM_SEPARATOR})?${PS_VALUE}`,
    ),
  ),
  when(
    ['convertto-securestring'],
    rule(
      'password',
      `(?<secret>[${SQ}][^${SQ}\\r\\n]{1,1024}[${SQ}]|[${DQ}][^${DQ}\\r\\n]{1,1024}[${DQ}])[ \\t]{0,16}\\|[ \\t]{0,16}ConvertTo-SecureString`,
    ),
  ),
  when(
    ['pscredential'],
    rule(
      'password',
      '(?<![\\w-])PSCredential\\]?(?:::new)?[ \\t]{0,16}(?:-ArgumentList[ \\t]{1,16})?\\(?[ \\t]{0,16}' +
        `(?:[${SQ}][^${SQ}\\r\\n]{0,256}[${SQ}]|[${DQ}][^${DQ}\\r\\n]{0,256}[${DQ}]|\\$[\\w:]{1,64})[ \\t]{0,16},[ \\t]{0,16}(?<secret>${PS_QUOTED})`,
    ),
  ),
  // PowerShell echoes a plain string given where a SecureString is expected.
  when(
    ['securestring'],
    rule(
      'password',
      '(?<!\\w)Cannot convert (?:the |value )"(?<secret>[^"\\r\\n]{1,1024})"(?: value of type "System\\.String")? to type "System\\.Security\\.SecureString"',
    ),
  ),
  // The bot's own app password, in .env files, appsettings.json and $env: assignments.
  when(
    ['microsoftapppassword', 'microsoft_app_password', 'bot_password'],
    rule(
      'clientSecret',
      `(?<!\\w)(?:MicrosoftAppPassword|MICROSOFT_APP_PASSWORD|(?:SECRET_)?BOT_PASSWORD)[${SQ}${DQ}]?[ \\t]{0,8}[=:][ \\t]{0,8}${KV_VALUE}`,
    ),
  ),
  // A token68 followed by '=' and a quote is an auth-param (Bearer authorization_uri="..."), not a token.
  when(['bearer'], rule('accessToken', '(?<![\\w-])Bearer[ \\t]{1,16}(?<secret>[\\w.~+/-]{16,16384}(?:={1,4}(?![\\w"])|(?![\\w.~+/=-])))')),
  when(['eyj'], rule('accessToken', '(?<![\\w-])(?<secret>eyJ[\\w-]{5,2048}\\.[\\w-]{2,32768}\\.[\\w-]{0,4096})')),
  when(['password'], parameter('password', '[a-z]{0,40}password')),
  when(['credential'], parameter('password', 'Credential', USER_NAME)),
  when(['secret'], parameter('clientSecret', '[a-z]{0,40}secret')),
  when(['token'], parameter('accessToken', '[a-z]{0,40}AccessTokens?|Token')),
  when(PASS, variable('password', '(?:password|passwd|pwd|pass|pw)', PATH_LIKE)),
  when(['secret'], variable('clientSecret', SECRET_WORD)),
  when(['token'], variable('accessToken', TOKEN_WORD)),
  when(['accountkey'], variable('storageAccountKey', 'AccountKey')),
  when(['sharedaccesskey'], variable('sharedAccessKey', 'SharedAccessKey')),
  when(PASS, jsonProperty('password', PASSWORD_WORD)),
  when(['secret'], jsonProperty('clientSecret', '(?:secret|secretText)')),
  when(['token'], jsonProperty('accessToken', TOKEN_WORD)),
  when(PASS, keyValue('password', PASSWORD_WORD, PATH_LIKE)),
  when(['secret'], keyValue('clientSecret', SECRET_WORD)),
  when(['token'], keyValue('accessToken', TOKEN_WORD)),
  when(['accountkey'], keyValue('storageAccountKey', 'AccountKey')),
  when(['sharedaccesskey'], keyValue('sharedAccessKey', 'SharedAccessKey')),
  when(['sig='], rule('sasSignature', '(?<![\\w-])sig=(?<secret>[^&\\s\'"#;<>]{1,1024})')),
  when(['://'], rule('password', `(?<![\\w+.-])[a-z][\\w+.-]{1,16}://[^\\s/?#@:'"<>]{1,256}:(?<secret>[^\\s/?#@'"<>]{1,256})@`)),
  when(
    ['net'],
    rule(
      'password',
      '(?<![\\w-])net[ \\t]{1,8}use[ \\t]{1,8}(?:[a-z]:[ \\t]{1,8}|\\*[ \\t]{1,8})?\\\\\\\\\\S{1,256}' +
        '(?:[ \\t]{1,8}/user:\\S{1,256})?[ \\t]{1,8}(?<secret>[^\\s/*]\\S{0,255})',
    ),
  ),
  // Azure AD client secrets since 2021: three characters, a digit, "Q~", then 31 to 34 more.
  when(['q~'], rule('clientSecret', '(?<![\\w~.-])(?<secret>[\\w~.]{3}\\dQ~[\\w~.-]{31,34})(?![\\w~.-])')),
];

const CLOSING_QUOTES: Readonly<Record<string, string>> = {
  ...Object.fromEntries([...SQ].map((quote) => [quote, SQ])),
  ...Object.fromEntries([...DQ].map((quote) => [quote, DQ])),
  '{': '}',
};

interface Finding {
  readonly start: number;
  end: number;
  readonly kind: SecretKind;
  readonly order: number;
}

function isSpace(char: string | undefined): boolean {
  return char !== undefined && /\s/.test(char);
}

function lineEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end += 1;
  return end;
}

/**
 * Where a matched value really ends: an unterminated string runs on, as PowerShell reads it,
 * to the end of the line.
 */
function valueEnd(text: string, start: number, end: number): number {
  const closers = CLOSING_QUOTES[text.charAt(start)];
  if (closers === undefined || (end - start > 1 && closers.includes(text.charAt(end - 1)))) return end;
  return lineEnd(text, end);
}

/** The characters to hide: inside the quotes, without surrounding whitespace. */
function secretSpan(text: string, start: number, end: number, keep: RegExp | undefined): [number, number] | undefined {
  let from = start;
  let to = end;
  const closers = CLOSING_QUOTES[text.charAt(from)];
  if (closers !== undefined) {
    from += 1;
    if (to > from && closers.includes(text.charAt(to - 1))) to -= 1;
  }
  while (from < to && isSpace(text[from])) from += 1;
  while (to > from && isSpace(text[to - 1])) to -= 1;
  const value = text.slice(from, to);
  if (value === '' || value.startsWith(REDACTED) || PLACEHOLDER.test(value) || keep?.test(value)) return undefined;
  if (!SQ.includes(text.charAt(start)) && VARIABLE.test(value)) return undefined;
  return [from, to];
}

/** Whether a text has any rule's trigger word, in one pass: most pastes have none. */
const ANY_TRIGGER = new RegExp([...new Set(RULES.flatMap((r) => r.triggers))].map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));

function findSecrets(text: string, rules: readonly SecretRule[]): Finding[] {
  const found: Finding[] = [];
  const lower = text.toLowerCase();
  const maybeTriggered = ANY_TRIGGER.test(lower);
  rules.forEach(({ kind, pattern, keep, triggers }, order) => {
    if (triggers.length > 0 && (!maybeTriggered || !triggers.some((word) => lower.includes(word)))) return;
    const matcher = new RegExp(pattern);
    for (let match = matcher.exec(text); match !== null; match = matcher.exec(text)) {
      const bounds = match.indices?.groups?.['secret'];
      if (!bounds) continue;
      const end = valueEnd(text, bounds[0], bounds[1]);
      // Resuming after the value keeps each rule's scan linear.
      matcher.lastIndex = Math.max(matcher.lastIndex, end);
      const span = secretSpan(text, bounds[0], end, keep);
      if (span) found.push({ start: span[0], end: span[1], kind, order });
    }
  });
  return found.sort((a, b) => a.start - b.start || b.end - a.end || a.order - b.order);
}

function mergeOverlaps(sorted: readonly Finding[]): Finding[] {
  const merged: Finding[] = [];
  for (const finding of sorted) {
    const last = merged[merged.length - 1];
    if (last && finding.start < last.end) last.end = Math.max(last.end, finding.end);
    else merged.push({ ...finding });
  }
  return merged;
}

/**
 * Replaces every password, secret, token and key in a paste with [REDACTED], keeping the
 * parameter names, quotes and separators around it so the error still reads and still matches.
 * Pure, total and linear in the length of the text; redacting twice changes nothing more.
 */
export function redactSecrets(text: string): { text: string; kinds: SecretKind[] } {
  return redactWith(text, RULES);
}

/** Every rule on every text, without the trigger-word shortcut: the reference the tests compare against. */
export function redactSecretsWithoutShortcut(text: string): { text: string; kinds: SecretKind[] } {
  return redactWith(
    text,
    RULES.map((r) => ({ ...r, triggers: [] })),
  );
}

function redactWith(text: string, rules: readonly SecretRule[]): { text: string; kinds: SecretKind[] } {
  const secrets = mergeOverlaps(findSecrets(text, rules));
  let redacted = '';
  let copied = 0;
  for (const { start, end } of secrets) {
    redacted += text.slice(copied, start) + REDACTED;
    copied = end;
  }
  redacted += text.slice(copied);
  return { text: redacted, kinds: [...new Set(secrets.map(({ kind }) => kind))] };
}
