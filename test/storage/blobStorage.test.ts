import { strict as assert } from 'node:assert';
import { BlobServiceClient } from '@azure/storage-blob';
import type { Storage } from 'botbuilder';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { createStorage } from '../../src/storage/createStorage';
import { FeedbackRecord, FeedbackStore, feedbackKey } from '../../src/storage/FeedbackStore';
import { useAzurite } from '../helpers/azurite';

describe('blob storage against Azurite', function () {
  const azurite = useAzurite();
  let containerCount = 0;
  /** A container no other test uses. */
  const freshContainer = () => `test-${process.pid}-${++containerCount}`;
  const containerClient = (name: string) => BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(name);

  async function blobStorage(): Promise<Storage> {
    return createStorage({ kind: 'blob', connectionString: azurite.connectionString, container: freshContainer() });
  }

  it('createStorage creates the container before returning', async () => {
    const container = freshContainer();
    assert.equal(await containerClient(container).exists(), false);
    const storage = await createStorage({ kind: 'blob', connectionString: azurite.connectionString, container });
    assert.ok(storage instanceof BlobsStorage);
    assert.equal(await containerClient(container).exists(), true);
  });

  it('createStorage accepts a container that already exists', async () => {
    const container = freshContainer();
    await containerClient(container).create();
    await createStorage({ kind: 'blob', connectionString: azurite.connectionString, container });
  });

  it('round-trips write, read and delete', async () => {
    const storage = await blobStorage();
    await storage.write({ 'conversation/1': { turn: 1, facts: { upn: '관리자@contoso.kr' } } });
    const read = await storage.read(['conversation/1', 'missing']);
    assert.deepEqual(Object.keys(read), ['conversation/1']);
    assert.deepEqual(read['conversation/1'].facts, { upn: '관리자@contoso.kr' });
    assert.equal(typeof read['conversation/1'].eTag, 'string');
    await storage.delete(['conversation/1', 'missing']);
    assert.deepEqual(await storage.read(['conversation/1']), {});
  });

  describe('eTags', () => {
    it('accepts the current eTag, rejects a stale one and keeps the stored item', async () => {
      const storage = await blobStorage();
      await storage.write({ a: { n: 1 } });
      const first = (await storage.read(['a'])).a;
      await storage.write({ a: { ...first, n: 2 } });
      const second = (await storage.read(['a'])).a;
      assert.notEqual(second.eTag, first.eTag);
      await assert.rejects(storage.write({ a: { ...first, n: 3 } }), /eTag conflict/);
      assert.equal((await storage.read(['a'])).a.n, 2);
    });

    it("overwrites unconditionally with eTag '*'", async () => {
      const storage = await blobStorage();
      await storage.write({ a: { n: 1 } });
      await storage.write({ a: { n: 2, eTag: '*' } });
      assert.equal((await storage.read(['a'])).a.n, 2);
    });

    it('rejects an eTag for a key with nothing stored, unlike MemoryStorage', async () => {
      const storage = await blobStorage();
      await assert.rejects(storage.write({ a: { n: 1, eTag: '"0x8DC0000000000000"' } }), /eTag conflict/);
      assert.deepEqual(await storage.read(['a']), {});
    });
  });

  it('records 50 concurrent feedback records, all readable afterwards', async () => {
    const storage = await blobStorage();
    const store = new FeedbackStore(storage);
    const conversations = ['19:abc@thread.tacv2;messageid=1', 'a:1Zx-personal/chat?with#odd chars', '29:\uD55C\uAD6D'];
    const records = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const feedback = { diagnosisId: `diagnosis-${i}`, failureMode: 'logon-failed', helpful: i % 2 === 0, conversationId: conversations[i % conversations.length] ?? '', userId: 'u', tenantId: 't1', source: 'guided' } as const;
        return (await store.record(feedback)).record;
      }),
    );
    assert.equal(new Set(records.map(feedbackKey)).size, 50);
    const stored = await storage.read(records.map(feedbackKey));
    assert.equal(Object.keys(stored).length, 50);
    for (const record of records) {
      const parsed = FeedbackRecord.safeParse(stored[feedbackKey(record)]);
      assert.ok(parsed.success, `${feedbackKey(record)} unreadable`);
      assert.deepEqual(parsed.data, record);
    }
  });

  it('two BlobsStorage instances over one container see each other’s writes and eTags', async () => {
    const container = freshContainer();
    const first = await createStorage({ kind: 'blob', connectionString: azurite.connectionString, container });
    const second = new BlobsStorage(azurite.connectionString, container);
    await first.write({ shared: { from: 'first' } });
    const seen = (await second.read(['shared'])).shared;
    assert.equal(seen.from, 'first');
    await second.write({ shared: { ...seen, from: 'second' } });
    const stale = (await first.read(['shared'])).shared;
    assert.equal(stale.from, 'second');
    await second.write({ shared: { from: 'second again' } });
    await assert.rejects(first.write({ shared: { ...stale, from: 'first again' } }), /eTag conflict/);
    await second.delete(['shared']);
    assert.deepEqual(await first.read(['shared']), {});
  });
});
