import { strict as assert } from 'node:assert';
import { defaultKnowledge, diagnose } from '../../src/knowledge';
import { frameSuite, type FrameSuiteCase } from '../helpers/frameSuite';

const cases = frameSuite(defaultKnowledge());
const langs = [...new Set(cases.map((c) => c.lang))];

function expectAbstains({ text }: FrameSuiteCase): void {
  const { match, candidates } = diagnose(text);
  assert.equal(match, null, `claimed ${match?.id} ${match?.confidence} (candidates ${JSON.stringify(candidates.slice(0, 2))}) for: ${text}`);
}

describe('generated: every frame around an unrelated message abstains', () => {
  for (const lang of langs) {
    describe(`${lang} frames`, () => {
      for (const c of cases.filter((x) => x.lang === lang && x.kind === 'unrelated')) it(`${c.frame.id} × ${c.message.slice(0, 40)}`, () => expectAbstains(c));
    });
  }
});

describe('generated: every frame around a look-alike error or another command abstains', () => {
  for (const lang of langs) {
    for (const frame of new Set(cases.filter((x) => x.lang === lang && x.kind !== 'unrelated').map((x) => x.frame))) {
      const around = cases.filter((x) => x.lang === lang && x.frame === frame && x.kind !== 'unrelated');
      it(`${lang} ${frame.id} around ${around.length} ${around[0]?.kind === 'command' ? 'other commands' : 'look-alikes'}`, () => around.forEach(expectAbstains));
    }
  }
});
