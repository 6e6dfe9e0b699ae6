import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { defaultMatcher, Diagnosis } from '../../src/knowledge';
import { allMessageKeys } from '../../src/knowledge/messages';
import { repoRoot } from '../helpers/fixtures';

const cliPath = join(repoRoot(), 'dist', 'src', 'cli.js');
const CliJson = Diagnosis.omit({ facts: true }).strict();

function run(args: string[], input: string | Buffer, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [cliPath, ...args], { input, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const LOGON = "Get-CsWebTicket : Logon failed for the user 'kenmyer@litwareinc.com'. Please create a new PSCredential object, making sure that you have used the correct user name and password.";
const TENANT_LIMIT =
  'New-PSSession : [admin0a.online.lync.com] Processing data from remote server admin0a.online.lync.com failed with the following error message: The maximum number of concurrent shells for this tenant has been exceeded. Close existing shells or raise the quota for this tenant.';
/** What a chat answer says and a terminal report must not. */
const CHAT_VOICE = /let me|walk you through|\bI\b|\bI'm\b|\bme\b|\bpaste it\b|troubleshoot/i;

describe('connector-doctor CLI', () => {
  it('--json prints one object with the match, its facts, the other errors of the input and the candidates', () => {
    const { code, stdout } = run(['diagnose', '--json'], LOGON);
    assert.equal(code, 0);
    const parsed = CliJson.safeParse(JSON.parse(stdout));
    assert.ok(parsed.success, stdout);
    assert.equal(parsed.data.match?.id, 'logon-failed');
    assert.equal(parsed.data.match?.facts.userPrincipalName, 'kenmyer@litwareinc.com');
    assert.deepEqual(parsed.data.alsoFound, []);
    assert.equal(parsed.data.candidates[0]?.id, 'logon-failed');
    assert.deepEqual(Object.keys(JSON.parse(stdout)), ['match', 'alsoFound', 'candidates']);
  });

  it('--json lists a second error of the same input in alsoFound, and the report names it', () => {
    const both = `${LOGON}\n${TENANT_LIMIT}\n`;
    const parsed = CliJson.parse(JSON.parse(run(['diagnose', '--json'], both).stdout));
    assert.equal(parsed.match?.id, 'logon-failed');
    assert.deepEqual(parsed.alsoFound.map((c) => c.id), ['tenant-shell-limit']);
    const report = run(['diagnose', '--lang', 'en'], both).stdout;
    const title = defaultMatcher().modeById('tenant-shell-limit')?.title.en ?? '';
    assert.match(report, /^Also in your paste:$/m);
    assert.ok(report.includes(`  - ${title} — `), report);
  });

  it('--json prints match null for text it does not know, and still exits 0', () => {
    const { code, stdout } = run(['diagnose', '--json'], 'Connect-SPOService : Current site is not a tenant administration site.');
    assert.equal(code, 0);
    assert.equal(JSON.parse(stdout).match, null);
  });

  it('--jsonl answers one line per input line, in order', () => {
    const lines = [LOGON, 'hello', 'The maximum number of concurrent shells for this tenant has been exceeded.'].map((text) => JSON.stringify({ text, expect: 'x' }));
    const { code, stdout } = run(['diagnose', '--jsonl'], lines.join('\n') + '\n');
    assert.equal(code, 0);
    const out = stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(
      out.map((o) => o.match?.id ?? null),
      ['logon-failed', null, 'tenant-shell-limit'],
    );
  });

  it('--jsonl reports a bad line on stderr, keeps the order and exits 2', () => {
    const { code, stdout, stderr } = run(['diagnose', '--jsonl'], `${JSON.stringify({ text: LOGON })}\n{"nope": 1}\nnot json\n`);
    assert.equal(code, 2);
    assert.equal(stdout.trim().split('\n').length, 3);
    assert.match(stderr, /line 2/);
    assert.match(stderr, /line 3/);
  });

  it('prints a readable diagnosis in Korean with --lang ko', () => {
    const { code, stdout } = run(['diagnose', '--lang', 'ko'], LOGON);
    assert.equal(code, 0);
    assert.match(stdout, /진단/);
    assert.match(stdout, /kenmyer@litwareinc\.com/);
  });

  it('takes the language from the environment by default', () => {
    assert.match(run(['diagnose'], LOGON, { LANG: 'ko_KR.UTF-8' }).stdout, /원인/);
    assert.match(run(['diagnose'], LOGON, { LANG: 'en_US.UTF-8' }).stdout, /Cause/);
  });

  it('says plainly when it does not recognise the input, as a report with the known failures by tool', () => {
    const { code, stdout } = run(['diagnose', '--lang', 'en'], 'TypeError: x is undefined');
    assert.equal(code, 0);
    assert.match(stdout, /^Not recognised\n {2}The input does not match any known failure/);
    const matcher = defaultMatcher();
    for (const pack of matcher.packs) assert.match(stdout, new RegExp(`^ {2}${pack.title.en.replace(/[()]/g, '\\$&')}$`, 'm'));
    for (const mode of matcher.modes) assert.ok(stdout.includes(`${mode.order}. ${mode.title.en}`), mode.id);
  });

  it('reads as a terminal report, not a chat answer, in English', () => {
    for (const text of [LOGON, 'TypeError: x is undefined', `${LOGON}\n${TENANT_LIMIT}`]) {
      const { stdout } = run(['diagnose', '--lang', 'en'], text);
      const ours = stdout.split('\n').filter((line) => /^\S/.test(line)); // headings and the report's own lines, not the knowledge's texts
      assert.deepEqual(ours.filter((line) => CHAT_VOICE.test(line)), [], stdout);
    }
    assert.doesNotMatch(run(['diagnose', '--lang', 'en'], 'TypeError: x is undefined').stdout, /walk you through|let me/i);
  });

  it("names the failure's tool and ends with the tool's note, for either pack", () => {
    const matcher = defaultMatcher();
    for (const [text, id] of [
      [LOGON, 'logon-failed'],
      ["Connect-MicrosoftTeams : The term 'Connect-MicrosoftTeams' is not recognized as the name of a cmdlet, function, script file, or operable program.", 'teams-module-missing'],
    ] as const) {
      const { stdout } = run(['diagnose', '--json'], text);
      assert.equal(JSON.parse(stdout).match?.id, id, stdout);
      for (const lang of ['en', 'ko'] as const) {
        const report = run(['diagnose', '--lang', lang], text).stdout;
        const pack = matcher.packOf(matcher.modeById(id) as NonNullable<ReturnType<typeof matcher.modeById>>);
        assert.ok(report.includes(pack.title[lang]), `${id} ${lang}: pack title`);
        assert.ok(report.includes(pack.cardNote[lang]), `${id} ${lang}: pack note`);
      }
    }
    assert.ok(!allMessageKeys().includes('retired.note' as never), 'the note belongs to the pack now');
  });

  it('without arguments, prints the usage and exits 2', () => {
    const { code, stderr, stdout } = run([], '');
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^connector-doctor: no command given\nUsage: connector-doctor diagnose /);
  });

  it('names a wrong argument, with the usage, and exits 2', () => {
    for (const [args, message] of [
      [['frobnicate'], 'unknown command: frobnicate'],
      [['--frobnicate'], 'unknown option: --frobnicate'],
      [['diagnose', '--bogus'], 'unknown option: --bogus'],
      [['diagnose', 'extra'], 'unknown command: extra'],
      [['diagnose', '--lang'], '--lang needs a value: en, ko'],
    ] as const) {
      const { code, stderr } = run([...args], LOGON);
      assert.equal(code, 2, args.join(' '));
      assert.ok(stderr.startsWith(`connector-doctor: ${message}\nUsage: `), stderr);
    }
  });

  it('--lang fr is an unsupported language, exit code 2', () => {
    const { code, stderr, stdout } = run(['diagnose', '--lang', 'fr'], LOGON);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(stderr, 'connector-doctor: unsupported language: fr (supported: en, ko)\n');
    assert.equal(run(['diagnose', '--lang=fr-FR'], LOGON, { LANG: 'ko_KR.UTF-8' }).stderr, 'connector-doctor: 지원하지 않는 언어: fr-FR (지원 언어: en, ko)\n');
  });

  it('--lang takes a locale too', () => {
    assert.match(run(['diagnose', '--lang', 'ko-KR'], LOGON).stdout, /원인/);
    assert.match(run(['diagnose', '--lang=en_US.UTF-8'], LOGON, { LANG: 'ko_KR.UTF-8' }).stdout, /Cause/);
  });

  it('exits 2 on input that is not UTF-8, or empty', () => {
    assert.equal(run(['diagnose'], Buffer.from([0xff, 0xfe, 0xfd])).code, 2);
    assert.match(run(['diagnose'], '   ').stderr, /^connector-doctor: no input: give the PowerShell error on standard input/);
  });

  it('--help and -h print the whole usage and exit 0', () => {
    for (const args of [['--help'], ['-h'], ['diagnose', '--help']]) {
      const { code, stdout } = run(args, '');
      assert.equal(code, 0);
      assert.match(stdout, /^Usage: connector-doctor diagnose/);
      assert.match(stdout, /--lang en\|ko/);
    }
  });
});

