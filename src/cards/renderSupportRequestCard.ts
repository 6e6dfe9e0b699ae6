import type { Facts, FailureMode, Lang } from '../knowledge';
import { factRows, t } from '../knowledge/messages';
import { excerpt, expandCard, fitCard, type CardJson } from './expandCard';
import { fittingContexts, type SupportContext } from './SupportContext';
import template from './templates/supportRequestCard.json';

export interface SupportRequestInput {
  lang: Lang;
  mode: FailureMode;
  /** The error text with secrets already removed; absent for guided diagnoses. */
  redactedErrorText?: string;
  /** Where the diagnosis came from: says why there is no error text. */
  source?: SupportContext['source'];
  facts: Facts;
  stepsTried: readonly string[];
  at: Date;
  /** When the tenant has a support channel: what "Send to the support channel" carries there. */
  escalate?: { diagnosisId?: string; context?: SupportContext };
}

/** The plain-text summary an admin pastes into a Microsoft 365 service request. */
const NO_ERROR_TEXT = { list: 'card.support.errorTextFromList', guided: 'card.support.errorTextFromGuided', paste: 'card.support.errorTextMissing' } as const;

export function supportSummary({ lang, mode, redactedErrorText, source = 'paste', facts, stepsTried, at }: SupportRequestInput): string {
  const lines = [
    `${t(lang, 'card.support.failureMode')}: ${mode.title[lang]} (${mode.id})`,
    `${t(lang, 'card.support.time')}: ${at.toISOString()}`,
    ...factRows(lang, facts).map((f) => `${f.label}: ${f.value}`),
    '',
    `${t(lang, 'card.support.errorText')}:`,
    redactedErrorText?.trim() ? excerpt(redactedErrorText) : t(lang, NO_ERROR_TEXT[source]),
    '',
    `${t(lang, 'card.support.stepsTried')}:`,
    ...(stepsTried.length > 0 ? stepsTried.map((s, i) => `${i + 1}. ${s}`) : [t(lang, 'card.support.noStepsTried')]),
    '',
    `${t(lang, 'section.escalationInclude')}:`,
    ...mode.escalation.include.map((i) => `- ${i[lang]}`),
    '',
    `${t(lang, 'section.article')}: ${mode.article.url}`,
  ];
  return lines.join('\n');
}

/** The card; a summary too large for it loses the error text first (cut, then left out), then the steps, then the facts. */
export function renderSupportRequestCard(input: SupportRequestInput): CardJson {
  const carried = { redactedText: input.redactedErrorText, facts: input.facts, stepsTaken: [...input.stepsTried] };
  return fitCard(fittingContexts(carried), ({ redactedText, facts, stepsTaken }) => {
    // The button to the support channel carries the same, as cut to fit.
    const escalate = input.escalate && { ...input.escalate, ...(input.escalate.context ? { context: { ...input.escalate.context, redactedText, facts, stepsTaken } } : {}) };
    return expandSupportRequestCard({ ...input, redactedErrorText: redactedText, facts, stepsTried: stepsTaken, escalate });
  });
}

function expandSupportRequestCard(input: SupportRequestInput): CardJson {
  const { lang, mode, at, escalate } = input;
  const card = expandCard(template, {
    title: t(lang, 'card.support.title'),
    intro: t(lang, 'card.support.intro'),
    labels: {
      failureMode: t(lang, 'card.support.failureMode'),
      time: t(lang, 'card.support.time'),
      when: t(lang, 'section.escalation'),
      summary: t(lang, 'card.support.summaryLabel'),
    },
    failureModeTitle: mode.title[lang],
    timeUtc: at.toISOString(),
    escalationWhen: mode.escalation.when[lang],
    summary: supportSummary(input),
    canEscalate: escalate !== undefined,
    failureMode: mode.id,
    actions: { escalate: t(lang, 'card.support.action.escalate') },
  });
  return escalate ? withEscalation(card, escalate) : card;
}

/** The diagnosis id and support context go on the button after expansion, as on the diagnosis card's. */
function withEscalation(card: CardJson, { diagnosisId, context }: NonNullable<SupportRequestInput['escalate']>): CardJson {
  const actions = card.actions as Array<{ data?: Record<string, unknown> }>;
  return {
    ...card,
    actions: actions.map((action) =>
      action.data?.verb === 'escalate' ? { ...action, data: { ...action.data, ...(diagnosisId ? { diagnosisId } : {}), ...(context ? { context } : {}) } } : action,
    ),
  };
}
