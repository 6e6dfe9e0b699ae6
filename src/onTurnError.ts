import { randomUUID } from 'node:crypto';
import type { BotState, TurnContext } from 'botbuilder';
import { detectLanguage } from './teams/detectLanguage';
import { t } from './knowledge/messages';
import type { Logger } from './logger';

/** The one error policy: log with ids, apologise, clear the state that may be broken. */
export function createOnTurnError(logger: Logger, states: readonly BotState[]) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    const ref = randomUUID().slice(0, 8);
    const { activity } = context;
    logger.error('turn failed', { ref, err: error, activityId: activity.id, conversationId: activity.conversation?.id, type: activity.type });
    for (const state of states) {
      try {
        await state.delete(context);
      } catch (err) {
        logger.warn('could not clear state after a failed turn', { ref, err });
      }
    }
    if (activity.type !== 'message') return;
    try {
      await context.sendActivity(t(detectLanguage(activity.locale, activity.text ?? ''), 'reply.turnError', { ref }));
    } catch (err) {
      logger.warn('could not send the apology', { ref, err });
    }
  };
}
