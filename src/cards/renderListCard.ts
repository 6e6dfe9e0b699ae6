import type { FailureMode, Lang } from '../knowledge';
import { t } from '../knowledge/messages';
import { expandCardCached, tokenOf, type CardJson } from './expandCard';
import template from './templates/listCard.json';

export function renderListCard(lang: Lang, modes: readonly FailureMode[], intro: string = t(lang, 'card.list.intro')): CardJson {
  return expandCardCached(template, JSON.stringify([lang, intro, modes.map(tokenOf)]), () => ({
    title: t(lang, 'knownModes.title'),
    intro,
    modes: modes.map((m) => ({ id: m.id, order: m.order, title: m.title[lang], summary: m.summary[lang], showLabel: t(lang, 'card.action.show') })),
    actions: { guided: t(lang, 'card.action.guided') },
  }));
}
