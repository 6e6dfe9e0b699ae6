import { strict as assert } from 'node:assert';
import { performance } from 'node:perf_hooks';
import { defaultKnowledge, diagnose, extractFacts, Facts, summarizeFacts, toPlainText } from '../../src/knowledge';
import { factRows } from '../../src/knowledge/messages';
import { fixturePath, readJsonl } from '../helpers/fixtures';

describe('extractFacts', () => {
  const cases: Array<[string, string, Facts]> = [
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
      { remoteServer: 'admin0b.online.lync.com', endpoint: 'admin0b.online.lync.com', userPrincipalName: 'user@foo.com', cmdlet: 'New-PSSession' },
    ],
    [
      'PowerShell 7 on Linux, module 2.3.1: module version from the path, Core from the concise error view',
      'Get-CsOnlineSession: /home/user/.local/share/powershell/Modules/MicrosoftTeams/2.3.1/netcoreapp3.1/SfBORemotePowershellModule.psm1:63\nLine |\n  63 |      $remoteSession = & (Get-CsOnlineSessionCommand)\n     | This parameter set requires WSMan, and no supported WSMan client library was found.',
      { moduleVersion: '2.3.1', powerShellEdition: 'Core', cmdlet: 'Get-CsOnlineSession' },
    ],
    [
      'Entra error with its support block',
      "Connect-MicrosoftTeams : One or more errors occurred.: AADSTS53003: Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.\nTrace ID: 0e1a2b3c-4d5e-4f60-8172-93a4b5c6d7e8\nCorrelation ID: 9F8E7D6C-5B4A-4938-8271-605F4E3D2C1B\nTimestamp: 2024-02-19 08:41:27Z",
      {
        cmdlet: 'Connect-MicrosoftTeams',
        signInCode: 'AADSTS53003',
        traceId: '0e1a2b3c-4d5e-4f60-8172-93a4b5c6d7e8',
        correlationId: '9f8e7d6c-5b4a-4938-8271-605f4e3d2c1b',
        timestamp: '2024-02-19 08:41:27Z',
      },
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

describe('extractFacts: each new fact, found where the paste shows it and not where it does not', () => {
  const rows: Array<{ fact: keyof Facts; shows: string; value: string; doesNot: string; why: string }> = [
    {
      fact: 'moduleVersion',
      shows: 'At C:\\Program Files\\WindowsPowerShell\\Modules\\MicrosoftTeams\\4.9.3\\MicrosoftTeams.psm1:85 char:5',
      value: '4.9.3',
      doesNot: 'Install-Module MicrosoftTeams -RequiredVersion 4.9.3',
      why: 'a version on the command line is what was asked for, not what is loaded',
    },
    {
      fact: 'moduleVersion',
      shows: 'Get-CsOnlineSession: /home/user/.local/share/powershell/Modules/MicrosoftTe\nams/2.3.1/netcoreapp3.1/SfBORemotePowershellModule.psm1:63',
      value: '2.3.1',
      doesNot: 'C:\\Program Files\\WindowsPowerShell\\Modules\\MicrosoftTeamsTools\\1.2.0\\Tools.psm1',
      why: 'another module folder',
    },
    {
      fact: 'powerShellVersion',
      shows: 'PS C:\\> $PSVersionTable\n\nName                           Value\n----                           -----\nPSVersion                      5.1.19041.1682\nPSEdition                      Desktop',
      value: '5.1.19041.1682',
      doesNot: 'the module needs PowerShell 7.2 or later, we have 5.1 I think',
      why: 'versions in chat are not the paste showing its PowerShell',
    },
    {
      fact: 'powerShellVersion',
      shows: 'PS C:\\> $PSVersionTable.PSVersion\n\nMajor  Minor  Build  Revision\n-----  -----  -----  --------\n5      1      22621  2506',
      value: '5.1.22621.2506',
      doesNot: "Import-Module : The version of the loaded PowerShell is '2.0'. The module requires a minimum PowerShell version of '3.0' to execute.",
      why: 'the connector version error names the loaded version, a fact of its own',
    },
    {
      fact: 'powerShellVersion',
      shows: 'PowerShell 7.4.1\nPS C:\\Users\\admin> Connect-MicrosoftTeams',
      value: '7.4.1',
      doesNot: 'Connect-MicrosoftTeams fails on PowerShell 7.4.1 too',
      why: 'the banner stands alone on its line',
    },
    {
      fact: 'powerShellEdition',
      shows: 'PSVersion                      7.4.1\nPSEdition                      Core',
      value: 'Core',
      doesNot: 'Connect-MicrosoftTeams : The term \'Connect-MicrosoftTeams\' is not recognized as the name of a cmdlet.\nAt line:1 char:1',
      why: 'nothing in a Windows PowerShell error record names the edition',
    },
    {
      fact: 'powerShellEdition',
      shows: 'Get-CsTenant: You must call the Connect-MicrosoftTeams cmdlet before calling any other cmdlets.\nLine |\n   4 |  Get-CsTenant\n     |  ~~~~~~~~~~~~',
      value: 'Core',
      doesNot: 'Line: 4 of my script calls Get-CsTenant | Select-Object DisplayName',
      why: 'a "Line" in prose is not PowerShell 7\'s error view',
    },
    {
      fact: 'powerShellEdition',
      shows: 'Windows PowerShell\nCopyright (C) Microsoft Corporation. All rights reserved.',
      value: 'Desktop',
      doesNot: 'I use Windows PowerShell ISE for this',
      why: 'the banner stands alone on its line',
    },
    {
      fact: 'signInCode',
      shows: "AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
      value: 'AADSTS50076',
      doesNot: 'error 50076 again when I sign in',
      why: 'a number without the AADSTS prefix is not a sign-in code',
    },
    {
      fact: 'endpoint',
      shows: 'Get-CsTenant : Connecting to remote server api.interfaces.records.teams.microsoft.com failed with the following error message : Access is denied.',
      value: 'api.interfaces.records.teams.microsoft.com',
      doesNot: 'File C:\\s.ps1 cannot be loaded because running scripts is disabled on this system. For more information, see about_Execution_Policies at https:/go.microsoft.com/fwlink/?LinkID=135170.',
      why: 'a help link is not an endpoint',
    },
    {
      fact: 'endpoint',
      shows: 'POST https://login.microsoftonline.com/organizations/oauth2/v2.0/token failed',
      value: 'login.microsoftonline.com',
      doesNot: "Logon failed for the user 'admin@contoso.onmicrosoft.com'.",
      why: 'a tenant\'s onmicrosoft.com domain is not a service endpoint',
    },
    {
      fact: 'traceId',
      shows: 'Trace ID: 0e1a2b3c-4d5e-4f60-8172-\n93a4b5c6d7e8',
      value: '0e1a2b3c-4d5e-4f60-8172-93a4b5c6d7e8',
      doesNot: '  RequestId: 8d3bd1a3-6f3e-4b6a-9c3e-7f2d1c0e5a44',
      why: 'a Graph request id is not Entra\'s trace id',
    },
    {
      fact: 'correlationId',
      shows: 'Correlation ID: 9f8e7d6c-5b4a-4938-8271-605f4e3d2c1b',
      value: '9f8e7d6c-5b4a-4938-8271-605f4e3d2c1b',
      doesNot: 'Correlation ID: see the sign-in log',
      why: 'no id after the label',
    },
    {
      fact: 'timestamp',
      shows: 'Timestamp: 2024-02-19 08:41:27Z',
      value: '2024-02-19 08:41:27Z',
      doesNot: '  DateTimeStamp: 2023-03-14T02:11:09',
      why: 'Graph\'s DateTimeStamp is not Entra\'s timestamp',
    },
  ];
  for (const { fact, shows, value, doesNot, why } of rows) {
    it(`${fact}: ${value}`, () => assert.equal(extractFacts(shows)[fact], value));
    it(`${fact}: none when ${why}`, () => assert.equal(extractFacts(doesNot)[fact], undefined));
  }

  it('stays linear on 200 KB pastes shaped to make patterns backtrack', () => {
    const size = 200 * 1024;
    const shapes = [
      'a.'.repeat(size / 2),
      'go.microsoft.com '.repeat(size / 17),
      'x.microsoft.comm'.repeat(size / 16),
      'Trace ID:'.repeat(size / 9),
      `Major  Minor  Build${' '.repeat(size)}`,
      '\\MicrosoftTeams\\1.2'.repeat(size / 20),
      'PSVersion 5.1.'.repeat(size / 14),
      `PowerShell ${'7.'.repeat(size / 2)}`,
      'AADSTS5007'.repeat(size / 10),
      `${' \t'.repeat(size / 2)}Line |`,
      'Get-'.repeat(size / 4),
      '@a.'.repeat(size / 3),
    ];
    for (const text of shapes) {
      const started = performance.now();
      extractFacts(text);
      const ms = performance.now() - started;
      assert.ok(ms < 200, `${ms.toFixed(0)} ms for ${JSON.stringify(text.slice(0, 24))}…`);
    }
  });
});

describe('factRows', () => {
  const facts: Facts = { remoteServer: 'api.interfaces.records.teams.microsoft.com', endpoint: 'api.interfaces.records.teams.microsoft.com', signInCode: 'AADSTS50126', moduleVersion: '2.3.1' };
  it('follows a known sign-in code with its meaning, in the language asked for', () => {
    const en = factRows('en', facts);
    const ko = factRows('ko', facts);
    const meaning = defaultKnowledge().signInCodes.codes.find((c) => c.code === '50126')?.meaning;
    assert.deepEqual(en.map((r) => r.value).slice(-2), ['AADSTS50126', meaning?.en]);
    assert.deepEqual(ko.map((r) => r.value).slice(-2), ['AADSTS50126', meaning?.ko]);
  });
  it('gives an unknown sign-in code without a meaning', () => assert.deepEqual(factRows('en', { signInCode: 'AADSTS9999999' }).map((r) => r.value), ['AADSTS9999999']));
  it('does not repeat an endpoint that is the remote server', () => assert.equal(factRows('en', facts).filter((r) => r.value === facts.remoteServer).length, 1));
  it('shows an endpoint that is not the remote server', () => assert.equal(factRows('en', { endpoint: 'login.microsoftonline.com' })[0]?.value, 'login.microsoftonline.com'));
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
  it('every fact sentence names the same facts in both languages', () => {
    const names = (text: string): string => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join();
    for (const mode of defaultKnowledge().modes) if (mode.factSummary) assert.equal(names(mode.factSummary.ko), names(mode.factSummary.en), mode.id);
  });
  it('every fact sentence is filled by at least one of our pastes of its mode: it names only facts the error carries', () => {
    const pastes = ['dev.jsonl', 'pastes.jsonl', 'teams-module.jsonl'].flatMap((file) => readJsonl(fixturePath(file)));
    for (const mode of defaultKnowledge().modes.filter((m) => m.factSummary)) {
      const filled = pastes.filter((c) => c.expect === mode.id).some((c) => summarizeFacts(mode.factSummary?.en, extractFacts(toPlainText(c.text))) !== undefined);
      assert.ok(filled, `${mode.id}: no paste of it carries every fact of "${mode.factSummary?.en}"`);
    }
  });
});
