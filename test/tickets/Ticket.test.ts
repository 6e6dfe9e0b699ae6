import { strict as assert } from 'node:assert';
import { defaultKnowledge, type FailureMode } from '../../src/knowledge';
import { channelConversationId, postConversation, sameConversation } from '../../src/tickets/ConversationAddress';
import { samePerson } from '../../src/tickets/Person';
import { changeTicket, MAX_HISTORY, requestKeyOf, secondsToResolve, TicketId, type Ticket, type TicketAction, type TicketRefusal } from '../../src/tickets/Ticket';
import { address, EXPERT, OTHER_EXPERT, REQUESTER, ticket } from '../helpers/tickets';

const mode = defaultKnowledge().modes[0] as FailureMode;
const AT = new Date('2025-01-15T10:00:00.000Z');
const open = ticket('contoso', mode);
const assigned: Ticket = { ...open, status: 'assigned', assignee: EXPERT };
const resolved: Ticket = { ...assigned, status: 'resolved', resolution: { by: EXPERT, at: AT.toISOString(), note: 'reset the password' } };

describe('tickets', () => {
  describe('changeTicket', () => {
    const applies: Array<{ name: string; from: Ticket; action: TicketAction; by: typeof EXPERT; status: Ticket['status']; assignee?: string }> = [
      { name: 'an open ticket is assigned to whoever takes it', from: open, action: { kind: 'assign' }, by: EXPERT, status: 'assigned', assignee: EXPERT.id },
      { name: 'an open ticket can be resolved without an assignee', from: open, action: { kind: 'resolve' }, by: EXPERT, status: 'resolved' },
      { name: 'an assigned ticket is resolved by anyone in the channel', from: assigned, action: { kind: 'resolve', note: 'done' }, by: OTHER_EXPERT, status: 'resolved', assignee: EXPERT.id },
      { name: 'a resolved ticket reopens to its assignee', from: resolved, action: { kind: 'reopen' }, by: OTHER_EXPERT, status: 'assigned', assignee: EXPERT.id },
      { name: 'a resolved ticket without an assignee reopens as open', from: { ...resolved, assignee: undefined }, action: { kind: 'reopen' }, by: EXPERT, status: 'open' },
    ];
    for (const { name, from, action, by, status, assignee } of applies) {
      it(name, () => {
        const change = changeTicket(from, action, by, AT);
        assert.ok(change.ok);
        assert.equal(change.ticket.status, status);
        assert.equal(change.ticket.assignee?.id, assignee);
        assert.deepEqual(change.ticket.history.at(-1), { action: `${action.kind === 'assign' ? 'assigned' : action.kind === 'resolve' ? 'resolved' : 'reopened'}`, by, at: AT.toISOString() });
        assert.equal(change.ticket.resolution !== undefined, status === 'resolved');
      });
    }

    const refusals: Array<{ name: string; from: Ticket; action: TicketAction; by: typeof EXPERT; reason: TicketRefusal }> = [
      { name: 'assigning a ticket someone else has', from: assigned, action: { kind: 'assign' }, by: OTHER_EXPERT, reason: 'assignedToOther' },
      { name: 'assigning a ticket one already has', from: assigned, action: { kind: 'assign' }, by: { ...EXPERT, name: 'renamed' }, reason: 'alreadyAssignedToYou' },
      { name: 'assigning a resolved ticket', from: resolved, action: { kind: 'assign' }, by: OTHER_EXPERT, reason: 'alreadyResolved' },
      { name: 'resolving twice', from: resolved, action: { kind: 'resolve' }, by: EXPERT, reason: 'alreadyResolved' },
      { name: 'reopening an open ticket', from: open, action: { kind: 'reopen' }, by: EXPERT, reason: 'notResolved' },
    ];
    for (const { name, from, action, by, reason } of refusals) {
      it(`refuses ${name}, leaving the ticket as it was`, () => {
        const change = changeTicket(from, action, by, AT);
        assert.deepEqual(change, { ok: false, reason, ticket: from });
      });
    }

    it('keeps a trimmed note, drops an empty one, and keeps the history bounded', () => {
      const withNote = changeTicket(open, { kind: 'resolve', note: '  reset it  ' }, EXPERT, AT);
      assert.equal(withNote.ok && withNote.ticket.resolution?.note, 'reset it');
      const blank = changeTicket(open, { kind: 'resolve', note: '   ' }, EXPERT, AT);
      assert.ok(blank.ok && !('note' in (blank.ticket.resolution ?? {})));
      let current = open;
      for (let i = 0; i < MAX_HISTORY + 5; i++) {
        const change = changeTicket(current, { kind: current.status === 'resolved' ? 'reopen' : 'resolve' }, EXPERT, AT);
        assert.ok(change.ok);
        current = change.ticket;
      }
      assert.equal(current.history.length, MAX_HISTORY);
    });

    it('measures the time to resolve', () => {
      assert.equal(secondsToResolve(open), undefined);
      assert.equal(secondsToResolve(resolved), (AT.getTime() - Date.parse(open.openedAt)) / 1000);
    });
  });

  it('ticket ids are CD- and a number', () => {
    for (const id of ['CD-1', 'CD-1042', 'CD-999999999']) assert.ok(TicketId.safeParse(id).success, id);
    for (const id of ['CD-0', 'CD-01', 'cd-1042', 'CD-1042 ', 'CD-', 'CD-1234567890', '../CD-1']) assert.ok(!TicketId.safeParse(id).success, id);
  });

  it('the same request gives the same key; another requester, diagnosis or content another', () => {
    const base = { tenantId: 'contoso', requester: REQUESTER, diagnosisId: 'd-1', failureMode: mode.id, content: { a: 1 } };
    assert.equal(requestKeyOf(base), requestKeyOf({ ...base, requester: { ...REQUESTER, name: 'renamed' } }));
    for (const other of [{ tenantId: 'fabrikam' }, { requester: EXPERT }, { diagnosisId: 'd-2' }, { content: { a: 2 } }]) {
      assert.notEqual(requestKeyOf({ ...base, ...other }), requestKeyOf(base), JSON.stringify(other));
    }
  });

  it('people are the same by Entra object id, else by channel id', () => {
    assert.ok(samePerson(REQUESTER, { id: 'other-channel-id', aadObjectId: REQUESTER.aadObjectId }));
    assert.ok(!samePerson(REQUESTER, { id: REQUESTER.id, aadObjectId: 'someone-else' }));
    assert.ok(samePerson({ id: 'emulator-user' }, { id: 'emulator-user', name: 'x' }));
  });

  it('a channel and a thread in it are one conversation; a post in a Teams channel starts a thread', () => {
    assert.equal(channelConversationId('19:abc@thread.tacv2;messageid=1700000000000'), '19:abc@thread.tacv2');
    assert.ok(sameConversation('19:abc@thread.tacv2;messageid=1', '19:abc@thread.tacv2'));
    assert.ok(!sameConversation('19:abc@thread.tacv2', '19:abcd@thread.tacv2'));
    assert.equal(postConversation(address('19:abc@thread.tacv2'), '42').conversation.id, '19:abc@thread.tacv2;messageid=42');
    assert.equal(postConversation(address('local-1', { channelId: 'emulator' }), '42').conversation.id, 'local-1');
  });
});
