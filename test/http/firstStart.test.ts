import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadProcessConfig } from '../../src/config';
import { NODE_FLAGS } from '../../src/runtimeFlags';
import { freePort, startBotProcess, type BotProcess } from '../helpers/botProcess';
import { activitiesOf, messageFrom, newConversation, post } from '../helpers/http';

const SECRET = 'not-a-real-secret~0123456789abcdef';
const APP_ID = 'c0ffee00-1234-4abc-8def-0123456789ab';

interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** Every stdout line as JSON; fails on a line that is not. */
function logLines(bot: BotProcess): LogLine[] {
  return bot.stdout.map((line) => {
    try {
      return JSON.parse(line) as LogLine;
    } catch {
      assert.fail(`a stdout line that is not JSON: ${line}`);
    }
  });
}

async function waitFor<T>(what: string, find: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the bot as npm start runs it (child process)', function () {
  this.timeout(60_000);
  const started: BotProcess[] = [];
  const dirs: string[] = [];
  const start = async (env: Record<string, string> = {}, cwd?: string) => {
    const bot = await startBotProcess(env, { nodeArgs: NODE_FLAGS, ...(cwd ? { cwd } : {}) });
    started.push(bot);
    return bot;
  };
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'first-start-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((bot) => bot.stop()));
  });
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  describe('the console', () => {
    it('shows no deprecation warning, and every stdout line is a JSON log line', async () => {
      const bot = await start();
      const reply = await post(`${bot.url}/api/messages`, messageFrom(newConversation(), 'help'));
      assert.ok(activitiesOf(reply).length > 0);
      await bot.stop();
      assert.ok(logLines(bot).some((l) => l.msg.startsWith('listening in local mode')));
      assert.deepEqual(bot.stderr.filter((l) => /DeprecationWarning|DEP0111/.test(l)), []);
      assert.ok(!bot.stdout.some((l) => /DeprecationWarning/.test(l)));
    });

    it('a local-mode reply that cannot be delivered is one warning that says to use expectReplies, with no stack and no apology', async () => {
      const bot = await start();
      const closed = `http://127.0.0.1:${await freePort()}`;
      const reply = await post(`${bot.url}/api/messages`, messageFrom(newConversation(), 'help', { deliveryMode: undefined, serviceUrl: closed }), { timeoutMs: 30_000 });
      assert.equal(reply.status, 200);
      const warning = await waitFor('the warning', () => logLines(bot).find((l) => l.level === 'warn' && /expectReplies/.test(l.msg)));
      assert.equal(warning.serviceUrl, closed);
      assert.equal(warning.code, 'ECONNREFUSED');
      assert.match(warning.msg, /Emulator/);
      // Give a would-be apology the time its retries take.
      await new Promise((r) => setTimeout(r, 1_500));
      await bot.stop();
      const after = logLines(bot).filter((l) => l.level === 'warn' || l.level === 'error');
      assert.deepEqual(after.map((l) => l.msg), [warning.msg]);
      assert.ok(!bot.stdout.some((l) => l.includes('"stack"')), bot.stdout.join('\n'));
    });
  });

  describe('credentials from the Agents Toolkit (.localConfigs)', () => {
    const writeLocalConfigs = (dir: string) =>
      writeFileSync(join(dir, '.localConfigs'), `# written by m365agents.local.yml\nMicrosoftAppId=${APP_ID}\nMicrosoftAppPassword=${SECRET}\nMicrosoftAppType=MultiTenant\nPORT=3978\n`);

    it('are read from .localConfigs in the working directory: authenticated mode, the file named, the secret never logged', async () => {
      const dir = tempDir();
      writeLocalConfigs(dir);
      const bot = await start({}, dir);
      const lines = logLines(bot);
      const read = lines.find((l) => l.msg.startsWith('settings read from the Agents Toolkit file'));
      assert.equal(read?.file, join(dir, '.localConfigs'));
      assert.ok(lines.some((l) => l.msg === 'listening with Bot Framework authentication'), bot.stdout.join('\n'));
      const unauthenticated = await post(`${bot.url}/api/messages`, messageFrom(newConversation(), 'help'));
      assert.equal(unauthenticated.status, 401);
      await bot.stop();
      assert.ok(!bot.stdout.concat(bot.stderr).some((l) => l.includes(SECRET)), 'the password appears in the output');
    });

    it('without the file the bot runs in local mode', async () => {
      const bot = await start({}, tempDir());
      assert.ok(logLines(bot).some((l) => l.msg.startsWith('listening in local mode')));
      assert.ok(!logLines(bot).some((l) => l.msg.startsWith('settings read')));
    });

    it('loadProcessConfig names the file when a value in it is bad, and reads nothing when there is none', () => {
      const dir = tempDir();
      assert.equal(loadProcessConfig({}, dir).settingsFile, undefined);
      writeFileSync(join(dir, '.localConfigs'), 'PORT=abc\n');
      assert.throws(
        () => loadProcessConfig({}, dir),
        (err: unknown) => err instanceof ConfigError && /\bPORT\b/.test(err.message) && err.message.includes(join(dir, '.localConfigs')),
      );
      assert.equal(loadProcessConfig({ PORT: '4000' }, dir).port, 4000);
    });

    it('a variable set in the environment wins over the file, even empty', async () => {
      const dir = tempDir();
      writeLocalConfigs(dir);
      const bot = await start({ MicrosoftAppId: '' }, dir);
      assert.ok(logLines(bot).some((l) => l.msg.startsWith('listening in local mode')), bot.stdout.join('\n'));
    });
  });
});
