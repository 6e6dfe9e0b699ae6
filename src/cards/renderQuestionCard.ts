import type { Lang, Question } from '../knowledge';
import { t } from '../knowledge/messages';
import { expandCard, type CardJson } from './expandCard';
import template from './templates/questionCard.json';

export interface QuestionCardInput {
  lang: Lang;
  question: Question;
  /** Identifies one run of the flow, so a button from an older run is recognised as stale. */
  flowId: string;
  /** 1-based position of the question in this run. */
  step: number;
}

export function renderQuestionCard({ lang, question, flowId, step }: QuestionCardInput): CardJson {
  return expandCard(template, {
    heading: t(lang, 'card.question.heading', { step }),
    question: question.text[lang],
    hasCheck: Boolean(question.check),
    checkText: question.check?.text[lang] ?? '',
    hasCommand: Boolean(question.check?.command),
    command: question.check?.command ?? '',
    answers: question.answers.map((a) => ({ id: a.id, text: a.text[lang], flowId, questionId: question.id })),
    flowId,
    questionId: question.id,
    hasBack: step > 1,
    labels: { back: t(lang, 'card.question.back'), restart: t(lang, 'card.question.restart'), cancel: t(lang, 'card.question.cancel') },
  });
}
