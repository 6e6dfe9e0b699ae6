import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultKnowledge, FrameSet } from '../../src/knowledge';
import { knowledgeDataDir, parseDataFile } from '../../src/knowledge/loadKnowledge';
import { constantPieces, coveredUnits, excludedFragments, fragmentSet, ownersOf, ownFragmentsOf, PLACEHOLDER } from '../helpers/fragments';

const knowledge = defaultKnowledge();
const english = knowledge.frames.find((set) => set.lang === 'en');
const englishIds = new Set(english?.frames.map((f) => f.id));

/** The frames every language must have: the wrappers of the connector's errors and the record lines. */
const CORE_FRAMES = ['cmdlet-prefix', 'remoting-connect', 'remoting-processing', 'help-remote-troubleshooting', 'command-not-found', 'cannot-be-loaded', 'help-execution-policies', 'position', 'category-info', 'error-id'];

/** Frames of one language with no English counterpart, and why. */
const LANGUAGE_ONLY: Readonly<Record<string, string>> = {
  'command-not-found-ps2': 'Windows PowerShell 2.0 worded the Chinese message differently; the English did not change',
  'cannot-be-loaded-file': 'Traditional Chinese opens the not-signed error with its own sentence; English shares cannot-be-loaded',
};

/** A mode's own text must keep at least this many units after frames and look-alikes are taken out. */
const OWN_WORDS_MIN = 18;

describe('frames: the data files', () => {
  const dir = join(knowledgeDataDir(), 'frames');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('has a frame file for each of the eleven languages the pastes come in', () => {
    for (const lang of ['en', 'ko', 'de', 'fr', 'es', 'pt-BR', 'it', 'ja', 'zh-Hans', 'zh-Hant', 'ru']) assert.ok(files.includes(`${lang}.json`), lang);
  });

  for (const file of files) {
    it(`${file} loads, with unique ids and placeholders only as {lower-case names}`, () => {
      const set = parseDataFile(join(dir, file), FrameSet);
      assert.equal(new Set(set.frames.map((f) => f.id)).size, set.frames.length);
      for (const frame of set.frames) {
        assert.ok(frame.note, `${frame.id}: a note says where the text comes from`);
        const stray = frame.text.replace(PLACEHOLDER, '').match(/[{}]/);
        assert.equal(stray, null, `${frame.id}: a brace outside a placeholder`);
      }
    });
  }

  for (const set of knowledge.frames.filter((s) => s.lang !== 'en')) {
    it(`${set.lang} uses the English frame ids (article wordings and a few language-only frames aside)`, () => {
      for (const frame of set.frames) {
        const known = englishIds.has(frame.id) || frame.id.includes('-article') || frame.id in LANGUAGE_ONLY;
        assert.ok(known, `${set.lang}: frame "${frame.id}" has no English counterpart`);
      }
    });
    it(`${set.lang} has the core frames`, () => {
      const ids = new Set(set.frames.map((f) => f.id));
      for (const id of CORE_FRAMES) assert.ok(ids.has(id), `${set.lang}: no "${id}"`);
    });
  }

  it('fills a frame with placeholders of the same names in every language', () => {
    const namesOf = (text: string): string => [...new Set(text.match(PLACEHOLDER) ?? [])].sort().join();
    for (const set of knowledge.frames) {
      for (const frame of set.frames) {
        const en = english?.frames.find((f) => f.id === frame.id);
        if (!en) continue;
        assert.equal(namesOf(frame.text), namesOf(en.text), `${set.lang} ${frame.id}`);
      }
    }
  });
});

describe('frames and look-alikes never swallow a failure mode’s own words', () => {
  // What the matcher counts: fragments of frames, vocabulary and context names never; look-alikes not for ungated texts; a third-frame fragment is the frame's.
  const excluded = excludedFragments(knowledge);
  const owners = ownersOf(knowledge, excluded);
  /** Units of a signature's words that the matcher counts for its mode alone. */
  const ownUnits = (signature: (typeof knowledge.modes)[number]['signatures'][number], against = excluded): number => {
    const owned = against === excluded ? owners : ownersOf(knowledge, against);
    return constantPieces(signature.text).reduce((sum, piece) => sum + coveredUnits(piece, ownFragmentsOf(signature, piece, against).filter((f) => owned.get(f.text)?.size === 1)), 0);
  };

  for (const mode of knowledge.modes) {
    it(`${mode.id}: every signature keeps ${OWN_WORDS_MIN}+ units of its own`, () => {
      mode.signatures.forEach((signature, i) => {
        const own = ownUnits(signature);
        assert.ok(own >= OWN_WORDS_MIN, `signature ${i + 1} (${signature.lang}, ${signature.source}) keeps ${own} units: ${signature.text.slice(0, 80)}`);
      });
    });
  }

  it('fails a frame that quotes a mode’s own words', () => {
    const german = knowledge.modes.find((m) => m.id === 'user-shell-limit')?.signatures.find((s) => s.lang === 'de' && s.text.includes('gleichzeitiger Shells'));
    assert.ok(german);
    const swallowing = fragmentSet(['Die maximale Anzahl gleichzeitiger Shells für diesen Benutzer wurde überschritten.']);
    const withSwallowing = { ...excluded, frames: new Set([...excluded.frames, ...swallowing]) };
    assert.ok(ownUnits(german, withSwallowing) < ownUnits(german), 'the check sees the swallowed words');
  });

  it('counts a fragment that is a third or more frame as the frame’s, as the matcher does', () => {
    // "…cannot be loaded because th…": the frame's words with a few of the message's are found around any message.
    const signature = { source: 'powershell' as const };
    const piece = constantPieces('cannot be loaded because running scripts is disabled on this system')[0] as string;
    const kept = ownFragmentsOf(signature, piece, excluded).map((f) => f.text);
    assert.ok(!kept.includes('cannotbeload'), 'a fragment of the frame');
    assert.ok(!kept.includes('becauserunni'), 'a fragment that is more than a third frame');
    assert.ok(kept.includes('auserunnings'), 'a fragment that is a third frame');
    assert.ok(kept.includes('runningscrip'), 'the message’s own words');
  });
});
