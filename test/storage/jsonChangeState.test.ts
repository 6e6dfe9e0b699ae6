import { strict as assert } from 'node:assert';
import { ConversationState, MemoryStorage, PrivateConversationState, TestAdapter, TurnContext, type Activity, type BotState } from 'botbuilder';
import sinon from 'sinon';
import { JsonChangeConversationState, JsonChangePrivateConversationState } from '../../src/storage/jsonChangeState';

function turn(conversationId = 'c1', userId = 'u1'): TurnContext {
  const activity: Partial<Activity> = {
    type: 'message',
    channelId: 'msteams',
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
    from: { id: userId, name: 'Admin' },
    recipient: { id: 'bot', name: 'bot' },
  };
  return new TurnContext(new TestAdapter(), activity);
}

const scopes: Array<[string, (storage: MemoryStorage) => BotState, (storage: MemoryStorage) => BotState]> = [
  ['conversation', (s) => new JsonChangeConversationState(s), (s) => new ConversationState(s)],
  ['private conversation', (s) => new JsonChangePrivateConversationState(s), (s) => new PrivateConversationState(s)],
];

describe('state scopes that detect changes by comparing JSON', () => {
  for (const [name, create, createBotbuilders] of scopes) {
    describe(name, () => {
      it('writes nothing when a turn read the state and did not change it', async () => {
        const storage = new MemoryStorage();
        const write = sinon.spy(storage, 'write');
        const state = create(storage);
        const context = turn();
        assert.deepEqual(await state.load(context), {});
        await state.saveChanges(context);
        assert.equal(write.callCount, 0);
      });

      it('writes a changed state once, under the key botbuilder uses, and reads it back in the next turn', async () => {
        const storage = new MemoryStorage();
        const write = sinon.spy(storage, 'write');
        const state = create(storage);
        const flag = state.createProperty<{ step: number }>('flow');
        const first = turn();
        await flag.set(first, { step: 2 });
        await state.saveChanges(first);
        await state.saveChanges(first);
        assert.equal(write.callCount, 1);
        const written = Object.keys(write.firstCall.args[0]);
        // botbuilder's own scope reads the same item: the storage layout is unchanged.
        const theirs = createBotbuilders(storage);
        assert.deepEqual(await theirs.createProperty('flow').get(turn()), { step: 2 });
        assert.equal(written.length, 1);

        const second = turn();
        assert.deepEqual(await create(storage).createProperty('flow').get(second), { step: 2 });
      });

      it('writes when only a nested value changed', async () => {
        const storage = new MemoryStorage();
        const state = create(storage);
        const context = turn();
        await state.createProperty<{ list: number[] }>('data').set(context, { list: [1] });
        await state.saveChanges(context);
        const next = turn();
        const data = (await state.createProperty<{ list: number[] }>('data').get(next)) as { list: number[] };
        data.list.push(2);
        await state.saveChanges(next);
        assert.deepEqual(await create(storage).createProperty('data').get(turn()), { list: [1, 2] });
      });

      it('keeps turns of different conversations apart', async () => {
        const storage = new MemoryStorage();
        const state = create(storage);
        const a = turn('ca');
        await state.createProperty('n').set(a, 1);
        await state.saveChanges(a);
        assert.equal(await state.createProperty('n').get(turn('cb')), undefined);
      });

      it('clear, then save, writes an empty state; force writes even an unchanged one; delete removes it', async () => {
        const storage = new MemoryStorage();
        const write = sinon.spy(storage, 'write');
        const state = create(storage);
        const context = turn();
        await state.createProperty('n').set(context, 1);
        await state.saveChanges(context);
        const next = turn();
        await state.load(next);
        await state.clear(next);
        assert.deepEqual(state.get(next), {});
        await state.saveChanges(next);
        assert.equal(await create(storage).createProperty('n').get(turn()), undefined);
        const forced = turn();
        await state.load(forced);
        await state.saveChanges(forced, true);
        assert.equal(write.callCount, 3);
        await state.delete(forced);
        assert.equal(state.get(forced), undefined);
        const items = await storage.read(write.firstCall.args[0] ? Object.keys(write.firstCall.args[0]) : []);
        assert.deepEqual(items, {});
      });
    });
  }
});
