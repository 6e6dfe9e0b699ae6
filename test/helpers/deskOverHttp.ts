import { strict as assert } from 'node:assert';
import type { Activity, ChannelAccount } from 'botbuilder';
import { defaultKnowledge, type FailureMode, type Lang } from '../../src/knowledge';
import { BOT, MENTION_TEXT, TENANT_ID, USER_A, USER_B, cardSubmit, messageFrom, type ActivityOptions } from './activities';
import type { ConnectorCall, ConnectorStandIn } from './ConnectorStandIn';
import { buttonByVerb, cardsOf, post, type ReplyActivity } from './http';

export const LOGON_FAILED = defaultKnowledge().modes.find((m) => m.id === 'logon-failed') as FailureMode;
export const SUPPORT_CHANNEL = '19:0f3c6e1a2b4d4e5f9a8b7c6d5e4f3a2b@thread.tacv2';
export const USER_C: ChannelAccount = { id: '29:user-c', name: 'Kim Min-jun', aadObjectId: 'aad-user-c' };
export const PASSWORD = 'Hunter2-secret!';
const LOCALE: Record<Lang, string> = { en: 'en-US', ko: 'ko-KR' };

export type Card = Record<string, unknown>;

/**
 * The support desk driven over HTTP as Teams drives it: activities without expectReplies, so the
 * bot's replies, posts and updates all go to the connector stand-in, where the test reads them.
 */
export class DeskOverHttp {
  private nextThread = 1700000000000;

  constructor(
    private readonly botUrl: () => string,
    private readonly standIn: ConnectorStandIn,
  ) {}

  /** Runs one turn; resolves with the connector calls the bot made during it. */
  async turn(activity: Partial<Activity>): Promise<ConnectorCall[]> {
    const before = this.standIn.calls.length;
    const answer = await post(`${this.botUrl()}/api/messages`, { ...activity, serviceUrl: this.standIn.url });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.text, '', 'nothing comes back in the response: replies go to the connector');
    return this.standIn.calls.slice(before);
  }

  /** A mention of the bot in a thread of the support channel. */
  channelMessage(text: string, options: ActivityOptions = {}): Partial<Activity> {
    return { ...messageFrom(`${MENTION_TEXT} ${text}`, { conversationType: 'channel', conversationId: this.thread(), mention: true, from: USER_B, ...options }), ...channelData(options) };
  }

  /** A button pressed in a channel thread (the support channel's unless given). */
  channelPress(value: unknown, options: ActivityOptions = {}): Partial<Activity> {
    return { ...cardSubmit(value, { conversationType: 'channel', conversationId: this.thread(), from: USER_B, ...options }), ...channelData(options) };
  }

  /** A button on the ticket card: pressed in the thread the card started, replying to it. */
  ticketPress(value: unknown, postId: string, options: ActivityOptions = {}): Partial<Activity> {
    return this.channelPress(value, { conversationId: `${SUPPORT_CHANNEL};messageid=${postId}`, replyToId: postId, ...options });
  }

  async setSupportChannel(lang: Lang = 'en', options: ActivityOptions = {}): Promise<void> {
    const card = onlyCard(await this.turn(this.channelMessage(lang === 'ko' ? '지원 채널' : 'support channel', { locale: LOCALE[lang], ...options })));
    const set = await this.turn(this.channelPress(buttonByVerb(card, 'supportChannelSet').data, { locale: LOCALE[lang], ...options }));
    assert.equal(set.length, 1);
  }

  /** A paste in a personal chat, then "Prepare a support request": the support request card. */
  async supportRequest(lang: Lang = 'en', from: ChannelAccount = USER_A, options: ActivityOptions = {}): Promise<Card> {
    const paste = `${LOGON_FAILED.errorText}\n$password = '${PASSWORD}'`;
    const diagnosis = onlyCard(await this.turn(messageFrom(paste, { locale: LOCALE[lang], from, ...options })));
    return onlyCard(await this.turn(cardSubmit(buttonByVerb(diagnosis, 'supportRequest').data, { locale: LOCALE[lang], from, ...options })));
  }

  escalatePress(card: Card, lang: Lang = 'en', from: ChannelAccount = USER_A, options: ActivityOptions = {}): Partial<Activity> {
    return cardSubmit(buttonByVerb(card, 'escalate').data, { locale: LOCALE[lang], from, ...options });
  }

  private thread(): string {
    return `${SUPPORT_CHANNEL};messageid=${this.nextThread++}`;
  }
}

function channelData(options: ActivityOptions): Partial<Activity> {
  if (options.tenantId === null) return {};
  return { channelData: { tenant: { id: options.tenantId ?? TENANT_ID }, channel: { id: SUPPORT_CHANNEL, name: 'Connector support' }, team: { id: '19:team@thread.tacv2', name: 'IT' } } };
}

export const bodyOf = (call: ConnectorCall | undefined): ReplyActivity & Partial<Activity> => (call?.body ?? {}) as ReplyActivity & Partial<Activity>;

/** The one card among the calls of a turn. */
export function onlyCard(calls: readonly ConnectorCall[]): Card {
  const cards = cardsOf(calls.map(bodyOf));
  assert.equal(cards.length, 1, `expected one card, got ${JSON.stringify(calls.map((c) => [c.kind, c.conversationId, bodyOf(c).text ?? 'card']))}`);
  return cards[0] as Card;
}

export const textsOf = (calls: readonly ConnectorCall[]) => calls.flatMap((c) => (bodyOf(c).text === undefined ? [] : [bodyOf(c).text]));

export { BOT, TENANT_ID, USER_A, USER_B };
