import type { Template } from 'adaptivecards-templating';

export type CardJson = Record<string, unknown>;

export interface CardAttachment {
  contentType: 'application/vnd.microsoft.card.adaptive';
  content: CardJson;
}

/** Teams refuses a message whose activity, as JSON, is larger than this. */
export const MAX_MESSAGE_BYTES = 28 * 1024;
/** What a card may take of a message: the activity around it (ids, addresses, the attachment) takes far less than the rest. */
export const MAX_CARD_BYTES = MAX_MESSAGE_BYTES - 4 * 1024;
/** The longest stretch of pasted text a card echoes. */
export const MAX_ECHO_CHARS = 3000;

/** new Template() parses every expression of the template, which costs far more than expanding it: once per template. */
const prepared = new WeakMap<object, Template>();

/**
 * Binds data to a template. The templating engine evaluates only the template's own
 * expressions: strings in the data (a paste containing "${...}") are inserted as text.
 */
export function expandCard(template: object, data: object): CardJson {
  let found = prepared.get(template);
  if (!found) {
    found = new (loadTemplating().Template)(template);
    prepared.set(template, found);
  }
  const json = JSON.stringify(found.expand({ $root: data }));
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_CARD_BYTES) throw new CardTooLargeError(bytes);
  return withSizeBound(JSON.parse(json) as CardJson, bytes);
}

export class CardTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`card is ${bytes} bytes, over the ${MAX_CARD_BYTES}-byte limit`);
    this.name = 'CardTooLargeError';
  }
}

/** A card's size as it is sent: its JSON in UTF-8, what JSON escapes (control characters, lone surrogates) counted escaped. */
export function cardBytes(card: CardJson): number {
  return Buffer.byteLength(JSON.stringify(card));
}

/**
 * Upper bounds of card sizes, so that a card built from an expansion need not be serialized again
 * to be measured: an expansion's size is known from expanding it, and what goes in afterwards (late
 * values, button data) is counted as it goes in. Most cards are far below the limit.
 */
const sizeBounds = new WeakMap<object, number>();

/** Records that the card's JSON is at most `bytes` long; returns the card. */
export function withSizeBound<T extends object>(card: T, bytes: number): T {
  sizeBounds.set(card, bytes);
  return card;
}

/** At most how large the card's JSON is, when that was recorded (withSizeBound). */
export function sizeBound(card: object): number | undefined {
  return sizeBounds.get(card);
}

/**
 * At most how large a value is as JSON in UTF-8, from the lengths of its strings alone: a UTF-16
 * unit takes at most six bytes (\uXXXX), so nothing has to be serialized to bound it.
 */
export function jsonBytesAtMost(value: unknown): number {
  if (typeof value === 'string') return 6 * value.length + 2;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + jsonBytesAtMost(item) + 1, 2);
  if (typeof value === 'object' && value !== null) return Object.entries(value).reduce((sum, [key, item]) => sum + jsonBytesAtMost(key) + jsonBytesAtMost(item) + 2, 2);
  return 24;
}

/**
 * The card of the first variant, fullest first, that fits MAX_CARD_BYTES measured as it is sent,
 * per-paste values and button data included: whole, unless its size bound is already under the
 * limit. The last variant should carry nothing from the paste; a card too large even then is a
 * fault of the templates or the knowledge data.
 */
export function fitCard<T>(variants: Iterable<T>, render: (variant: T) => CardJson): CardJson {
  let tooLarge: CardTooLargeError | undefined;
  for (const variant of variants) {
    try {
      const card = render(variant);
      if ((sizeBound(card) ?? Infinity) <= MAX_CARD_BYTES) return card;
      const bytes = cardBytes(card);
      if (bytes <= MAX_CARD_BYTES) return card;
      tooLarge = new CardTooLargeError(bytes);
    } catch (err) {
      if (!(err instanceof CardTooLargeError)) throw err;
      tooLarge = err;
    }
  }
  throw tooLarge ?? new RangeError('fitCard: no variant to render');
}

/** adaptivecards-templating (with adaptive-expressions and ANTLR) is loaded on the first expansion, not at import. */
function loadTemplating(): typeof import('adaptivecards-templating') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('adaptivecards-templating') as typeof import('adaptivecards-templating');
}

