import type * as AdaptiveCardsSdk from 'adaptivecards';

export type Sdk = typeof AdaptiveCardsSdk;

/**
 * The SDK's UMD bundle. The package's "main" is ES modules with extensionless imports,
 * which Node cannot load; the bundle loads as CommonJS, and parsing touches no DOM.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const sdk: Sdk = require('adaptivecards/dist/adaptivecards.js');

/** Teams renders Adaptive Cards up to 1.5. */
export const TARGET_VERSION = sdk.Versions.v1_5;

/** The languages Teams' CodeBlock accepts (as microsoft/teams.ts types them). */
export const CODE_BLOCK_LANGUAGES = [
  'Bash', 'C', 'Cpp', 'CSharp', 'Css', 'Dos', 'Go', 'Graphql', 'Html', 'Java', 'JavaScript', 'Json',
  'ObjectiveC', 'Perl', 'Php', 'PlainText', 'PowerShell', 'Python', 'Sql', 'TypeScript', 'VbNet', 'Verilog', 'Vhdl', 'Xml',
] as const;

/** Teams' own element, which the SDK does not know: without it every CodeBlock is an unknown element. */
export class CodeBlock extends sdk.CardElement {
  static readonly codeSnippetProperty = new sdk.StringProperty(sdk.Versions.v1_0, 'codeSnippet', true);
  static readonly languageProperty = new sdk.StringProperty(
    sdk.Versions.v1_0,
    'language',
    true,
    new RegExp(`^(?:${CODE_BLOCK_LANGUAGES.join('|')})$`, 'i'),
  );
  static readonly startLineNumberProperty = new sdk.NumProperty(sdk.Versions.v1_0, 'startLineNumber');

  get codeSnippet(): string | undefined {
    return this.getValue(CodeBlock.codeSnippetProperty) as string | undefined;
  }

  get startLineNumber(): number | undefined {
    return this.getValue(CodeBlock.startLineNumberProperty) as number | undefined;
  }

  getJsonTypeName(): string {
    return 'CodeBlock';
  }

  internalValidateProperties(context: AdaptiveCardsSdk.ValidationResults): void {
    super.internalValidateProperties(context);
    if (!this.codeSnippet) context.addFailure(this, sdk.ValidationEvent.PropertyCantBeNull, 'CodeBlock: codeSnippet must be set');
    const start = this.startLineNumber;
    if (start !== undefined && (!Number.isInteger(start) || start < 1)) {
      context.addFailure(this, sdk.ValidationEvent.InvalidPropertyValue, `CodeBlock: startLineNumber ${start} is not a positive integer`);
    }
  }

  /** Only the browser gallery renders; Node tests parse and validate. */
  protected internalRender(): undefined {
    return undefined;
  }
}

export function registerCodeBlock(): void {
  sdk.GlobalRegistry.elements.register('CodeBlock', CodeBlock, sdk.Versions.v1_0);
}
registerCodeBlock();

export interface ParseReport {
  errors: string[];
  warnings: string[];
}

/** Events that do not stop a card from rendering as intended. */
const WARNING_EVENTS = new Set<AdaptiveCardsSdk.ValidationEvent>([sdk.ValidationEvent.Hint, sdk.ValidationEvent.Deprecated]);

type Parsed = AdaptiveCardsSdk.SerializableObject;
type ParseHook = (this: Parsed, source: unknown, context: AdaptiveCardsSdk.BaseSerializationContext) => void;

/** Unknown properties found per parse, keyed by the context parseCard made for it. */
const unknownProperties = new WeakMap<AdaptiveCardsSdk.BaseSerializationContext, string[]>();

/**
 * The SDK keeps what it does not know silently (a typo, a `$when` the templating left behind),
 * and Teams then ignores it. Every object's parse passes through SerializableObject's
 * internalParse, so wrapping it sees each object beside its JSON.
 */
function reportUnknownProperties(): void {
  const prototype = sdk.SerializableObject.prototype as unknown as { internalParse: ParseHook };
  const original = prototype.internalParse;
  prototype.internalParse = function (source, context) {
    original.call(this, source, context);
    const found = unknownProperties.get(context);
    if (!found || !source || typeof source !== 'object' || Array.isArray(source)) return;
    const known = knownKeys(this);
    for (const key of Object.keys(source)) {
      if (!known.has(key)) found.push(`UnknownProperty: "${key}" is not a property of ${describe(this)}`);
    }
  };
}
reportUnknownProperties();

