import { z } from 'zod';
import { ENTITY, entityChar } from './normalizeText';

/** What a redacted value was, so the bot can tell the admin what to rotate. */
export const SecretKind = z.enum([
  'password',
  'clientSecret',
  'accessToken',
  'storageAccountKey',
  'sharedAccessKey',
  'sasSignature',
  'privateKey',
  'connectionString',
  'apiKey',
]);
export type SecretKind = z.infer<typeof SecretKind>;

export const REDACTED = '[REDACTED]';

/*
 * Linear time: every quantifier is bounded, a pattern can only start at a literal anchor, a quote
 * or a token boundary, the value after the anchor matches without backtracking, and each rule
 * resumes after the value it found. A paste with HTML entities is read at most three times (see
 * htmlViews). A bare value longer than MAX is hidden up to MAX characters; an unterminated string
 * up to the end of its line.
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
/**
 * A bare PowerShell argument; variables, subexpressions, splats, casts, parameters and the call
 * operator & (which also starts an HTML entity) are not literals.
 */
const PS_BARE = `[^\\s${SQ}${DQ}${BT}$@&(){}\\[\\]<>;:,|=#-][^\\s${SQ}${DQ}${BT};,|(){}]{0,${MAX}}`;
const PS_VALUE = `(?<secret>${PS_QUOTED}|${PS_BARE})`;
const PARAM_SEPARATOR = '(?::[ \\t]{0,16}|[ \\t]{1,16})';

/** The bot's app password in a .env or YAML line (other name=value pairs are read by keyValueEnd). */
const KV_QUOTED = `[${SQ}][^${SQ}\\r\\n]{0,${MAX}}[${SQ}]?|[${DQ}][^${DQ}\\r\\n]{0,${MAX}}[${DQ}]?|\\{[^}\\r\\n]{0,${MAX}}\\}?`;
const KV_BARE = `[^\\s${SQ}${DQ}$@({\\[<>;&=][^\\s${SQ}${DQ};&<>]{0,${MAX}}`;
const KV_VALUE = `(?<secret>${KV_QUOTED}|${KV_BARE})`;

const JSON_STRING = `(?<secret>"(?:[^"\\\\\\r\\n]|\\\\[^\\r\\n]){0,${MAX}}"?)`;

/** Letters of the languages pastes come in, digits and _, inside a character class: a name may be Korean ($비밀번호). */
const NAME_CHARS = '\\w\\u00C0-\\u024F\\u0370-\\u04FF\\u3040-\\u30FF\\u3400-\\u9FFF\\uAC00-\\uD7A3';

const USER_NAME = /^(?:[^\s@\\]{1,64}@(?:[a-z0-9-]{1,63}\.){1,8}[a-z]{2,63}|[a-z0-9._-]{1,64}\\[a-z0-9._$-]{1,64})$/i;
const PATH_LIKE = /^(?:[a-z]:[\\/]|\\\\|~?\/[\w.-]{1,64}\/|HK(?:LM|CU|CR|U|CC):|Registry::)/i;
/** Masks, placeholders and literals that carry no secret. */
const PLACEHOLDER = /^(?:\*{1,64}|<[^<>]{0,64}>|true|false|null)$/i;
/** A PowerShell variable, which is no secret unless it is inside single quotes, where `$` is literal. */
const VARIABLE = /^(?:\$\{[^}]{1,64}\}|\$[\w:]{1,64})$/;

/**
 * A name that says its value is a secret. `within`: anywhere in the name folded to lower-case
 * letters and digits ("adminPassword2", "CLIENT_SECRET"), as the last such word, with no word of
 * ABOUT_A_SECRET right after it. `word`: only as a whole word of the name ("adminPass", "api_key"),
 * followed by nothing or by words of AFTER_A_WORD or `then`.
 */
interface SecretName {
  readonly kind: SecretKind;
  readonly within?: string;
  readonly word?: string;
  readonly then?: string;
  /** A word right before it that makes it something else: a skiptoken is a paging cursor. */
  readonly notAfter?: string;
  readonly keep?: RegExp;
}

