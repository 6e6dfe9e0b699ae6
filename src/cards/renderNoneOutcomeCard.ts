import type { Lang, QuestionTree } from '../knowledge';
import { t } from '../knowledge/messages';
import { expandCard, type CardJson } from './expandCard';
import template from './templates/noneOutcomeCard.json';

/** The end of a guided run that matched none of the documented causes: escalation guidance. */
export function renderNoneOutcomeCard(lang: Lang, tree: QuestionTree, stepsTaken: readonly string[]): CardJson {
  return expandCard(template, {
    title: tree.none.title[lang],
    text: tree.none.text[lang],
    stepsLabel: t(lang, 'card.support.stepsTried'),
    steps: stepsTaken.map((text, i) => ({ number: i + 1, text })),
    actions: { guided: t(lang, 'card.question.restart'), list: t(lang, 'card.action.list') },
  });
}
