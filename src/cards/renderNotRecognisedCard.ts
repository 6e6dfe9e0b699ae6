import type { Candidate, FailureMode, Lang, Pack } from '../knowledge';
import { confidenceInWords, secretKindsInWords, t } from '../knowledge/messages';
import { excerpt, expandCardLate, fitCard, late, tokenOf, type CardJson } from './expandCard';
import { byPack } from './renderListCard';
import template from './templates/notRecognisedCard.json';

export interface NotRecognisedCardInput {
  lang: Lang;
  packs: readonly Pack[];
  modes: readonly FailureMode[];
  /** Candidates below the match threshold: shown as "closest", never as a diagnosis. */
  closest: readonly Candidate[];
  /** The (already redacted) text that was looked at. */
  pastedText?: string;
  secretKinds?: readonly string[];
}

export function renderNotRecognisedCard({ lang, packs, modes, closest, pastedText = '', secretKinds = [] }: NotRecognisedCardInput): CardJson {
  const titleOf = (id: string) => modes.find((m) => m.id === id)?.title[lang] ?? id;
  const shown = closest.slice(0, 3);
  const pasted = excerpt(pastedText, EXCERPT_CHARS[0]);
  // The excerpt and the percentages differ with every paste: they go in after expansion.
  const values: Record<string, string> = {};
  shown.forEach((c, i) => (values[`closest${i}`] = confidenceInWords(lang, c.confidence)));
  const key = JSON.stringify([lang, packs.map(tokenOf), modes.map(tokenOf), shown.map((c) => c.id), pasted.length > 0, secretKinds]);
  const data = () => ({
    title: t(lang, 'notRecognised.title'),
    body: t(lang, 'notRecognised.body'),
    hasSecretWarning: secretKinds.length > 0,
    secretWarning: t(lang, 'card.diagnosis.secretWarning', { kinds: secretKindsInWords(lang, secretKinds) }),
    hasExcerpt: pasted.length > 0,
    excerptLabel: t(lang, 'card.notRecognised.pasteHint'),
    excerpt: late('excerpt'),
    hasClosest: shown.length > 0,
    closestLabel: t(lang, 'notRecognised.closest'),
    closest: shown.map((c, i) => ({ title: titleOf(c.id), confidence: late(`closest${i}`) })),
    knownLabel: t(lang, 'knownModes.title'),
    knownPacks: byPack(packs, modes, (m) => ({ order: m.order, title: m.title[lang] })).map(({ pack, modes: rows }) => ({ title: pack.title[lang], modes: rows })),
    actions: { guided: t(lang, 'card.action.guided'), list: t(lang, 'card.action.list') },
  });
  // A paste of characters that JSON escapes (six bytes each) may need a shorter excerpt.
  return fitCard(EXCERPT_CHARS, (chars) => expandCardLate(template, key, data, { ...values, excerpt: excerpt(pasted, chars) }));
}

/** The excerpt's length, then shorter ones for a card that would be too large. */
const EXCERPT_CHARS = [600, 300, 150] as const;
