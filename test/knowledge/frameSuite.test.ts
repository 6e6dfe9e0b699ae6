import { strict as assert } from 'node:assert';
import { defaultKnowledge, diagnose } from '../../src/knowledge';
import { frameSuite } from '../helpers/frameSuite';

describe('generated: every frame around an unrelated message abstains', () => {
  const cases = frameSuite(defaultKnowledge());
  for (const lang of [...new Set(cases.map((c) => c.lang))]) {
    describe(`${lang} frames`, () => {
      for (const { frame, message, text } of cases.filter((c) => c.lang === lang)) {
        it(`${frame.id} × ${message.slice(0, 40)}`, () => {
          const { match, candidates } = diagnose(text);
          assert.equal(match, null, `claimed ${match?.id} ${match?.confidence} (candidates ${JSON.stringify(candidates.slice(0, 2))}) for: ${text}`);
        });
      }
    });
  }
});
