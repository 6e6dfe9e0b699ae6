import type { Storage, StoreItem } from 'botbuilder';
import { z } from 'zod';
import { channelConversationId } from '../tickets/ConversationAddress';
import { SupportChannel } from '../tickets/SupportChannel';
import { formatTicketId, Ticket, TicketId } from '../tickets/Ticket';
import { keySegment } from './keySegment';

/** The first ticket of a tenant is CD-1001. */
export const FIRST_TICKET_NUMBER = 1001;
/** Requests remembered per tenant for "sent twice, one ticket"; an older one sent again opens a new ticket. */
export const MAX_REMEMBERED_REQUESTS = 500;
/** Writers that lost a compare-and-swap try again this often before the turn fails. */
const MAX_ATTEMPTS = 16;

/**
 * One record per tenant: the support channel, the last ticket number handed out and the requests
 * that became tickets. Every change after the first is a compare-and-swap on its eTag, so two
 * instances never hand out one number twice, nor open two tickets for one request.
 */
export const SupportDeskRecord = z.object({
  channel: SupportChannel.optional(),
  lastNumber: z.number().int().min(FIRST_TICKET_NUMBER - 1),
  requests: z.array(z.object({ key: z.string().min(1).max(64), ticketId: TicketId })).max(MAX_REMEMBERED_REQUESTS),
});
export type SupportDeskRecord = z.infer<typeof SupportDeskRecord>;

/** A ticket before it has a number. */
export const TicketDraft = Ticket.omit({ id: true });
export type TicketDraft = z.infer<typeof TicketDraft>;

export type OpenOutcome =
  | { kind: 'noChannel' }
  | { kind: 'opened'; ticket: Ticket; channel: SupportChannel }
  /** The request already has a ticket; undefined while the writer that opened it has not stored it yet. */
  | { kind: 'known'; ticketId: TicketId; ticket: Ticket | undefined; channel: SupportChannel };

const PREFIX = 'supportDesk/';

export const isSupportDeskKey = (key: string): boolean => key.startsWith(PREFIX);

export function deskKey(tenantId: string): string {
  return `${PREFIX}${keySegment(tenantId)}`;
}

export function ticketKey(tenantId: string, id: TicketId): string {
  return `${deskKey(tenantId)}/tickets/${id}`;
}

const RETRY = Symbol('retry');

/** The support channel and the tickets of each tenant; keys never leave the tenant they name. */
export class SupportDeskStore {
  constructor(private readonly storage: Storage) {}

  async channel(tenantId: string): Promise<SupportChannel | undefined> {
    return (await this.readDesk(tenantId)).record?.channel;
  }

  /** Makes `channel` the tenant's support channel; the ticket numbers go on where they were. */
  async setChannel(tenantId: string, channel: SupportChannel): Promise<void> {
    const parsed = SupportChannel.safeParse(channel);
    if (!parsed.success) throw new TypeError(`Invalid support channel: ${parsed.error.message}`);
    await this.retrying('set the support channel', async () => {
      const { record, eTag } = await this.readDesk(tenantId);
      const next: SupportDeskRecord = { lastNumber: FIRST_TICKET_NUMBER - 1, requests: [], ...record, channel: parsed.data };
      return (await this.writeIfUnchanged(deskKey(tenantId), next, eTag)) ? true : RETRY;
    });
  }

  /** Stops using the support channel if it is this conversation's channel; false if it is not. */
  async clearChannel(tenantId: string, conversationId: string): Promise<boolean> {
    return this.retrying('clear the support channel', async () => {
      const { record, eTag } = await this.readDesk(tenantId);
      if (!record?.channel || record.channel.address.conversation.id !== channelConversationId(conversationId)) return false;
      const next: SupportDeskRecord = { ...record };
      delete next.channel;
      return (await this.writeIfUnchanged(deskKey(tenantId), next, eTag)) ? true : RETRY;
    });
  }

  /**
   * Opens a ticket for the request, or finds the one it already has. The number and the request
   * are claimed in the tenant's record with one compare-and-swap; the ticket is written after.
   */
  async open(tenantId: string, requestKey: string, draft: TicketDraft): Promise<OpenOutcome> {
    const parsed = TicketDraft.safeParse(draft);
    if (!parsed.success) throw new TypeError(`Invalid ticket: ${parsed.error.message}`);
    const claim = await this.retrying('open a ticket', async () => {
      const { record, eTag } = await this.readDesk(tenantId);
      const channel = record?.channel;
      if (!record || !channel) return { kind: 'noChannel' } as const;
      const known = record.requests.find((r) => r.key === requestKey);
      if (known) return { kind: 'known', ticketId: known.ticketId, channel } as const;
      const ticketId = formatTicketId(record.lastNumber + 1);
      const next: SupportDeskRecord = {
        ...record,
        lastNumber: record.lastNumber + 1,
        requests: [...record.requests, { key: requestKey, ticketId }].slice(-MAX_REMEMBERED_REQUESTS),
      };
      return (await this.writeIfUnchanged(deskKey(tenantId), next, eTag)) ? ({ kind: 'claimed', ticketId, channel } as const) : RETRY;
    });
    switch (claim.kind) {
      case 'noChannel':
        return claim;
      case 'known':
        return { ...claim, ticket: await this.ticket(tenantId, claim.ticketId) };
      case 'claimed': {
        const ticket: Ticket = { ...parsed.data, id: claim.ticketId };
        // The number is this writer's alone, so nothing else writes this key yet.
        await this.storage.write({ [ticketKey(tenantId, ticket.id)]: { ...ticket, eTag: '*' } });
        return { kind: 'opened', ticket, channel: claim.channel };
      }
    }
  }