/** In order: the first that names a secret gives the kind. */
const SECRET_NAMES: readonly SecretName[] = [
  { kind: 'connectionString', within: 'connectionstring' },
  // The bot's own app password is its Entra ID client secret.
  { kind: 'clientSecret', within: 'microsoftapppassword|botpassword' },
  { kind: 'sharedAccessKey', within: 'sharedaccesskey' },
  { kind: 'storageAccountKey', within: 'accountkey' },
  { kind: 'sasSignature', word: 'sas', then: 'token|sig|signature|url|uri' },
  { kind: 'privateKey', within: 'privatekey' },
  { kind: 'password', within: 'passwor[dt]|passwd|pwd|passphrase|passcode|kennwort|motdepasse|contrase(?:ñ|n)a|비밀번호|암호|パスワード|密码|密碼' },
  { kind: 'password', within: 'credential', keep: USER_NAME },
  { kind: 'password', word: 'creds?', keep: USER_NAME },
  { kind: 'password', word: 'pass|pw|pword' },
  { kind: 'clientSecret', within: 'secret' },
  // An assembly's PublicKeyToken identifies its signer.
  { kind: 'accessToken', within: 'token', notAfter: 'skip|next|page|delta|continuation|sync|cancellation|resume|publickey' },
  { kind: 'apiKey', within: 'apikey|accesskey|subscriptionkey|primarykey|secondarykey|masterkey' },
  { kind: 'apiKey', word: 'keys?', notAfter: 'public|registry|reg|hive|sort|foreign|partition|row|lookup|cache|hash' },
];

/** Every name SECRET_NAMES accepts contains one of these (lower-cased), so a text without any has no such name. */
const NAME_TRIGGERS = ['pass', 'pw', 'kennwort', 'contrase', '비밀번호', '암호', 'パスワード', '密码', '密碼', 'cred', 'secret', 'token', 'key', 'sas', 'connection'];

/** What follows the keyword in a name that describes a secret instead of holding one: PasswordNeverExpires, token_type, secretName, 암호화. */
const ABOUT_A_SECRET = new RegExp(
  '^(?:policy|policies|profile|expir|never|age|lifetime|length|len|min|max|hint|prompt|question|required|reset|change|last|history|' +
    'complexity|strength|rule|type|kind|name|id|file|path|uri|url|endpoint|vault|store|cache|location|count|date|time|version|provider|' +
    'enabled|disabled|mode|format|algorithm|size|usage|label|description|method|flag|status|state|error|message|validity|ref|field|' +
    'column|param|header|prefix|suffix|less|export|issuer|audience|scope|lock|pattern|mask|option|setting|ary|iz|화)',
);
const AFTER_A_WORD = /^(?:value|text|plain|plaintext|string|str|b64|base64|raw|clear|cleartext|secure|encoded|new|old|\d+)$/;
const NAME_WORD = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+|[^\p{ASCII}]+/gu;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;
const NOT_ASCII_LETTER_OR_DIGIT = /[^a-z0-9]+/g;
const ASCII = /^[\x20-\x7e]*$/;

interface NameTest {
  readonly name: SecretName;
  readonly within?: RegExp;
  /** The word anywhere in the folded name: without it, the name need not be split into words. */
  readonly wordWithin?: RegExp;
  readonly word?: RegExp;
  readonly then?: RegExp;
  readonly notAfter?: RegExp;
}

const NAME_TESTS: readonly NameTest[] = SECRET_NAMES.map((name) => ({
  name,
  within: name.within === undefined ? undefined : new RegExp(`(?:${name.within})s?`, 'g'),
  wordWithin: name.word === undefined ? undefined : new RegExp(name.word),
  word: name.word === undefined ? undefined : new RegExp(`^(?:${name.word})$`),
  then: name.then === undefined ? undefined : new RegExp(`^(?:${name.then})$`),
  notAfter: name.notAfter === undefined ? undefined : new RegExp(name.within === undefined ? `^(?:${name.notAfter})$` : `(?:${name.notAfter})$`),
}));

