import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUIET_FLAGS } from '../../src/runtimeFlags';
import { repoRoot } from './fixtures';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 12_000;
const KEPT_OUTPUT_LINES = 2_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BotProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the process has exited, however it ended. */
  readonly exited: Promise<Exit>;
  /** Its stdout (JSON log lines) and stderr, the most recent lines only. */
  readonly stdout: string[];
  readonly stderr: string[];
  isRunning(): boolean;
  /** Sends the signal and waits up to timeoutMs for the exit; undefined when it did not exit in time. */
  signal(signal: NodeJS.Signals, timeoutMs?: number): Promise<Exit | undefined>;
  /** SIGTERM, then SIGKILL if it lingers. Safe to call twice. */
  stop(): Promise<void>;
}

/** Every bot still running: killed when the test process exits, however the tests went. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `node dist/src/index.js` (or another script serving /healthz) as a child on a free
 * 127.0.0.1 port, given as PORT and, if asked, as its first argument (before `scriptArgs`); waits until /healthz answers.
 * The child sees only PATH, TMPDIR and the given variables, never the test's own environment, and runs
 * in `cwd` (the temp folder unless given), so a toolkit settings file in the repository is never read.
 * Node runs with QUIET_FLAGS, as `npm start` does, on top of `nodeArgs`.
 */
export async function startBotProcess(
  env: Readonly<Record<string, string>> = {},
  {
    nodeArgs = [] as readonly string[],
    script = join(repoRoot(), 'dist', 'src', 'index.js'),
    portAsArgument = false,
    scriptArgs = [] as readonly string[],
    cwd = tmpdir(),
  } = {},
): Promise<BotProcess> {
  const flags = [...new Set([...QUIET_FLAGS, ...nodeArgs])];
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const port = await freePort();
      return await startOnce(port, env, [...flags, script, ...(portAsArgument ? [String(port)] : []), ...scriptArgs], cwd);
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error('the bot process did not start after 3 attempts', { cause: lastError });
}

async function startOnce(port: number, env: Readonly<Record<string, string>>, args: readonly string[], cwd: string): Promise<BotProcess> {
  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    ...(process.env['TMPDIR'] ? { TMPDIR: process.env['TMPDIR'] } : {}),
    HOST,
    LOG_LEVEL: 'info',
    RATE_LIMIT_PER_MINUTE: '0',
    ...env,
    PORT: String(port),
  };
  const child = spawn(process.execPath, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  collectLines(child.stdout, stdout);
  collectLines(child.stderr, stderr);
  child.once('error', (err) => stderr.push(`spawn error: ${err.message}`));

  let exit: Exit | undefined;
  void exited.then((e) => (exit = e));
  const isRunning = () => exit === undefined;

  const signal = async (sig: NodeJS.Signals, timeoutMs = STOP_TIMEOUT_MS): Promise<Exit | undefined> => {
    if (!isRunning()) return exit;
    child.kill(sig);
    return within(exited, timeoutMs);
  };
  const stop = async (): Promise<void> => {
    if (!isRunning()) return;
    if ((await signal('SIGTERM')) === undefined) await signal('SIGKILL');
  };

  const url = `http://${HOST}:${port}`;
  try {
    await waitForHealth(url, isRunning, () => stderr.join('\n'));
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, pid: child.pid ?? -1, child, exited, stdout, stderr, isRunning, signal, stop };
}

function collectLines(stream: NodeJS.ReadableStream | null, into: string[]): void {
  if (!stream) return;
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    into.push(...lines.filter((l) => l !== ''));
    if (into.length > KEPT_OUTPUT_LINES) into.splice(0, into.length - KEPT_OUTPUT_LINES);
  });
}

async function waitForHealth(url: string, isRunning: () => boolean, stderr: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!isRunning()) throw new Error(`the bot exited before answering /healthz. stderr: ${stderr() || '(empty)'}`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the bot did not answer ${url}/healthz within ${START_TIMEOUT_MS} ms. stderr: ${stderr() || '(empty)'}`);
}

/** Waits until a line of the process's stdout contains `text`; throws, with its stderr, after timeoutMs. */
export async function waitForOutput(bot: Pick<BotProcess, 'stdout' | 'stderr'>, text: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!bot.stdout.some((line) => line.includes(text))) {
    if (Date.now() > deadline) throw new Error(`no output line with "${text}" within ${timeoutMs} ms. stderr: ${bot.stderr.join('\n') || '(empty)'}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resident memory of a process in bytes, from /proc (Linux). */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** For mocha: bots started through the returned function are stopped in after(). */
export function useBotProcesses(): (env?: Readonly<Record<string, string>>) => Promise<BotProcess> {
  const started: BotProcess[] = [];
  after(async function () {
    this.timeout(STOP_TIMEOUT_MS * 2 * Math.max(1, started.length));
    await Promise.all(started.map((bot) => bot.stop()));
  });
  return async (env = {}) => {
    const bot = await startBotProcess(env);
    started.push(bot);
    return bot;
  };
}