  async ticket(tenantId: string, id: TicketId): Promise<Ticket | undefined> {
    return (await this.readTicket(tenantId, id)).ticket;
  }

  /**
   * Reads the ticket, lets `decide` say what it becomes (`next`, or nothing to write) and writes it
   * only if no one changed it meanwhile; otherwise decides again on what the other writer left.
   * Undefined when there is no such ticket.
   */
  async modify<R>(tenantId: string, id: TicketId, decide: (ticket: Ticket) => { next?: Ticket; result: R }): Promise<{ ticket: Ticket; result: R } | undefined> {
    return this.retrying(`change ${id}`, async () => {
      const { ticket, eTag } = await this.readTicket(tenantId, id);
      if (!ticket) return undefined;
      const { next, result } = decide(ticket);
      if (!next) return { ticket, result };
      const parsed = Ticket.safeParse(next);
      if (!parsed.success || parsed.data.id !== id || parsed.data.tenantId !== ticket.tenantId) throw new TypeError(`Invalid change of ${id}`);
      return (await this.writeIfUnchanged(ticketKey(tenantId, id), parsed.data, eTag)) ? { ticket: parsed.data, result } : RETRY;
    });
  }

  /** The tenant's newest tickets, newest first: at most `limit`, from the last `limit` numbers. */
  async recent(tenantId: string, limit: number): Promise<Ticket[]> {
    const { record } = await this.readDesk(tenantId);
    if (!record) return [];
    const ids: TicketId[] = [];
    for (let n = record.lastNumber; n >= FIRST_TICKET_NUMBER && ids.length < limit; n--) ids.push(formatTicketId(n));
    if (ids.length === 0) return [];
    const items = await this.storage.read(ids.map((id) => ticketKey(tenantId, id)));
    return ids.flatMap((id) => {
      const parsed = Ticket.safeParse(items[ticketKey(tenantId, id)]);
      return parsed.success && parsed.data.tenantId === tenantId ? [parsed.data] : [];
    });
  }

  private async readDesk(tenantId: string): Promise<{ record?: SupportDeskRecord; eTag?: string }> {
    const key = deskKey(tenantId);
    const item = (await this.storage.read([key]))[key] as StoreItem | undefined;
    if (!item) return {};
    const parsed = SupportDeskRecord.safeParse(item);
    // Starting afresh would hand out ticket numbers again: a broken record stops the turn instead.
    if (!parsed.success) throw new Error(`the support desk record of a tenant is not valid: ${parsed.error.issues.length} issues`);
    return { record: parsed.data, eTag: item.eTag };
  }

  private async readTicket(tenantId: string, id: TicketId): Promise<{ ticket?: Ticket; eTag?: string }> {
    const key = ticketKey(tenantId, id);
    const item = (await this.storage.read([key]))[key] as StoreItem | undefined;
    const parsed = Ticket.safeParse(item);
    if (!item || !parsed.success || parsed.data.tenantId !== tenantId) return {};
    return { ticket: parsed.data, eTag: item.eTag };
  }

  /**
   * Writes the item if its stored eTag is still `eTag`; false when another writer came first. No
   * eTag (the item did not exist when read) writes unconditionally: neither BoundedMemoryStorage
   * nor BlobsStorage can create an item only if it is absent, and both read '*' as "any".
   */
  private async writeIfUnchanged(key: string, item: object, eTag: string | undefined): Promise<boolean> {
    try {
      await this.storage.write({ [key]: { ...item, eTag: eTag ?? '*' } });
      return true;
    } catch (err) {
      if (isETagConflict(err)) return false;
      throw err;
    }
  }

  private async retrying<T>(what: string, attempt: () => Promise<T | typeof RETRY>): Promise<T> {
    for (let i = 1; i <= MAX_ATTEMPTS; i++) {
      const result = await attempt();
      if (result !== RETRY) return result;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * i));
    }
    throw new Error(`could not ${what}: ${MAX_ATTEMPTS} writes lost to other writers`);
  }
}

/** Both storages say so in the message: BoundedMemoryStorage and BlobsStorage (on HTTP 412). */
export function isETagConflict(err: unknown): boolean {
  return err instanceof Error && /eTag conflict/.test(err.message);
}
