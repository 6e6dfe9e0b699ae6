import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from './botProcess';

export interface Azurite {
  connectionString: string;
  port: number;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
/** The emulator's published development account; not a secret. */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 5_000;
const START_ATTEMPTS = 3;

/**
 * Runs Azurite's blob main inside a child that exits when its IPC channel to us closes,
 * so it dies with the test process even when that is killed outright.
 */
const EXIT_WITH_PARENT = "process.on('disconnect', () => process.exit(0)); require(process.argv[1]);";

/** Every Azurite still running, with its work dir: removed when the test process exits however the tests went. */
const running = new Map<ChildProcess, string>();
process.once('exit', () => {
  for (const [child, workDir] of running) {
    child.kill('SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  }
});

/** Starts an in-memory Azurite blob service on a free 127.0.0.1 port, with telemetry off. */
export async function startAzurite(): Promise<Azurite> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      return await startOnce(await freePort());
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(`Azurite did not start after ${START_ATTEMPTS} attempts`, { cause: lastError });
}

/**
 * For mocha hooks: `const azurite = useAzurite();` in a describe, then `azurite.connectionString`
 * in tests. Starts in before(), stops in after().
 */
export function useAzurite(): { readonly connectionString: string; readonly port: number } {
  let server: Azurite | undefined;
  before(async function () {
    this.timeout(START_TIMEOUT_MS * START_ATTEMPTS + 5_000);
    server = await startAzurite();
  });
  after(async function () {
    this.timeout(STOP_GRACE_MS * 2 + 5_000);
    await server?.stop();
    server = undefined;
  });
  const started = (): Azurite => {
    if (!server) throw new Error('Azurite is not running: use its fields inside tests, after before() has run');
    return server;
  };
  return {
    get connectionString() {
      return started().connectionString;
    },
    get port() {
      return started().port;
    },
  };
}

export function connectionStringFor(port: number): string {
  return `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};BlobEndpoint=http://${HOST}:${port}/${ACCOUNT};`;
}

async function startOnce(port: number): Promise<Azurite> {
  // In-memory persistence keeps data off disk; the temp cwd catches anything Azurite writes anyway.
  const workDir = await mkdtemp(join(tmpdir(), 'azurite-'));
  const args = [
    '-e', EXIT_WITH_PARENT, azuriteBlobMain(),
    '--blobHost', HOST, '--blobPort', String(port),
    '--inMemoryPersistence', '--silent', '--skipApiVersionCheck', '--loose', '--disableTelemetry',
  ];
  const child = spawn(process.execPath, args, { cwd: workDir, env: azuriteEnv(), stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  running.set(child, workDir);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.once('error', (err) => {
    stderr += `${err.message}\n`;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        // Azurite closes its server on SIGTERM but our IPC channel would keep it alive; closing it ends the child.
        if (child.connected) child.disconnect();
        if (!(await within(exited, STOP_GRACE_MS))) {
          child.kill('SIGKILL');
          await within(exited, STOP_GRACE_MS);
        }
      }
      running.delete(child);
      await rm(workDir, { recursive: true, force: true });
    })());

  try {
    await waitForPort(port, exited, () => stderr);
  } catch (err) {
    await stop();
    throw err;
  }
  // Running Azurite must not keep the test process alive; the exit hook and the IPC guard clean up.
  child.unref();
  child.channel?.unref();
  (child.stderr as { unref?: () => void } | null)?.unref?.();
  return { connectionString: connectionStringFor(port), port, stop };
}

function azuriteBlobMain(): string {
  const manifest = require.resolve('azurite/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> };
  const main = bin['azurite-blob'];
  if (!main) throw new Error(`${manifest} has no azurite-blob bin`);
  return join(dirname(manifest), main);
}

/** Our environment without AZURITE_* settings, which could switch accounts or to a SQL store. */
function azuriteEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AZURITE_')));
}

async function waitForPort(port: number, exited: Promise<void>, stderr: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let gone = false;
  void exited.then(() => (gone = true));
  while (!gone) {
    if (await accepts(port)) return;
    if (Date.now() > deadline) {
      throw new Error(`Azurite did not accept connections on ${HOST}:${port} within ${START_TIMEOUT_MS} ms. stderr: ${stderr() || '(empty)'}`);
    }
    await delay(100);
  }
  throw new Error(`Azurite exited before listening on ${HOST}:${port}. stderr: ${stderr() || '(empty)'}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    socket.setTimeout(1_000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** Whether the promise settled within ms. */
async function within(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
