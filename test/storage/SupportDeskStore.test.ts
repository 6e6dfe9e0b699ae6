import { strict as assert } from 'node:assert';
import type { Storage } from 'botbuilder';
import { defaultKnowledge, type FailureMode } from '../../src/knowledge';
import { BoundedMemoryStorage } from '../../src/storage/BoundedMemoryStorage';
import { createStorage } from '../../src/storage/createStorage';
import { deskKey, FIRST_TICKET_NUMBER, isSupportDeskKey, SupportDeskStore, ticketKey } from '../../src/storage/SupportDeskStore';
import { changeTicket, type TicketChange } from '../../src/tickets/Ticket';
import { useAzurite } from '../helpers/azurite';
import { address, EXPERT, OTHER_EXPERT, supportChannel, ticketDraft } from '../helpers/tickets';

const mode = defaultKnowledge().modes.find((m) => m.id === 'logon-failed') as FailureMode;
const AT = new Date('2025-01-15T10:00:00.000Z');

/** What every storage must do for the support desk: the same cases on memory and on blobs. */
function supportDeskContract(newStorage: () => Promise<Storage>): void {
  let storage: Storage;
  let store: SupportDeskStore;
  beforeEach(async () => {
    storage = await newStorage();
    store = new SupportDeskStore(storage);
  });

  it('opens no ticket while the tenant has no support channel', async () => {
    assert.deepEqual(await store.open('contoso', 'r-1', ticketDraft('contoso', mode)), { kind: 'noChannel' });
    assert.deepEqual(await store.recent('contoso', 10), []);
  });

  it('numbers tickets from CD-1001 on, and finds the ticket a request already has', async () => {
    await store.setChannel('contoso', supportChannel());
    const first = await store.open('contoso', 'r-1', ticketDraft('contoso', mode, { requestKey: 'r-1' }));
    const second = await store.open('contoso', 'r-2', ticketDraft('contoso', mode, { requestKey: 'r-2' }));
    const again = await store.open('contoso', 'r-1', ticketDraft('contoso', mode, { requestKey: 'r-1' }));
    assert.equal(first.kind, 'opened');
    assert.equal(first.kind === 'opened' && first.ticket.id, `CD-${FIRST_TICKET_NUMBER}`);
    assert.equal(second.kind === 'opened' && second.ticket.id, `CD-${FIRST_TICKET_NUMBER + 1}`);
    assert.equal(again.kind, 'known');
    assert.equal(again.kind === 'known' && again.ticket?.id, `CD-${FIRST_TICKET_NUMBER}`);
    assert.deepEqual(
      (await store.recent('contoso', 10)).map((t) => t.id),
      ['CD-1002', 'CD-1001'],
    );
  });

  it('hands out distinct numbers to requests opened at the same time', async () => {
    await store.setChannel('contoso', supportChannel());
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => store.open('contoso', `r-${i}`, ticketDraft('contoso', mode, { requestKey: `r-${i}` }))));
    const ids = outcomes.map((o) => (o.kind === 'opened' ? o.ticket.id : o.kind));
    assert.deepEqual([...new Set(ids)].sort(), Array.from({ length: 12 }, (_, i) => `CD-${FIRST_TICKET_NUMBER + i}`).sort());
  });

  it('opens one ticket for one request sent several times at once', async () => {
    await store.setChannel('contoso', supportChannel());
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => store.open('contoso', 'same', ticketDraft('contoso', mode, { requestKey: 'same' }))));
    assert.equal(outcomes.filter((o) => o.kind === 'opened').length, 1);
    assert.deepEqual(new Set(outcomes.map((o) => (o.kind === 'noChannel' ? 'none' : o.kind === 'opened' ? o.ticket.id : o.ticketId))), new Set(['CD-1001']));
    assert.equal((await store.recent('contoso', 10)).length, 1);
  });

  it('lets one of two experts assigning at once win; the other learns who has it', async () => {
    await store.setChannel('contoso', supportChannel());
    const opened = await store.open('contoso', 'r-1', ticketDraft('contoso', mode));
    assert.equal(opened.kind, 'opened');
    const assign = (by: typeof EXPERT) =>
      store.modify('contoso', 'CD-1001', (t) => {
        const change = changeTicket(t, { kind: 'assign' }, by, AT);
        return { next: change.ok ? change.ticket : undefined, result: change };
      });
    const results = await Promise.all([assign(EXPERT), assign(OTHER_EXPERT)]);
    const changes = results.map((r) => r?.result as TicketChange);
    assert.equal(changes.filter((c) => c.ok).length, 1);
    const loser = changes.find((c) => !c.ok);
    assert.equal(loser && !loser.ok && loser.reason, 'assignedToOther');
    const stored = await store.ticket('contoso', 'CD-1001');
    assert.equal(stored?.status, 'assigned');
    assert.equal(loser?.ticket.assignee?.id, stored?.assignee?.id);
  });

  it('keeps tickets within their tenant', async () => {
    await store.setChannel('contoso', supportChannel());
    await store.setChannel('fabrikam', supportChannel({ address: address('19:fabrikam@thread.tacv2') }));
    await store.open('contoso', 'r-1', ticketDraft('contoso', mode));
    assert.equal(await store.ticket('fabrikam', 'CD-1001'), undefined);
    assert.equal(await store.modify('fabrikam', 'CD-1001', (t) => ({ next: t, result: 1 })), undefined);
    assert.deepEqual(await store.recent('fabrikam', 10), []);
    assert.equal((await store.ticket('contoso', 'CD-1001'))?.tenantId, 'contoso');
  });

  it('stops using the channel only from that channel, and goes on numbering when one is set again', async () => {
    await store.setChannel('contoso', supportChannel());
    await store.open('contoso', 'r-1', ticketDraft('contoso', mode));
    assert.equal(await store.clearChannel('contoso', '19:other@thread.tacv2'), false);
    assert.equal(await store.clearChannel('contoso', '19:support@thread.tacv2;messageid=1700000000000'), true);
    assert.equal(await store.channel('contoso'), undefined);
    assert.deepEqual(await store.open('contoso', 'r-2', ticketDraft('contoso', mode, { requestKey: 'r-2' })), { kind: 'noChannel' });
    await store.setChannel('contoso', supportChannel({ address: address('19:new@thread.tacv2') }));
    const next = await store.open('contoso', 'r-2', ticketDraft('contoso', mode, { requestKey: 'r-2' }));
    assert.equal(next.kind === 'opened' && next.ticket.id, 'CD-1002');
  });

  it('refuses a broken ticket and a change that would break one', async () => {
    await store.setChannel('contoso', supportChannel());
    await assert.rejects(store.open('contoso', 'r-1', ticketDraft('contoso', mode, { stepsTaken: Array.from({ length: 41 }, () => 'x') })), /Invalid ticket/);
    await store.open('contoso', 'r-1', ticketDraft('contoso', mode));
    await assert.rejects(store.modify('contoso', 'CD-1001', (t) => ({ next: { ...t, tenantId: 'fabrikam' }, result: 0 })), /Invalid change/);
    await storage.write({ [ticketKey('contoso', 'CD-1001')]: { id: 'CD-1001', eTag: '*' } });
    assert.equal(await store.ticket('contoso', 'CD-1001'), undefined);
  });

  it('stops rather than numbering again when the desk record is broken', async () => {
    await storage.write({ [deskKey('contoso')]: { lastNumber: 'many', eTag: '*' } });
    await assert.rejects(store.open('contoso', 'r-1', ticketDraft('contoso', mode)), /not valid/);
  });
}

