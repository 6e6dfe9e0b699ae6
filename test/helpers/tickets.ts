import { extractFacts, type FailureMode } from '../../src/knowledge';
import type { TicketDraft } from '../../src/storage/SupportDeskStore';
import type { ConversationAddress } from '../../src/tickets/ConversationAddress';
import type { Person } from '../../src/tickets/Person';
import type { SupportChannel } from '../../src/tickets/SupportChannel';
import type { Ticket } from '../../src/tickets/Ticket';

export const REQUESTER: Person = { id: '29:user-a', name: 'Ken Myer', aadObjectId: 'aad-user-a' };
export const EXPERT: Person = { id: '29:user-b', name: 'Lee Ji-eun', aadObjectId: 'aad-user-b' };
export const OTHER_EXPERT: Person = { id: '29:user-c', name: 'Kim Min-jun', aadObjectId: 'aad-user-c' };
export const OPENED_AT = '2025-01-15T09:30:00.000Z';

export function address(conversationId: string, overrides: Partial<ConversationAddress> = {}): ConversationAddress {
  return {
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/teams/',
    conversation: { id: conversationId, conversationType: conversationId.startsWith('19:') ? 'channel' : 'personal' },
    bot: { id: '28:connector-doctor-app', name: 'Connector Doctor' },
    ...overrides,
  };
}

export function supportChannel(overrides: Partial<SupportChannel> = {}): SupportChannel {
  return { address: address('19:support@thread.tacv2'), channelName: 'Connector support', teamName: 'IT', lang: 'en', setBy: EXPERT, setAt: OPENED_AT, ...overrides };
}

/** A ticket as SupportDesk drafts it from a pasted error of `mode`. */
export function ticketDraft(tenantId: string, mode: FailureMode, overrides: Partial<TicketDraft> = {}): TicketDraft {
  return {
    tenantId,
    requestKey: 'request-1',
    status: 'open',
    failureMode: mode.id,
    source: 'paste',
    confidence: 0.93,
    facts: extractFacts(mode.errorText),
    redactedText: mode.errorText,
    stepsTaken: [],
    requester: REQUESTER,
    requesterAddress: address('a:personal-user-a'),
    requesterLang: 'en',
    openedAt: OPENED_AT,
    history: [{ action: 'opened', by: REQUESTER, at: OPENED_AT }],
    delivery: 'pending',
    ...overrides,
  };
}

export function ticket(tenantId: string, mode: FailureMode, overrides: Partial<Ticket> = {}): Ticket {
  return { ...ticketDraft(tenantId, mode), id: 'CD-1001', ...overrides };
}
