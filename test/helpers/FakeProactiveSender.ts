import type { Activity, TurnContext } from 'botbuilder';
import type { ProactiveSender } from '../../src/bot/ProactiveSender';
import type { ConversationAddress } from '../../src/tickets/ConversationAddress';

export interface ProactiveCall {
  kind: 'send' | 'update';
  to: ConversationAddress;
  activityId: string;
  activity: Partial<Activity>;
}

/** Records what the bot sends outside the turn's conversation; a conversation can be made to refuse, as the service does. */
export class FakeProactiveSender implements ProactiveSender {
  readonly calls: ProactiveCall[] = [];
  private readonly refusing = new Map<string, { statusCode: number; code: string }>();
  private nextId = 1700000000100;

  async send(_context: TurnContext, to: ConversationAddress, activity: Partial<Activity>): Promise<string> {
    this.refuseIfTold(to);
    const activityId = String(this.nextId++);
    this.calls.push({ kind: 'send', to, activityId, activity });
    return activityId;
  }

  async update(_context: TurnContext, to: ConversationAddress, activityId: string, activity: Partial<Activity>): Promise<void> {
    this.refuseIfTold(to);
    this.calls.push({ kind: 'update', to, activityId, activity });
  }

  /** From now on, calls into this conversation fail like the Bot Connector's 403 or 404; undefined restores it. */
  refuse(conversationId: string, failure: 'BotNotInConversationRoster' | 'ConversationNotFound' | undefined): void {
    if (failure) this.refusing.set(conversationId, { statusCode: failure === 'ConversationNotFound' ? 404 : 403, code: failure });
    else this.refusing.delete(conversationId);
  }

  sentTo(conversationId: string): ProactiveCall[] {
    return this.calls.filter((c) => c.kind === 'send' && c.to.conversation.id === conversationId);
  }

  updates(): ProactiveCall[] {
    return this.calls.filter((c) => c.kind === 'update');
  }

  private refuseIfTold(to: ConversationAddress): void {
    const failure = this.refusing.get(to.conversation.id);
    if (failure) throw Object.assign(new Error(failure.code), failure);
  }
}
