import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import type { DialogContext, DialogInstance, DialogTurnResult } from 'botbuilder-dialogs';
// The package's index also loads every prompt and the Recognizers-Text suites (some 75 MB); these two are all we use.
import { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog';
import { Dialog } from 'botbuilder-dialogs/lib/dialog';
import { CardSubmit, GUIDED_VERBS, type GuidedSubmit } from '../cards/CardSubmit';
import { parseCommand } from '../knowledge/parseCommand';
import { asAttachment } from '../cards/expandCard';
import { renderQuestionCard } from '../cards/renderQuestionCard';
import type { FailureModeId, Lang, Question, QuestionTree } from '../knowledge';
import { t } from '../knowledge/messages';

export const GUIDED_TROUBLESHOOTING_DIALOG = 'guidedTroubleshooting';
export const ASK_QUESTIONS_DIALOG = 'askQuestions';

/** What the bot does when a run ends; the dialog only walks the tree. */
export interface GuidedOutcomes {
  failureModeReached(context: TurnContext, lang: Lang, failureMode: FailureModeId, stepsTaken: string[]): Promise<void>;
  noneReached(context: TurnContext, lang: Lang, stepsTaken: string[]): Promise<void>;
  helpRequested(context: TurnContext, lang: Lang): Promise<void>;
  /** Text during the run: true when it was a recognised paste (then the run ends). */
  textDuringRun(context: TurnContext, lang: Lang, text: string): Promise<boolean>;
  languageOf(context: TurnContext): Lang;
}

interface RunState {
  flowId: string;
  /** Questions asked in this run; the last is the one waiting for an answer. */
  path: string[];
  answers: Array<{ questionId: string; answerId: string }>;
}

function stateOf(instance: DialogInstance): RunState {
  return instance.state as RunState;
}

/** Asks the tree's questions as cards and follows the answers to a leaf. */
class AskQuestionsDialog extends Dialog {
  private readonly byId: ReadonlyMap<string, Question>;

  constructor(
    private readonly tree: QuestionTree,
    private readonly outcomes: GuidedOutcomes,
  ) {
    super(ASK_QUESTIONS_DIALOG);
    this.byId = new Map(tree.questions.map((q) => [q.id, q]));
  }

  // Begin: a fresh run at the tree's first question.
  async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const state = stateOf(dc.activeDialog as DialogInstance);
    state.flowId = randomUUID().slice(0, 8);
    state.path = [this.tree.start];
    state.answers = [];
    await this.askCurrent(dc);
    return Dialog.EndOfTurn;
  }

  // Continue: only a button of the current question of this run moves the flow.
  async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const parsed = CardSubmit.safeParse(dc.context.activity.value);
    if (!parsed.success || !GUIDED_VERBS.has(parsed.data.verb)) return Dialog.EndOfTurn;
    return this.handleSubmit(dc, parsed.data as GuidedSubmit);
  }

  async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    const state = stateOf(instance);
    await this.sendQuestion(context, state);
  }

  private async handleSubmit(dc: DialogContext, submit: GuidedSubmit): Promise<DialogTurnResult> {
    const state = stateOf(dc.activeDialog as DialogInstance);
    const lang = this.outcomes.languageOf(dc.context);
    const current = state.path[state.path.length - 1];
    const stale = submit.flowId !== state.flowId || (submit.questionId !== undefined && submit.questionId !== current);
    if (stale) {
      await dc.context.sendActivity(t(lang, 'reply.guidedStaleCard'));
      return Dialog.EndOfTurn;
    }
    switch (submit.verb) {
      case 'cancelFlow':
        await dc.context.sendActivity(t(lang, 'reply.guidedCancelled'));
        return dc.endDialog({ ended: 'cancelled' });
      case 'restart':
        return this.beginDialog(dc);
      case 'back':
        if (state.path.length > 1) {
          state.path.pop();
          state.answers.pop();
        }
        await this.askCurrent(dc);
        return Dialog.EndOfTurn;
      case 'answer':
        return this.answer(dc, state, submit.answerId, lang);
    }
  }

  // Answer: record it, then ask the next question or end at a leaf.
  private async answer(dc: DialogContext, state: RunState, answerId: string, lang: Lang): Promise<DialogTurnResult> {
    const question = this.byId.get(state.path[state.path.length - 1] ?? '');
    const answer = question?.answers.find((a) => a.id === answerId);
    if (!question || !answer) {
      await dc.context.sendActivity(t(lang, 'reply.guidedStaleCard'));
      return Dialog.EndOfTurn;
    }
    state.answers.push({ questionId: question.id, answerId: answer.id });
    if ('next' in answer) {
      state.path.push(answer.next);
      await this.askCurrent(dc);
      return Dialog.EndOfTurn;
    }
    const steps = this.stepsTaken(state, lang);
    if ('failureMode' in answer) await this.outcomes.failureModeReached(dc.context, lang, answer.failureMode, steps);
    else await this.outcomes.noneReached(dc.context, lang, steps);
    return dc.endDialog({ ended: 'leaf' });
  }

  private stepsTaken(state: RunState, lang: Lang): string[] {
    return state.answers.map(({ questionId, answerId }) => {
      const q = this.byId.get(questionId);
      const a = q?.answers.find((x) => x.id === answerId);
      return `${q?.text[lang] ?? questionId} → ${a?.text[lang] ?? answerId}`;
    });
  }

  private async askCurrent(dc: DialogContext): Promise<void> {
    await this.sendQuestion(dc.context, stateOf(dc.activeDialog as DialogInstance));
  }

  private async sendQuestion(context: TurnContext, state: RunState): Promise<void> {
    const question = this.byId.get(state.path[state.path.length - 1] ?? '');
    if (!question) return;
    const lang = this.outcomes.languageOf(context);
    const card = renderQuestionCard({ lang, question, flowId: state.flowId, step: state.path.length });
    await context.sendActivity({ attachments: [asAttachment(card)] });
  }
}

