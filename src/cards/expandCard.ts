import { Template } from 'adaptivecards-templating';
import { rememberJson } from './cardJson';

export type CardJson = Record<string, unknown>;

export interface CardAttachment {
  contentType: 'application/vnd.microsoft.card.adaptive';
  content: CardJson;
}

/** Teams refuses messages over 28 KB; cards stay well below by construction. */
export const MAX_CARD_BYTES = 28 * 1024;
/** The longest stretch of pasted text a card echoes. */
export const MAX_ECHO_CHARS = 3000;

/**
 * Binds data to a template. The templating engine evaluates only the template's own
 * expressions: strings in the data (a paste containing "${...}") are inserted as text.
 */
export function expandCard(template: object, data: object): CardJson {
  return expandCardCached(template, JSON.stringify(data), () => data);
}

/**
 * expandCard for a caller that can name its data with a short key (equal keys, equal data): the
 * data is only built when that card has not been expanded before.
 */
export function expandCardCached(template: object, key: string, buildData: () => object): CardJson {
  const perTemplate = expanded.get(template) ?? new Map<string, CardJson>();
  expanded.set(template, perTemplate);
  let card = perTemplate.get(key);
  if (card === undefined) {
    const json = JSON.stringify(preparedTemplate(template).expand({ $root: buildData() }));
    const bytes = Buffer.byteLength(json);
    if (bytes > MAX_CARD_BYTES) throw new Error(`card is ${bytes} bytes, over the ${MAX_CARD_BYTES}-byte limit`);
    card = deepFreeze(JSON.parse(json) as CardJson);
    rememberJson(card);
    if (perTemplate.size >= MAX_EXPANSIONS_PER_TEMPLATE) perTemplate.delete(perTemplate.keys().next().value as string);
  } else {
    perTemplate.delete(key);
  }
  perTemplate.set(key, card);
  return card;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Expansion is a pure function of the template and the data, and costs far more than parsing its
 * result: the same card (the same error pasted again, help, list) is expanded once. Each template
 * keeps its most recently used expansions. Cards are shared, so they are frozen: a caller that
 * needs a variant copies the part it changes.
 */
const MAX_EXPANSIONS_PER_TEMPLATE = 64;
const expanded = new WeakMap<object, Map<string, CardJson>>();

/** new Template() parses every expression with ANTLR, which costs far more than expanding: once per template. */
const prepared = new WeakMap<object, Template>();
function preparedTemplate(template: object): Template {
  let found = prepared.get(template);
  if (!found) {
    found = new Template(template);
    prepared.set(template, found);
  }
  return found;
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
