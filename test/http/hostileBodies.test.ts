import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { useBotProcesses, type BotProcess } from '../helpers/botProcess';
import { messageFrom, newConversation, post } from '../helpers/http';

/** Peak resident memory of a process in bytes (VmHWM). */
async function peakResidentBytes(pid: number): Promise<number> {
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM for ${pid}`);
  return Number(match[1]) * 1024;
}

/**
 * Bodies that attack the HTTP layer before authentication runs. Each runs against a child
 * process, because a failure here can take the whole process down.
 */
describe('hostile request bodies (bot in a child process)', function () {
  this.timeout(60_000);
  const startBot = useBotProcesses();
  let bot: BotProcess;
  let uploadDir: string;
  const uploadDirs: string[] = [];

  // A fresh bot each time: one that a test brings down must not fail the next.
  beforeEach(async () => {
    uploadDir = await mkdtemp(join(tmpdir(), 'bot-tmp-'));
    uploadDirs.push(uploadDir);
    bot = await startBot({ TMPDIR: uploadDir, LOG_LEVEL: 'silent' });
  });
  afterEach(async () => {
    await bot.stop();
  });
  after(async () => {
    await Promise.all(uploadDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  /** The bot is up, or the test says how it died. */
  async function assertAlive(): Promise<void> {
    assert.ok(bot.isRunning(), `the bot died: ${bot.stderr.slice(-20).join('\n')}`);
    const health = await fetch(`${bot.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    assert.equal(health.status, 200);
  }

  const raw = (body: Buffer | string, headers: Record<string, string>) =>
    post(`${bot.url}/api/messages`, undefined, { raw: body, headers }).catch((err: Error) => ({ status: 0, text: `request failed: ${err.message}` }));

  it('a good request works (the success case beside the others)', async () => {
    const reply = await post(`${bot.url}/api/messages`, messageFrom(newConversation(), 'help'));
    assert.equal(reply.status, 200);
  });

  it('refuses a body declared gzip that is not gzip, and stays up', async () => {
    const reply = await raw('{"type":"message","this is":"not gzip"}', { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    await new Promise((r) => setTimeout(r, 200));
    await assertAlive();
    assert.ok(reply.status >= 400 && reply.status < 500, `status ${reply.status}: ${reply.text.slice(0, 200)}`);
  });

  it('refuses a gzip bomb without inflating it (413 or 415, peak memory stays low)', async () => {
    const bomb = gzipSync(Buffer.alloc(100 * 1024 * 1024, 0x20));
    assert.ok(bomb.length < 256 * 1024, 'the bomb fits under MAX_BODY_BYTES');
    const reply = await raw(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    await assertAlive();
    assert.ok([413, 415].includes(reply.status), `status ${reply.status}: ${reply.text.slice(0, 200)}`);
    const peak = await peakResidentBytes(bot.pid);
    assert.ok(peak < 200 * 1024 * 1024, `peak RSS ${Math.round(peak / 1024 / 1024)} MB`);
  });

  it('refuses a multipart upload and leaves no file behind in the temp directory', async () => {
    const boundary = 'fuzzboundary';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="type"',
      '',
      'message',
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="dump.txt"',
      'Content-Type: text/plain',
      '',
      'A'.repeat(64 * 1024),
      `--${boundary}--`,
      '',
    ].join('\r\n');
    for (let i = 0; i < 3; i++) {
      const reply = await raw(body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
      assert.ok(reply.status >= 400 && reply.status < 500, `status ${reply.status}`);
    }
    await assertAlive();
    assert.deepEqual(await readdir(uploadDir), []);
  });
});
