import type { Lang } from '../knowledge';
import { t } from '../knowledge/messages';
import { displayName } from '../tickets/Person';
import type { SupportChannel } from '../tickets/SupportChannel';
import { expandCard, type CardJson } from './expandCard';
import { formatUtc } from './formatTime';
import template from './templates/supportChannelCard.json';

export interface SupportChannelCardInput {
  lang: Lang;
  /** The tenant's support channel, if it has one. */
  current?: SupportChannel;
  /** This conversation is that channel. */
  isHere: boolean;
  /** This conversation may become the support channel: a team channel, or any conversation in local mode. */
  canSetHere: boolean;
}

/** The tenant's support channel setting, with the button to choose this channel or to stop using it. */
export function renderSupportChannelCard({ lang, current, isHere, canSetHere }: SupportChannelCardInput): CardJson {
  const channelName = current ? [current.teamName, current.channelName].filter(Boolean).join(' › ') || t(lang, 'card.supportChannel.unnamed') : '';
  return expandCard(template, {
    title: t(lang, 'card.supportChannel.title'),
    intro: t(lang, 'card.supportChannel.intro'),
    state: t(lang, !current ? 'card.supportChannel.none' : isHere ? 'card.supportChannel.isHere' : 'card.supportChannel.elsewhere'),
    rows: current
      ? [
          { label: t(lang, 'card.supportChannel.channelLabel'), value: channelName },
          { label: t(lang, 'card.supportChannel.setByLabel'), value: displayName(current.setBy) },
          { label: t(lang, 'card.supportChannel.setAtLabel'), value: `${formatUtc(current.setAt)} UTC` },
        ]
      : [],
    canSetHere,
    isHere,
    notAChannel: t(lang, 'card.supportChannel.notAChannel'),
    actions: {
      set: t(lang, current ? 'card.supportChannel.action.replace' : 'card.supportChannel.action.set'),
      stop: t(lang, 'card.supportChannel.action.stop'),
    },
  });
}
