import type { Lang } from '../knowledge';
import { t } from '../knowledge/messages';
import { expandCardCached, type CardJson } from './expandCard';
import template from './templates/helpCard.json';

export function renderHelpCard(lang: Lang): CardJson {
  // The card follows from the language alone.
  return expandCardCached(template, lang, () => ({
    title: t(lang, 'card.help.title'),
    paste: t(lang, 'card.help.paste'),
    channelHint: t(lang, 'card.welcome.channelHint'),
    commandsLabel: t(lang, 'card.help.commandsLabel'),
    commands: (['card.help.cmd.help', 'card.help.cmd.troubleshoot', 'card.help.cmd.list', 'card.help.cmd.cancel', 'card.help.cmd.supportChannel', 'card.help.cmd.tickets'] as const).map((key) => ({ text: t(lang, key) })),
    actions: { guided: t(lang, 'card.action.guided'), list: t(lang, 'card.action.list') },
  }));
}
