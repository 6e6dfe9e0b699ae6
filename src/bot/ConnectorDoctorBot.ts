import { randomUUID } from 'node:crypto';
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
import { asAttachment, excerpt, type CardJson } from '../cards/expandCard';
import { renderDiagnosisCard } from '../cards/renderDiagnosisCard';
import { renderFeedbackAckCard } from '../cards/renderFeedbackAckCard';
import { renderHelpCard } from '../cards/renderHelpCard';
import { renderListCard } from '../cards/renderListCard';
import { renderNoneOutcomeCard } from '../cards/renderNoneOutcomeCard';
import { renderNotRecognisedCard } from '../cards/renderNotRecognisedCard';
import { renderSupportRequestCard } from '../cards/renderSupportRequestCard';
import { renderWelcomeCard } from '../cards/renderWelcomeCard';
import { MAX_CONTEXT_TEXT, type SupportContext } from '../cards/SupportContext';
import { GUIDED_TROUBLESHOOTING_DIALOG, GuidedTroubleshootingDialog, TURN_TEXT_KEY, type GuidedOutcomes } from '../dialogs/GuidedTroubleshootingDialog';
import { MATCH_THRESHOLD, toPlainText, type Diagnosis, type FailureMode, type FailureModeId, type Lang, type Matcher, type QuestionTree } from '../knowledge';
import { t } from '../knowledge/messages';
import { redactSecrets } from '../knowledge/redactSecrets';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { FeedbackStore } from '../storage/FeedbackStore';
import { detectLanguage } from '../teams/detectLanguage';
import { stripMentions } from '../teams/stripMentions';
import { CardSubmit, GUIDED_VERBS } from './CardSubmit';
import { MessageExtension } from './MessageExtension';
import { ConversationData } from './ConversationData';
import { parseCommand } from './parseCommand';
import type { RateLimiter } from './RateLimiter';
import { TickBatcher } from './TickBatcher';

export interface BotDeps {
  matcher: Matcher;
  tree: QuestionTree;
  conversationState: BotState;
  /** Per user and conversation: two people in one thread each get their own guided run. */
  privateState: BotState;
  feedback: FeedbackStore;
  logger: Logger;
  metrics: Metrics;
  rateLimiter: RateLimiter;
  /** Tenants allowed to use the bot (lower case); undefined allows all. */
  allowedTenantIds?: readonly string[];
  /** Answer confident matches in channels without an @mention (needs the RSC permission). */
  quietListening: boolean;
  now?: () => Date;
}

/** Where the server puts the HTTP request id, so that the turn's log lines carry it. */
export const REQUEST_ID_KEY = Symbol('connectorDoctor.requestId');

const TURN_LOGGER_KEY = Symbol('connectorDoctor.logger');
/** The property of the per-user conversation state that holds the guided run's dialog stack. */
const DIALOG_STATE = 'dialogState';

/** The longest paste the bot reads; the rest is ignored and the user told so. */
export const MAX_PASTE_CHARS = 100 * 1024;

/** Routes each activity to one small handler; knows nothing of matching or card layout. */
export class ConnectorDoctorBot extends TeamsActivityHandler {
  private readonly conversationData: StatePropertyAccessor<unknown>;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly dialogs: DialogSet;
  private readonly now: () => Date;
  private readonly messageExtension: MessageExtension;
  /** Reads pastes that arrive together back to back. */
  private readonly batcher = new TickBatcher();