/**
 * expandCard for a caller that can name its data with a short key (equal keys, equal data): the
 * same card (the same mode in the same language, help, list) is expanded once, and its data only
 * built then. Each template keeps its most recently used expansions. Cards are shared, so they are
 * frozen: a caller that needs a variant copies the part it changes.
 */
export function expandCardCached(template: object, key: string, buildData: () => object): CardJson {
  const perTemplate = expanded.get(template) ?? new Map<string, CardJson>();
  expanded.set(template, perTemplate);
  let card = perTemplate.get(key);
  if (card === undefined) {
    card = deepFreeze(expandCard(template, buildData()));
    if (perTemplate.size >= MAX_EXPANSIONS_PER_TEMPLATE) perTemplate.delete(perTemplate.keys().next().value as string);
  } else {
    perTemplate.delete(key);
  }
  perTemplate.set(key, card);
  return card;
}
const MAX_EXPANSIONS_PER_TEMPLATE = 128;
const expanded = new WeakMap<object, Map<string, CardJson>>();

/**
 * A value that differs with every paste (a user's address, the pasted excerpt, a percentage). The
 * card is expanded and cached with this marker in its place, and expandCardLate puts the value in:
 * otherwise every paste would cost a whole expansion (about a quarter of a millisecond).
 */
export function late(name: string): string {
  return `${LATE_MARK}${name}${LATE_END}`;
}
const LATE_MARK = '\ue000late:';
const LATE_END = '\ue000';
const LATE_VALUE = /\ue000late:([^\ue000]{1,64})\ue000/g;

/**
 * expandCardCached for a card with late fields (see late()): the expansion is cached under `key`,
 * which must not depend on the late values, and each call puts `values` into a frozen copy of the
 * parts that hold markers; the other parts are shared with the cached card. Only the card with
 * its values can be measured: the caller fits it (fitCard), helped by its size bound.
 */
export function expandCardLate(template: object, key: string, buildData: () => object, values: Readonly<Record<string, string>>): CardJson {
  const cached = expandCardCached(template, key, buildData);
  const added = { bytes: 0 };
  const card = fillLate(cached, values, added) as CardJson;
  const bound = sizeBound(cached);
  return bound === undefined ? card : withSizeBound(card, bound + added.bytes);
}

/** Puts the values in; `added` counts every value put in as JSON, an upper bound of what the card grows by. */
function fillLate(node: unknown, values: Readonly<Record<string, string>>, added: { bytes: number }): unknown {
  if (typeof node === 'string') {
    if (!node.includes(LATE_MARK)) return node;
    return node.replace(LATE_VALUE, (_, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`card: no value for the late field "${name}"`);
      added.bytes += jsonBytesAtMost(value);
      return value;
    });
  }
  if (typeof node !== 'object' || node === null || !holdsLate(node)) return node;
  if (Array.isArray(node)) return Object.freeze(node.map((child) => fillLate(child, values, added)));
  return Object.freeze(Object.fromEntries(Object.entries(node).map(([k, child]) => [k, fillLate(child, values, added)])));
}

/** Whether a part of a cached (frozen, unchanging) card holds a late marker; remembered per part. */
function holdsLate(node: object): boolean {
  let found = lateParts.get(node);
  if (found === undefined) {
    found = JSON.stringify(node).includes(LATE_MARK);
    lateParts.set(node, found);
  }
  return found;
}
const lateParts = new WeakMap<object, boolean>();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * A number per object, for cache keys of cards built from shared objects (failure modes): equal
 * numbers, the same object, so a cached card never outlives the texts it shows.
 */
export function tokenOf(value: object): number {
  let token = tokens.get(value);
  if (token === undefined) {
    token = nextToken++;
    tokens.set(value, token);
  }
  return token;
}
const tokens = new WeakMap<object, number>();
let nextToken = 1;

export function asAttachment(card: CardJson): CardAttachment {
  return { contentType: 'application/vnd.microsoft.card.adaptive', content: card };
}

/** Cuts pasted text to what a card may echo, marking the cut. */
export function excerpt(text: string, max = MAX_ECHO_CHARS): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max)}\n…`;
}