function namesWithin(test: NameTest, within: RegExp, folded: string): boolean {
  within.lastIndex = 0;
  let start = -1;
  let end = -1;
  for (let match = within.exec(folded); match !== null; match = within.exec(folded)) {
    start = match.index;
    end = within.lastIndex;
  }
  if (start < 0) return false;
  return !ABOUT_A_SECRET.test(folded.slice(end)) && !test.notAfter?.test(folded.slice(0, start));
}

function namesAsWord(test: NameTest, word: RegExp, words: readonly string[]): boolean {
  let at = -1;
  words.forEach((w, i) => {
    if (word.test(w)) at = i;
  });
  if (at < 0) return false;
  const before = words[at - 1];
  if (before !== undefined && test.notAfter?.test(before)) return false;
  return words.slice(at + 1).every((w) => AFTER_A_WORD.test(w) || test.then?.test(w) === true);
}

/** Names repeat within a paste and across pastes, and what a name says does not change. */
const namesRead = new Map<string, SecretName | null>();
const NAMES_REMEMBERED = 1024;

/** The secret a variable, parameter, property or key of this name holds, if its name says so. */
function secretNamed(name: string): SecretName | undefined {
  const known = namesRead.get(name);
  if (known !== undefined) return known ?? undefined;
  const secret = readName(name);
  if (namesRead.size >= NAMES_REMEMBERED) namesRead.clear();
  namesRead.set(name, secret ?? null);
  return secret;
}

function readName(name: string): SecretName | undefined {
  const lower = name.toLowerCase();
  if (!NAME_TRIGGERS.some((word) => lower.includes(word))) return undefined;
  const ascii = ASCII.test(name);
  const folded = lower.replace(ascii ? NOT_ASCII_LETTER_OR_DIGIT : NOT_LETTER_OR_DIGIT, '');
  let words: string[] | undefined;
  for (const test of NAME_TESTS) {
    const names =
      test.within !== undefined
        ? namesWithin(test, test.within, folded)
        : test.word !== undefined && test.wordWithin?.test(folded) === true && namesAsWord(test, test.word, (words ??= nameWords(name)));
    if (names) {
      return test.name;
    }
  }
  return undefined;
}

function nameWords(name: string): string[] {
  return (name.match(NAME_WORD) ?? []).map((w) => w.toLowerCase());
}

/** A value found by a rule, before the quotes and the whitespace around it are taken off. */
interface Candidate {
  readonly start: number;
  readonly end: number;
  readonly kind: SecretKind;
  /** Values that look like a secret here but are not, such as a user name given to -Credential. */
  readonly keep: readonly RegExp[];
  /** Whether a bare or double-quoted `$name` is a PowerShell variable here rather than text. */
  readonly expands: boolean;
}

