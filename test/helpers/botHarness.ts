import { strict as assert } from 'node:assert';
import { TestAdapter, type Activity, type Storage, type StoreItems } from 'botbuilder';
import type { ProactiveSender } from '../../src/bot/ProactiveSender';
import { createBot, type BotParts, type CreateBotDeps } from '../../src/createBot';
import type { Matcher } from '../../src/knowledge';
import { createLogger } from '../../src/logger';
import { createOnTurnError } from '../../src/onTurnError';
import { BoundedMemoryStorage } from '../../src/storage/BoundedMemoryStorage';
import { FeedbackRecord, isFeedbackKey } from '../../src/storage/FeedbackStore';

/** A Storage that remembers every key written, so tests can list what the bot stored. */
export class RecordingStorage implements Storage {
  readonly writtenKeys = new Set<string>();
  /** Every write as JSON, overwritten and deleted items included. */
  readonly writes: string[] = [];

  constructor(private readonly inner: Storage = new BoundedMemoryStorage()) {}

  read(keys: string[]): Promise<StoreItems> {
    return this.inner.read(keys);
  }

  async write(changes: StoreItems): Promise<void> {
    await this.inner.write(changes);
    this.writes.push(JSON.stringify(changes));
    for (const key of Object.keys(changes)) this.writtenKeys.add(key);
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }

  /** Every item still stored under a key ever written. */
  async items(): Promise<StoreItems> {
    return this.inner.read([...this.writtenKeys]);
  }
}

export interface HarnessOptions {
  config?: Partial<CreateBotDeps['config']>;
  now?: () => Date;
  /** The store under the recording decorator; a BoundedMemoryStorage unless given. */
  storage?: Storage;
  /** What the bot sends into other conversations (tickets, notices); the TestAdapter cannot. */
  proactive?: ProactiveSender;
  /** The default matcher unless given (a fake that fails, say). */
  matcher?: Matcher;
}

export interface BotHarness {
  adapter: TestAdapter;
  storage: RecordingStorage;
  /** Every line the bot logged, as written (JSON). */
  logLines: string[];
  parts: BotParts;
  /** Runs one turn and returns every activity the bot sent during it. */
  say(activity: Partial<Activity>): Promise<Partial<Activity>[]>;
  feedbackRecords(): Promise<FeedbackRecord[]>;
  /** Everything the bot ever wrote to storage and to its log, as one string, for leak checks. */
  everythingStored(): string;
  logged(level: 'debug' | 'info' | 'warn' | 'error'): Array<Record<string, unknown>>;
}

/** The real bot from the composition root, behind a TestAdapter, with storage and log in reach. */
export function createHarness({ config = {}, now, storage: inner, proactive, matcher }: HarnessOptions = {}): BotHarness {
  const storage = new RecordingStorage(inner);
  const logLines: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => logLines.push(line) });
  const parts = createBot({
    storage,
    logger,
    config: { allowedTenantIds: undefined, localMode: false, quietListening: false, rateLimitPerMinute: 0, ...config },
    ...(now ? { now } : {}),
    ...(proactive ? { proactive } : {}),
    ...(matcher ? { matcher } : {}),
  });
  const adapter = new TestAdapter((context) => parts.bot.run(context));
  adapter.onTurnError = createOnTurnError(logger, parts.privateState);

  const logged = (level: string) =>
    logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((record) => record['level'] === level);

  return {
    adapter,
    storage,
    logLines,
    parts,
    async say(activity) {
      assert.equal(adapter.activeQueue.length, 0, 'replies of an earlier turn were left unread');
      await adapter.processActivity(activity);
      return adapter.activeQueue.splice(0);
    },
    async feedbackRecords() {
      const items = await storage.items();
      return Object.entries(items)
        .filter(([key]) => isFeedbackKey(key))
        .map(([key, item]) => {
          const parsed = FeedbackRecord.safeParse(item);
          assert.ok(parsed.success, `${key} is not a feedback record: ${JSON.stringify(item)}`);
          return parsed.data;
        });
    },
    everythingStored() {
      return storage.writes.join('\n') + logLines.join('');
    },
    logged,
  };
}