/**
 * Guided troubleshooting: the article's order (load the module, sign in, open the session) as
 * questions with buttons. Interruptions live here, in one place: cancel, help, start over, back,
 * and a paste that ends the run.
 */
export class GuidedTroubleshootingDialog extends ComponentDialog {
  constructor(
    tree: QuestionTree,
    private readonly outcomes: GuidedOutcomes,
  ) {
    super(GUIDED_TROUBLESHOOTING_DIALOG);
    this.addDialog(new AskQuestionsDialog(tree, outcomes));
    this.initialDialogId = ASK_QUESTIONS_DIALOG;
  }

  protected async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    const interrupted = await this.interrupt(inner);
    return interrupted ?? super.onContinueDialog(inner);
  }

  private async interrupt(inner: DialogContext): Promise<DialogTurnResult | undefined> {
    const { activity } = inner.context;
    if (activity.value !== undefined && activity.value !== null) return undefined;
    const text = inner.context.turnState.get(TURN_TEXT_KEY) as string | undefined;
    if (text === undefined) return undefined;
    const lang = this.outcomes.languageOf(inner.context);
    const askQuestions = inner.activeDialog;
    const state = askQuestions ? stateOf(askQuestions) : undefined;
    switch (parseCommand(text)) {
      case 'cancel':
        await inner.context.sendActivity(t(lang, 'reply.guidedCancelled'));
        return inner.cancelAllDialogs();
      case 'help':
        await this.outcomes.helpRequested(inner.context, lang);
        await inner.context.sendActivity(t(lang, 'reply.guidedResume'));
        await inner.repromptDialog();
        return Dialog.EndOfTurn;
      case 'restart':
      case 'troubleshoot':
        await inner.cancelAllDialogs();
        return inner.beginDialog(ASK_QUESTIONS_DIALOG);
      case 'back':
        if (state && state.path.length > 1) {
          state.path.pop();
          state.answers.pop();
        }
        await inner.repromptDialog();
        return Dialog.EndOfTurn;
      case 'list':
        return undefined;
      default:
        if (await this.outcomes.textDuringRun(inner.context, lang, text)) return inner.cancelAllDialogs();
        await inner.context.sendActivity(t(lang, 'reply.guidedAnswerText'));
        await inner.repromptDialog();
        return Dialog.EndOfTurn;
    }
  }
}

/** The bot puts the message text, mentions removed, here before running dialogs. */
export const TURN_TEXT_KEY = Symbol('connectorDoctor.turnText');
