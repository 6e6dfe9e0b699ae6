const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  hellip: '…',
};

/** The character an HTML entity's body ("amp", "#39", "#x27") stands for, or undefined for one we do not know. */
export function entityChar(body: string): string | undefined {
  if (body.startsWith('#')) {
    const hex = body[1] === 'x' || body[1] === 'X';
    const code = Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  }
  return NAMED_ENTITIES[body.toLowerCase()];
}

function decodeEntity(whole: string, body: string): string {
  return entityChar(body) ?? whole;
}

const NON_ASCII = /[\u0080-\uffff]/;
const BLOCK_TAG = /<\s*(?:br|\/p|\/div|\/pre|\/li|\/tr|\/h[1-6]|\/blockquote)\b[^>]*>/gi;
const ANY_TAG = /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>/gi;
/** An HTML entity; its body (without & and ;) is the first group. */
export const ENTITY = /&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi;

/**
 * Turns what a chat client delivers into the text the user saw: Teams HTML tags become line
 * breaks or nothing, entities are decoded, and Unicode compatibility forms (full-width letters,
 * ideographic spaces) are folded to their plain forms.
 */
export function toPlainText(input: string): string {
  let text = input;
  if (text.includes('<')) text = text.replace(BLOCK_TAG, '\n').replace(ANY_TAG, '');
  if (text.includes('&')) text = text.replace(ENTITY, decodeEntity);
  // ASCII is its own NFKC form.
  if (NON_ASCII.test(text)) text = text.normalize('NFKC');
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** Hangul, kana and CJK ideographs carry about twice the information of a Latin letter. */
export function isWide(code: number): boolean {
  return code >= 0x1100 && (code <= 0x11ff || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7af) || (code >= 0xf900 && code <= 0xfaff));
}

const WORD_CHAR = /^[\p{L}\p{N}]$/u;
/** Per BMP code unit: 0 not yet known, 1 a letter or digit, 2 anything else. */
const wordCharTable = new Uint8Array(0x10000);

function isWordCharCode(code: number): boolean {
  let known = wordCharTable[code] as number;
  if (known === 0) {
    // Surrogate halves are dropped: letters outside the BMP do not occur in the texts we match.
    known = code < 0xd800 || code > 0xdfff ? (WORD_CHAR.test(String.fromCharCode(code)) ? 1 : 2) : 2;
    wordCharTable[code] = known;
  }
  return known === 1;
}

/**
 * The form the matcher compares: lower case, letters and digits only. Without spaces and
 * punctuation, hard wraps (even mid-word), indentation, quoting and odd spacing all vanish.
 */
export function compactText(plain: string): string {
  const lower = plain.toLowerCase();
  if (ASCII_ONLY.test(lower)) return lower.replace(NOT_ASCII_WORD, '');
  const codes = new Uint16Array(lower.length);
  let n = 0;
  for (let i = 0; i < lower.length; i++) {
    const code = lower.charCodeAt(i);
    if (isWordCharCode(code)) codes[n++] = code;
  }
  // Node runs on little-endian machines only, so the code units decode as UTF-16LE.
  return UTF16.decode(codes.subarray(0, n));
}

const UTF16 = new TextDecoder('utf-16le');

const ASCII_ONLY = /^[^\u0080-\uffff]*$/;
const NOT_ASCII_WORD = /[^a-z0-9]+/g;
