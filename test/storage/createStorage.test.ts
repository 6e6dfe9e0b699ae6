import { strict as assert } from 'node:assert';
import { createStorage, StorageConfig } from '../../src/storage/createStorage';
import { BoundedMemoryStorage } from '../../src/storage/BoundedMemoryStorage';
import { FeedbackStore, feedbackKey } from '../../src/storage/FeedbackStore';

const blob = (container: string) => ({ kind: 'blob', connectionString: 'UseDevelopmentStorage=true', container });

describe('StorageConfig', () => {
  const validContainers = ['bot', 'connector-doctor', 'state2', 'a-1-b', 'x'.repeat(63)];
  for (const container of validContainers) {
    it(`accepts the container name ${JSON.stringify(container.length > 20 ? `${container.length} chars` : container)}`, () => {
      const parsed = StorageConfig.safeParse(blob(container));
      assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
      assert.equal(parsed.data.kind === 'blob' && parsed.data.container, container);
    });
  }

  const badContainers: [string, string][] = [
    ['ab', 'is too short'],
    ['x'.repeat(64), 'is too long'],
    ['Connector', 'has uppercase'],
    ['connector--doctor', 'has two hyphens in a row'],
    ['-connector', 'starts with a hyphen'],
    ['connector-', 'ends with a hyphen'],
    ['connector_doctor', 'has an underscore'],
    ['connector.doctor', 'has a dot'],
    ['', 'is empty'],
  ];
  for (const [container, why] of badContainers) {
    it(`rejects a container name that ${why}`, () => {
      const parsed = StorageConfig.safeParse(blob(container));
      assert.equal(parsed.success, false);
      assert.deepEqual(parsed.error?.issues.map((issue) => issue.path.join('.')), ['container']);
    });
  }

  it('rejects a blob config without a connection string', () => {
    const parsed = StorageConfig.safeParse({ ...blob('bot'), connectionString: '' });
    assert.equal(parsed.success, false);
    assert.deepEqual(parsed.error?.issues.map((issue) => issue.path.join('.')), ['connectionString']);
  });

  it('accepts a memory config with or without limits', () => {
    assert.ok(StorageConfig.safeParse({ kind: 'memory' }).success);
    assert.ok(StorageConfig.safeParse({ kind: 'memory', maxEntries: 500, idleTtlMs: 60_000, maxFeedback: 500 }).success);
  });

  it('rejects memory limits that are not positive integers', () => {
    assert.equal(StorageConfig.safeParse({ kind: 'memory', maxEntries: 0 }).success, false);
    assert.equal(StorageConfig.safeParse({ kind: 'memory', idleTtlMs: -1 }).success, false);
    assert.equal(StorageConfig.safeParse({ kind: 'memory', maxEntries: '500' }).success, false);
    assert.equal(StorageConfig.safeParse({ kind: 'memory', maxFeedback: 0 }).success, false);
  });

  it('rejects an unknown kind', () => {
    assert.equal(StorageConfig.safeParse({ kind: 'cosmos' }).success, false);
  });
});

describe('createStorage (memory)', () => {
  it('keeps the most recent maxFeedback feedback records and counts the ones it lets go', async () => {
    let evicted = 0;
    const storage = await createStorage({ kind: 'memory', maxEntries: 100, maxFeedback: 100 }, { onFeedbackEvicted: () => evicted++ });
    assert.ok(storage instanceof BoundedMemoryStorage);
    const store = new FeedbackStore(storage);
    const press = (i: number) => store.record({ diagnosisId: `d${i}`, failureMode: 'logon-failed', helpful: false, conversationId: 'c1', userId: 'u1' });
    for (let i = 0; i < 1_000; i++) await press(i);
    assert.equal(storage.size, 100);
    assert.equal(evicted, 900);
    const kept = await storage.read(Array.from({ length: 1_000 }, (_, i) => feedbackKey({ conversationId: 'c1', diagnosisId: `d${i}`, userId: 'u1' })));
    assert.deepEqual(Object.keys(kept), Array.from({ length: 100 }, (_, i) => feedbackKey({ conversationId: 'c1', diagnosisId: `d${900 + i}`, userId: 'u1' })));
  });

  it('builds a bounded memory storage that keeps feedback records past its cap', async () => {
    const storage = await createStorage({ kind: 'memory', maxEntries: 2 });
    assert.ok(storage instanceof BoundedMemoryStorage);
    const { record } = await new FeedbackStore(storage).record({ diagnosisId: 'd1', failureMode: 'logon-failed', helpful: true, conversationId: 'c1', userId: 'u1' });
    for (let i = 0; i < 5; i++) await storage.write({ [`conversation/${i}`]: { turn: i } });
    assert.equal(storage.size, 3);
    assert.deepEqual(Object.keys(await storage.read([feedbackKey(record)])), ['feedback/c1/d1/u1']);
  });
});