// ---- reading what the bot sent -----------------------------------------------------------------

export type CardJson = Record<string, unknown>;
export interface SubmitAction {
  title: string;
  data: Record<string, unknown>;
}

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** The Adaptive Card a reply carries; fails the test when it carries none. */
export function cardOf(reply: Partial<Activity> | undefined): CardJson {
  const attachment = reply?.attachments?.[0];
  assert.ok(attachment, `expected a card, got ${JSON.stringify(reply)?.slice(0, 300)}`);
  assert.equal(attachment.contentType, ADAPTIVE_CARD);
  assert.ok(attachment.content && typeof attachment.content === 'object');
  return attachment.content as CardJson;
}

/** Every typed object of a card (elements, actions, inlines) in document order. */
function objectsOf(card: unknown): Array<Record<string, unknown> & { type: string }> {
  const found: Array<Record<string, unknown> & { type: string }> = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const typed = value as Record<string, unknown>;
      if (typeof typed['type'] === 'string') found.push(typed as Record<string, unknown> & { type: string });
      Object.values(typed).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** The texts of the card's TextBlocks, in order. */
/** The texts a card shows, in order: each TextBlock's, and each RichTextBlock's runs joined. */
export function textsOf(card: CardJson): string[] {
  return objectsOf(card['body'])
    .filter((o) => o.type === 'TextBlock' || o.type === 'RichTextBlock')
    .map((o) => (o.type === 'TextBlock' ? String(o['text']) : objectsOf(o['inlines']).map((run) => String(run['text'] ?? '')).join('')));
}

/** The texts of a card's TextBlocks only: the ones renderers read as Markdown. */
export function markdownTextsOf(card: CardJson): string[] {
  return objectsOf(card['body'])
    .filter((o) => o.type === 'TextBlock')
    .map((o) => String(o['text']));
}

/** The numbered rows of a card (a number column, then the text), as "1. text". */
export function numberedRowsOf(card: CardJson): string[] {
  return objectsOf(card['body'])
    .filter((o) => o.type === 'ColumnSet')
    .flatMap((set) => {
      const [number, text] = (set['columns'] as CardJson[] | undefined) ?? [];
      const n = number ? textsOf({ body: number['items'] }).join('') : '';
      return /^\d+\.$/.test(n) && text ? [`${n} ${textsOf({ body: text['items'] })[0] ?? ''}`] : [];
    });
}

/** The first TextBlock: every card's title. */
export function titleOf(card: CardJson): string {
  const first = textsOf(card)[0];
  assert.ok(first !== undefined, 'the card has no TextBlock');
  return first;
}

/** Every string a card shows or carries, joined: for "contains" and "never contains" checks. */
export function allTextOf(card: CardJson): string {
  const out: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(card);
  return out.join('\n');
}

/** Every Action.Submit of a card, in the card's own ActionSets and its actions bar, in order. */
export function submitActions(card: CardJson): SubmitAction[] {
  return objectsOf(card)
    .filter((o) => o.type === 'Action.Submit')
    .map((o) => ({ title: String(o['title']), data: (o['data'] ?? {}) as Record<string, unknown> }));
}

/** The data of the button with this verb (and title, when several share the verb). */
export function buttonData(card: CardJson, verb: string, title?: string): Record<string, unknown> {
  const found = submitActions(card).find((a) => a.data['verb'] === verb && (title === undefined || a.title === title));
  assert.ok(found, `no ${verb} button${title ? ` "${title}"` : ''} among ${JSON.stringify(submitActions(card).map((a) => a.title))}`);
  return found.data;
}

/** What replies say, briefly: a text, or a card's title. For assertion messages. */
export function describeReplies(replies: readonly Partial<Activity>[]): string {
  return JSON.stringify(
    replies.map((r) => {
      const content = r.attachments?.[0]?.content as CardJson | undefined;
      const body = content?.['body'];
      const first = Array.isArray(body) ? (body[0] as { text?: unknown } | undefined)?.text : undefined;
      return r.type === 'invokeResponse' ? `invokeResponse ${JSON.stringify(r.value).slice(0, 120)}` : (r.text ?? `card "${String(first)}"`);
    }),
  );
}