describe('SupportDeskStore', () => {
  describe('on BoundedMemoryStorage', () => {
    supportDeskContract(async () => new BoundedMemoryStorage());

    it('is kept by the memory storage however full it gets', async () => {
      const storage = await createStorage({ kind: 'memory', maxEntries: 2 });
      const store = new SupportDeskStore(storage);
      await store.setChannel('contoso', supportChannel());
      await store.open('contoso', 'r-1', ticketDraft('contoso', mode));
      for (let i = 0; i < 10; i++) await storage.write({ [`conversation/${i}`]: { n: i } });
      assert.ok(await store.channel('contoso'));
      assert.ok(await store.ticket('contoso', 'CD-1001'));
      assert.ok(isSupportDeskKey(ticketKey('contoso', 'CD-1001')));
    });
  });

  describe('on Azure Blob Storage (Azurite)', function () {
    this.timeout(30_000);
    const azurite = useAzurite();
    let containers = 0;
    supportDeskContract(() => createStorage({ kind: 'blob', connectionString: azurite.connectionString, container: `desk-${process.pid}-${++containers}` }));

    it('two instances (two clients of one container) never hand out a number twice', async () => {
      const container = `desk-${process.pid}-shared`;
      const [a, b] = await Promise.all([0, 1].map(async () => new SupportDeskStore(await createStorage({ kind: 'blob', connectionString: azurite.connectionString, container }))));
      await a?.setChannel('contoso', supportChannel());
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => ((i % 2 ? a : b) as SupportDeskStore).open('contoso', `r-${i % 5}`, ticketDraft('contoso', mode, { requestKey: `r-${i % 5}` }))),
      );
      assert.equal(outcomes.filter((o) => o.kind === 'opened').length, 5);
      assert.deepEqual(
        (await (b as SupportDeskStore).recent('contoso', 20)).map((t) => t.id),
        ['CD-1005', 'CD-1004', 'CD-1003', 'CD-1002', 'CD-1001'],
      );
    });
  });
});
