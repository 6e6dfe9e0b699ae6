import type { FailureMode, Lang } from '../knowledge';
import { t } from '../knowledge/messages';
import { expandCard, type CardJson } from './expandCard';
import template from './templates/welcomeCard.json';

export function renderWelcomeCard(lang: Lang, example: FailureMode): CardJson {
  return expandCard(template, {
    title: t(lang, 'card.welcome.title'),
    body: t(lang, 'card.welcome.body'),
    channelHint: t(lang, 'card.welcome.channelHint'),
    exampleLabel: t(lang, 'card.welcome.exampleLabel'),
    example: example.errorText,
    noErrorHint: t(lang, 'card.welcome.noErrorHint'),
    actions: { guided: t(lang, 'card.action.guided'), list: t(lang, 'card.action.list'), help: t(lang, 'card.action.help') },
  });
}
