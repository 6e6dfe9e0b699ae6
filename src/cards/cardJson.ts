/**
 * JSON for cards, reusing what was already serialized. An expanded card is frozen and sent again and
 * again (the same error pasted, help, list); its parts' JSON is kept beside it as UTF-8, so that
 * sending it serializes only what changes per reply (the activity around it, the buttons' data) and
 * copies the rest. The output is what JSON.stringify gives for the same value.
 */

/** A part's JSON as UTF-8, or in pieces: encoded text, and text still to encode (per-reply values). */
export type JsonPieces = ReadonlyArray<Buffer | string>;

const jsonOf = new WeakMap<object, Buffer | JsonPieces>();

/**
 * Keeps the JSON of each object or array directly under a frozen card, and of each element of
 * those arrays: a card whose late values (see expandCardLate) were put into a copy of its body
 * still shares the other elements.
 */
export function rememberJson(card: Readonly<Record<string, unknown>>): void {
  if (!Object.isFrozen(card)) throw new Error('rememberJson: only a frozen card keeps its JSON');
  for (const value of Object.values(card)) {
    if (typeof value !== 'object' || value === null || !Object.isFrozen(value)) continue;
    jsonOf.set(value, Buffer.from(JSON.stringify(value)));
    if (!Array.isArray(value)) continue;
    for (const element of value as unknown[]) {
      if (typeof element === 'object' && element !== null && Object.isFrozen(element)) jsonOf.set(element, Buffer.from(JSON.stringify(element)));
    }
  }
}

/** Keeps the JSON of a frozen card part built without JSON.stringify (see expandCardLate); it must be what JSON.stringify gives. */
export function rememberJsonOf(part: object, json: JsonPieces): void {
  if (!Object.isFrozen(part)) throw new Error('rememberJsonOf: only a frozen part keeps its JSON');
  jsonOf.set(part, json);
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The keys under which a Bot Framework reply holds cards: {activities: [{attachments: [{content: card}]}]}. */
const TOWARDS_A_CARD = new Set(['activities', 'attachments', 'content']);

function leadsToCards(value: Record<string, unknown>): boolean {
  for (const key of TOWARDS_A_CARD) if (Object.hasOwn(value, key)) return true;
  return false;
}

/** Where a part sits: in the reply around cards, directly in a card, or deeper. */
type Place = 'reply' | 'card' | 'deep';

/**
 * The UTF-8 bytes of JSON.stringify(value), or undefined where JSON.stringify gives undefined. It
 * walks only the way to cards (see TOWARDS_A_CARD) and one level into them, hands every other part
 * to JSON.stringify whole, and copies the bytes of remembered card parts as they are: a reply with
 * a card is assembled from a few buffers instead of being built as a string and encoded.
 */
export function jsonBytes(value: unknown): Buffer | undefined {
  if (serializedWhole(value)) {
    const text = JSON.stringify(value) as string | undefined;
    return text === undefined ? undefined : Buffer.from(text);
  }
  const out = new JsonOut();
  writeObject(value as object, 'reply', out);
  return out.finish();
}

/** A value JSON.stringify writes by itself: anything but an object or array without toJSON. */
function serializedWhole(value: unknown): boolean {
  return typeof value !== 'object' || value === null || typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/**
 * The reply in pieces: text, and bytes that are already encoded. finish() encodes the text straight
 * into the one buffer it allocates, after or between the encoded pieces.
 */
class JsonOut {
  private readonly pieces: Array<Buffer | string> = [];
  /** An upper bound of the UTF-8 length: three bytes per UTF-16 code unit of text at most. */
  private bound = 0;
  text = '';

  bytes(bytes: Buffer): void {
    this.flush();
    this.pieces.push(bytes);
    this.bound += bytes.length;
  }

  finish(): Buffer {
    this.flush();
    const out = Buffer.allocUnsafe(this.bound);
    let at = 0;
    for (const piece of this.pieces) {
      if (typeof piece === 'string') at += out.write(piece, at);
      else at += piece.copy(out, at);
    }
    return out.subarray(0, at);
  }

  private flush(): void {
    if (this.text === '') return;
    this.pieces.push(this.text);
    this.bound += 3 * this.text.length;
    this.text = '';
  }
}

/** Writes an object or array (without toJSON); remembered parts as their bytes or JSON. */
function writeObject(value: object, place: Place, out: JsonOut): void {
  const known = jsonOf.get(value);
  if (Buffer.isBuffer(known)) return out.bytes(known);
  if (known !== undefined) {
    for (const piece of known) {
      if (typeof piece === 'string') out.text += piece;
      else out.bytes(piece);
    }
    return;
  }
  if (place === 'deep') {
    out.text += JSON.stringify(value);
    return;
  }
  if (Array.isArray(value)) {
    // A card's arrays (body, actions) hold remembered elements; arrays in the reply may hold cards.
    const inner: Place = place === 'card' ? 'deep' : 'reply';
    out.text += '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.text += ',';
      if (!writeValue(value[i], inner, out)) out.text += 'null';
    }
    out.text += ']';
    return;
  }
  if (place === 'card' || !isPlainObject(value)) {
    out.text += JSON.stringify(value);
    return;
  }
  const isCard = value.type === 'AdaptiveCard';
  // An object on the way to no card (a reply with only text) is serialized whole.
  if (!isCard && !leadsToCards(value)) {
    out.text += JSON.stringify(value);
    return;
  }
  out.text += '{';
  let separator = '';
  for (const key of Object.keys(value)) {
    const child = value[key];
    const name = `${separator}${JSON.stringify(key)}:`;
    if (serializedWhole(child)) {
      // undefined for what JSON.stringify leaves out of an object (undefined, functions, symbols).
      const text = JSON.stringify(child) as string | undefined;
      if (text === undefined) continue;
      out.text += name + text;
    } else {
      out.text += name;
      writeObject(child as object, isCard ? 'card' : TOWARDS_A_CARD.has(key) ? 'reply' : 'deep', out);
    }
    separator = ',';
  }
  out.text += '}';
}

/** Writes one array element; false (and nothing written) where JSON.stringify writes null instead. */
function writeValue(value: unknown, place: Place, out: JsonOut): boolean {
  if (!serializedWhole(value)) {
    writeObject(value as object, place, out);
    return true;
  }
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) return false;
  out.text += text;
  return true;
}
