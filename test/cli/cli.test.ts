import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Diagnosis } from '../../src/knowledge';
import { repoRoot } from '../helpers/fixtures';

const cliPath = join(repoRoot(), 'dist', 'src', 'cli.js');
const CliJson = Diagnosis.omit({ facts: true }).strict();

function run(args: string[], input: string | Buffer, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [cliPath, ...args], { input, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const LOGON = "Get-CsWebTicket : Logon failed for the user 'kenmyer@litwareinc.com'. Please create a new PSCredential object, making sure that you have used the correct user name and password.";

describe('connector-doctor CLI', () => {
  it('--json prints one object with the match, its facts and the candidates', () => {
    const { code, stdout } = run(['diagnose', '--json'], LOGON);
    assert.equal(code, 0);
    const parsed = CliJson.safeParse(JSON.parse(stdout));
    assert.ok(parsed.success, stdout);
    assert.equal(parsed.data.match?.id, 'logon-failed');
    assert.equal(parsed.data.match?.facts.userPrincipalName, 'kenmyer@litwareinc.com');
    assert.equal(parsed.data.candidates[0]?.id, 'logon-failed');
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
    assert.match(stderr, /Line 2/);
    assert.match(stderr, /Line 3/);
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

  it('says plainly when it does not recognise the paste', () => {
    const { code, stdout } = run(['diagnose', '--lang', 'en'], 'TypeError: x is undefined');
    assert.equal(code, 0);
    assert.match(stdout, /don't recognise/);
  });

  it('exits 2 with a message on bad usage', () => {
    for (const args of [['frobnicate'], ['diagnose', '--lang', 'fr'], ['diagnose', '--bogus'], []]) {
      const { code, stderr } = run(args, LOGON);
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, /Usage/);
    }
  });

  it('exits 2 on input that is not UTF-8, or empty', () => {
    assert.equal(run(['diagnose'], Buffer.from([0xff, 0xfe, 0xfd])).code, 2);
    assert.match(run(['diagnose'], '   ').stderr, /No input/);
  });

  it('--help prints usage and exits 0', () => {
    const { code, stdout } = run(['--help'], '');
    assert.equal(code, 0);
    assert.match(stdout, /Usage/);
  });
});