  constructor(private readonly deps: BotDeps) {
    super();
    this.now = deps.now ?? (() => new Date());
    this.messageExtension = new MessageExtension(deps.matcher, deps.metrics, (context, text) => this.languageOf(context, text), (lang) => t(lang, 'reply.unknownCommand'));
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
    if (!this.tenantAllowed(context)) {
      this.logFor(context).warn('activity from a tenant that is not allowed', { tenantId: this.tenantOf(context) ?? 'none', type: context.activity.type });
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
    const log = this.logFor(context);
    const text = this.messageText(context);
    const isGroup = activity.conversation?.conversationType === 'channel' || activity.conversation?.conversationType === 'groupChat';
    const mentioned = this.botMentioned(context);
    const isSubmit = activity.value !== undefined && activity.value !== null;
    if (isGroup && !mentioned && !isSubmit) {
      await this.listenQuietly(context, text);
      return;
    }
    const lang = this.languageOf(context, text);
    if (!this.deps.rateLimiter.allow(`${activity.from?.id ?? 'anonymous'}`)) {
      log.warn('rate limited');
      await context.sendActivity(t(lang, 'reply.rateLimited'));
      return;
    }
    if (isSubmit) {
      await this.handleSubmit(context, lang);
      return;
    }
    if (toPlainText(text).trim() === '') {
      const hasFile = (activity.attachments ?? []).some((a) => a.contentType !== 'text/html');
      if (hasFile) await context.sendActivity(t(lang, 'reply.askForText'));
      else await this.sendCard(context, renderHelpCard(lang));
      return;
    }
    const command = parseCommand(text);
    if (command === 'list') {
      await this.sendCard(context, renderListCard(lang, this.deps.matcher.modes));
      return;
    }
    if (command === 'troubleshoot') {
      await this.startGuided(context);
      return;
    }
    context.turnState.set(TURN_TEXT_KEY, text);
    if (await this.guidedRunActive(context)) {
      const dc = await this.dialogs.createContext(context);
      await dc.continueDialog();
      return;
    }
    if (command === 'help') await this.sendCard(context, renderHelpCard(lang));
    else if (command === 'cancel') await context.sendActivity(t(lang, 'reply.guidedNotActive'));
    else if (command === 'restart') await this.startGuided(context);
    else if (command === 'back') await context.sendActivity(t(lang, 'reply.guidedNotActive'));
    else await this.diagnosePaste(context, lang, text);
  }

  private async handleSubmit(context: TurnContext, lang: Lang): Promise<void> {
    const parsed = CardSubmit.safeParse(context.activity.value);
    if (!parsed.success) {
      this.logFor(context).info('card submit rejected', { issues: parsed.error.issues.length });
      await context.sendActivity(t(lang, 'reply.badSubmit'));
      return;
    }
    const submit = parsed.data;
    if (GUIDED_VERBS.has(submit.verb)) {
      const dc = await this.dialogs.createContext(context);
      if (dc.activeDialog) await dc.continueDialog();
      else await context.sendActivity(t(lang, 'reply.guidedStaleCard'));
      return;
    }
    switch (submit.verb) {
      case 'feedback':
        return this.recordFeedback(context, lang, submit);
      case 'alternatives':
        return this.showAlternatives(context, lang, submit.failureMode, submit.candidates);
      case 'guided':
        return this.startGuided(context);
      case 'supportRequest':
        return this.prepareSupportRequest(context, lang, submit.failureMode, submit.context);
      case 'showMode':
        return this.showMode(context, lang, submit.failureMode);
      case 'list':
        return this.sendCard(context, renderListCard(lang, this.deps.matcher.modes));
      case 'help':
        return this.sendCard(context, renderHelpCard(lang));
      default:
        return;
    }
  }

  // ---- handlers ------------------------------------------------------------------------------

  private async diagnosePaste(context: TurnContext, lang: Lang, text: string): Promise<boolean> {
    const { diagnosis, kinds, card } = await this.batcher.run(
      () => cleanPaste(text),
      (clean) => readPaste(clean, this.deps.matcher),
      (read) => ({ ...read, card: this.answerPaste(lang, read) }),
    );
    const log = this.logFor(context);
    if (text.length > MAX_PASTE_CHARS) await context.sendActivity(t(lang, 'reply.tooLong', { kb: Math.round(MAX_PASTE_CHARS / 1024) }));
    if (diagnosis.match === null) {
      this.deps.metrics.notRecognisedPaste();
      log.info('paste not recognised', { length: text.length, secretsRemoved: kinds.length, best: diagnosis.candidates[0]?.id ?? null });
    } else {
      this.deps.metrics.diagnosed(diagnosis.match.id);
      log.info('paste diagnosed', { failureMode: diagnosis.match.id, confidence: diagnosis.match.confidence, length: text.length, secretsRemoved: kinds.length });
    }
    await this.sendCard(context, card);
    return diagnosis.match !== null;
  }

  /** The card for a paste that was read: its diagnosis, or what the bot could not recognise. */
  private answerPaste(lang: Lang, { redacted, kinds, diagnosis }: ReadPaste): CardJson {
    if (!diagnosis.match) {
      return renderNotRecognisedCard({ lang, modes: this.deps.matcher.modes, closest: diagnosis.candidates, pastedText: redacted, secretKinds: kinds });
    }
    const mode = this.modeOf(diagnosis.match.id);
    const supportContext: SupportContext = { source: 'paste', redactedText: excerpt(redacted, MAX_CONTEXT_TEXT), facts: diagnosis.match.facts, stepsTaken: [] };
    const others = diagnosis.candidates.filter((c) => c.id !== mode.id && c.confidence >= 0.1);
    return renderDiagnosisCard({
      lang,
      mode,
      confidence: diagnosis.match.confidence,
      facts: diagnosis.match.facts,
      others,
      diagnosisId: newDiagnosisId(),
      context: supportContext,
      secretKinds: kinds,
    });
  }

  private async recordFeedback(context: TurnContext, lang: Lang, submit: Extract<CardSubmit, { verb: 'feedback' }>): Promise<void> {
    const { failureMode, helpful, diagnosisId, context: supportContext } = submit;
    const source = submit.source ?? supportContext?.source;
    const { activity } = context;
    await this.deps.feedback.record({
      failureMode,
      helpful,
      tenantId: this.tenantOf(context),
      conversationId: activity.conversation?.id ?? 'unknown',
      userId: activity.from?.aadObjectId ?? activity.from?.id,
      at: this.now().toISOString(),
      source: source === 'list' ? undefined : source,
    });
    this.deps.metrics.feedbackGiven(helpful);
    this.logFor(context).info('feedback recorded', { failureMode, helpful });
    const card = renderFeedbackAckCard(lang, this.modeOf(failureMode), helpful, diagnosisId, supportContext);
    if (activity.channelId === 'msteams' && activity.replyToId) {
      try {
        await context.updateActivity({ id: activity.replyToId, type: ActivityTypes.Message, attachments: [asAttachment(card)] });
        return;
      } catch (err) {
        this.logFor(context).warn('could not update the card in place; sending the acknowledgement instead', { err });
      }
    }
    await this.sendCard(context, card);
  }

  private async showAlternatives(context: TurnContext, lang: Lang, failureMode: FailureModeId, candidates: readonly FailureModeId[] = []): Promise<void> {
    const others = candidates.filter((id) => id !== failureMode).map((id) => this.modeOf(id));
    if (others.length === 0) {
      await context.sendActivity(t(lang, 'reply.noAlternatives'));
      return;
    }
    await this.sendCard(context, renderListCard(lang, others, t(lang, 'card.list.alternativesIntro')));
  }

  private async prepareSupportRequest(context: TurnContext, lang: Lang, failureMode: FailureModeId, supportContext?: SupportContext): Promise<void> {
    // The context arrives from a card: redacted when it was made, redacted again in case it was crafted.
    const text = supportContext?.redactedText;
    const card = renderSupportRequestCard({
      lang,
      mode: this.modeOf(failureMode),
      redactedErrorText: text === undefined ? undefined : redactSecrets(text).text,
      facts: supportContext?.facts ?? {},
      stepsTried: supportContext?.stepsTaken ?? [],
      at: this.now(),
    });
    this.logFor(context).info('support request prepared', { failureMode });
    await this.sendCard(context, card);
  }

  private async showMode(context: TurnContext, lang: Lang, failureMode: FailureModeId): Promise<void> {
    const mode = this.modeOf(failureMode);
    const supportContext: SupportContext = { source: 'list', facts: {}, stepsTaken: [] };
    await this.sendCard(context, renderDiagnosisCard({ lang, mode, confidence: null, facts: {}, others: [], diagnosisId: newDiagnosisId(), context: supportContext }));
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

  private async welcomeIfBotAdded(context: TurnContext, added: ChannelAccount[]): Promise<void> {
    const botId = context.activity.recipient?.id;
    if (!added.some((m) => m.id === botId)) return;
    const lang = this.languageOf(context, '');
    await this.sendCard(context, renderWelcomeCard(lang, this.modeOf('logon-failed')));
  }

  /** Channels without an @mention: only when enabled, only a confident match, once per thread. */
  private async listenQuietly(context: TurnContext, text: string): Promise<void> {
    if (!this.deps.quietListening || context.activity.conversation?.conversationType !== 'channel' || text.trim() === '') return;
    const data = await this.data(context);
    if (data.quietAnswered) return;
    const diagnosis = this.deps.matcher.diagnose(cleanPaste(text).text);
    if (!diagnosis.match || diagnosis.match.confidence < QUIET_THRESHOLD) return;
    data.quietAnswered = true;
    await this.conversationData.set(context, data);
    await this.diagnosePaste(context, this.languageOf(context, text), text);
  }

  // ---- guided troubleshooting outcomes -------------------------------------------------------

  private guidedOutcomes(): GuidedOutcomes {
    return {
      failureModeReached: async (context, lang, failureMode, stepsTaken) => {
        const mode = this.modeOf(failureMode);
        const supportContext: SupportContext = { source: 'guided', facts: {}, stepsTaken };
        this.deps.metrics.diagnosed(failureMode);
        this.logFor(context).info('guided troubleshooting reached a failure mode', { failureMode, steps: stepsTaken.length });
        await this.sendCard(
          context,
          renderDiagnosisCard({ lang, mode, confidence: null, facts: {}, others: [], diagnosisId: newDiagnosisId(), context: supportContext, fromGuided: true }),
        );
      },
      noneReached: async (context, lang, stepsTaken) => {
        this.logFor(context).info('guided troubleshooting found no documented cause', { steps: stepsTaken.length });
        await this.sendCard(context, renderNoneOutcomeCard(lang, this.deps.tree, stepsTaken));
      },
      helpRequested: (context, lang) => this.sendCard(context, renderHelpCard(lang)),
      textDuringRun: async (context, lang, text) => {
        if (!this.deps.matcher.diagnose(cleanPaste(text).text).match) return false;
        await context.sendActivity(t(lang, 'reply.guidedEndedByPaste'));
        return this.diagnosePaste(context, lang, text);
      },
      languageOf: (context) => this.languageOf(context, this.messageText(context)),
    };
  }

  // ---- message extension (see the Teams app issue) -------------------------------------------

  async handleTeamsMessagingExtensionSubmitAction(context: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    return this.messageExtension.submitAction(context, action);
  }

  async handleTeamsMessagingExtensionQuery(context: TurnContext, query: MessagingExtensionQuery): Promise<MessagingExtensionResponse> {
    return this.messageExtension.query(context, query);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private messageText(context: TurnContext): string {
    const { activity } = context;
    let text = activity.text ?? '';
    if (text.trim() === '') {
      const html = (activity.attachments ?? []).find((a) => a.contentType === 'text/html' && typeof a.content === 'string');
      if (html) text = String(html.content);
    }
    return stripMentions(text, activity.entities as never, activity.recipient?.id);
  }

  private botMentioned(context: TurnContext): boolean {
    const botId = context.activity.recipient?.id;
    return (context.activity.entities ?? []).some((e) => e.type === 'mention' && (e as { mentioned?: { id?: string } }).mentioned?.id === botId);
  }

  languageOf(context: TurnContext, text: string): Lang {
    return detectLanguage(context.activity.locale, text);
  }

  private tenantOf(context: TurnContext): string | undefined {
    const { activity } = context;
    const fromChannelData = (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
    return (activity.conversation?.tenantId ?? fromChannelData)?.toLowerCase();
  }

  private tenantAllowed(context: TurnContext): boolean {
    const allowed = this.deps.allowedTenantIds;
    if (!allowed || allowed.length === 0) return true;
    const tenant = this.tenantOf(context);
    return tenant !== undefined && allowed.includes(tenant);
  }

  /** The turn's logger, made once per turn. */
  private logFor(context: TurnContext): Logger {
    let log = context.turnState.get(TURN_LOGGER_KEY) as Logger | undefined;
    if (!log) {
      const { activity } = context;
      const requestId = context.turnState.get(REQUEST_ID_KEY) as string | undefined;
      log = this.deps.logger.child({ requestId, activityId: activity.id, conversationId: activity.conversation?.id, channelId: activity.channelId });
      context.turnState.set(TURN_LOGGER_KEY, log);
    }
    return log;
  }

  private modeOf(id: FailureModeId): FailureMode {
    const mode = this.deps.matcher.modeById(id);
    if (!mode) throw new Error(`unknown failure mode ${id}`);
    return mode;
  }

  private async sendCard(context: TurnContext, card: CardJson): Promise<void> {
    await context.sendActivity({ type: ActivityTypes.Message, attachments: [asAttachment(card)] });
  }

  private async data(context: TurnContext): Promise<ConversationData> {
    const parsed = ConversationData.safeParse((await this.conversationData.get(context)) ?? {});
    return parsed.success ? parsed.data : {};
  }

}

/** Names one diagnosis in logs and feedback; nothing is stored under it. */
function newDiagnosisId(): string {
  return randomUUID().slice(0, 12);
}

/** The paste as the user saw it (HTML and entities resolved), cut to MAX_PASTE_CHARS, secrets removed. */
function cleanPaste(text: string): ReturnType<typeof redactSecrets> {
  return redactSecrets(toPlainText(text.length > MAX_PASTE_CHARS ? text.slice(0, MAX_PASTE_CHARS) : text));
}

interface ReadPaste {
  redacted: string;
  kinds: readonly string[];
  diagnosis: Diagnosis;
}

/** A paste with its secrets removed, and what the matcher makes of it. */
function readPaste({ text: redacted, kinds }: ReturnType<typeof cleanPaste>, matcher: Matcher): ReadPaste {
  return { redacted, kinds, diagnosis: matcher.diagnose(redacted) };
}

/** Quiet listening answers only matches at least this sure. */
export const QUIET_THRESHOLD = Math.max(MATCH_THRESHOLD, 0.85);
