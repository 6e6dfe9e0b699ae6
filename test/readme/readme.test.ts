import { strict as assert } from 'node:assert';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { galleryCards, README_PASTE_FILE, readmePasteCard, SCREENSHOT_CARD_ID } from '../../scripts/cardsPreview';
import { defaultMatcher } from '../../src/knowledge';
import type { StartedBot } from '../../src/main';
import { repoRoot } from '../helpers/fixtures';
import { activitiesOf, cardsOf, messageFrom, newConversation, post, startTestBot } from '../helpers/http';

const README = readFileSync(join(repoRoot(), 'README.md'), 'utf8');

/** The fenced blocks of the README, with their info string. */
function fencedBlocks(markdown: string): Array<{ info: string; body: string }> {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ info: m[1] ?? '', body: m[2] ?? '' }));
}

/** The section under a "## " heading, to the next one. */
function section(heading: string): string {
  const start = README.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `no section "${heading}"`);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

/** The shell commands of the README's sh blocks that use the CLI or curl; a curl command runs to its closing quote. */
function shellExamples(): string[] {
  const commands: string[] = [];
  for (const { body } of fencedBlocks(README).filter((b) => b.info === 'sh')) {
    const lines = body.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.includes('npx connector-doctor')) commands.push(line);
      else if (line.startsWith('curl ')) {
        const parts = [line];
        while (!/'\s*$/.test(parts[parts.length - 1] as string) || parts.length === 1) parts.push(lines[++i] as string);
        commands.push(parts.join('\n'));
      }
    }
  }
  return commands;
}

/** Diagnosis ids are new for every reply; everything else must be the same. */
const withoutIds = (card: unknown) => JSON.parse(JSON.stringify(card).replace(/"diagnosisId":"[^"]*"/g, '"diagnosisId":"…"')) as unknown;

const hasCurl = spawnSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).status === 0;

describe('README', function () {
  this.timeout(120_000);
  let bot: StartedBot | undefined;
  before(async () => {
    bot = await startTestBot();
  });
  after(async () => {
    await bot?.stop();
  });

  it('starts with the commands: npm install, npm start, npm test', () => {
    const first = fencedBlocks(README)[0];
    assert.equal(first?.info, 'sh');
    assert.deepEqual(
      first?.body.split('\n').filter(Boolean).map((l) => l.split(/\s+#/)[0]?.trim()),
      ['npm install', 'npm start', 'npm test'],
    );
    assert.ok(README.indexOf('```sh\nnpm install') < 40, 'the commands come first');
  });

  it("says up front that the connector was retired, and names the MicrosoftTeams module's fourteen failures", () => {
    const upFront = README.slice(0, README.indexOf('\n## '));
    assert.match(upFront, /Skype for Business Online Connector was retired on 31 July 2021/);
    const matcher = defaultMatcher();
    const teams = matcher.modes.filter((m) => m.pack === 'teams-module').map((m) => m.id);
    assert.equal(teams.length, 14);
    for (const id of teams) assert.ok(upFront.includes(`\`${id}\``), id);
    assert.equal(matcher.modes.filter((m) => m.pack === 'skype-connector').length, 9);
    assert.match(upFront, /\*\*nine\*\*/);
  });

  it('quotes exactly the paste in examples/logon-failed.txt', () => {
    const quoted = fencedBlocks(section('What a paste gets')).find((b) => b.info === '');
    assert.equal(quoted?.body, readFileSync(README_PASTE_FILE, 'utf8'));
    assert.match(section('What a paste gets'), /!\[[^\]]*\]\(docs\/diagnosis-card\.png\)/);
  });

  it("shows in docs/diagnosis-card.png the bot's real reply to that paste (the gallery card the screenshot is taken of)", async () => {
    const reply = await post(`${bot?.url}/api/messages`, messageFrom(newConversation(), readFileSync(README_PASTE_FILE, 'utf8')));
    const [card, ...more] = cardsOf(activitiesOf(reply));
    assert.equal(more.length, 0);
    const screenshot = galleryCards().find((c) => c.id === SCREENSHOT_CARD_ID);
    assert.deepEqual(withoutIds(screenshot?.card), withoutIds(card));
    assert.deepEqual(withoutIds(readmePasteCard()), withoutIds(card));
  });

  it('has CLI and curl examples that read files the repository has', () => {
    const examples = shellExamples();
    assert.ok(examples.filter((c) => c.includes('npx connector-doctor')).length >= 4, examples.join('\n'));
    assert.equal(examples.filter((c) => c.startsWith('curl ')).length, 1);
    for (const command of examples) {
      for (const [, file] of command.matchAll(/<\s*(\S+)/g)) assert.ok(readFileSync(join(repoRoot(), file as string)).length > 0, file);
    }
  });

  for (const command of shellExamples()) {
    it(`runs as written: ${command.split('\n')[0]}`, async () => {
      if (command.startsWith('curl ')) {
        const local = command.replaceAll('http://127.0.0.1:3978', bot?.url ?? '');
        let body: string;
        if (hasCurl) {
          // Not spawnSync: the bot answering curl runs in this process.
          body = (await promisify(execFile)('sh', ['-c', local], { cwd: repoRoot(), encoding: 'utf8', timeout: 30_000 })).stdout;
        } else {
          const data = /-d '([\s\S]*)'\s*$/.exec(local)?.[1] ?? '';
          body = (await post(`${bot?.url}/api/messages`, JSON.parse(data))).text;
        }
        const cards = cardsOf(activitiesOf({ status: 200, headers: new Headers(), text: body, json: JSON.parse(body) }));
        assert.equal(cards.length, 1, body.slice(0, 300));
        return;
      }
      const result = spawnSync('sh', ['-c', command], { cwd: repoRoot(), encoding: 'utf8', timeout: 60_000 });
      assert.equal(result.status, 0, `${command}\n${result.stderr}`);
      if (/--jsonl\b/.test(command)) {
        const lines = result.stdout.trim().split('\n');
        assert.ok(lines.length > 1);
        for (const line of lines) assert.deepEqual(Object.keys(JSON.parse(line)), ['match', 'alsoFound', 'candidates']);
      } else if (/--json\b/.test(command)) {
        assert.equal(JSON.parse(result.stdout).match?.id, 'logon-failed');
      } else {
        assert.match(result.stdout, /^(Diagnosis|진단): /);
      }
    });
  }
});
