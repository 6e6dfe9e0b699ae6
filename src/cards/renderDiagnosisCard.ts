import { summarizeFacts, type Candidate, type Facts, type FailureMode, type Lang, type Pack, type Step } from '../knowledge';
import { confidenceInWords, factRows, secretKindsInWords, t } from '../knowledge/messages';
import { expandCardLate, fitCard, jsonBytesAtMost, late, sizeBound, tokenOf, withSizeBound, type CardJson } from './expandCard';
import { fittingSupportContexts, type SupportContext } from './SupportContext';
import template from './templates/diagnosisCard.json';

export interface DiagnosisCardInput {
  lang: Lang;
  mode: FailureMode;
  /** The mode's pack: the card names the tool and ends with the pack's note. */
  pack: Pack;
  /** How sure the matcher is; null when the admin picked the mode from a list. */
  confidence: number | null;
  facts: Facts;
  /** Other candidates worth offering, best first. */
  others: readonly Candidate[];
  /** Other errors the paste also shows, each offered with a button. */
  alsoFound?: readonly FailureMode[];
  /** Identifies this diagnosis in logs and feedback. */
  diagnosisId: string;
  /** Carried by the buttons that lead to a support request. */
  context?: SupportContext;
  fromGuided?: boolean;
  /** Kinds of secret removed from the paste; non-empty shows the warning. */
  secretKinds?: readonly string[];
}

function stepRows(lang: Lang, steps: readonly Step[]) {
  return steps.map((step, i) => ({ number: i + 1, text: step.text[lang], hasCommand: Boolean(step.command), command: step.command ?? '' }));
}

/**
 * The diagnosis id and the support context change with every card, so they are put on (copies of)
 * the buttons after expansion: every button gets the id, the feedback buttons where the diagnosis
 * came from, and the ones that can lead to a support request ("Didn't help", "Prepare a support
 * request") the whole context.
 */
export function withActionData(card: CardJson, diagnosisId: string, context: SupportContext | undefined): CardJson {
  const actions = card.actions as Array<{ data?: Record<string, unknown> }> | undefined;
  if (!Array.isArray(actions)) return card;
  const leadsToSupport = (data: Record<string, unknown>) => data.verb === 'supportRequest' || (data.verb === 'feedback' && data.helpful === false);
  let addedBytes = 0;
  const withData = actions.map((action) => {
    if (!action.data) return action;
    const source = context && action.data.verb === 'feedback' ? { source: context.source } : {};
    const support = context && leadsToSupport(action.data) ? { context } : {};
    const added = { diagnosisId, ...source, ...support };
    addedBytes += jsonBytesAtMost(added);
    return { ...action, data: { ...action.data, ...added } };
  });
  const bound = sizeBound(card);
  return bound === undefined ? { ...card, actions: withData } : withSizeBound({ ...card, actions: withData }, bound + addedBytes);
}

export function renderDiagnosisCard(input: DiagnosisCardInput): CardJson {
  const { lang, mode, confidence, facts, others, diagnosisId, context, fromGuided = false, secretKinds = [], alsoFound = [] } = input;
  const otherIds = others.filter((c) => c.id !== mode.id).map((c) => c.id);
  // What differs with every paste goes in after expansion; the key names everything else the card shows.
  const factList = factRows(lang, facts);
  const factSummary = summarizeFacts(mode.factSummary?.[lang], facts);
  const values: Record<string, string> = { confidence: confidence === null ? '' : confidenceInWords(lang, confidence), factSummary: factSummary ?? '' };
  factList.forEach((row, i) => (values[`fact${i}`] = row.value));
  const shape = { hasConfidence: confidence !== null, hasFactSummary: factSummary !== undefined, factLabels: factList.map((row) => row.label) };
  const key = JSON.stringify([tokenOf(mode), tokenOf(input.pack), lang, shape, otherIds, alsoFound.map(tokenOf), fromGuided, secretKinds]);
  const card = expandCardLate(template, key, () => diagnosisData(input, otherIds, shape), values);
  return fitCard(fittingSupportContexts(context), (fitting) => withActionData(card, diagnosisId, fitting));
}

interface DiagnosisShape {
  hasConfidence: boolean;
  hasFactSummary: boolean;
  factLabels: readonly string[];
}

function diagnosisData({ lang, mode, pack, fromGuided = false, secretKinds = [], alsoFound = [] }: DiagnosisCardInput, otherIds: readonly string[], shape: DiagnosisShape): object {
  return {
    hasFactSummary: shape.hasFactSummary,
    factSummary: late('factSummary'),
    title: mode.title[lang],
    packLabel: t(lang, 'section.pack'),
    packTitle: pack.title[lang],
    packNote: pack.cardNote[lang],
    hasAlsoFound: alsoFound.length > 0,
    alsoFoundLabel: t(lang, 'section.alsoFound'),
    alsoFound: alsoFound.map((m) => ({ id: m.id, title: m.title[lang], showLabel: t(lang, 'card.action.show') })),
    hasReplacements: mode.replacements !== undefined,
    replacementsLabel: t(lang, 'section.replacements'),
    replacementsOld: t(lang, 'replacements.old'),
    replacementsNew: t(lang, 'replacements.new'),
    replacements: mode.replacements ?? [],
    hasUncertain: mode.uncertain !== undefined,
    uncertainLabel: t(lang, 'section.uncertain'),
    uncertain: (mode.uncertain ?? []).map((u) => ({ text: u[lang] })),
    confidenceLabel: t(lang, 'section.confidence'),
    hasConfidence: shape.hasConfidence,
    confidenceText: late('confidence'),
    fromGuided,
    guidedNote: t(lang, 'card.diagnosis.fromGuided'),
    hasSecretWarning: secretKinds.length > 0,
    secretWarning: t(lang, 'card.diagnosis.secretWarning', { kinds: secretKindsInWords(lang, secretKinds) }),
    hasFacts: shape.factLabels.length > 0,
    factsLabel: t(lang, 'section.facts'),
    facts: shape.factLabels.map((label, i) => ({ label, value: late(`fact${i}`) })),
    causeLabel: t(lang, 'section.cause'),
    cause: mode.cause[lang],
    checksLabel: t(lang, 'section.checks'),
    checks: stepRows(lang, mode.checks),
    fixLabel: t(lang, 'section.fix'),
    fix: stepRows(lang, mode.fix),
    verifyLabel: t(lang, 'section.verify'),
    verify: stepRows(lang, mode.verify),
    escalationStyle: mode.escalation.need === 'always' ? 'warning' : 'emphasis',
    escalationLabel: t(lang, 'section.escalation'),
    escalationWhen: mode.escalation.when[lang],
    hasEscalationInclude: mode.escalation.need !== 'never' && mode.escalation.include.length > 0,
    escalationIncludeLabel: t(lang, 'section.escalationInclude'),
    escalationInclude: mode.escalation.need !== 'never' ? mode.escalation.include.map((i) => ({ text: i[lang] })) : [],
    articleLabel: t(lang, 'section.article'),
    articleAnchor: mode.article.title[lang],
    articleUrl: mode.article.url,
    todayLabel: t(lang, 'section.today'),
    hasToday: mode.today !== undefined,
    today: mode.today?.[lang] ?? '',
    failureMode: mode.id,
    offerGuided: !fromGuided,
    hasOthers: otherIds.length > 0,
    otherIds,
    actions: {
      fixed: t(lang, 'card.action.fixed'),
      notHelped: t(lang, 'card.action.notHelped'),
      others: t(lang, 'card.action.others'),
      guided: t(lang, 'card.action.guided'),
      support: t(lang, 'card.action.support'),
    },
  };
}