/** Schema properties, plus the collections each class reads from its JSON by hand. */
function knownKeys(o: Parsed): Set<string> {
  const keys = new Set<string>();
  const schema = o.getSchema();
  for (let i = 0; i < schema.getCount(); i++) keys.add(schema.getItemAt(i).name);
  const collections = o as { getItemsCollectionPropertyName?: () => string; getCollectionPropertyName?: () => string };
  if (collections.getItemsCollectionPropertyName) keys.add(collections.getItemsCollectionPropertyName());
  if (collections.getCollectionPropertyName) keys.add(collections.getCollectionPropertyName());
  if (o instanceof sdk.CardElement || o instanceof sdk.Action) keys.add('fallback');
  if (o instanceof sdk.ContainerWithActions || o instanceof sdk.ActionSet) keys.add('actions');
  if (o instanceof sdk.RichTextBlock) keys.add('inlines');
  if (o instanceof sdk.ColumnSet) keys.add('columns');
  if (o instanceof sdk.ShowCardAction) keys.add('card');
  if (o instanceof sdk.AdaptiveCard && !o.parent) keys.add('msteams');
  return keys;
}

function describe(o: Parsed | undefined): string {
  if (!o) return 'the card';
  const typeName = o instanceof sdk.CardObject ? o.getJsonTypeName() : o.constructor.name;
  const id = o instanceof sdk.CardObject && o.id ? ` "${o.id}"` : '';
  return `${typeName}${id}`;
}

function eventLine(e: AdaptiveCardsSdk.IValidationEvent): string {
  return `${sdk.ValidationEvent[e.event]}: ${e.message} (in ${describe(e.source)})`;
}

function parseOne(json: unknown, report: ParseReport): void {
  // Again on every parse: GlobalRegistry.reset() elsewhere would drop it.
  registerCodeBlock();
  const context = new sdk.SerializationContext(TARGET_VERSION);
  const unknown: string[] = [];
  unknownProperties.set(context, unknown);
  const card = new sdk.AdaptiveCard();
  // The SDK defaults to the newest schema; Teams stops at the target, so a newer card version is an error.
  card.maxVersion = TARGET_VERSION;
  card.parse(json, context);
  const events: AdaptiveCardsSdk.IValidationEvent[] = [];
  for (let i = 0; i < context.eventCount; i++) events.push(context.getEventAt(i));
  events.push(...card.validateProperties().validationEvents);
  for (const e of events) (WARNING_EVENTS.has(e.event) ? report.warnings : report.errors).push(eventLine(e));
  report.warnings.push(...unknown);
}

/** Every `fallback` object in the card: the SDK parses one only when its element is unknown. */
function fallbacksIn(value: unknown, found: object[] = []): object[] {
  if (Array.isArray(value)) {
    for (const item of value) fallbacksIn(item, found);
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'fallback' && child && typeof child === 'object') found.push(child);
      fallbacksIn(child, found);
    }
  }
  return found;
}

/**
 * Parses a card as Teams' renderer would (schema 1.5, CodeBlock known) and returns every
 * parse and validation event, plus properties the SDK would silently drop. Empty means clean.
 */
export function parseCard(json: unknown): ParseReport {
  const report: ParseReport = { errors: [], warnings: [] };
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    report.errors.push('MissingCardType: the card is not a JSON object');
    return report;
  }
  parseOne(json, report);
  for (const fallback of fallbacksIn(json)) {
    const inner: ParseReport = { errors: [], warnings: [] };
    parseOne({ type: 'AdaptiveCard', version: TARGET_VERSION.toString(), body: [fallback] }, inner);
    report.errors.push(...inner.errors.map((m) => `in a fallback: ${m}`));
    report.warnings.push(...inner.warnings.map((m) => `in a fallback: ${m}`));
  }
  return { errors: [...new Set(report.errors)], warnings: [...new Set(report.warnings)] };
}

/** A card element, action or inline: any object in the card JSON with a string "type". */
export type CardObjectJson = Record<string, unknown> & { type: string };

function isCardObject(value: unknown): value is CardObjectJson {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';
}

/** Every element, action and inline in a card, fallbacks included, in document order. */
export function cardObjects(card: unknown): CardObjectJson[] {
  const found: CardObjectJson[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      if (isCardObject(value)) found.push(value);
      Object.values(value).forEach(walk);
    }
  };
  walk(card);
  return found;
}

export function actionsIn(card: unknown): CardObjectJson[] {
  return cardObjects(card).filter((o) => o.type.startsWith('Action.'));
}

/** Where a string sits: under which key, in which typed object, inside which typed parent. */
export interface StringSite {
  value: string;
  key: string;
  ownerType: string | undefined;
  parentType: string | undefined;
}

/** Every string in a card with its place; strings in untyped objects (an action's data) belong to the nearest typed one. */
export function stringSites(card: unknown): StringSite[] {
  const sites: StringSite[] = [];
  const walk = (value: unknown, key: string, ownerType: string | undefined, parentType: string | undefined): void => {
    if (typeof value === 'string') sites.push({ value, key, ownerType, parentType });
    else if (Array.isArray(value)) value.forEach((item) => walk(item, key, ownerType, parentType));
    else if (value && typeof value === 'object') {
      const [owner, parent] = isCardObject(value) ? [value.type, ownerType] : [ownerType, parentType];
      for (const [k, v] of Object.entries(value)) walk(v, k, owner, parent);
    }
  };
  walk(card, '', undefined, undefined);
  return sites;
}
