import { ActivityTypes, type Activity, type TurnContext } from 'botbuilder';
import { asAttachment, type CardJson } from '../cards/expandCard';
import type { Lang } from '../knowledge';
import { t, type MessageKey, type MessageParams } from '../knowledge/messages';
import type { Logger } from '../logger';

/** Where the server puts the HTTP request id, so that the turn's log lines carry it. */
export const REQUEST_ID_KEY = Symbol('connectorDoctor.requestId');

/** One activity being handled: who sent it, in which language to answer, its logger, and how to answer. */
export class Turn {
  readonly log: Logger;

  constructor(
    readonly context: TurnContext,
    readonly lang: Lang,
    logger: Logger,
  ) {
    const { activity } = context;
    const requestId = context.turnState.get(REQUEST_ID_KEY) as string | undefined;
    this.log = logger.child({ requestId, activityId: activity.id, conversationId: activity.conversation?.id, channelId: activity.channelId });
  }

  get activity(): Activity {
    return this.context.activity;
  }

  get conversationId(): string {
    return this.activity.conversation?.id ?? 'unknown';
  }

  /** The person, by their Entra object id where the channel gives one. */
  get userId(): string | undefined {
    return this.activity.from?.aadObjectId ?? this.activity.from?.id;
  }

  async sendCard(card: CardJson): Promise<void> {
    await this.context.sendActivity({ type: ActivityTypes.Message, attachments: [asAttachment(card)] });
  }

  /** One line from the message catalog. */
  async say(key: MessageKey, params?: MessageParams): Promise<void> {
    await this.context.sendActivity(t(this.lang, key, params));
  }
}
