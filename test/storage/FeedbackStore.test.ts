import { strict as assert } from 'node:assert';
import { BoundedMemoryStorage } from '../../src/storage/BoundedMemoryStorage';
import { FeedbackRecord, FeedbackStore, feedbackKey, isFeedbackKey } from '../../src/storage/FeedbackStore';

const feedback = { failureMode: 'execution-policy', helpful: true, conversationId: '19:abc@thread.tacv2;messageid=1', source: 'paste' } as const;

describe('FeedbackStore', () => {
  it('stores each record under its own feedback key with a fresh id and a UTC time', async () => {
    const storage = new BoundedMemoryStorage();
    const store = new FeedbackStore(storage);
    const first = await store.record(feedback);
    const second = await store.record(feedback);
    assert.notEqual(first.id, second.id);
    assert.match(first.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const stored = await storage.read([feedbackKey(first), feedbackKey(second)]);
    assert.equal(Object.keys(stored).length, 2);
    const parsed = FeedbackRecord.safeParse(stored[feedbackKey(first)]);
    assert.ok(parsed.success);
    assert.deepEqual(parsed.data, first);
  });

  it('keeps a given time and drops fields the schema does not know', async () => {
    const storage = new BoundedMemoryStorage();
    const record = await new FeedbackStore(storage).record({ ...feedback, at: '2024-05-01T08:00:00.000Z', secret: 'x' } as typeof feedback);
    assert.equal(record.at, '2024-05-01T08:00:00.000Z');
    assert.equal('secret' in (await storage.read([feedbackKey(record)]))[feedbackKey(record)], false);
  });

  it('refuses an invalid record and writes nothing', async () => {
    const storage = new BoundedMemoryStorage();
    await assert.rejects(new FeedbackStore(storage).record({ ...feedback, at: '1 May 2024' }), /Invalid feedback/);
    assert.equal(storage.size, 0);
  });

  it('makes keys blob-safe: encoded, bounded, and distinct for long ids sharing a prefix', () => {
    const key = feedbackKey({ conversationId: 'a:1/b?c#d', id: 'id' });
    assert.equal(key, 'feedback/a%3A1%2Fb%3Fc%23d/id');
    assert.ok(isFeedbackKey(key));
    const long = (end: string) => feedbackKey({ conversationId: `${'会話'.repeat(200)}${end}`, id: 'id' });
    assert.ok(long('1').length <= 250, `${long('1').length}`);
    assert.notEqual(long('1'), long('2'));
    assert.doesNotThrow(() => feedbackKey({ conversationId: 'lone \uD800 surrogate', id: 'id' }));
  });
});
