import { strict as assert } from 'node:assert';
import { defaultKnowledge, diagnose } from '../../src/knowledge';
import { fixturePath, readJsonl } from '../helpers/fixtures';

const { modes, signInCodes } = defaultKnowledge();
const PACK = 'teams-module';
const packModes = modes.filter((m) => m.pack === PACK);
const cases = readJsonl(fixturePath('teams-module.jsonl'));

/** The ids and order of the source's summary table (teams-powershell-module.md). */
const SOURCE_ORDER = [
  'teams-module-missing',
  'legacy-new-csonlinesession',
  'not-connected',
  'winrm-basic-auth-disabled',
  'cs-remoting-forbidden',
  'nonwindows-wsman-missing',
  'network-or-tls-blocked',
  'mfa-required',
  'conditional-access-blocked',
  'password-sign-in-rejected',
  'insufficient-admin-role',
  'app-auth-cs-unsupported',
  'app-credential-unusable',
  'msal-assembly-conflict',
];

describe('the MicrosoftTeams module pack: pastes and look-alikes (test/fixtures/teams-module.jsonl)', () => {
  for (const [i, c] of cases.entries()) {
    it(`line ${i + 1}: ${c.note ?? ''} → ${c.expect ?? 'abstain'}`, () => {
      const result = diagnose(c.text);
      assert.equal(result.match?.id ?? null, c.expect, `candidates ${JSON.stringify(result.candidates.slice(0, 3))}`);
    });
  }
});

describe('the MicrosoftTeams module pack: what the fixtures and the data cover', () => {
  it('holds the fourteen modes of the source, under its ids and in its order', () => {
    assert.deepEqual(
      packModes.map((m) => m.id),
      SOURCE_ORDER,
    );
  });

  it('has at least one pasted error for every mode of the pack', () => {
    const positives = new Set(cases.map((c) => c.expect));
    for (const m of packModes) assert.ok(positives.has(m.id), `no fixture expects ${m.id}`);
  });

  it('has look-alikes of other products, each expected to abstain', () => {
    const lookAlikes = cases.filter((c) => c.expect === null);
    assert.ok(lookAlikes.length >= 60, `only ${lookAlikes.length} look-alikes`);
    for (const c of lookAlikes) assert.ok((c.note ?? '').length > 0, `a look-alike without a note: ${c.text.slice(0, 60)}`);
  });

  it('expects only modes the knowledge has', () => {
    const ids = new Set(modes.map((m) => m.id));
    for (const c of cases) if (c.expect !== null) assert.ok(ids.has(c.expect), c.expect);
  });

  it('keeps the Teams endpoint\'s shell limits on the connector\'s two modes', () => {
    const expected = new Set(cases.filter((c) => c.text.includes('concurrent shells')).map((c) => c.expect));
    assert.deepEqual([...expected].sort(), ['tenant-shell-limit', 'user-shell-limit']);
  });

  it('points every sign-in code that names a failure mode at a mode of this pack', () => {
    for (const code of signInCodes.codes) {
      if (code.failureMode === undefined) continue;
      assert.equal(modes.find((m) => m.id === code.failureMode)?.pack, PACK, `AADSTS${code.code} → ${code.failureMode}`);
    }
  });

  it('shows the connector lines beside their replacements for the legacy script', () => {
    const legacy = packModes.find((m) => m.id === 'legacy-new-csonlinesession');
    const olds = legacy?.replacements?.map((r) => r.old).join('\n') ?? '';
    assert.match(olds, /New-CsOnlineSession/);
    assert.match(olds, /SkypeOnlineConnector/);
    assert.match(olds, /Import-PSSession/);
  });
});
