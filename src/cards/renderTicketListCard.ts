import type { Lang } from '../knowledge';
import { t } from '../knowledge/messages';
import { displayName } from '../tickets/Person';
import type { Ticket } from '../tickets/Ticket';
import { expandCard, type CardJson } from './expandCard';
import { formatAge } from './formatTime';
import { ticketStatusText } from './renderTicketCard';
import template from './templates/ticketListCard.json';

/** The most tickets one list shows. */
export const MAX_LISTED_TICKETS = 15;

export interface TicketListInput {
  lang: Lang;
  /** The support channel's open tickets, or the asker's own. */
  scope: 'open' | 'mine';
  /** Newest first, each with its failure mode's title. */
  tickets: ReadonlyArray<{ ticket: Ticket; modeTitle: string }>;
  now: Date;
}

export function renderTicketListCard({ lang, scope, tickets, now }: TicketListInput): CardJson {
  const shown = tickets.slice(0, MAX_LISTED_TICKETS);
  return expandCard(template, {
    title: t(lang, scope === 'open' ? 'card.tickets.titleOpen' : 'card.tickets.titleMine'),
    isEmpty: tickets.length === 0,
    emptyText: t(lang, scope === 'open' ? 'card.tickets.noneOpen' : 'card.tickets.noneMine'),
    tickets: shown.map(({ ticket, modeTitle }) => ({
      heading: `${ticket.id} · ${modeTitle}`,
      details: [
        formatAge(lang, now.getTime() - Date.parse(ticket.openedAt)),
        scope === 'open' && ticket.status === 'open' ? t(lang, 'card.tickets.unassigned') : ticketStatusText(lang, ticket),
        ...(scope === 'open' ? [t(lang, 'card.tickets.requestedBy', { name: displayName(ticket.requester) })] : []),
        ...(ticket.delivery === 'failed' ? [t(lang, 'card.tickets.notDelivered')] : []),
      ].join(' · '),
    })),
    hasMore: tickets.length > shown.length,
    moreText: t(lang, 'card.tickets.more', { shown: shown.length, total: tickets.length }),
  });
}
