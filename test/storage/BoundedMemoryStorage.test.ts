import { strict as assert } from 'node:assert';
import { MemoryStorage, type Storage } from 'botbuilder';
import { BoundedMemoryStorage } from '../../src/storage/BoundedMemoryStorage';

const HOUR = 60 * 60 * 1000;

/** A clock the test moves by hand. */
function fakeClock(start = 1_700_000_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => void (time += ms) };
}

async function keysPresent(storage: Storage, keys: string[]): Promise<string[]> {
  return Object.keys(await storage.read(keys)).sort();
}

describe('BoundedMemoryStorage', () => {
  describe('behaves like MemoryStorage', () => {
    const implementations: [string, () => Storage][] = [
      ['MemoryStorage', () => new MemoryStorage()],
      ['BoundedMemoryStorage', () => new BoundedMemoryStorage()],
    ];
    for (const [name, create] of implementations) {
      describe(name, () => {
        it('reads back a copy with a new eTag, and nothing for unknown keys', async () => {
          const storage = create();
          const item = { count: 1, nested: { list: [1, 2] } };
          await storage.write({ a: item });
          const read = await storage.read(['a', 'missing']);
          assert.deepEqual(Object.keys(read), ['a']);
          assert.deepEqual(read.a.nested, { list: [1, 2] });
          assert.equal(typeof read.a.eTag, 'string');
          read.a.nested.list.push(3);
          item.nested.list.push(4);
          assert.deepEqual((await storage.read(['a'])).a.nested, { list: [1, 2] });
        });

        it('accepts a write carrying the current eTag and issues a new one', async () => {
          const storage = create();
          await storage.write({ a: { n: 1 } });
          const first = (await storage.read(['a'])).a;
          await storage.write({ a: { ...first, n: 2 } });
          const second = (await storage.read(['a'])).a;
          assert.equal(second.n, 2);
          assert.notEqual(second.eTag, first.eTag);
        });

        it('rejects a write carrying a stale eTag and keeps the stored item', async () => {
          const storage = create();
          await storage.write({ a: { n: 1 } });
          const stale = (await storage.read(['a'])).a;
          await storage.write({ a: { ...stale, n: 2 } });
          await assert.rejects(storage.write({ a: { ...stale, n: 3 } }), /eTag conflict/);
          assert.equal((await storage.read(['a'])).a.n, 2);
        });

        it("overwrites unconditionally with eTag '*' or no eTag", async () => {
          const storage = create();
          await storage.write({ a: { n: 1 } });
          await storage.write({ a: { n: 2, eTag: '*' } });
          await storage.write({ a: { n: 3 } });
          assert.equal((await storage.read(['a'])).a.n, 3);
        });

        it('writes an item with an eTag when nothing is stored under its key', async () => {
          const storage = create();
          await storage.write({ a: { n: 1, eTag: 'from-elsewhere' } });
          assert.equal((await storage.read(['a'])).a.n, 1);
        });

        it('forgets deleted keys and ignores unknown ones', async () => {
          const storage = create();
          await storage.write({ a: { n: 1 }, b: { n: 2 } });
          await storage.delete(['a', 'missing']);
          assert.deepEqual(await keysPresent(storage, ['a', 'b']), ['b']);
        });
      });
    }

    it('writes none of the items in a batch when one has an eTag conflict', async () => {
      const storage = new BoundedMemoryStorage();
      await storage.write({ a: { n: 1 } });
      await storage.write({ a: { n: 2 } });
      await assert.rejects(storage.write({ b: { n: 1 }, a: { n: 3, eTag: '1' } }), /eTag conflict/);
      assert.deepEqual(await keysPresent(storage, ['a', 'b']), ['a']);
    });
  });

  describe('cap', () => {
    it('evicts the least recently used entry, counting reads as use', async () => {
      const storage = new BoundedMemoryStorage({ maxEntries: 3 });
      await storage.write({ a: { n: 1 }, b: { n: 2 }, c: { n: 3 } });
      await storage.read(['a']);
      await storage.write({ d: { n: 4 } });
      assert.equal(storage.size, 3);
      assert.deepEqual(await keysPresent(storage, ['a', 'b', 'c', 'd']), ['a', 'c', 'd']);
    });

    it('counts a rewrite as use', async () => {
      const storage = new BoundedMemoryStorage({ maxEntries: 2 });
      await storage.write({ a: { n: 1 } });
      await storage.write({ b: { n: 1 } });
      await storage.write({ a: { n: 2 } });
      await storage.write({ c: { n: 1 } });
      assert.deepEqual(await keysPresent(storage, ['a', 'b', 'c']), ['a', 'c']);
    });

    it('stays within maxEntries after 100k distinct keys', async () => {
      const storage = new BoundedMemoryStorage({ maxEntries: 1_000 });
      for (let i = 0; i < 100_000; i++) {
        await storage.write({ [`conversation/${i}`]: { turn: i } });
        assert.ok(storage.size <= 1_000, `size ${storage.size} after ${i + 1} writes`);
      }
      assert.equal(storage.size, 1_000);
      assert.deepEqual(await keysPresent(storage, ['conversation/0', 'conversation/98999', 'conversation/99000', 'conversation/99999']), [
        'conversation/99000',
        'conversation/99999',
      ]);
    });

    it('rejects a cap that is not a positive integer', () => {
      assert.throws(() => new BoundedMemoryStorage({ maxEntries: 0 }), RangeError);
      assert.throws(() => new BoundedMemoryStorage({ maxEntries: 1.5 }), RangeError);
      assert.throws(() => new BoundedMemoryStorage({ idleTtlMs: 0 }), RangeError);
    });
  });

  describe('idle expiry', () => {
    it('forgets an entry idle longer than idleTtlMs, on read', async () => {
      const clock = fakeClock();
      const storage = new BoundedMemoryStorage({ idleTtlMs: HOUR, now: clock.now });
      await storage.write({ a: { n: 1 } });
      clock.advance(HOUR);
      assert.deepEqual(await keysPresent(storage, ['a']), ['a']);
      clock.advance(HOUR + 1);
      assert.deepEqual(await keysPresent(storage, ['a']), []);
      assert.equal(storage.size, 0);
    });

    it('restarts the idle time on every read', async () => {
      const clock = fakeClock();
      const storage = new BoundedMemoryStorage({ idleTtlMs: HOUR, now: clock.now });
      await storage.write({ a: { n: 1 } });
      for (let i = 0; i < 5; i++) {
        clock.advance(HOUR - 1);
        assert.deepEqual(await keysPresent(storage, ['a']), ['a']);
      }
    });

    it('sweeps idle entries when something else is written', async () => {
      const clock = fakeClock();
      const storage = new BoundedMemoryStorage({ idleTtlMs: HOUR, now: clock.now });
      await storage.write({ a: { n: 1 }, b: { n: 2 } });
      clock.advance(HOUR / 2);
      await storage.write({ c: { n: 3 } });
      clock.advance(HOUR / 2 + 1);
      await storage.write({ d: { n: 4 } });
      assert.equal(storage.size, 2);
      assert.deepEqual(await keysPresent(storage, ['a', 'b', 'c', 'd']), ['c', 'd']);
    });

    it('lets a write with an old eTag through once the stored item has expired', async () => {
      const clock = fakeClock();
      const storage = new BoundedMemoryStorage({ idleTtlMs: HOUR, now: clock.now });
      await storage.write({ a: { n: 1 } });
      const old = (await storage.read(['a'])).a;
      await storage.write({ a: { n: 2 } });
      clock.advance(HOUR + 1);
      await storage.write({ a: { ...old, n: 3 } });
      assert.equal((await storage.read(['a'])).a.n, 3);
    });
  });

  describe('keep', () => {
    const keep = (key: string) => key.startsWith('feedback/');

    it('never evicts kept keys, however many others are written', async () => {
      const storage = new BoundedMemoryStorage({ maxEntries: 2, keep });
      await storage.write({ 'feedback/1': { helpful: true }, 'feedback/2': { helpful: false } });
      for (let i = 0; i < 10; i++) await storage.write({ [`conversation/${i}`]: { turn: i } });
      assert.equal(storage.size, 4);
      assert.deepEqual(await keysPresent(storage, ['feedback/1', 'feedback/2', 'conversation/0', 'conversation/9']), [
        'conversation/9',
        'feedback/1',
        'feedback/2',
      ]);
    });

    it('never expires kept keys', async () => {
      const clock = fakeClock();
      const storage = new BoundedMemoryStorage({ idleTtlMs: HOUR, now: clock.now, keep });
      await storage.write({ 'feedback/1': { helpful: true }, 'conversation/1': { turn: 1 } });
      clock.advance(365 * 24 * HOUR);
      await storage.write({ 'conversation/2': { turn: 1 } });
      assert.deepEqual(await keysPresent(storage, ['feedback/1', 'conversation/1']), ['feedback/1']);
    });

    it('keeps at most maxKept of them, evicting the least recently written first and counting each', async () => {
      const clock = fakeClock();
      let evicted = 0;
      const storage = new BoundedMemoryStorage({ maxEntries: 100, idleTtlMs: HOUR, now: clock.now, keep, maxKept: 5, onKeptEvicted: () => evicted++ });
      for (let i = 0; i < 20; i++) {
        await storage.write({ [`feedback/${i}`]: { helpful: i % 2 === 0 } });
        clock.advance(HOUR);
        assert.ok(storage.size <= 5, `size ${storage.size} after ${i + 1} writes`);
      }
      // Rewriting one makes it the most recent: the next write evicts another.
      await storage.write({ 'feedback/15': { helpful: true } });
      await storage.write({ 'feedback/20': { helpful: true } });
      assert.equal(evicted, 16);
      const all = Array.from({ length: 21 }, (_, i) => `feedback/${i}`);
      assert.deepEqual(await keysPresent(storage, all), ['feedback/15', 'feedback/17', 'feedback/18', 'feedback/19', 'feedback/20']);
    });

    it('still deletes kept keys when asked', async () => {
      const storage = new BoundedMemoryStorage({ keep });
      await storage.write({ 'feedback/1': { helpful: true } });
      await storage.delete(['feedback/1']);
      assert.equal(storage.size, 0);
    });
  });
});
