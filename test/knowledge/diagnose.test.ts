import { strict as assert } from 'node:assert';
import { defaultKnowledge, diagnose, MATCH_THRESHOLD } from '../../src/knowledge';
import { fillTemplate, fixturePath, hardWrap, readJsonl } from '../helpers/fixtures';

const modes = defaultKnowledge().modes;

function expectDiagnosis(text: string, expected: string | null, note: string): void {
  const result = diagnose(text);
  const got = result.match?.id ?? null;
  assert.equal(got, expected, `${note}: expected ${expected}, got ${got} (candidates ${JSON.stringify(result.candidates.slice(0, 3))})`);
}

describe('diagnose: the development corpus', () => {
  for (const [i, c] of readJsonl(fixturePath('dev.jsonl')).entries()) {
    it(`dev line ${i + 1} (${c.note ?? ''}) → ${c.expect ?? 'abstain'}`, () => expectDiagnosis(c.text, c.expect, `dev line ${i + 1}`));
  }
});

describe('diagnose: our own transcripts (test/fixtures/pastes.jsonl)', () => {
  for (const [i, c] of readJsonl(fixturePath('pastes.jsonl')).entries()) {
    it(`${c.note ?? `line ${i + 1}`} → ${c.expect ?? 'abstain'}`, () => expectDiagnosis(c.text, c.expect, `fixture line ${i + 1}`));
  }
});

describe('diagnose: every signature of every failure mode is recognised', () => {
  for (const mode of modes) {
    for (const [i, sig] of mode.signatures.entries()) {
      it(`${mode.id} signature ${i + 1} (${sig.lang}, ${sig.source})`, () => {
        const result = diagnose(fillTemplate(sig.text, i));
        assert.equal(result.match?.id, mode.id, JSON.stringify(result.candidates.slice(0, 3)));
        // Whole error texts are recognised with confidence; fragments and section headings need only be recognised.
        if (sig.source !== 'fragment' && sig.text.length >= 60) assert.ok(result.match.confidence >= 0.9, `confidence ${result.match.confidence}`);
      });
    }
  }
});

describe('diagnose: the ways people paste', () => {
  const variants: Array<[string, (text: string) => string]> = [
    ['hard-wrapped at 80 columns', (t) => hardWrap(t, 80)],
    ['hard-wrapped at 37 columns', (t) => hardWrap(t, 37)],
    ['hard-wrapped at 120 columns', (t) => hardWrap(t, 120)],
    ['upper case', (t) => t.toUpperCase()],
    ['full-width letters', (t) => t.replace(/[A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))],
    ['inside Teams HTML', (t) => `<p><at>Connector Doctor</at>&nbsp;help please</p><pre>${t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&#39;')}</pre>`],
    ['inside English chat', (t) => `Morning all, the jump box gives me this when I connect:\n\n${t}\n\nany idea? tried twice already`],
    ['inside Korean chat', (t) => `관리 서버에서 연결하려고 하면 아래 오류가 납니다 ㅠㅠ\n${t}\n어떻게 해야 하나요?`],
    ['first half only', (t) => t.slice(0, Math.ceil(t.length / 2))],
    ['last half only', (t) => t.slice(Math.floor(t.length / 2))],
    ['with tabs and CRLF', (t) => t.replace(/ /g, ' \t').replace(/\n/g, '\r\n')],
  ];
  // The first half of the two shell-limit texts stops before "user" or "tenant": only abstaining is right.
  const undecidable = new Set(['user-shell-limit: first half only', 'tenant-shell-limit: first half only']);
  for (const mode of modes) {
    for (const [name, transform] of variants) {
      const expected = undecidable.has(`${mode.id}: ${name}`) ? null : mode.id;
      it(`${mode.id}: ${name} → ${expected ?? 'abstain'}`, () => expectDiagnosis(transform(mode.errorText), expected, name));
    }
    it(`${mode.id}: the Korean article text, wrapped`, () => expectDiagnosis(hardWrap(mode.errorTextKo ?? mode.errorText, 50), mode.id, 'ko wrapped'));
  }
});

describe('diagnose: confidence and candidates', () => {
  it('is confident on the documented English text', () => {
    for (const mode of modes) {
      const result = diagnose(mode.errorText);
      assert.ok((result.match?.confidence ?? 0) >= 0.95, `${mode.id}: ${result.match?.confidence}`);
    }
  });
  it('abstains but still ranks the family when only shared boilerplate is present', () => {
    const result = diagnose('Get-CsWebTicket : ');
    assert.equal(result.match, null);
    assert.ok(result.candidates.every((c) => c.confidence < MATCH_THRESHOLD));
  });
  it('returns no candidates for small talk', () => {
    const result = diagnose('thanks, have a nice weekend');
    assert.equal(result.match, null);
    assert.deepEqual(result.candidates, []);
  });
  it('abstains on empty and whitespace input', () => {
    assert.equal(diagnose('').match, null);
    assert.equal(diagnose(' \n\t ').match, null);
  });
  it('ranks the second error of a paste with two errors as another candidate', () => {
    const user = modes.find((m) => m.id === 'logon-failed')?.errorText ?? '';
    const exec = modes.find((m) => m.id === 'execution-policy')?.errorText ?? '';
    const result = diagnose(`${exec}\n${user}`);
    const ids = result.candidates.map((c) => c.id);
    assert.ok(ids.includes('logon-failed') && ids.includes('execution-policy'), JSON.stringify(result.candidates));
  });
});

describe('diagnose: look-alike errors of other products', () => {
  for (const { note, text } of defaultKnowledge().background.texts) {
    it(`abstains on: ${note}`, () => assert.equal(diagnose(text).match, null));
  }
});
