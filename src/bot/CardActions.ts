import { ActivityTypes } from 'botbuilder';
import { asAttachment } from '../cards/expandCard';
import type { CardSubmit } from '../cards/CardSubmit';
import { renderDiagnosisCard } from '../cards/renderDiagnosisCard';
import { renderFeedbackAckCard } from '../cards/renderFeedbackAckCard';
import { renderListCard } from '../cards/renderListCard';
import { renderSupportRequestCard } from '../cards/renderSupportRequestCard';
import type { FailureMode, Matcher } from '../knowledge';
import { t } from '../knowledge/messages';
import { redactSecrets } from '../knowledge/redactSecrets';
import type { Metrics } from '../metrics';
import type { FeedbackStore } from '../storage/FeedbackStore';
import { newDiagnosisId } from './PasteDiagnosis';
import { tenantOf } from './tenantGate';
import type { Turn } from './Turn';

type Submit<V extends CardSubmit['verb']> = Extract<CardSubmit, { verb: V }>;

/** What the buttons of a diagnosis card do: one small handler per verb. */
export class CardActions {
  constructor(
    private readonly deps: {
      matcher: Matcher;
      metrics: Metrics;
      feedback: FeedbackStore;
      now: () => Date;
      /** Whether the tenant has a support channel to send the request to. */
      offersEscalation: (turn: Turn) => Promise<boolean>;
    },
  ) {}

  async feedback(turn: Turn, submit: Submit<'feedback'>): Promise<void> {
    const mode = await this.modeOrApology(turn, submit.failureMode);
    if (!mode) return;
    const { helpful, context } = submit;
    // A button without a diagnosis id (a crafted one) rates a diagnosis nobody else can name.
    const diagnosisId = submit.diagnosisId || newDiagnosisId();
    const source = submit.source ?? context?.source;
    const { activity } = turn;
    const { replaced } = await this.deps.feedback.record({
      diagnosisId,
      failureMode: mode.id,
      helpful,
      tenantId: tenantOf(activity),
      conversationId: turn.conversationId,
      userId: turn.userId,
      at: this.deps.now().toISOString(),
      source: source === 'list' ? undefined : source,
    });
    // Pressing the same button again changes nothing worth counting; changing one's mind counts the new verdict.
    if (replaced?.helpful !== helpful) this.deps.metrics.feedbackGiven(mode.id, helpful);
    turn.log.info('feedback recorded', { diagnosisId, failureMode: mode.id, helpful, replaced: replaced !== undefined });
    const card = renderFeedbackAckCard(turn.lang, mode, helpful, diagnosisId, context, submit.candidates);
    if (activity.channelId === 'msteams' && activity.replyToId) {
      try {
        await turn.context.updateActivity({ id: activity.replyToId, type: ActivityTypes.Message, attachments: [asAttachment(card)] });
        return;
      } catch (err) {
        turn.log.warn('could not update the card in place; sending the acknowledgement instead', { err });
      }
    }
    await turn.sendCard(card);
  }

  async alternatives(turn: Turn, { failureMode, candidates = [] }: Submit<'alternatives'>): Promise<void> {
    const others = candidates.filter((id) => id !== failureMode).flatMap((id) => this.deps.matcher.modeById(id) ?? []);
    if (others.length === 0) {
      await turn.say('reply.noAlternatives');
      return;
    }
    await turn.sendCard(renderListCard(turn.lang, this.deps.matcher.packs, others, t(turn.lang, 'card.list.alternativesIntro')));
  }

  async supportRequest(turn: Turn, { failureMode, diagnosisId, context }: Submit<'supportRequest'>): Promise<void> {
    const mode = await this.modeOrApology(turn, failureMode);
    if (!mode) return;
    // The context arrives from a card: redacted when it was made, redacted again in case it was crafted.
    const text = context?.redactedText;
    const card = renderSupportRequestCard({
      lang: turn.lang,
      mode,
      redactedErrorText: text === undefined ? undefined : redactSecrets(text).text,
      source: context?.source,
      facts: context?.facts ?? {},
      stepsTried: context?.stepsTaken ?? [],
      at: this.deps.now(),
      ...((await this.deps.offersEscalation(turn)) ? { escalate: { diagnosisId, context } } : {}),
    });
    turn.log.info('support request prepared', { failureMode: mode.id });
    await turn.sendCard(card);
  }

  async showMode(turn: Turn, { failureMode }: Submit<'showMode'>): Promise<void> {
    const mode = await this.modeOrApology(turn, failureMode);
    if (!mode) return;
    const diagnosisId = newDiagnosisId();
    turn.log.info('failure mode shown from a list', { diagnosisId, failureMode: mode.id });
    await turn.sendCard(
      renderDiagnosisCard({ lang: turn.lang, mode, pack: this.deps.matcher.packOf(mode), confidence: null, facts: {}, others: [], diagnosisId, context: { source: 'list', facts: {}, stepsTaken: [] } }),
    );
  }

  /** The mode a button names; a button naming no mode we know gets the bad-button answer. */
  private async modeOrApology(turn: Turn, id: string): Promise<FailureMode | undefined> {
    const mode = this.deps.matcher.modeById(id);
    if (!mode) {
      turn.log.info('card submit names an unknown failure mode');
      await turn.say('reply.badSubmit');
    }
    return mode;
  }
}
