import type { FailureMode, Lang } from '../knowledge';
import { t } from '../knowledge/messages';
import { expandCard, fitCard, type CardJson } from './expandCard';
import { withActionData } from './renderDiagnosisCard';
import { fittingSupportContexts, type SupportContext } from './SupportContext';
import template from './templates/feedbackAckCard.json';

/**
 * The answer to "Fixed it" or "Didn't help". After "Didn't help" it offers what can come next: the
 * paste's other candidates (when it had some), guided troubleshooting (unless the diagnosis came
 * from it) and a support request.
 */
export function renderFeedbackAckCard(lang: Lang, mode: FailureMode, helpful: boolean, diagnosisId = '', context?: SupportContext, candidates: readonly string[] = []): CardJson {
  const others = candidates.filter((id) => id !== mode.id);
  const card = expandCard(template, {
    title: t(lang, 'card.feedback.title'),
    modeTitle: mode.title[lang],
    message: t(lang, helpful ? 'card.feedback.thanksHelpful' : 'card.feedback.thanksNotHelpful'),
    offerMore: !helpful,
    offerOthers: !helpful && others.length > 0,
    offerGuided: !helpful && context?.source !== 'guided',
    candidates: others,
    failureMode: mode.id,
    actions: { others: t(lang, 'card.action.others'), guided: t(lang, 'card.action.guided'), support: t(lang, 'card.action.support') },
  });
  return fitCard(fittingSupportContexts(context), (fitting) => withActionData(card, diagnosisId, fitting));
}
