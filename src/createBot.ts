import { ConversationState, type Storage } from 'botbuilder';
import { PrivateConversationState } from 'botbuilder';
import { ConnectorDoctorBot } from './bot/ConnectorDoctorBot';
import { RateLimiter } from './bot/RateLimiter';
import type { Config } from './config';
import { defaultMatcher, loadQuestionTree, type Matcher, type QuestionTree } from './knowledge';
import type { Logger } from './logger';
import { Metrics } from './metrics';
import { FeedbackStore } from './storage/FeedbackStore';

export interface BotParts {
  bot: ConnectorDoctorBot;
  conversationState: ConversationState;
  privateState: PrivateConversationState;
  metrics: Metrics;
  matcher: Matcher;
}

export interface CreateBotDeps {
  storage: Storage;
  logger: Logger;
  config: Pick<Config, 'allowedTenantIds' | 'quietListening' | 'rateLimitPerMinute'>;
  matcher?: Matcher;
  tree?: QuestionTree;
  metrics?: Metrics;
  now?: () => Date;
}

/** The composition root of the bot: everything it needs, passed in, so tests build it without a port. */
export function createBot({ storage, logger, config, matcher = defaultMatcher(), tree = loadQuestionTree(), metrics = new Metrics(), now }: CreateBotDeps): BotParts {
  const conversationState = new ConversationState(storage);
  const privateState = new PrivateConversationState(storage);
  const bot = new ConnectorDoctorBot({
    matcher,
    tree,
    conversationState,
    privateState,
    feedback: new FeedbackStore(storage),
    logger,
    metrics,
    rateLimiter: new RateLimiter(config.rateLimitPerMinute),
    allowedTenantIds: config.allowedTenantIds,
    quietListening: config.quietListening,
    now,
  });
  return { bot, conversationState, privateState, metrics, matcher };
}
