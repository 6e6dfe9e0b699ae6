import { strict as assert } from 'node:assert';
import { PhraseIndex } from '../../src/knowledge/PhraseIndex';

/** Every (phrase id, end) occurrence, found the slow way. */
function naive(phrases: readonly string[], text: string): string[] {
  const out: string[] = [];
  phrases.forEach((phrase, id) => {
    for (let at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) out.push(`${id}@${at + phrase.length}`);
  });
  return out.sort();
}

function scanned(index: PhraseIndex, text: string): string[] {
  const out: string[] = [];
  let lastEnd = 0;
  index.scan(text, (id, end) => {
    assert.ok(end >= lastEnd, 'occurrences come in order of their end');
    lastEnd = end;
    out.push(`${id}@${end}`);
  });
  return out.sort();
}

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('PhraseIndex', () => {
  it('finds every occurrence of every phrase, overlapping and nested ones included', () => {
    const phrases = ['he', 'she', 'his', 'hers', 'ushers', 's'];
    const index = new PhraseIndex();
    phrases.forEach((p, i) => assert.equal(index.add(p), i));
    index.build();
    for (const text of ['ushers', 'shehishers', '', 'xyz', 'sssss', 'hehehe']) assert.deepEqual(scanned(index, text), naive(phrases, text), text);
  });

  it('agrees with a naive search on random phrases and texts over a small alphabet, Hangul included', () => {
    const next = random(20261126);
    const alphabet = ['a', 'b', 'c', '가', '나'];
    const word = (length: number) => Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    for (let round = 0; round < 40; round++) {
      const phrases = [...new Set(Array.from({ length: 1 + Math.floor(next() * 60) }, () => word(1 + Math.floor(next() * 8))))];
      const index = new PhraseIndex();
      for (const p of phrases) index.add(p);
      index.build();
      // The same phrases, with the nodes numbered in the order scans of some texts reach them.
      const laidOut = new PhraseIndex();
      for (const p of phrases) laidOut.add(p);
      laidOut.build(Array.from({ length: 5 }, () => word(Math.floor(next() * 100))));
      for (let t = 0; t < 10; t++) {
        const text = word(Math.floor(next() * 200));
        assert.deepEqual(scanned(index, text), naive(phrases, text), `round ${round}: ${text}`);
        assert.deepEqual(scanned(laidOut, text), naive(phrases, text), `round ${round}, laid out: ${text}`);
      }
    }
  });

  it('gives a phrase added twice its first id, and refuses empty phrases and use out of order', () => {
    const index = new PhraseIndex();
    assert.equal(index.add('abc'), 0);
    assert.equal(index.add('abd'), 1);
    assert.equal(index.add('abc'), 0);
    assert.equal(index.size, 2);
    assert.equal(index.phraseLength(1), 3);
    assert.throws(() => index.add(''), /empty phrase/);
    assert.throws(() => index.scan('abc', () => undefined), /scan before build/);
    index.build();
    assert.throws(() => index.add('x'), /add after build/);
  });
});
