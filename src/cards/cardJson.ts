/**
 * JSON text for cards, reusing what was already serialized. An expanded card is frozen and sent
 * again and again (the same error pasted, help, list); its parts' JSON is kept beside it, so that
 * sending it serializes only what changes per reply (the activity around it, the buttons' data).
 * The output is what JSON.stringify gives for the same value.
 */
const jsonOf = new WeakMap<object, string>();

/** Keeps the JSON of each object or array directly under a frozen card. */
export function rememberJson(card: Readonly<Record<string, unknown>>): void {
  if (!Object.isFrozen(card)) throw new Error('rememberJson: only a frozen card keeps its JSON');
  for (const value of Object.values(card)) {
    if (typeof value === 'object' && value !== null && Object.isFrozen(value)) jsonOf.set(value, JSON.stringify(value));
  }
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The keys under which a Bot Framework reply holds cards: {activities: [{attachments: [{content: card}]}]}. */
const TOWARDS_A_CARD = new Set(['activities', 'attachments', 'content']);

/**
 * JSON.stringify(value), taking remembered card parts as they are. It walks only the way to cards
 * (see TOWARDS_A_CARD) and hands every other part to JSON.stringify whole.
 */
export function stringifyJson(value: unknown): string | undefined {
  return stringifyPart(value, true);
}

function stringifyPart(value: unknown, mayHoldCard: boolean): string | undefined {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const known = jsonOf.get(value);
  if (known !== undefined) return known;
  if (!mayHoldCard) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += `${i === 0 ? '' : ','}${stringifyPart(value[i], true) ?? 'null'}`;
    return `${out}]`;
  }
  if (!isPlainObject(value) || typeof value.toJSON === 'function') return JSON.stringify(value);
  // A card's own parts are remembered or serialized whole; elsewhere only the keys towards a card are walked.
  const isCard = value.type === 'AdaptiveCard';
  let out = '{';
  for (const key of Object.keys(value)) {
    const text = stringifyPart(value[key], !isCard && TOWARDS_A_CARD.has(key));
    if (text === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${text}`;
  }
  return `${out}}`;
}
