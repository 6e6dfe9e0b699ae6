import { randomUUID } from 'node:crypto';
import type { BotState, TurnContext } from 'botbuilder';
import { detectLanguage } from './teams/detectLanguage';
import { t } from './knowledge/messages';
import type { Logger } from './logger';

/**
 * The one error policy: log with ids, apologise, and clear the state that may be broken: the
 * sender's own state in the conversation (their guided run), which a turn that failed once would
 * fail on again. State the conversation shares (a channel thread's, everyone's in it) is left
 * alone: one person's failed turn must not end or reset anything of anyone else's.
 */
export function createOnTurnError(logger: Logger, senderState: BotState) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    const ref = randomUUID().slice(0, 8);
    const { activity } = context;
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
