import { strict as assert } from 'node:assert';
import { defaultKnowledge, searchFailureModes } from '../../src/knowledge';

describe('searchFailureModes', () => {
  const modes = defaultKnowledge().modes;
  const cases: Array<[string, string[]]> = [
    ['shell', ['user-shell-limit', 'tenant-shell-limit']],
    ['셸', ['user-shell-limit', 'tenant-shell-limit']],
    ['실행 정책', ['execution-policy']],
    ['execution policy', ['execution-policy']],
    ['RBAC', ['no-tenant-permission']],
    ['권한', ['no-tenant-permission']],
    ['live id', ['liveid-connect-failed', 'liveid-module-missing']],
  ];
  for (const [query, expected] of cases) {
    it(`"${query}" finds ${expected.join(', ')}`, () =>
      assert.deepEqual(
        searchFailureModes(modes, query).map((m) => m.id),
        expected,
      ));
  }
  it('finds nothing for words no mode has', () => assert.deepEqual(searchFailureModes(modes, 'sharepoint quota'), []));
  it('lists every mode for an empty query, in article order', () => assert.equal(searchFailureModes(modes, '  ').length, 9));
});
