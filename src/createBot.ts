import type { BotState, Storage } from 'botbuilder';
import { ConnectorDoctorBot } from './bot/ConnectorDoctorBot';
import { adapterProactiveSender, type ProactiveSender } from './bot/ProactiveSender';
import { RateLimiter } from './bot/RateLimiter';
import type { Config } from './config';
import { defaultMatcher, loadQuestionTree, type Matcher, type QuestionTree } from './knowledge';
import type { Logger } from './logger';
import { Metrics } from './metrics';
import { FeedbackStore } from './storage/FeedbackStore';
import { SupportDeskStore } from './storage/SupportDeskStore';
import { JsonChangeConversationState, JsonChangePrivateConversationState } from './storage/jsonChangeState';

export interface BotParts {
  bot: ConnectorDoctorBot;
  conversationState: BotState;
  privateState: BotState;
  metrics: Metrics;
  matcher: Matcher;
}

export interface CreateBotDeps {
  storage: Storage;
  logger: Logger;
  config: Pick<Config, 'allowedTenantIds' | 'localMode' | 'quietListening' | 'rateLimitPerMinute'> & Partial<Pick<Config, 'appId'>>;
  matcher?: Matcher;
  tree?: QuestionTree;
  metrics?: Metrics;
  /** Through the adapter of the turn unless given (tests pass a fake). */
  proactive?: ProactiveSender;
  now?: () => Date;
}

/** The composition root of the bot: everything it needs, passed in, so tests build it without a port. */
export function createBot({
  storage,
  logger,
  config,
  matcher = defaultMatcher(),
  tree = loadQuestionTree(),
  metrics = new Metrics(),
  proactive = adapterProactiveSender(config.appId ?? ''),
  now,
}: CreateBotDeps): BotParts {
  const conversationState = new JsonChangeConversationState(storage);
  const privateState = new JsonChangePrivateConversationState(storage);
  const bot = new ConnectorDoctorBot({
    matcher,
    tree,
    conversationState,
    privateState,
    feedback: new FeedbackStore(storage),
    supportDesk: new SupportDeskStore(storage),
    proactive,
    logger,
    metrics,
    rateLimiter: new RateLimiter(config.rateLimitPerMinute),
    allowedTenantIds: config.allowedTenantIds,
    localMode: config.localMode,
    quietListening: config.quietListening,
    now,
  });
  return { bot, conversationState, privateState, metrics, matcher };
}
