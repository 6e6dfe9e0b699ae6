import { ConversationState, PrivateConversationState, type BotState, type Storage, type StoreItem, type TurnContext } from 'botbuilder';

interface Cached {
  state: Record<string, unknown>;
  /** The state as JSON when it was read or last written, eTag left out; '' forces a write. */
  snapshot: string;
}

function snapshotOf(state: Record<string, unknown>): string {
  if (!Object.hasOwn(state, 'eTag')) return JSON.stringify(state);
  // eTag changes on every write and is not part of what the bot keeps.
  const rest = { ...state };
  delete rest.eTag;
  return JSON.stringify(rest);
}

/**
 * Reads and writes one state scope like botbuilder's BotState, with the same storage keys, the same
 * cache per turn and the same writes, but tells a changed state from an unchanged one by comparing
 * its JSON with the JSON it had when read. BotState hashes that JSON with SHA-256 on every read and
 * every save, which costs more than the rest of a paste turn's state handling.
 */
class JsonChangeTracking {
  private readonly key = Symbol('state');

  constructor(
    private readonly storage: Storage,
    private readonly storageKey: (context: TurnContext) => string | Promise<string>,
  ) {}

  async load(context: TurnContext, force: boolean): Promise<Record<string, unknown>> {
    const cached = context.turnState.get(this.key) as Cached | undefined;
    if (cached && !force) return cached.state;
    const key = await this.storageKey(context);
    const items = await this.storage.read([key]);
    const state = (items[key] as Record<string, unknown> | undefined) ?? {};
    context.turnState.set(this.key, { state, snapshot: snapshotOf(state) } satisfies Cached);
    return state;
  }

  async save(context: TurnContext, force: boolean): Promise<void> {
    let cached = context.turnState.get(this.key) as Cached | undefined;
    if (!force && (!cached || cached.snapshot === snapshotOf(cached.state))) return;
    cached ??= { state: {}, snapshot: '' };
    const key = await this.storageKey(context);
    cached.state.eTag = '*';
    await this.storage.write({ [key]: cached.state as StoreItem });
    cached.snapshot = snapshotOf(cached.state);
    context.turnState.set(this.key, cached);
  }

  clear(context: TurnContext): void {
    context.turnState.set(this.key, { state: {}, snapshot: '' } satisfies Cached);
  }

  async delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.key);
    await this.storage.delete([await this.storageKey(context)]);
  }

  get(context: TurnContext): Record<string, unknown> | undefined {
    return (context.turnState.get(this.key) as Cached | undefined)?.state;
  }
}

// TypeScript requires a mixin's base constructor to take `...args: any[]`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StateConstructor = new (...args: any[]) => BotState;

/** A BotState scope whose load and save go through JsonChangeTracking; keys come from the scope itself. */
function withJsonChangeTracking<Base extends StateConstructor>(base: Base) {
  return class JsonChangeState extends base {
    private readonly tracking = new JsonChangeTracking(this.storage, (context) => this.storageKey(context));

    override load(context: TurnContext, force = false): Promise<Record<string, unknown>> {
      return this.tracking.load(context, force);
    }

    override saveChanges(context: TurnContext, force = false): Promise<void> {
      return this.tracking.save(context, force);
    }

    override async clear(context: TurnContext): Promise<void> {
      this.tracking.clear(context);
    }

    override delete(context: TurnContext): Promise<void> {
      return this.tracking.delete(context);
    }

    override get(context: TurnContext): Record<string, unknown> | undefined {
      return this.tracking.get(context);
    }
  };
}

/** ConversationState that detects changes by comparing JSON (see JsonChangeTracking). */
export const JsonChangeConversationState = withJsonChangeTracking(ConversationState);
export type JsonChangeConversationState = InstanceType<typeof JsonChangeConversationState>;

/** PrivateConversationState that detects changes by comparing JSON (see JsonChangeTracking). */
export const JsonChangePrivateConversationState = withJsonChangeTracking(PrivateConversationState);
export type JsonChangePrivateConversationState = InstanceType<typeof JsonChangePrivateConversationState>;
