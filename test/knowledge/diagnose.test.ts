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

describe('diagnose: the development near-misses in ten languages', () => {
  for (const [i, c] of readJsonl(fixturePath('dev-localized.jsonl')).entries()) {
    it(`dev-localized line ${i + 1} (${c.lang ?? ''}: ${c.note ?? ''}) → ${c.expect ?? 'abstain'}`, () => expectDiagnosis(c.text, c.expect, `dev-localized line ${i + 1}`));
  }
});

describe('diagnose: the confident wrong answers the issue reported', () => {
  const cases: Array<[string, string, string | null]> = [
    [
      'German command not found for another module',
      'Connect-MgGraph : Die Benennung "Connect-MgGraph" wurde nicht als Name eines Cmdlet, einer Funktion, einer Skriptdatei oder eines ausführbaren Programms erkannt. Überprüfen Sie die Schreibweise des Namens, oder ob der Pfad korrekt ist (sofern enthalten), und wiederholen Sie den Vorgang.',
      null,
    ],
    [
      'Korean: on-premises Exchange refused the session',
      'New-PSSession : [exchange.contoso.local] 다음 오류 메시지가 발생하여 exchange.contoso.local 원격 서버에 연결하지 못했습니다. 액세스가 거부되었습니다. 자세한 내용은 about_Remote_Troubleshooting 도움말 항목을 참조하십시오.',
      null,
    ],
    [
      'Portuguese: on-premises Exchange refused the session',
      'New-PSSession : [exchange.contoso.local] Falha ao conectar ao servidor remoto exchange.contoso.local com a seguinte mensagem de erro: Acesso negado. Para obter mais informações, consulte o tópico da Ajuda about_Remote_Troubleshooting.',
      null,
    ],
    [
      'French: Exchange Online refused',
      "Connect-ExchangeOnline : Le traitement des données à partir du serveur distant outlook.office365.com a échoué avec le message d'erreur suivant : Accès refusé. Pour plus d'informations, voir la rubrique d'aide about_Remote_Troubleshooting.",
      null,
    ],
    [
      'Exchange Online / Security & Compliance session',
      'Connect-IPPSSession : Create Powershell Session is failed using OAuth. Basic authentication is disabled in your client machine, so only the new REST-based cmdlets can be used.',
      null,
    ],
  ];
  for (const [note, text, expected] of cases) it(`${note} → ${expected ?? 'abstain'}`, () => expectDiagnosis(text, expected, note));

  it('French translation of no-tenant-permission → no-tenant-permission or abstain', () => {
    const text =
      "New-PSSession : [admin.vdomain.com] Le traitement des données à partir du serveur distant admin.vdomain.com a échoué avec le message d'erreur suivant : L'utilisateur « user@foo.com » n'est pas autorisé à gérer ce client. Les autorisations peuvent être accordées en affectant l'utilisateur au rôle RBAC approprié. Pour plus d'informations, voir la rubrique d'aide about_Remote_Troubleshooting.";
    const got = diagnose(text).match?.id ?? null;
    assert.ok(got === null || got === 'no-tenant-permission', `got ${got}`);
  });
});

describe('diagnose: two known errors in one paste', () => {
  const textOf = (id: string) => modes.find((m) => m.id === id)?.errorText ?? '';
  it('claims each, the first as the match and the other as also found', () => {
    const result = diagnose(`${textOf('user-shell-limit')}\n${textOf('logon-failed')}`);
    assert.equal(result.match?.id, 'user-shell-limit', JSON.stringify(result.candidates));
    assert.deepEqual(result.alsoFound.map((c) => c.id), ['logon-failed']);
  });
  it('claims each even when the two texts touch, without the record lines between them', () => {
    const bare = (id: string) => textOf(id).replace(/^[\w-]+ : (\[[^\]]+\] )?/, '');
    const result = diagnose(`${bare('tenant-shell-limit')} ${bare('execution-policy')}`);
    assert.deepEqual([result.match?.id, ...result.alsoFound.map((c) => c.id)], ['tenant-shell-limit', 'execution-policy'], JSON.stringify(result.candidates));
  });
  it('abstains on one error whose words contradict each other (user and tenant shell limits mixed)', () => {
    const mixed = 'The WS-Management service cannot process the request. The maximum number of concurrent shells for this user has been exceeded. Close existing shells or raise the quota for this tenant.';
    const result = diagnose(mixed);
    assert.equal(result.match, null, JSON.stringify(result.candidates));
  });
});

describe('diagnose: our own transcripts (test/fixtures/pastes.jsonl)', () => {
  for (const [i, c] of readJsonl(fixturePath('pastes.jsonl')).entries()) {
    it(`${c.note ?? `line ${i + 1}`} → ${c.expect ?? 'abstain'}`, () => expectDiagnosis(c.text, c.expect, `fixture line ${i + 1}`));
  }
});

/** A text that shows a context: the first of its names, as the last line of an error record shows the command. */
function showing(contextId: string | undefined, text: string): string {
  const name = defaultKnowledge().contexts.find((c) => c.id === contextId)?.literals[0];
  return name === undefined ? text : `${text}\nAt line:1 char:1\n+ ${name}`;
}

describe('diagnose: every signature of every failure mode is recognised', () => {
  for (const mode of modes) {
    for (const [i, sig] of mode.signatures.entries()) {
      it(`${mode.id} signature ${i + 1} (${sig.lang}, ${sig.source}${sig.requires ? `, where the paste shows ${sig.requires}` : ''})`, () => {
        const result = diagnose(showing(sig.requires, fillTemplate(sig.text, i)));
        assert.equal(result.match?.id, mode.id, JSON.stringify(result.candidates.slice(0, 3)));
        // Whole English error texts as PowerShell prints them are recognised with confidence; translations and fragments need only be recognised.
        if (sig.source === 'powershell' && sig.lang === 'en' && sig.text.length >= 60) assert.ok(result.match.confidence >= 0.9, `confidence ${result.match.confidence}`);
      });
    }
  }
});

// The MicrosoftTeams module's texts are tested the same ways, with their contexts, in teamsModulePack.test.ts.
describe('diagnose: the ways people paste the connector errors', () => {
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
  // The first half of these texts stops before the failure's own words: the two shell limits before
  // "user" or "tenant", execution-policy at "cannot be loaded because runn", no-tenant-permission at
  // "does not have permissi". Only abstaining is right.
  const undecidable = new Set([
    'user-shell-limit: first half only',
    'tenant-shell-limit: first half only',
    'execution-policy: first half only',
    'no-tenant-permission: first half only',
  ]);
  for (const mode of modes.filter((m) => m.pack === 'skype-connector')) {
    for (const [name, transform] of variants) {
      const expected = undecidable.has(`${mode.id}: ${name}`) ? null : mode.id;
      it(`${mode.id}: ${name} → ${expected ?? 'abstain'}`, () => expectDiagnosis(transform(mode.errorText), expected, name));
    }
    it(`${mode.id}: the Korean article text, wrapped`, () => expectDiagnosis(hardWrap(mode.errorTextKo ?? mode.errorText, 50), mode.id, 'ko wrapped'));
  }
});

describe('diagnose: confidence and candidates', () => {
  it('is confident on the documented English text (shown with its context where it needs one)', () => {
    for (const mode of modes) {
      const result = diagnose(showing(mode.signatures[0]?.requires, mode.errorText));
      assert.equal(result.match?.id, mode.id, JSON.stringify(result.candidates.slice(0, 3)));
      assert.ok(result.match.confidence >= (mode.pack === 'skype-connector' ? 0.95 : 0.75), `${mode.id}: ${result.match.confidence}`);
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
