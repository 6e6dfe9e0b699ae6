import { ActivityTypes, type Activity, type ConversationReference, type TurnContext } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import type { ConversationAddress } from '../tickets/ConversationAddress';

/** Messages into a conversation other than the turn's own: a post in the support channel, its updates, a note to a requester. */
export interface ProactiveSender {
  /** Posts a new message (not a reply) into the conversation; resolves with the new activity's id. */
  send(context: TurnContext, to: ConversationAddress, activity: Partial<Activity>): Promise<string>;
  /** Replaces the message `activityId` in the conversation, for everyone who sees it. */
  update(context: TurnContext, to: ConversationAddress, activityId: string, activity: Partial<Activity>): Promise<void>;
}

/**
 * Through the adapter running the turn (CloudAdapter.continueConversationAsync, as the bot's app
 * id; '' in local mode), with the connector client it makes for the address's service URL.
 * Sent with that client rather than the continuation's sendActivity, which would make the message
 * a reply to the continuation event.
 */
export function adapterProactiveSender(appId: string): ProactiveSender {
  return {
    send: async (context, to, activity) => {
      const sent = await viaConnector(context, appId, to, (client) => client.conversations.sendToConversation(to.conversation.id, addressed(to, activity)));
      return sent.id;
    },
    update: async (context, to, activityId, activity) => {
      await viaConnector(context, appId, to, (client) => client.conversations.updateActivity(to.conversation.id, activityId, { ...addressed(to, activity), id: activityId }));
    },
  };
}

async function viaConnector<T>(context: TurnContext, appId: string, to: ConversationAddress, call: (client: ConnectorClient) => Promise<T>): Promise<T> {
  let outcome: { value: T } | { error: unknown } | undefined;
  // botframework-schema types optional fields of the service as required ones.
  const reference = { channelId: to.channelId, serviceUrl: to.serviceUrl, conversation: to.conversation, bot: to.bot } as Partial<ConversationReference>;
  await context.adapter.continueConversationAsync(appId, reference, async (proactive) => {
    try {
      const client = proactive.turnState.get(proactive.adapter.ConnectorClientKey) as ConnectorClient | undefined;
      if (!client) throw new Error('the adapter made no connector client for a proactive message');
      outcome = { value: await call(client) };
    } catch (error) {
      // Kept from the adapter's onTurnError, which would clear state and apologise into the wrong conversation.
      outcome = { error };
    }
  });
  if (!outcome) throw new Error('the proactive turn did not run');
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

function addressed(to: ConversationAddress, activity: Partial<Activity>): Activity {
  return {
    type: ActivityTypes.Message,
    ...activity,
    channelId: to.channelId,
    serviceUrl: to.serviceUrl,
    conversation: to.conversation,
    from: to.bot,
  } as Activity;
}
