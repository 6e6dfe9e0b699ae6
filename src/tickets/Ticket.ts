import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Facts } from '../knowledge/extractFacts';
import { FailureModeId, Lang } from '../knowledge/schema';
import { ConversationAddress } from './ConversationAddress';
import { Person, samePerson } from './Person';

export const TICKET_PREFIX = 'CD-';
/** "CD-1042": short, human, unique within a tenant. */
export const TicketId = z.string().regex(/^CD-[1-9]\d{0,8}$/);
export type TicketId = z.infer<typeof TicketId>;

export function formatTicketId(n: number): TicketId {
  return `${TICKET_PREFIX}${n}`;
}

export const MAX_NOTE_LENGTH = 500;
/** The most recent changes a ticket keeps. */
export const MAX_HISTORY = 20;

export const TicketStatus = z.enum(['open', 'assigned', 'resolved']);
export type TicketStatus = z.infer<typeof TicketStatus>;

export const TicketEvent = z.object({
  action: z.enum(['opened', 'assigned', 'resolved', 'reopened']),
  by: Person,
  at: z.string().datetime(),
});
export type TicketEvent = z.infer<typeof TicketEvent>;

/** Whether the ticket card reached the support channel. */
export const Delivery = z.enum(['pending', 'posted', 'failed']);
export type Delivery = z.infer<typeof Delivery>;

/**
 * A support request that went to the support channel, with everything the diagnosis knew (secrets
 * removed), who asked from where, and what happened to it since.
 */
export const Ticket = z.object({
  id: TicketId,
  tenantId: z.string().min(1).max(256),
  /** Names the request it was made from: the same request sent again finds this ticket. */
  requestKey: z.string().min(1).max(64),
  diagnosisId: z.string().max(64).optional(),
  status: TicketStatus,
  failureMode: FailureModeId,
  source: z.enum(['paste', 'guided', 'list']),
  confidence: z.number().min(0).max(1).optional(),
  facts: Facts,
  redactedText: z.string().max(3002).optional(),
  stepsTaken: z.array(z.string().max(600)).max(40),
  requester: Person,
  /** Where the requester asked: they hear back there, in their language. */
  requesterAddress: ConversationAddress,
  requesterLang: Lang,
  openedAt: z.string().datetime(),
  assignee: Person.optional(),
  resolution: z.object({ by: Person, at: z.string().datetime(), note: z.string().max(MAX_NOTE_LENGTH).optional() }).optional(),
  history: z.array(TicketEvent).max(MAX_HISTORY),
  delivery: Delivery,
  /** The ticket card in the support channel, updated in place. */
  post: z.object({ address: ConversationAddress, activityId: z.string().min(1).max(512) }).optional(),
});
export type Ticket = z.infer<typeof Ticket>;

export type TicketAction = { kind: 'assign' } | { kind: 'resolve'; note?: string } | { kind: 'reopen' };

export type TicketRefusal = 'assignedToOther' | 'alreadyAssignedToYou' | 'alreadyResolved' | 'notResolved';

export type TicketChange = { ok: true; ticket: Ticket } | { ok: false; reason: TicketRefusal; ticket: Ticket };

/** What an action by `by` at `at` makes of the ticket, or why it does not apply. */
export function changeTicket(ticket: Ticket, action: TicketAction, by: Person, at: Date): TicketChange {
  const refuse = (reason: TicketRefusal): TicketChange => ({ ok: false, reason, ticket });
  const event = (kind: TicketEvent['action']): TicketEvent[] => [...ticket.history, { action: kind, by, at: at.toISOString() }].slice(-MAX_HISTORY);
  switch (action.kind) {
    case 'assign':
      if (ticket.status === 'resolved') return refuse('alreadyResolved');
      if (ticket.assignee) return refuse(samePerson(ticket.assignee, by) ? 'alreadyAssignedToYou' : 'assignedToOther');
      return { ok: true, ticket: { ...ticket, status: 'assigned', assignee: by, history: event('assigned') } };
    case 'resolve': {
      if (ticket.status === 'resolved') return refuse('alreadyResolved');
      const note = action.note?.trim().slice(0, MAX_NOTE_LENGTH);
      const resolution = { by, at: at.toISOString(), ...(note ? { note } : {}) };
      return { ok: true, ticket: { ...ticket, status: 'resolved', resolution, history: event('resolved') } };
    }
    case 'reopen': {
      if (ticket.status !== 'resolved') return refuse('notResolved');
      const reopened: Ticket = { ...ticket, status: ticket.assignee ? 'assigned' : 'open', history: event('reopened') };
      delete reopened.resolution;
      return { ok: true, ticket: reopened };
    }
  }
}

/** Seconds from opening to resolution; undefined while unresolved. */
export function secondsToResolve(ticket: Ticket): number | undefined {
  if (!ticket.resolution) return undefined;
  return Math.max(0, (Date.parse(ticket.resolution.at) - Date.parse(ticket.openedAt)) / 1000);
}

/** The same request (tenant, requester, diagnosis and what it carried) gives the same key. */
export function requestKeyOf(parts: { tenantId: string; requester: Person; diagnosisId?: string; failureMode: string; content: unknown }): string {
  const who = parts.requester.aadObjectId ?? parts.requester.id;
  return createHash('sha256')
    .update(JSON.stringify([parts.tenantId, who, parts.diagnosisId ?? '', parts.failureMode, parts.content]))
    .digest('base64url')
    .slice(0, 32);
}
