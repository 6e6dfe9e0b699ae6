import type { Facts, FailureMode, Lang } from '../knowledge';
import { factRows, t } from '../knowledge/messages';
import { excerpt, expandCard, fitCard, type CardJson } from './expandCard';
import { fittingContexts } from './SupportContext';
import template from './templates/supportRequestCard.json';

export interface SupportRequestInput {
  lang: Lang;
  mode: FailureMode;
  /** The error text with secrets already removed; absent for guided diagnoses. */
  redactedErrorText?: string;
  facts: Facts;
  stepsTried: readonly string[];
  at: Date;
}

/** The plain-text summary an admin pastes into a Microsoft 365 service request. */
export function supportSummary({ lang, mode, redactedErrorText, facts, stepsTried, at }: SupportRequestInput): string {
  const lines = [
    `${t(lang, 'card.support.failureMode')}: ${mode.title[lang]} (${mode.id})`,
    `${t(lang, 'card.support.time')}: ${at.toISOString()}`,
    ...factRows(lang, facts).map((f) => `${f.label}: ${f.value}`),
    '',
    `${t(lang, 'card.support.errorText')}:`,
    redactedErrorText?.trim() ? excerpt(redactedErrorText) : t(lang, 'card.support.errorTextMissing'),
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
  return fitCard(fittingContexts(carried), ({ redactedText, facts, stepsTaken }) =>
    expandSupportRequestCard({ ...input, redactedErrorText: redactedText, facts, stepsTried: stepsTaken }),
  );
}

function expandSupportRequestCard(input: SupportRequestInput): CardJson {
  const { lang, mode, at } = input;
  return expandCard(template, {
    title: t(lang, 'card.support.title'),
    intro: t(lang, 'card.support.intro'),
    labels: {
      failureMode: t(lang, 'card.support.failureMode'),
      time: t(lang, 'card.support.time'),
      when: t(lang, 'card.support.whenLabel'),
      summary: t(lang, 'card.support.summaryLabel'),
    },
    failureModeTitle: mode.title[lang],
    timeUtc: at.toISOString(),
    escalationWhen: mode.escalation.when[lang],
    summary: supportSummary(input),
  });
}