interface SecretRule {
  readonly pattern: RegExp;
  /** The value a match found, or undefined when it is not a secret. */
  readonly read: (match: RegExpExecArray, text: string, stops: ValueStops) => Candidate | undefined;
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

interface ValueOptions {
  readonly keep?: RegExp;
  readonly expands?: boolean;
  /** Whether the pattern goes on after the group `secret`; see secretBounds. */
  readonly secretInside?: boolean;
}

/**
 * Where the group `secret` is. Match indices (the d flag) cost V8 about a microsecond a match, which
 * adds up in a paste full of name=value pairs, so a pattern that ends with its secret does without them.
 */
function secretBounds(match: RegExpExecArray): [number, number] | undefined {
  const indexed = match.indices?.groups?.['secret'];
  if (indexed) return indexed;
  const secret = match.groups?.['secret'];
  if (secret === undefined) return undefined;
  const end = match.index + match[0].length;
  return [end - secret.length, end];
}

/** A rule whose pattern has a group named `secret`, the value with its quotes. */
function rule(kind: SecretKind, source: string, { keep, expands = true, secretInside = false }: ValueOptions = {}): Omit<SecretRule, 'triggers'> {
  return {
    pattern: new RegExp(source, secretInside ? 'dgi' : 'gi'),
    read: (match, text) => {
      const bounds = secretBounds(match);
      if (!bounds) return undefined;
      return { start: bounds[0], end: valueEnd(text, bounds[0], bounds[1]), kind, keep: keep ? [keep] : [], expands };
    },
  };
}

interface NamedOptions {
  readonly expands?: boolean;
  /** Names that look like a secret's here but are not. */
  readonly skip?: RegExp;
  /** Case-sensitive unless the pattern has letters of its own: case folding slows the scan. */
  readonly ignoreCase?: boolean;
}

/** A rule whose pattern has a group `name` and ends with a group `secret`: the name tells whether the value is a secret, and which. */
function named(source: string, { expands = true, skip, ignoreCase = false }: NamedOptions = {}): Omit<SecretRule, 'triggers'> {
  return {
    pattern: new RegExp(source, ignoreCase ? 'gi' : 'g'),
    read: (match, text) => {
      const name = match.groups?.['name'];
      const secret = name === undefined || skip?.test(name) ? undefined : secretNamed(name);
      const bounds = secret ? secretBounds(match) : undefined;
      if (!secret || !bounds) return undefined;
      return { start: bounds[0], end: valueEnd(text, bounds[0], bounds[1]), kind: secret.kind, keep: keepFor(secret), expands };
    },
  };
}

function keepFor(secret: SecretName): readonly RegExp[] {
  return secret.keep ? [PATH_LIKE, secret.keep] : [PATH_LIKE];
}

/**
 * name=value in hashtables (quoted names too), connection strings, .env files, URL queries and form bodies;
 * not $name=value. The pattern finds the '=' (a scan V8 makes fast only without a lookbehind), nameBefore
 * the name and keyValueEnd the value.
 */
function keyValue(skip: RegExp): Omit<SecretRule, 'triggers'> {
  return {
    pattern: /=(?![=>~])[ \t]{0,8}/g,
    read: (match, text, stops) => {
      const nameStart = nameBefore(text, match.index);
      const name = nameStart === undefined ? undefined : text.slice(nameStart, nameEnd(text, match.index));
      const secret = name === undefined || skip.test(name) ? undefined : secretNamed(name);
      if (!secret || nameStart === undefined) return undefined;
      const start = match.index + match[0].length;
      const end = keyValueEnd(text, start, nameStart, stops);
      return end > start ? { start, end, kind: secret.kind, keep: keepFor(secret), expands: true } : undefined;
    },
  };
}

const NAME_CHAR = new RegExp(`[${NAME_CHARS}.\\-]`);
const QUOTE_CHARS = SQ + DQ;

/** Where the name before an '=' ends: before the blanks and a closing quote. */
function nameEnd(text: string, equals: number): number {
  let end = equals;
  while (end > 0 && equals - end < 8 && (text.charAt(end - 1) === ' ' || text.charAt(end - 1) === '\t')) end -= 1;
  return end > 0 && QUOTE_CHARS.includes(text.charAt(end - 1)) ? end - 1 : end;
}

/** Where the name before an '=' starts, if it has one of at most 64 characters that no $ makes a variable. */
function nameBefore(text: string, equals: number): number | undefined {
  const end = nameEnd(text, equals);
  let start = end;
  while (start > 0 && end - start < 64 && NAME_CHAR.test(text.charAt(start - 1))) start -= 1;
  if (start === end) return undefined;
  const before = start > 0 && QUOTE_CHARS.includes(text.charAt(start - 1)) ? start - 1 : start;
  const outside = text.charAt(before - 1);
  return before > 0 && (outside === '$' || NAME_CHAR.test(outside)) ? undefined : start;
}

const KV_NO_VALUE = /[\s@([<>;&=,|]/;
const KV_STOP = new RegExp(`[${SQ}${DQ};<>\\r\\n]`);
/** An & ends a value only where another name=value follows, as in a URL query or a form body. */
const NEXT_PAIR = /[\w.%-]{1,64}=/y;

/**
 * Where the bare values of one text stop (a quote, ;, < or >, a line break, & before another pair),
 * each found once while a rule reads the text front to back: the next stop is the same from anywhere before it.
 */
class ValueStops {
  private from = 0;
  private stop = -1;

  constructor(private readonly text: string) {}

  next(at: number): number {
    if (at < this.from || at > this.stop) {
      this.from = at;
      this.stop = at;
      while (this.stop < this.text.length && !endsValue(this.text, this.stop)) this.stop += 1;
    }
    return this.stop;
  }
}

function endsValue(text: string, at: number): boolean {
  const char = text.charAt(at);
  if (char !== '&') return KV_STOP.test(char);
  NEXT_PAIR.lastIndex = at + 1;
  return NEXT_PAIR.test(text);
}

/**
 * Where a key=value value starting at `start` ends: a quoted or braced one at its closing quote or brace;
 * a bare one in a connection string (a ; before its name or after it) at the ;, spaces included,
 * elsewhere at the first whitespace.
 */
function keyValueEnd(text: string, start: number, nameStart: number, stops: ValueStops): number {
  const first = text.charAt(start);
  const closers = CLOSING_QUOTES[first];
  if (closers !== undefined) {
    let end = start + 1;
    while (end < text.length && !closers.includes(text.charAt(end)) && !isLineBreak(text.charAt(end))) end += 1;
    return end < text.length && closers.includes(text.charAt(end)) ? end + 1 : end;
  }
  if (first === '' || KV_NO_VALUE.test(first)) return start;
  const stop = Math.min(stops.next(start), start + MAX);
  if (text.charAt(stop) === ';' || semicolonBefore(text, nameStart)) return stop;
  let end = start + 1;
  while (end < stop && !isSpace(text.charAt(end))) end += 1;
  return end;
}

function semicolonBefore(text: string, at: number): boolean {
  let before = at - 1;
  while (before >= 0 && (text.charAt(before) === ' ' || text.charAt(before) === '\t')) before -= 1;
  return text.charAt(before) === ';';
}

/** -Name value, -Name:value and --name value. */
const PARAMETER = `(?<![\\w-])--?(?<name>[A-Za-z][\\w-]{0,63})(?![\\w-])${PARAM_SEPARATOR}${PS_VALUE}`;
/** $name = 'literal', also $env:NAME, $obj.Name and ${name}; an unquoted value is a command or a variable. */
const VARIABLE_ASSIGNMENT = `\\$\\{?(?<name>(?:[A-Za-z]{1,16}:)?[${NAME_CHARS}.]{1,64})\\}?[ \\t]{0,16}=(?![=>~])[ \\t]{0,16}(?<secret>${PS_QUOTED})`;
const JSON_PROPERTY = `"(?<name>[^"\\\\\\r\\n]{1,64})"[ \\t]{0,16}:[ \\t]{0,16}${JSON_STRING}`;
/** <add key="ClientSecret" value="..." /> in the appSettings of a web.config or app.config. */
const APP_SETTING = `(?<![\\w-])key[ \\t]{0,8}=[ \\t]{0,8}["'](?<name>[^"'<>\\r\\n]{1,128})["'][ \\t\\r\\n]{1,16}value[ \\t]{0,8}=[ \\t]{0,8}(?<secret>"[^"\\r\\n]{0,${MAX}}"?|'[^'\\r\\n]{0,${MAX}}'?)`;
/** A map's own "key" property or attribute names the entry, it is not a key. */
const MAP_KEY = /^keys?$/i;

/**
 * PowerShell before 7.4 quotes the plain string it could not convert to a SecureString, in the language of
 * Windows (wordings from console output in each language). A console wraps long lines, even mid-word, so a
 * line break may come between any two characters. In a message, " stands for any quote (« », “ ”), a space
 * for any whitespace, {value} for the secret and {name} for an argument's or method's name.
 */
const SECURE_STRING_ERRORS: ReadonlyArray<{ readonly lang: string; readonly message: string }> = [
  { lang: 'en', message: 'Cannot convert the "{value}" value of type "System.String" to type "System.Security.SecureString"' },
  { lang: 'en', message: 'Cannot convert value "{value}" to type "System.Security.SecureString"' },
  { lang: 'en', message: 'Cannot convert argument "{name}", with value: "{value}", for "{name}" to type "System.Security.SecureString"' },
  { lang: 'ko', message: '"System.String" 형식의 "{value}" 값을 "System.Security.SecureString" 형식으로 변환할 수 없습니다' },
  { lang: 'ko', message: '"System.String" 유형의 "{value}" 값을 "System.Security.SecureString" 유형으로 변환할 수 없습니다' },
  { lang: 'de', message: 'Der Wert "{value}" vom Typ "System.String" kann nicht in den Typ "System.Security.SecureString" konvertiert werden' },
  { lang: 'de', message: 'Der Wert "{value}" kann nicht in den Typ "System.Security.SecureString" konvertiert werden' },
  { lang: 'fr', message: 'Impossible de convertir la valeur "{value}" du type "System.String" en type "System.Security.SecureString"' },
  { lang: 'ja', message: '型 "System.String" の "{value}" 値を型 "System.Security.SecureString" に変換できません' },
  { lang: 'ja', message: '値 "{value}" を型 "System.Security.SecureString" に変換できません' },
  { lang: 'es', message: 'No se puede convertir el valor "{value}" de tipo "System.String" al tipo "System.Security.SecureString"' },
  { lang: 'es', message: 'No se puede convertir el valor "{value}" al tipo "System.Security.SecureString"' },
  { lang: 'zh', message: '无法将"System.String"类型的"{value}"值转换为"System.Security.SecureString"类型' },
  { lang: 'zh', message: '无法将值"{value}"转换为类型"System.Security.SecureString"' },
];

const MESSAGE_QUOTES = `"\u201C\u201D\u201E\u00AB\u00BB`;

/** Every wording in one case-sensitive pattern, in which each wording's one capture group is the value. */
function secureStringError(): Omit<SecretRule, 'triggers'> {
  return {
    pattern: new RegExp(SECURE_STRING_ERRORS.map(({ message }) => `(?:${messagePattern(message)})`).join('|'), 'dg'),
    read: (match, text) => {
      const bounds = match.indices?.find((group, i) => i > 0 && group !== undefined);
      if (!bounds) return undefined;
      return { start: bounds[0], end: valueEnd(text, bounds[0], bounds[1]), kind: 'password', keep: [], expands: false };
    },
  };
}

function messagePattern(message: string): string {
  return message
    .split(/(\{value\}|\{name\}|"| )/)
    .map((part) => {
      if (part === '{value}') return `([^${MESSAGE_QUOTES}]{1,1024})`;
      if (part === '{name}') return `[^${MESSAGE_QUOTES}\\r\\n]{1,128}`;
      if (part === '"') return `[ \\u00A0\\u202F]?[${MESSAGE_QUOTES}][ \\u00A0\\u202F]?`;
      if (part === ' ') return '\\s{1,4}';
      return [...part].map((char) => char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('(?:\\r?\\n)?');
    })
    .join('');
}

const APPLICATION_ID_AS_USER = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:/i;
/** What Basic credentials decode to: user:password, in printable characters. */
const USER_AND_PASSWORD = /^[^\p{Cc}:]*:[^\p{Cc}]*$/u;

/** Authorization: Basic, which is user:password in base64; with an application id as the user, a client secret. */
function basicCredentials(): Omit<SecretRule, 'triggers'> {
  const header = `(?<![\\w-])(?:Proxy-)?Authorization[${SQ}${DQ}]?[ \\t]{0,8}[:=][ \\t]{0,8}[${SQ}${DQ}]?[ \\t]{0,8}`;
  return {
    pattern: new RegExp(`${header}Basic[ \\t]{1,8}(?<secret>[a-z0-9+/]{4,${MAX}}={0,2})(?![\\w+/=])`, 'gi'),
    read: (match) => {
      const bounds = secretBounds(match);
      const encoded = match.groups?.['secret'];
      if (!bounds || encoded === undefined) return undefined;
      const credentials = Buffer.from(encoded, 'base64').toString('utf8');
      if (encoded.length % 4 !== 0 || !USER_AND_PASSWORD.test(credentials)) return undefined;
      return { start: bounds[0], end: bounds[1], kind: APPLICATION_ID_AS_USER.test(credentials) ? 'clientSecret' : 'password', keep: [], expands: false };
    },
  };
}

/** On overlap the earlier-starting, then longer, then earlier-listed rule names the kind. */
const RULES: readonly SecretRule[] = [
  when(
    ['private key'],
    rule(
      'privateKey',
      '-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY-----(?<secret>(?:[^-]|-(?!----)){0,16384})(?:-----END[ A-Z0-9]{0,40}PRIVATE KEY-----)?',
      { secretInside: true },
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
      { secretInside: true },
    ),
  ),
  // The password is the second argument of both constructors; a NetworkCredential may have a third, the domain.
  when(
    ['credential'],
    rule(
      'password',
      'Credential(?<=(?<![\\w-])(?:PS|Network)Credential)\\]?(?:::new)?[ \\t]{0,16}(?:-ArgumentList(?::|[ \\t]{1,16}))?[ \\t]{0,16}@?\\(?[ \\t]{0,16}' +
        `(?:[${SQ}][^${SQ}\\r\\n]{0,256}[${SQ}]|[${DQ}][^${DQ}\\r\\n]{0,256}[${DQ}]|\\$[\\w:.]{1,64}|[\\w.]{1,64})[ \\t]{0,16},[ \\t]{0,16}(?<secret>${PS_QUOTED})`,
    ),
  ),
  // One line break within System.Security.SecureString leaves one of the two trigger words whole.
  when(['securestring', 'security.'], secureStringError()),
  // The bot's own app password, in .env files, appsettings.json and $env: assignments.
  when(
    ['microsoftapppassword', 'microsoft_app_password', 'bot_password'],
    rule(
      'clientSecret',
      `(?<!\\w)(?:MicrosoftAppPassword|MICROSOFT_APP_PASSWORD|(?:SECRET_)?BOT_PASSWORD)[${SQ}${DQ}]?[ \\t]{0,8}[=:][ \\t]{0,8}${KV_VALUE}`,
    ),
  ),
  when(['basic'], basicCredentials()),
  // A token68 followed by '=' and a quote is an auth-param (Bearer authorization_uri="..."), not a token.
  when(['bearer'], rule('accessToken', '(?<![\\w-])Bearer[ \\t]{1,16}(?<secret>[\\w.~+/-]{16,16384}(?:={1,4}(?![\\w"])|(?![\\w.~+/=-])))')),
  when(['eyj'], rule('accessToken', '(?<![\\w-])(?<secret>eyJ[\\w-]{5,2048}\\.[\\w-]{2,32768}\\.[\\w-]{0,4096})')),
  when(NAME_TRIGGERS, named(PARAMETER)),
  when(NAME_TRIGGERS, named(VARIABLE_ASSIGNMENT)),
  when(NAME_TRIGGERS, named(JSON_PROPERTY, { expands: false, skip: MAP_KEY })),
  when(NAME_TRIGGERS, keyValue(MAP_KEY)),
  when(['key'], named(APP_SETTING, { expands: false, ignoreCase: true })),
  when(['sig='], rule('sasSignature', '(?<![\\w-])sig=(?<secret>[^&\\s\'"#;<>]{1,1024})')),
  when(
    ['://'],
    rule('password', `(?<![\\w+.-])[a-z][\\w+.-]{1,16}://[^\\s/?#@:'"<>]{1,256}:(?<secret>[^\\s/?#@'"<>]{1,256})@`, { secretInside: true }),
  ),
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

function isLineBreak(char: string): boolean {
  return char === '\n' || char === '\r';
}

function lineEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && !isLineBreak(text.charAt(end))) end += 1;
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
function secretSpan(text: string, { start, end, keep, expands }: Candidate): [number, number] | undefined {
  let from = start;
  let to = end;
  const opening = text.charAt(from);
  const closers = CLOSING_QUOTES[opening];
  if (closers !== undefined) {
    from += 1;
    if (to > from && closers.includes(text.charAt(to - 1))) to -= 1;
  }
  while (from < to && isSpace(text[from])) from += 1;
  while (to > from && isSpace(text[to - 1])) to -= 1;
  const value = text.slice(from, to);
  if (value === '' || value.startsWith(REDACTED) || PLACEHOLDER.test(value) || keep.some((k) => k.test(value))) return undefined;
  if (expands && !SQ.includes(opening) && VARIABLE.test(value)) return undefined;
  return [from, to];
}

/** Whether a text has any rule's trigger word, in one pass: most pastes have none. */
const ANY_TRIGGER = new RegExp([...new Set(RULES.flatMap((r) => r.triggers))].map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));

function findSecrets(text: string, rules: readonly SecretRule[]): Finding[] {
  const found: Finding[] = [];
  const lower = text.toLowerCase();
  const maybeTriggered = ANY_TRIGGER.test(lower);
  rules.forEach(({ pattern, read, triggers }, order) => {
    if (triggers.length > 0 && (!maybeTriggered || !triggers.some((word) => lower.includes(word)))) return;
    const matcher = new RegExp(pattern);
    const stops = new ValueStops(text);
    for (let match = matcher.exec(text); match !== null; match = matcher.exec(text)) {
      const candidate = read(match, text, stops);
      if (!candidate) continue;
      // Resuming after the value keeps each rule's scan linear.
      matcher.lastIndex = Math.max(matcher.lastIndex, candidate.end);
      const span = secretSpan(text, candidate);
      if (span) found.push({ start: span[0], end: span[1], kind: candidate.kind, order });
    }
  });
  return found;
}

function byPosition(a: Finding, b: Finding): number {
  return a.start - b.start || b.end - a.end || a.order - b.order;
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
 * A paste with HTML entities is also read decoded, once and twice, as Teams delivers it.
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
  const found = htmlViews(text).flatMap((view) => {
    const findings = findSecrets(view.text, rules);
    return findings.length > 0 && view.decodes ? findings.map(inPaste(originsInPaste(view.text, view.decodes))) : findings;
  });
  const secrets = mergeOverlaps(found.sort(byPosition));
  let redacted = '';
  let copied = 0;
  for (const { start, end } of secrets) {
    redacted += text.slice(copied, start) + REDACTED;
    copied = end;
  }
  redacted += text.slice(copied);
  return { text: redacted, kinds: [...new Set(secrets.map(({ kind }) => kind))] };
}

/** The paste, or the view it is a decoding of. */
interface View {
  readonly text: string;
  readonly decodes?: View;
}

/** Teams escapes what it delivers as HTML, and a paste of escaped text comes escaped twice. */
const ESCAPE_LEVELS = 2;

/** The paste, then the paste with its HTML entities decoded once and twice, as far as it has entities. */
function htmlViews(text: string): View[] {
  const views: View[] = [{ text }];
  for (let level = 0; level < ESCAPE_LEVELS; level++) {
    const view = views[views.length - 1] as View;
    const decoded = decodeEntities(view.text);
    if (decoded === undefined) break;
    views.push({ text: decoded, decodes: view });
  }
  return views;
}

function decodeEntities(text: string): string | undefined {
  if (!text.includes('&')) return undefined;
  let decoded = '';
  let copied = 0;
  for (const match of text.matchAll(ENTITY)) {
    const char = entityChar(match[1] as string);
    if (char === undefined) continue;
    decoded += text.slice(copied, match.index) + char;
    copied = match.index + match[0].length;
  }
  return copied === 0 ? undefined : decoded + text.slice(copied);
}

/** For each position in a decoded text, and its end, the position in the paste it comes from; built only for a view with findings. */
function originsInPaste(text: string, decodes: View): Int32Array {
  const encoded = decodes.text;
  const origins = new Int32Array(text.length + 1);
  let at = 0;
  let copied = 0;
  for (const match of encoded.matchAll(ENTITY)) {
    const char = entityChar(match[1] as string);
    if (char === undefined) continue;
    while (copied < match.index) origins[at++] = copied++;
    for (let i = 0; i < char.length; i++) origins[at++] = match.index;
    copied = match.index + match[0].length;
  }
  while (copied <= encoded.length) origins[at++] = copied++;
  if (!decodes.decodes) return origins;
  const outer = originsInPaste(encoded, decodes.decodes);
  return origins.map((i) => outer[i] as number);
}

function inPaste(origins: Int32Array): (finding: Finding) => Finding {
  return (finding) => ({ ...finding, start: origins[finding.start] as number, end: origins[finding.end] as number });
}
