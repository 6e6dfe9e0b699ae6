import { randomUUID } from 'node:crypto';
import type { BotState, TurnContext } from 'botbuilder';
import { detectLanguage } from './teams/detectLanguage';
import { t } from './knowledge/messages';
import type { Logger } from './logger';

/** Error codes of a request that reached no one: nothing listens at the address, or it does not resolve. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'REQUEST_SEND_ERROR']);

/** The network error code when posting a reply to the channel failed before any answer, e.g. ECONNREFUSED. */
export function unreachableCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && UNREACHABLE.has(code) ? code : undefined;
}

/**
 * The one error policy: log with ids, apologise, and clear the state that may be broken: the
 * sender's own state in the conversation (their guided run), which a turn that failed once would
 * fail on again. State the conversation shares (a channel thread's, everyone's in it) is left
 * alone: one person's failed turn must not end or reset anything of anyone else's.
 *
 * In local mode a reply that cannot reach the activity's serviceUrl (a curl without expectReplies,
 * an Emulator that has gone) is one warning that says what to do; nothing is cleared and no
 * apology is sent after it.
 */
export function createOnTurnError(logger: Logger, senderState: BotState, { localMode = false } = {}) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    const ref = randomUUID().slice(0, 8);
    const { activity } = context;
    const code = localMode ? unreachableCode(error) : undefined;
    if (code) {
      logger.warn(
        'replies not delivered: nothing answers at the serviceUrl. In local mode send "deliveryMode": "expectReplies" to get the replies in the HTTP response, or talk to the bot from the Bot Framework Emulator or a real channel',
        { ref, serviceUrl: activity.serviceUrl, code, activityId: activity.id, conversationId: activity.conversation?.id },
      );
      return;
    }
    logger.error('turn failed', { ref, err: error, activityId: activity.id, conversationId: activity.conversation?.id, type: activity.type });
    try {
      await senderState.delete(context);
    } catch (err) {
      logger.warn("could not clear the sender's state after a failed turn", { ref, err });
    }
    if (activity.type !== 'message') return;
    try {
      await context.sendActivity(t(detectLanguage(activity.locale, activity.text ?? ''), 'reply.turnError', { ref }));
    } catch (err) {
      logger.warn('could not send the apology', { ref, err });
    }
  };
}
