import { strict as assert } from 'node:assert';
import { NODE_FLAGS } from '../../src/runtimeFlags';
import { freePort, startBotProcess, type BotProcess } from '../helpers/botProcess';
import { activitiesOf, messageFrom, newConversation, post } from '../helpers/http';

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
  const start = async (env: Record<string, string> = {}) => {
    const bot = await startBotProcess(env, { nodeArgs: NODE_FLAGS });
    started.push(bot);
    return bot;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((bot) => bot.stop()));
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
});
