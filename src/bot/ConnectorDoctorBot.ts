import {
  ActivityTypes,
  TeamsActivityHandler,
  type BotState,
  type ChannelAccount,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
  type MessagingExtensionQuery,
  type MessagingExtensionResponse,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
// The package's index also loads every prompt and the Recognizers-Text suites (some 75 MB); the bot uses none.
import { DialogSet } from 'botbuilder-dialogs/lib/dialogSet';
import { CardSubmit } from '../cards/CardSubmit';
import { renderDiagnosisCard } from '../cards/renderDiagnosisCard';
import { renderHelpCard } from '../cards/renderHelpCard';
import { renderListCard } from '../cards/renderListCard';
import { renderNoneOutcomeCard } from '../cards/renderNoneOutcomeCard';
import { renderWelcomeCard } from '../cards/renderWelcomeCard';
import type { SupportContext } from '../cards/SupportContext';
import { GUIDED_TROUBLESHOOTING_DIALOG, GuidedTroubleshootingDialog, TURN_TEXT_KEY, type GuidedOutcomes } from '../dialogs/GuidedTroubleshootingDialog';
import { MATCH_THRESHOLD, toPlainText, type Matcher, type QuestionTree } from '../knowledge';
import { parseCommand, parseSmallTalk, type Command } from '../knowledge/parseCommand';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { FeedbackStore } from '../storage/FeedbackStore';
import type { SupportDeskStore } from '../storage/SupportDeskStore';
import { detectLanguage } from '../teams/detectLanguage';
import { stripMentions } from '../teams/stripMentions';
import { CardActions } from './CardActions';
import { ConversationData } from './ConversationData';
import { MessageExtension } from './MessageExtension';
import { newDiagnosisId, PasteDiagnosis } from './PasteDiagnosis';
import type { ProactiveSender } from './ProactiveSender';
import type { RateLimiter } from './RateLimiter';
import { SupportDesk } from './SupportDesk';
import { tenantAllowed, tenantOf } from './tenantGate';
import { Turn } from './Turn';

export interface BotDeps {
  matcher: Matcher;
  tree: QuestionTree;
  conversationState: BotState;
  /** Per user and conversation: two people in one thread each get their own guided run. */
  privateState: BotState;
  feedback: FeedbackStore;
  supportDesk: SupportDeskStore;
  /** Posts tickets into the support channel and tells requesters what became of them. */
  proactive: ProactiveSender;
  logger: Logger;
  metrics: Metrics;
  rateLimiter: RateLimiter;
  /** Tenants allowed to use the bot (lower case); undefined allows all. */
  allowedTenantIds?: readonly string[];
  /** No app id (Emulator, Web Chat, curl): the Emulator's activities count as Teams' for the allow-list, and the support desk works without a tenant. */
  localMode?: boolean;
  /** Answer confident matches in channels without an @mention (needs the RSC permission). */
  quietListening: boolean;
  now?: () => Date;
}

/** The property of the per-user conversation state that holds the guided run's dialog stack. */
const DIALOG_STATE = 'dialogState';

/** Commands that work the same during a guided run: a list beside it, a fresh run, the support desk. */
const COMMANDS_DURING_GUIDED_RUN: ReadonlySet<Command> = new Set(['list', 'troubleshoot', 'supportChannel', 'tickets']);

/** Quiet listening answers only matches at least this sure. */
export const QUIET_THRESHOLD = Math.max(MATCH_THRESHOLD, 0.85);

type SubmitRoutes = { [V in CardSubmit['verb']]: (turn: Turn, submit: Extract<CardSubmit, { verb: V }>) => Promise<void> };

/** Routes each activity to one small handler; knows nothing of matching or card layout. */
export class ConnectorDoctorBot extends TeamsActivityHandler {
  private readonly conversationData: StatePropertyAccessor<unknown>;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly dialogs: DialogSet;
  private readonly paste: PasteDiagnosis;
  private readonly actions: CardActions;
  private readonly messageExtension: MessageExtension;
  private readonly supportDesk: SupportDesk;

  /** Each button's verb and what it does. */
  private readonly submitRoutes: SubmitRoutes = {
    feedback: (turn, submit) => this.actions.feedback(turn, submit),
    alternatives: (turn, submit) => this.actions.alternatives(turn, submit),
    supportRequest: (turn, submit) => this.actions.supportRequest(turn, submit),
    showMode: (turn, submit) => this.actions.showMode(turn, submit),
    guided: (turn) => this.startGuided(turn.context),
    list: (turn) => turn.sendCard(renderListCard(turn.lang, this.deps.matcher.packs, this.deps.matcher.modes)),
    help: (turn) => turn.sendCard(renderHelpCard(turn.lang)),
    answer: (turn) => this.continueGuidedFromButton(turn),
    back: (turn) => this.continueGuidedFromButton(turn),
    restart: (turn) => this.continueGuidedFromButton(turn),
    cancelFlow: (turn) => this.continueGuidedFromButton(turn),
    escalate: (turn, submit) => this.supportDesk.escalate(turn, submit),
    ticketAssign: (turn, submit) => this.supportDesk.assign(turn, submit),
    ticketResolve: (turn, submit) => this.supportDesk.resolve(turn, submit),
    ticketReopen: (turn, submit) => this.supportDesk.reopen(turn, submit),
    supportChannelSet: (turn) => this.supportDesk.setChannel(turn),
    supportChannelStop: (turn) => this.supportDesk.stopChannel(turn),
  };

  /** Each command outside a guided run (during one, the dialog takes them; see GuidedTroubleshootingDialog). */
  private readonly commandRoutes: Record<Command, (turn: Turn) => Promise<void>> = {
    help: (turn) => turn.sendCard(renderHelpCard(turn.lang)),
    list: (turn) => turn.sendCard(renderListCard(turn.lang, this.deps.matcher.packs, this.deps.matcher.modes)),
    troubleshoot: (turn) => this.startGuided(turn.context),
    restart: (turn) => this.startGuided(turn.context),
    cancel: (turn) => turn.say('reply.guidedNotActive'),
    back: (turn) => turn.say('reply.guidedNotActive'),
    supportChannel: (turn) => this.supportDesk.showChannel(turn),
    tickets: (turn) => this.supportDesk.listTickets(turn),
  };

  constructor(private readonly deps: BotDeps) {
    super();
    const now = deps.now ?? (() => new Date());
    this.paste = new PasteDiagnosis(deps.matcher, deps.metrics);
    this.supportDesk = new SupportDesk({ store: deps.supportDesk, matcher: deps.matcher, metrics: deps.metrics, proactive: deps.proactive, localMode: deps.localMode ?? false, now });
    this.actions = new CardActions({ matcher: deps.matcher, metrics: deps.metrics, feedback: deps.feedback, now, offersEscalation: (turn) => this.supportDesk.offersEscalation(turn) });
    this.messageExtension = new MessageExtension(deps.matcher, this.paste, deps.metrics, (context, text) => detectLanguage(context.activity.locale, text));
    this.conversationData = deps.conversationState.createProperty('connectorDoctor');
    this.dialogState = deps.privateState.createProperty<DialogState>(DIALOG_STATE);
    this.dialogs = new DialogSet(this.dialogState).add(new GuidedTroubleshootingDialog(deps.tree, this.guidedOutcomes()));

    this.onMessage(async (context, next) => {
      await this.routeMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      await this.welcomeIfBotAdded(context, context.activity.membersAdded ?? []);
      await next();
    });
  }

  /** Runs the turn and saves state exactly once, at its end. */
  async run(context: TurnContext): Promise<void> {
    if (!tenantAllowed(context.activity, this.deps)) {
      const { channelId, type } = context.activity;
      this.deps.logger.warn('activity from a tenant that is not allowed', { tenantId: tenantOf(context.activity) ?? 'none', channelId, type });
      if (context.activity.type === ActivityTypes.Invoke) await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 403 } });
      return;
    }
    const started = process.hrtime.bigint();
    try {
      await super.run(context);
    } finally {
      await this.deps.conversationState.saveChanges(context, false);
      await this.deps.privateState.saveChanges(context, false);
      this.deps.metrics.turnSeconds(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  // ---- routing -------------------------------------------------------------------------------

  private async routeMessage(context: TurnContext): Promise<void> {
    const { activity } = context;
    const text = messageText(context);
    const isGroup = activity.conversation?.conversationType === 'channel' || activity.conversation?.conversationType === 'groupChat';
    const isSubmit = activity.value !== undefined && activity.value !== null;
    if (isGroup && !botMentioned(context) && !isSubmit) {
      await this.listenQuietly(context, text);
      return;
    }
    const turn = this.turnOf(context, text);
    if (!this.withinRateLimit(turn)) {
      await turn.say('reply.rateLimited');
      return;
    }
    if (isSubmit) {
      await this.routeSubmit(turn);
      return;
    }
    if (toPlainText(text).trim() === '') {
      const hasFile = (activity.attachments ?? []).some((a) => a.contentType !== 'text/html');
      if (hasFile) await turn.say('reply.askForText');
      else await turn.sendCard(renderHelpCard(turn.lang));
      return;
    }
    const command = parseCommand(text);
    if (command && COMMANDS_DURING_GUIDED_RUN.has(command)) {
      await this.commandRoutes[command](turn);
      return;
    }
    if (await this.guidedRunActive(context)) {
      context.turnState.set(TURN_TEXT_KEY, text);
      const dc = await this.dialogs.createContext(context);
      await dc.continueDialog();
      return;
    }
    const talk = command ? undefined : parseSmallTalk(text);
    if (command) await this.commandRoutes[command](turn);
    else if (talk) await turn.say(talk === 'greeting' ? 'reply.greeting' : 'reply.thanks');
    else await this.paste.answer(turn, text);
  }

  private async routeSubmit(turn: Turn): Promise<void> {
    const parsed = CardSubmit.safeParse(turn.activity.value);
    if (!parsed.success) {
      turn.log.info('card submit rejected', { issues: parsed.error.issues.length });
      await turn.say('reply.badSubmit');
      return;
    }
    const route = this.submitRoutes[parsed.data.verb] as (turn: Turn, submit: CardSubmit) => Promise<void>;
    await route(turn, parsed.data);
  }

  // ---- guided troubleshooting ----------------------------------------------------------------

  private async continueGuidedFromButton(turn: Turn): Promise<void> {
    const dc = await this.dialogs.createContext(turn.context);
    if (dc.activeDialog) await dc.continueDialog();
    else await turn.say('reply.guidedStaleCard');
  }

  /** Whether this user has a guided run in this conversation; reads without creating state, so a paste writes none. */
  private async guidedRunActive(context: TurnContext): Promise<boolean> {
    // The scope itself rather than the property accessor: the same read, without creating the property.
    const scope = (await this.deps.privateState.load(context)) as { [DIALOG_STATE]?: Partial<DialogState> };
    return (scope[DIALOG_STATE]?.dialogStack?.length ?? 0) > 0;
  }

  private async startGuided(context: TurnContext): Promise<void> {
    const dc = await this.dialogs.createContext(context);
    await dc.cancelAllDialogs();
    await dc.beginDialog(GUIDED_TROUBLESHOOTING_DIALOG);
  }

  private guidedOutcomes(): GuidedOutcomes {
    return {
      failureModeReached: async (context, lang, failureMode, stepsTaken) => {
        const turn = new Turn(context, lang, this.deps.logger);
        const mode = this.deps.matcher.modeById(failureMode);
        if (!mode) throw new Error(`guided troubleshooting reached an unknown failure mode ${failureMode}`);
        const supportContext: SupportContext = { source: 'guided', facts: {}, stepsTaken };
        const diagnosisId = newDiagnosisId();
        this.deps.metrics.diagnosed(failureMode);
        turn.log.info('guided troubleshooting reached a failure mode', { diagnosisId, failureMode, steps: stepsTaken.length });
        await turn.sendCard(renderDiagnosisCard({ lang, mode, pack: this.deps.matcher.packOf(mode), confidence: null, facts: {}, others: [], diagnosisId, context: supportContext, fromGuided: true }));
      },
      noneReached: async (context, lang, stepsTaken) => {
        const turn = new Turn(context, lang, this.deps.logger);
        turn.log.info('guided troubleshooting found no documented cause', { steps: stepsTaken.length });
        await turn.sendCard(renderNoneOutcomeCard(lang, this.deps.tree, stepsTaken));
      },
      helpRequested: (context, lang) => new Turn(context, lang, this.deps.logger).sendCard(renderHelpCard(lang)),
      textDuringRun: async (context, lang, text) => {
        const read = this.paste.read(text);
        if (!read.diagnosis.match) return false;
        const turn = new Turn(context, lang, this.deps.logger);
        await turn.say('reply.guidedEndedByPaste');
        return this.paste.answer(turn, text, read);
      },
      languageOf: (context) => detectLanguage(context.activity.locale, messageText(context)),
    };
  }

  // ---- other activities ----------------------------------------------------------------------

  private async welcomeIfBotAdded(context: TurnContext, added: ChannelAccount[]): Promise<void> {
    const botId = context.activity.recipient?.id;
    if (!added.some((m) => m.id === botId)) return;
    const turn = this.turnOf(context, '');
    const example = this.deps.matcher.modeById('logon-failed') ?? this.deps.matcher.modes[0];
    if (example) await turn.sendCard(renderWelcomeCard(turn.lang, example));
  }

  /** Channels without an @mention: only when enabled, only a confident match, once per thread. */
  private async listenQuietly(context: TurnContext, text: string): Promise<void> {
    if (!this.deps.quietListening || context.activity.conversation?.conversationType !== 'channel' || text.trim() === '') return;
    const data = await this.data(context);
    if (data.quietAnswered) return;
    // Past the limit nothing is said: the message was not addressed to the bot.
    if (!this.withinRateLimit(this.turnOf(context, text))) return;
    const read = this.paste.read(text);
    if (!read.diagnosis.match || read.diagnosis.match.confidence < QUIET_THRESHOLD) return;
    data.quietAnswered = true;
    await this.conversationData.set(context, data);
    await this.paste.answer(this.turnOf(context, text), text, read);
  }

  async handleTeamsMessagingExtensionSubmitAction(context: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    return this.messageExtension.submitAction(context, action);
  }

  async handleTeamsMessagingExtensionQuery(context: TurnContext, query: MessagingExtensionQuery): Promise<MessagingExtensionResponse> {
    return this.messageExtension.query(context, query);
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** Every message the bot reads counts against its sender's rate limit. */
  private withinRateLimit(turn: Turn): boolean {
    if (this.deps.rateLimiter.allow(turn.activity.from?.id ?? 'anonymous')) return true;
    turn.log.warn('rate limited');
    return false;
  }

  private turnOf(context: TurnContext, text: string): Turn {
    return new Turn(context, detectLanguage(context.activity.locale, text), this.deps.logger);
  }

  private async data(context: TurnContext): Promise<ConversationData> {
    const parsed = ConversationData.safeParse((await this.conversationData.get(context)) ?? {});
    return parsed.success ? parsed.data : {};
  }
}

/** The message's text with the bot's mentions removed; Teams may send only HTML. */
function messageText(context: TurnContext): string {
  const { activity } = context;
  let text = activity.text ?? '';
  if (text.trim() === '') {
    const html = (activity.attachments ?? []).find((a) => a.contentType === 'text/html' && typeof a.content === 'string');
    if (html) text = String(html.content);
  }
  return stripMentions(text, activity.entities as never, activity.recipient?.id);
}

function botMentioned(context: TurnContext): boolean {
  const botId = context.activity.recipient?.id;
  return (context.activity.entities ?? []).some((e) => e.type === 'mention' && (e as { mentioned?: { id?: string } }).mentioned?.id === botId);
}
