/**
 * JSON text for cards, reusing what was already serialized. An expanded card is frozen and sent
 * again and again (the same error pasted, help, list); its parts' JSON is kept beside it, so that
 * sending it serializes only what changes per reply (the activity around it, the buttons' data).
 * The output is what JSON.stringify gives for the same value.
 */
const jsonOf = new WeakMap<object, string>();

/**
 * Keeps the JSON of each object or array directly under a frozen card, and of each element of
 * those arrays: a card whose late values (see expandCardLate) were put into a copy of its body
 * still shares the other elements.
 */
export function rememberJson(card: Readonly<Record<string, unknown>>): void {
  if (!Object.isFrozen(card)) throw new Error('rememberJson: only a frozen card keeps its JSON');
  for (const value of Object.values(card)) {
    if (typeof value !== 'object' || value === null || !Object.isFrozen(value)) continue;
    jsonOf.set(value, JSON.stringify(value));
    if (!Array.isArray(value)) continue;
    for (const element of value as unknown[]) {
      if (typeof element === 'object' && element !== null && Object.isFrozen(element)) jsonOf.set(element, JSON.stringify(element));
    }
  }
}

/** Keeps the JSON of a frozen card part built without JSON.stringify (see expandCardLate); it must be what JSON.stringify gives. */
export function rememberJsonOf(part: object, json: string): void {
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
 * JSON.stringify(value), taking remembered card parts as they are. It walks only the way to cards
 * (see TOWARDS_A_CARD) and one level into them, and hands every other part to JSON.stringify whole.
 */
export function stringifyJson(value: unknown): string | undefined {
  return stringifyPart(value, 'reply');
}

function stringifyPart(value: unknown, place: Place): string | undefined {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const known = jsonOf.get(value);
  if (known !== undefined) return known;
  if (place === 'deep') return JSON.stringify(value);
  if (Array.isArray(value)) {
    // A card's arrays (body, actions) hold remembered elements; arrays in the reply may hold cards.
    const inner: Place = place === 'card' ? 'deep' : 'reply';
    let out = '[';
    for (let i = 0; i < value.length; i++) out += `${i === 0 ? '' : ','}${stringifyPart(value[i], inner) ?? 'null'}`;
    return `${out}]`;
  }
  if (place === 'card' || !isPlainObject(value) || typeof value.toJSON === 'function') return JSON.stringify(value);
  const isCard = value.type === 'AdaptiveCard';
  // An object on the way to no card (a reply with only text) is serialized whole.
  if (!isCard && !leadsToCards(value)) return JSON.stringify(value);
  let out = '{';
  for (const key of Object.keys(value)) {
    const text = stringifyPart(value[key], isCard ? 'card' : TOWARDS_A_CARD.has(key) ? 'reply' : 'deep');
    if (text === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${text}`;
  }
  return `${out}}`;
}
