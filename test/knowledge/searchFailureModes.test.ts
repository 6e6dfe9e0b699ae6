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
    ['권한', ['no-tenant-permission', 'insufficient-admin-role']],
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
  it('lists every mode of both packs for an empty query', () => assert.equal(searchFailureModes(modes, '  ').length, modes.length));
  const packTwo: Array<[string, string]> = [
    ['MFA', 'mfa-required'],
    ['다단계', 'mfa-required'],
    ['basic auth', 'winrm-basic-auth-disabled'],
    ['TLS', 'network-or-tls-blocked'],
    ['certificate', 'app-credential-unusable'],
    ['인증서', 'app-credential-unusable'],
    ['조건부 액세스', 'conditional-access-blocked'],
    ['New-CsOnlineSession', 'legacy-new-csonlinesession'],
    ['MSAL', 'msal-assembly-conflict'],
  ];
  for (const [query, expected] of packTwo) {
    it(`"${query}" finds ${expected}`, () => assert.ok(searchFailureModes(modes, query).some((m) => m.id === expected)));
  }
});
