import { strict as assert } from 'node:assert';
import { defaultKnowledge, diagnose, extractFacts, Facts, summarizeFacts } from '../../src/knowledge';

describe('extractFacts', () => {
  const cases: Array<[string, string, Record<string, string>]> = [
    [
      'logon failed, wrapped',
      "Get-CsWebTicket : Logon failed for the user 'svc-sfb-admin@fabrikam.onmicrosoft.com'. Please create a new PSCredential\nobject",
      { userPrincipalName: 'svc-sfb-admin@fabrikam.onmicrosoft.com', cmdlet: 'Get-CsWebTicket' },
    ],
    [
      'version error',
      "Import-Module : The version of the loaded PowerShell is '2.0'. The module 'D:\\Program Files\\Common Files\\Microsoft Lync Server 2013\\Modules\\LyncOnlineConnector\\LyncOnlineConnector.psd1' requires a minimum PowerShell version of '3.0' to execute.",
      {
        loadedPowerShellVersion: '2.0',
        requiredPowerShellVersion: '3.0',
        modulePath: 'D:\\Program Files\\Common Files\\Microsoft Lync Server 2013\\Modules\\LyncOnlineConnector\\LyncOnlineConnector.psd1',
        cmdlet: 'Import-Module',
      },
    ],
    [
      'Korean version error',
      "가져오기-모듈: 로드 된 PowerShell의 버전은 ' 2.0 '입니다. 실행 하려면 최소 PowerShell 버전 ' 3.0 '이 필요 합니다.",
      { loadedPowerShellVersion: '2.0', requiredPowerShellVersion: '3.0' },
    ],
    [
      'permission error',
      "New-PSSession : [Admin0B.online.lync.com] Processing data from remote server admin0b.online.lync.com failed with the following error message: The user 'user@foo.com' does not have permission to manage this tenant.",
      { remoteServer: 'admin0b.online.lync.com', userPrincipalName: 'user@foo.com', cmdlet: 'New-PSSession' },
    ],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => assert.deepEqual(extractFacts(text), expected));
  }
  it('finds nothing in small talk', () => assert.deepEqual(extractFacts('hello there, can you help?'), {}));
  it('puts the facts on the match', () => {
    const result = diagnose("Get-CsWebTicket : Logon failed for the user 'kenmyer@litwareinc.com'. Please create a new PSCredential object.");
    assert.equal(result.match?.facts.userPrincipalName, 'kenmyer@litwareinc.com');
  });
});

describe('summarizeFacts', () => {
  it('fills the sentence when every fact it names was found', () =>
    assert.equal(summarizeFacts('Logon failed for {userPrincipalName}.', { userPrincipalName: 'kenmyer@litwareinc.com' }), 'Logon failed for kenmyer@litwareinc.com.'));
  it('gives nothing when a fact is missing, rather than a sentence with a hole', () =>
    assert.equal(summarizeFacts('{userPrincipalName} on {remoteServer}', { userPrincipalName: 'a@b.com' }), undefined));
  it('gives nothing for a mode without a sentence', () => assert.equal(summarizeFacts(undefined, { cmdlet: 'Get-CsWebTicket' }), undefined));
  it('every fact sentence of the shipped modes names only known facts, in both languages', () => {
    const known = new Set(Object.keys(Facts.shape));
    for (const mode of defaultKnowledge().modes) {
      for (const text of Object.values(mode.factSummary ?? {})) {
        for (const [, name] of text.matchAll(/\{(\w+)\}/g)) assert.ok(known.has(name as string), `${mode.id}: {${name}}`);
      }
    }
  });
});
