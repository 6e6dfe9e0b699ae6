import { z } from 'zod';

/**
 * Where the bot can post without being asked: the parts of a conversation reference that a
 * proactive message needs. Stored, so it holds no user and no activity id.
 */
export const ConversationAddress = z.object({
  channelId: z.string().min(1).max(128),
  serviceUrl: z.string().min(1).max(2048),
  conversation: z.object({
    id: z.string().min(1).max(1024),
    conversationType: z.string().max(64).optional(),
    tenantId: z.string().max(256).optional(),
    isGroup: z.boolean().optional(),
  }),
  bot: z.object({ id: z.string().min(1).max(512), name: z.string().max(256).optional() }),
});
export type ConversationAddress = z.infer<typeof ConversationAddress>;

/** A Teams channel's own conversation id: a thread in it is the channel's id with ";messageid=<root>". */
export function channelConversationId(conversationId: string): string {
  const thread = conversationId.indexOf(';messageid=');
  return thread === -1 ? conversationId : conversationId.slice(0, thread);
}

/** Whether two conversation ids are the same conversation, a channel and a thread in it counting as one. */
export function sameConversation(a: string, b: string): boolean {
  return channelConversationId(a) === channelConversationId(b);
}

/** The conversation of a message the bot posted: in a Teams channel, the thread that the post starts. */
export function postConversation(address: ConversationAddress, activityId: string): ConversationAddress {
  if (address.channelId !== 'msteams' || address.conversation.conversationType !== 'channel') return address;
  return { ...address, conversation: { ...address.conversation, id: `${channelConversationId(address.conversation.id)};messageid=${activityId}` } };
}
