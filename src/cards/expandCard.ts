import { rememberJson, rememberJsonOf, type JsonPieces } from './cardJson';
import { expandInThisThread, type ExpandTemplate } from './expandTemplate';

export type CardJson = Record<string, unknown>;

export interface CardAttachment {
  contentType: 'application/vnd.microsoft.card.adaptive';
  content: CardJson;
}

/** Teams refuses messages over 28 KB; cards stay well below by construction. */
export const MAX_CARD_BYTES = 28 * 1024;
/** The longest stretch of pasted text a card echoes. */
export const MAX_ECHO_CHARS = 3000;

/** Where templates are expanded: in this thread unless a server hands them to a TemplateThread. */
let expandTemplate: ExpandTemplate = expandInThisThread;

/** Sets where templates are expanded (see TemplateThread); the same cards come out either way. */
export function useTemplateExpansion(expand: ExpandTemplate = expandInThisThread): void {
  expandTemplate = expand;
}

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
    const json = expandTemplate(template, buildData());
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

/**
 * A value that differs with every paste (a user's address, the pasted excerpt, a percentage). The
 * card is expanded and cached with this marker in its place, and expandCardLate puts the value in:
 * otherwise every paste would cost a whole expansion (about a third of a millisecond).
 */
export function late(name: string): string {
  return `${LATE_MARK}${name}${LATE_END}`;
}
const LATE_MARK = '\ue000late:';
const LATE_END = '\ue000';
const LATE_VALUE = /\ue000late:([^\ue000]{1,64})\ue000/g;

/** A string with late markers, split: parts[0] names[0] parts[1] names[1] … parts[n]. */
interface LatePiece {
  readonly parts: readonly string[];
  readonly names: readonly string[];
}

function splitLate(text: string): LatePiece {
  const parts: string[] = [];
  const names: string[] = [];
  let from = 0;
  for (const m of text.matchAll(LATE_VALUE)) {
    parts.push(text.slice(from, m.index));
    names.push(m[1] as string);
    from = (m.index ?? 0) + m[0].length;
  }
  parts.push(text.slice(from));
  return { parts, names };
}

function lateValue(values: Readonly<Record<string, string>>, name: string): string {
  const value = values[name];
  if (value === undefined) throw new Error(`card: no value for the late field "${name}"`);
  return value;
}

function fill({ parts, names }: LatePiece, values: Readonly<Record<string, string>>): string {
  let out = parts[0] as string;
  for (let i = 0; i < names.length; i++) out += lateValue(values, names[i] as string) + (parts[i + 1] as string);
  return out;
}

/** JSON with the values in, as pieces: the encoded text around them, and each value's text inside a JSON string literal. */
function fillJson({ parts, names }: LateBytes, values: Readonly<Record<string, string>>): JsonPieces {
  const pieces: Array<Buffer | string> = [parts[0] as Buffer];
  for (let i = 0; i < names.length; i++) pieces.push(JSON.stringify(lateValue(values, names[i] as string)).slice(1, -1), parts[i + 1] as Buffer);
  return pieces;
}

/** Where a cached card holds late markers: the strings themselves, or the children that lead to some. */
type LateSlots = LatePiece | Map<string | number, LateSlots>;

interface LateBinder {
  readonly slots: LateSlots;
  /** For each top-level part of the card with markers: its JSON, split at them, as UTF-8. */
  readonly json: ReadonlyMap<string, LateBytes>;
}

/** A LatePiece of JSON with the text around the markers encoded once. */
interface LateBytes {
  readonly parts: readonly Buffer[];
  readonly names: readonly string[];
}
const binders = new WeakMap<CardJson, LateBinder | null>();

function findLateSlots(node: unknown): LateSlots | undefined {
  if (typeof node === 'string') return node.includes(LATE_MARK) ? splitLate(node) : undefined;
  if (typeof node !== 'object' || node === null) return undefined;
  const found = new Map<string | number, LateSlots>();
  const entries: Array<[string | number, unknown]> = Array.isArray(node) ? node.map((child, i) => [i, child]) : Object.entries(node);
  for (const [key, child] of entries) {
    const slots = findLateSlots(child);
    if (slots !== undefined) found.set(key, slots);
  }
  return found.size > 0 ? found : undefined;
}

function binderOf(card: CardJson): LateBinder | null {
  let binder = binders.get(card);
  if (binder === undefined) {
    const slots = findLateSlots(card);
    binder = null;
    if (slots instanceof Map) {
      const json = new Map<string, LateBytes>();
      for (const key of slots.keys()) {
        const { parts, names } = splitLate(JSON.stringify(card[key]));
        json.set(String(key), { parts: parts.map((part) => Buffer.from(part)), names });
      }
      binder = { slots, json };
    }
    binders.set(card, binder);
  }
  return binder;
}

/** A frozen copy of the card with the late values in; parts without markers are shared with the cached card. */
function bindLate(node: unknown, slots: LateSlots, values: Readonly<Record<string, string>>): unknown {
  if (!(slots instanceof Map)) return fill(slots, values);
  const copy = (Array.isArray(node) ? [...(node as unknown[])] : { ...(node as object) }) as Record<string | number, unknown>;
  for (const [key, childSlots] of slots) copy[key] = bindLate((node as Record<string | number, unknown>)[key], childSlots, values);
  return Object.freeze(copy);
}

/**
 * expandCardCached for a card with late fields (see late()): the expansion is cached under `key`,
 * which must not depend on the late values, and each call puts `values` into a copy. The copy's
 * JSON is filled in from the cached card's, so sending it serializes nothing twice.
 */
export function expandCardLate(template: object, key: string, buildData: () => object, values: Readonly<Record<string, string>>): CardJson {
  const card = expandCardCached(template, key, buildData);
  const binder = binderOf(card);
  if (binder === null) return card;
  const bytes = Object.values(values).reduce((sum, value) => sum + Buffer.byteLength(value), 0);
  if (bytes > MAX_LATE_BYTES) throw new Error(`card: late values are ${bytes} bytes, over the ${MAX_LATE_BYTES}-byte allowance`);
  const bound = bindLate(card, binder.slots, values) as CardJson;
  for (const [part, json] of binder.json) rememberJsonOf(bound[part] as object, fillJson(json, values));
  return bound;
}

/** What late values may add to a card, which stays under MAX_CARD_BYTES with room for its buttons' data. */
const MAX_LATE_BYTES = 8 * 1024;

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
const MAX_EXPANSIONS_PER_TEMPLATE = 128;
const expanded = new WeakMap<object, Map<string, CardJson>>();

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
