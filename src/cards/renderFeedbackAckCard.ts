import type { FailureMode, Lang } from '../knowledge';
import { t } from '../knowledge/messages';
import { expandCard, fitCard, type CardJson } from './expandCard';
import { withActionData } from './renderDiagnosisCard';
import { fittingSupportContexts, type SupportContext } from './SupportContext';
import template from './templates/feedbackAckCard.json';

export function renderFeedbackAckCard(lang: Lang, mode: FailureMode, helpful: boolean, diagnosisId = '', context?: SupportContext): CardJson {
  const card = expandCard(template, {
    title: t(lang, 'card.feedback.title'),
    modeTitle: mode.title[lang],
    message: t(lang, helpful ? 'card.feedback.thanksHelpful' : 'card.feedback.thanksNotHelpful'),
    offerMore: !helpful,
    failureMode: mode.id,
    actions: { guided: t(lang, 'card.action.guided'), support: t(lang, 'card.action.support') },
  });
  return fitCard(fittingSupportContexts(context), (fitting) => withActionData(card, diagnosisId, fitting));
}
