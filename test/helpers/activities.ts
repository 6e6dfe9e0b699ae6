import type { Activity, ChannelAccount, Entity } from 'botbuilder';

/** The bot as Teams addresses it: the mention entity's id is the activity's recipient id. */
export const BOT: ChannelAccount = { id: '28:connector-doctor-app', name: 'Connector Doctor' };
export const USER_A: ChannelAccount = { id: '29:user-a', name: 'Ken Myer', aadObjectId: 'aad-user-a' };
export const USER_B: ChannelAccount = { id: '29:user-b', name: 'Lee Ji-eun', aadObjectId: 'aad-user-b' };

export const TENANT_ID = 'tenant-1';
export const MENTION_TEXT = '<at>Connector Doctor</at>';

export type ConversationType = 'personal' | 'channel' | 'groupChat';

export interface ActivityOptions {
  /** Omit for an activity without a locale; undefined means en-US. */
  locale?: string | null;
  conversationType?: ConversationType;
  /** Defaults to a per-type id, so a channel thread and a personal chat keep separate state. */
  conversationId?: string;
  tenantId?: string | null;
  from?: ChannelAccount;
  /** Adds a mention entity for the bot (the text must contain MENTION_TEXT where it stands). */
  mention?: boolean;
  entities?: Entity[];
  attachments?: Activity['attachments'];
  /** The id of the card a submit came from. */
  replyToId?: string;
}

let nextId = 1;

function base(options: ActivityOptions): Partial<Activity> {
  const { locale, conversationType = 'personal', conversationId, tenantId = TENANT_ID, from = USER_A } = options;
  const isGroup = conversationType !== 'personal';
  const activity: Partial<Activity> = {
    id: `activity-${nextId++}`,
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/teams/',
    from,
    recipient: BOT,
    conversation: {
      id: conversationId ?? (conversationType === 'channel' ? '19:general@thread.tacv2;messageid=1700000000000' : `a:${conversationType}-${from.id}`),
      conversationType,
      isGroup,
      name: '',
      ...(tenantId === null ? {} : { tenantId }),
    },
    channelData: tenantId === null ? {} : { tenant: { id: tenantId } },
  };
  if (locale !== null) activity.locale = locale ?? 'en-US';
  return activity;
}

function mentionEntity(): Entity {
  return { type: 'mention', text: MENTION_TEXT, mentioned: { id: BOT.id, name: BOT.name } } as Entity;
}

/** A message as Teams delivers it; in a group chat or channel `mention` adds the bot's mention entity. */
export function messageFrom(text: string, options: ActivityOptions = {}): Partial<Activity> {
  const entities = [...(options.mention ? [mentionEntity()] : []), ...(options.entities ?? [])];
  return {
    ...base(options),
    type: 'message',
    text,
    textFormat: 'plain',
    ...(entities.length > 0 ? { entities } : {}),
    ...(options.attachments ? { attachments: options.attachments } : {}),
  };
}

/** An Action.Submit press: no text, the button's data as `value`. */
export function cardSubmit(value: unknown, options: ActivityOptions = {}): Partial<Activity> {
  return {
    ...base(options),
    type: 'message',
    value,
    ...(options.replyToId ? { replyToId: options.replyToId } : {}),
  };
}

/**
 * A compose-extension invoke. The TestAdapter queues the bot's `invokeResponse` activity like any
 * reply; with deliveryMode 'expectReplies' the TurnContext would buffer it out of the adapter's
 * sight instead, so invokes here use the normal delivery mode.
 */
export function invoke(name: string, value: unknown, options: ActivityOptions = {}): Partial<Activity> {
  return { ...base(options), type: 'invoke', name, value };
}

/** Members added to a conversation; Teams sends this when the bot is installed. */
export function conversationUpdate(membersAdded: ChannelAccount[], options: ActivityOptions = {}): Partial<Activity> {
  return { ...base(options), type: 'conversationUpdate', membersAdded };
}
