import type { FailureMode, Lang } from '../knowledge';
import { confidenceInWords, factRows, t } from '../knowledge/messages';
import { displayName } from '../tickets/Person';
import { MAX_NOTE_LENGTH, type Ticket, type TicketStatus } from '../tickets/Ticket';
import { excerpt, expandCard, type CardJson } from './expandCard';
import { formatUtc } from './formatTime';
import template from './templates/ticketCard.json';

export interface TicketCardInput {
  /** The support channel's language. */
  lang: Lang;
  ticket: Ticket;
  mode: FailureMode;
  /** Mention the requester (a Teams channel); elsewhere their name is text. */
  mentionRequester: boolean;
}

/**
 * What the card shows of the stored ticket: the rest of a long paste, of a long step and the steps
 * beyond these stay in storage, so the card keeps under Teams' size limit in any script (Hangul is
 * three bytes a character, and the error text is in the card twice: the CodeBlock and its fallback).
 */
const MAX_ERROR_TEXT_SHOWN = 1500;
const MAX_STEPS_SHOWN = 10;
const MAX_STEP_CHARS = 160;

const STATUS_STYLE: Record<TicketStatus, string> = { open: 'warning', assigned: 'accent', resolved: 'good' };

export function ticketStatusText(lang: Lang, ticket: Ticket): string {
  switch (ticket.status) {
    case 'open':
      return t(lang, 'card.ticket.status.open');
    case 'assigned':
      return t(lang, 'card.ticket.status.assigned', { name: ticket.assignee ? displayName(ticket.assignee) : '' });
    case 'resolved':
      return t(lang, 'card.ticket.status.resolved', { name: ticket.resolution ? displayName(ticket.resolution.by) : '' });
  }
}

/** The ticket as the support channel sees it; its buttons change it in place. */
export function renderTicketCard({ lang, ticket, mode, mentionRequester }: TicketCardInput): CardJson {
  const requesterName = displayName(ticket.requester);
  const mentionText = `<at>${requesterName}</at>`;
  // The title names the failure mode; this row says how it was reached.
  const how =
    ticket.source === 'paste' && ticket.confidence !== undefined
      ? { label: t(lang, 'section.confidence'), value: confidenceInWords(lang, ticket.confidence) }
      : { label: t(lang, 'card.ticket.diagnosisLabel'), value: t(lang, ticket.source === 'guided' ? 'card.ticket.fromGuided' : 'card.ticket.fromList') };
  const rows = [
    { label: t(lang, 'card.ticket.openedLabel'), value: formatUtc(ticket.openedAt), fontType: 'Default' },
    { ...how, fontType: 'Default' },
    ...factRows(lang, ticket.facts).map((row) => ({ ...row, fontType: 'Monospace' })),
  ];
  const shown = ticket.stepsTaken.slice(0, MAX_STEPS_SHOWN).map((text, i) => ({ number: i + 1, text: excerpt(text, MAX_STEP_CHARS) }));
  const hidden = ticket.stepsTaken.length - shown.length;
  const steps = hidden > 0 ? [...shown, { number: shown.length + 1, text: t(lang, 'card.ticket.moreSteps', { n: hidden }) }] : shown;
  const card = expandCard(template, {
    title: `${ticket.id} · ${mode.title[lang]}`,
    statusStyle: STATUS_STYLE[ticket.status],
    statusText: ticketStatusText(lang, ticket),
    labels: {
      requester: t(lang, 'card.ticket.requesterLabel'),
      errorText: t(lang, 'card.ticket.errorTextLabel'),
      steps: t(lang, ticket.source === 'guided' ? 'card.ticket.guidedPathLabel' : 'card.support.stepsTried'),
      article: t(lang, 'section.article'),
      note: t(lang, 'card.ticket.noteLabel'),
      history: t(lang, 'card.ticket.historyLabel'),
    },
    mention: mentionRequester,
    mentionText,
    requesterName,
    rows,
    hasErrorText: Boolean(ticket.redactedText?.trim()),
    errorText: ticket.redactedText ? excerpt(ticket.redactedText, MAX_ERROR_TEXT_SHOWN) : '',
    hasSteps: steps.length > 0,
    steps,
    noSteps: t(lang, 'card.support.noStepsTried'),
    articleTitle: mode.title[lang],
    articleUrl: mode.article.url,
    hasNote: Boolean(ticket.resolution?.note),
    note: ticket.resolution?.note ?? '',
    history: ticket.history.map((e) => ({ line: `${formatUtc(e.at)} · ${t(lang, `card.ticket.event.${e.action}`, { name: displayName(e.by) })}` })),
    ticketId: ticket.id,
    canAssign: ticket.status === 'open',
    canResolve: ticket.status !== 'resolved',
    canReopen: ticket.status === 'resolved',
    notePlaceholder: t(lang, 'card.ticket.notePlaceholder'),
    noteMaxLength: MAX_NOTE_LENGTH,
    actions: {
      assign: t(lang, 'card.ticket.action.assign'),
      resolve: t(lang, 'card.ticket.action.resolve'),
      confirmResolve: t(lang, 'card.ticket.action.confirmResolve'),
      reopen: t(lang, 'card.ticket.action.reopen'),
    },
  });
  if (!mentionRequester) return card;
  const entity = { type: 'mention', text: mentionText, mentioned: { id: ticket.requester.id, name: requesterName } };
  return { ...card, msteams: { ...(card.msteams as object), entities: [entity] } };
}
