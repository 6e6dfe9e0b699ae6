import type { FailureMode, Lang, Pack } from '../knowledge';
import { t } from '../knowledge/messages';
import { expandCardCached, tokenOf, type CardJson } from './expandCard';
import template from './templates/listCard.json';

/** The modes under their packs, in pack order; a pack with none of them is left out. */
export function byPack<T>(packs: readonly Pack[], modes: readonly FailureMode[], row: (mode: FailureMode) => T): Array<{ pack: Pack; modes: T[] }> {
  return packs.map((pack) => ({ pack, modes: modes.filter((m) => m.pack === pack.id).map(row) })).filter((group) => group.modes.length > 0);
}

export function renderListCard(lang: Lang, packs: readonly Pack[], modes: readonly FailureMode[], intro: string = t(lang, 'card.list.intro')): CardJson {
  return expandCardCached(template, JSON.stringify([lang, intro, packs.map(tokenOf), modes.map(tokenOf)]), () => ({
    title: t(lang, 'knownModes.title'),
    intro,
    packs: byPack(packs, modes, (m) => ({ id: m.id, order: m.order, title: m.title[lang], summary: m.summary[lang], showLabel: t(lang, 'card.action.show') })).map(({ pack, modes: rows }) => ({
      title: pack.title[lang],
      summary: pack.summary[lang],
      modes: rows,
    })),
    actions: { guided: t(lang, 'card.action.guided') },
  }));
}
