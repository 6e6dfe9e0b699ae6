import { strict as assert } from 'node:assert';
import { BoundedMemoryStorage } from '../../src/storage/BoundedMemoryStorage';
import { FeedbackRecord, FeedbackStore, feedbackKey, isFeedbackKey } from '../../src/storage/FeedbackStore';

const feedback = { diagnosisId: '3f2a9c1e-7b4', failureMode: 'execution-policy', helpful: true, conversationId: '19:abc@thread.tacv2;messageid=1', userId: 'aad-user-a', source: 'paste' } as const;

describe('FeedbackStore', () => {
  it('stores a record under its conversation, diagnosis and person, with a UTC time', async () => {
    const storage = new BoundedMemoryStorage();
    const { record, replaced } = await new FeedbackStore(storage).record(feedback);
    assert.equal(replaced, undefined);
    assert.match(record.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const parsed = FeedbackRecord.safeParse((await storage.read([feedbackKey(record)]))[feedbackKey(record)]);
    assert.ok(parsed.success);
    assert.deepEqual(parsed.data, record);
  });

  it("replaces the person's earlier record for the same diagnosis, and returns it", async () => {
    const storage = new BoundedMemoryStorage();
    const store = new FeedbackStore(storage);
    const first = await store.record({ ...feedback, at: '2024-05-01T08:00:00.000Z' });
    const second = await store.record({ ...feedback, helpful: false, at: '2024-05-01T08:01:00.000Z' });
    assert.deepEqual(second.replaced, first.record);
    assert.equal(storage.size, 1);
    assert.equal((await storage.read([feedbackKey(feedback)]))[feedbackKey(feedback)]?.helpful, false);
  });

  it('keeps records of other people and other diagnoses apart', async () => {
    const storage = new BoundedMemoryStorage();
    const store = new FeedbackStore(storage);
    await store.record(feedback);
    assert.equal((await store.record({ ...feedback, userId: 'aad-user-b' })).replaced, undefined);
    assert.equal((await store.record({ ...feedback, diagnosisId: '0000aaaa-111' })).replaced, undefined);
    assert.equal(storage.size, 3);
  });

  it('keeps a given time and drops fields the schema does not know', async () => {
    const storage = new BoundedMemoryStorage();
    const { record } = await new FeedbackStore(storage).record({ ...feedback, at: '2024-05-01T08:00:00.000Z', secret: 'x' } as typeof feedback);
    assert.equal(record.at, '2024-05-01T08:00:00.000Z');
    assert.equal('secret' in (await storage.read([feedbackKey(record)]))[feedbackKey(record)], false);
  });

  it('refuses an invalid record and writes nothing', async () => {
    const storage = new BoundedMemoryStorage();
    await assert.rejects(new FeedbackStore(storage).record({ ...feedback, at: '1 May 2024' }), /Invalid feedback/);
    await assert.rejects(new FeedbackStore(storage).record({ ...feedback, diagnosisId: '' }), /Invalid feedback/);
    assert.equal(storage.size, 0);
  });

  it('makes keys blob-safe: encoded, bounded, unambiguous, and distinct for long ids sharing a prefix', () => {
    const key = feedbackKey({ conversationId: 'a:1/b?c#d', diagnosisId: 'd/1', userId: 'u' });
    assert.equal(key, 'feedback/a%3A1%2Fb%3Fc%23d/d%2F1/u');
    assert.ok(isFeedbackKey(key));
    assert.notEqual(feedbackKey({ conversationId: 'c', diagnosisId: 'd/1', userId: 'u' }), feedbackKey({ conversationId: 'c', diagnosisId: 'd', userId: '1/u' }));
    const long = (end: string) => feedbackKey({ conversationId: `${'会話'.repeat(200)}${end}`, diagnosisId: 'd', userId: 'u' });
    assert.ok(long('1').length <= 250, `${long('1').length}`);
    assert.notEqual(long('1'), long('2'));
    assert.doesNotThrow(() => feedbackKey({ conversationId: 'lone \uD800 surrogate', diagnosisId: 'd', userId: 'u' }));
  });
});
