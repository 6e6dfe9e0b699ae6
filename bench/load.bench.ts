/*
 * Load bench: the bot against a bare echo bot on the same botbuilder CloudAdapter + restify stack.
 * Both run as child processes on 127.0.0.1 (memory storage, no rate limit, silent logs); autocannon
 * drives them from this process. Run with `npm run bench:load`.
 */
import { join } from 'node:path';
import { defaultKnowledge, defaultMatcher } from '../src/knowledge';
import { NODE_FLAGS } from '../src/runtimeFlags';
import { residentBytes, startBotProcess, type BotProcess } from '../test/helpers/botProcess';
import { repoRoot } from '../test/helpers/fixtures';

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  timeout?: number;
  requests: Array<AutocannonRequest & { setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest; onResponse?: (status: number, body: string) => void }>;
  setupClient?: (client: unknown) => void;
}
interface Histogram {
  average: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
}
interface AutocannonResult {
  requests: Histogram & { total: number; sent: number };
  latency: Histogram;
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}
interface AutocannonInstance {
  stop(): void;
}
type Autocannon = (options: AutocannonOptions, done: (err: Error | null, result: AutocannonResult) => void) => AutocannonInstance;
// autocannon ships no types; the shapes above are the part of its API this bench uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

const CONNECTIONS = 16;
const DURATION_S = 10;
/** Rounds of one 10-second run of each server. */
const ROUNDS = 5;
const WARM_UP_S = 3;
const CONVERSATIONS = 10_000;
const VOLUME_REQUESTS = 100_000;
const VOLUME_TIME_LIMIT_MS = 10 * 60_000;

const TARGET_RATIO = 0.8;
const TARGET_P99_MS = 50;
const TARGET_RSS_BYTES = 200 * 1024 * 1024;

const say = (line: string) => process.stdout.write(`${line}\n`);

/**
 * What admins paste, in turn: each of the nine modes' error texts as PowerShell prints it, with a
 * different user, server, module path or version every time (so no two pastes give the same card),
 * and some chat.
 */
const ERROR_TEXTS = defaultKnowledge().modes.map((mode) => {
  const printed = mode.signatures.find((s) => s.source === 'powershell');
  if (!printed) throw new Error(`load bench: ${mode.id} has no PowerShell signature`);
  return printed.text;
});
const CHAT = [
  'help',
  'list',
  'hi, is this the bot that helps with Skype Online PowerShell?',
  'thanks, that fixed it',
  'New-CsOnlineSession keeps failing for me since this morning, any idea?',
];
const TEXT_COUNT = ERROR_TEXTS.length + CHAT.length;

function pasteFor(i: number): string {
  const slot = i % TEXT_COUNT;
  if (slot >= ERROR_TEXTS.length) return CHAT[slot - ERROR_TEXTS.length] as string;
  let versions = 0;
  return (ERROR_TEXTS[slot] as string)
    .replaceAll('{upn}', `admin${i}@contoso${i % 97}.onmicrosoft.com`)
    .replaceAll('{server}', `admin${i % 53}e.online.lync.com`)
    .replaceAll('{path}', `C:\\Users\\admin${i}\\Modules\\LyncOnlineConnector\\LyncOnlineConnectorStartup.psm1`)
    .replace(/\{version\}/g, () => (versions++ === 0 ? `${2 + (i % 2)}.0` : '3.0'));
}

/** The bench measures diagnoses, so each error paste must be recognised as its own mode. */
function checkPastes(): void {
  const matcher = defaultMatcher();
  matcher.modes.forEach((mode, slot) => {
    const diagnosis = matcher.diagnose(pasteFor(slot + 7 * TEXT_COUNT));
    if (diagnosis.match?.id !== mode.id) throw new Error(`load bench: the ${mode.id} paste is diagnosed as ${diagnosis.match?.id ?? 'nothing'}`);
  });
}

/**
 * The cheapest turn the bot has: a command answered with one line of text ("cancel" outside a guided
 * run). Against the echo bot it shows what every turn costs before any paste is read: the activity
 * check, routing, reading the user's guided-run state, saving state.
 */
const COMMAND_TEXT = 'cancel';

/** Each request a new activity: the next text, and a conversation from the pool. */
function activityRequests(textFor: (i: number) => string, onResponse?: (status: number, body: string) => void): AutocannonOptions['requests'] {
  let n = 0;
  return [
    {
      method: 'POST',
      path: '/api/messages',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => {
        const i = n++;
        const conversation = i % CONVERSATIONS;
        const body = JSON.stringify({
          type: 'message',
          id: `bench-${i}`,
          timestamp: new Date().toISOString(),
          channelId: 'msteams',
          serviceUrl: 'http://127.0.0.1:9',
          deliveryMode: 'expectReplies',
          conversation: { id: `bench-conversation-${conversation}`, conversationType: 'personal', tenantId: 'bench-tenant' },
          from: { id: `bench-user-${conversation}`, name: 'Admin' },
          recipient: { id: 'connector-doctor', name: 'Connector Doctor' },
          channelData: { tenant: { id: 'bench-tenant' } },
          locale: 'en-US',
          text: textFor(i),
        });
        return { ...request, body };
      },
      onResponse,
    },
  ];
}

type Drive = { result: AutocannonResult; badBodies: number };

function drive(
  url: string,
  { duration, amount, timeLimitMs, textFor = pasteFor }: { duration?: number; amount?: number; timeLimitMs: number; textFor?: (i: number) => string },
): Promise<Drive> {
  let badBodies = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: CONNECTIONS,
        ...(amount !== undefined ? { amount } : { duration }),
        timeout: 10,
        requests: activityRequests(textFor, (status, body) => {
          if (status !== 200 || !body.startsWith('{"activities":[{')) badBodies++;
        }),
      },
      (err, result) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve({ result, badBodies });
      },
    );
    // autocannon calls back asynchronously, after this line has run.
    const timer = setTimeout(() => instance.stop(), timeLimitMs);
  });
}

function describeRun(name: string, { result, badBodies }: Drive): void {
  say(
    `${name.padEnd(7)} ${result.requests.average.toFixed(0).padStart(6)} req/s   p50 ${String(result.latency.p50).padStart(3)} ms   p99 ${String(result.latency.p99).padStart(3)} ms   max ${result.latency.max} ms   ` +
      `${result.requests.total} requests, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts, ${badBodies} without replies`,
  );
}

const verdict = (met: boolean, what: string) => say(`${met ? 'MET ' : 'MISS'} ${what}`);

async function main(): Promise<void> {
  checkPastes();
  const children: BotProcess[] = [];
  try {
    const bot = await startBotProcess({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0' }, { nodeArgs: NODE_FLAGS });
    children.push(bot);
    const echoScript = join(repoRoot(), 'dist', 'bench', 'echoBot.js');
    const echo = await startBotProcess({}, { script: echoScript, portAsArgument: true, nodeArgs: NODE_FLAGS });
    children.push(echo);
    const directEcho = await startBotProcess({}, { script: echoScript, portAsArgument: true, scriptArgs: ['--direct'], nodeArgs: NODE_FLAGS });
    children.push(directEcho);
    say(`load bench: ${CONNECTIONS} connections, ${DURATION_S} s per run, ${ROUNDS} rounds, expectReplies over 127.0.0.1, ${CONVERSATIONS} conversations`);

    for (const url of [echo.url, directEcho.url, bot.url]) await drive(url, { duration: WARM_UP_S, timeLimitMs: 30_000 });
    // The machine is shared: another tenant's burst can slow any run of a round. Each round runs
    // every server once (the order rotating), every run is printed, and the verdict is the median
    // round's ratio; the p99 verdict takes the bot's worst round. The echo bot is the target's
    // baseline; the direct echo bot takes the bot's own way into the adapter (see BotAdapter) and
    // shows how much of the ratio that way is worth.
    const contestants = [
      { name: 'echo', url: echo.url },
      { name: 'direct', url: directEcho.url },
      { name: 'bot', url: bot.url },
    ] as const;
    const rounds: Array<{ echoRun: Drive; directRun: Drive; botRun: Drive; ratio: number; directRatio: number }> = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const cut = contestants.length - ((round - 1) % contestants.length);
      const order = [...contestants.slice(cut), ...contestants.slice(0, cut)];
      const runs = new Map<string, Drive>();
      for (const { name, url } of order) runs.set(name, await drive(url, { duration: DURATION_S, timeLimitMs: 60_000 }));
      const [echoRun, directRun, botRun] = contestants.map(({ name }) => runs.get(name) as Drive) as [Drive, Drive, Drive];
      const ratio = botRun.result.requests.average / echoRun.result.requests.average;
      const directRatio = botRun.result.requests.average / directRun.result.requests.average;
      rounds.push({ echoRun, directRun, botRun, ratio, directRatio });
      say(`round ${round} of ${ROUNDS} (in this order: ${order.map((c) => c.name).join(', ')})`);
      describeRun('echo', echoRun);
      describeRun('direct', directRun);
      describeRun('bot', botRun);
      say(`ratio   ${(ratio * 100).toFixed(1)}% of the echo bot's throughput (${(directRatio * 100).toFixed(1)}% of the direct echo bot's)`);
    }
    const medianOf = (values: readonly number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] as number;
    const ratio = medianOf(rounds.map((r) => r.ratio));
    const directRatio = medianOf(rounds.map((r) => r.directRatio));
    const medianEcho = medianOf(rounds.map((r) => r.echoRun.result.requests.average));
    const worstP99 = Math.max(...rounds.map((r) => r.botRun.result.latency.p99));
    say(`median  ${(ratio * 100).toFixed(1)}% of the echo bot's throughput (rounds: ${rounds.map((r) => `${(r.ratio * 100).toFixed(1)}%`).join(', ')})`);
    say(`        ${(directRatio * 100).toFixed(1)}% of the direct echo bot's (rounds: ${rounds.map((r) => `${(r.directRatio * 100).toFixed(1)}%`).join(', ')})`);
    const commandRun = await drive(bot.url, { duration: DURATION_S, timeLimitMs: 60_000, textFor: () => COMMAND_TEXT });
    describeRun('command', commandRun);
    const commandRatio = commandRun.result.requests.average / medianEcho;
    say(`        ${(commandRatio * 100).toFixed(1)}% of the echo bot's median throughput with "${COMMAND_TEXT}" only: the cost every turn has before a paste is read`);

    say(`volume: ${VOLUME_REQUESTS} messages across ${CONVERSATIONS} conversations to the bot`);
    const volume = await drive(bot.url, { amount: VOLUME_REQUESTS, timeLimitMs: VOLUME_TIME_LIMIT_MS });
    describeRun('volume', volume);
    await new Promise((r) => setTimeout(r, 2_000));
    const rss = await residentBytes(bot.pid);
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    say(`bot resident memory after the volume run: ${mb(rss)} (echo bot: ${mb(await residentBytes(echo.pid))})`);

    verdict(ratio >= TARGET_RATIO, `throughput ratio ${(ratio * 100).toFixed(1)}%, the median of ${ROUNDS} rounds (target >= ${TARGET_RATIO * 100}%)`);
    verdict(worstP99 < TARGET_P99_MS, `bot p99 ${worstP99} ms in its worst round (target < ${TARGET_P99_MS} ms)`);
    verdict(rss < TARGET_RSS_BYTES, `bot RSS ${mb(rss)} after ${volume.result.requests.total} messages (target < ${mb(TARGET_RSS_BYTES)})`);
    const clean = [...rounds.flatMap((r) => [r.echoRun, r.directRun, r.botRun]), commandRun, volume].every((r) => r.result.non2xx === 0 && r.result.errors === 0 && r.result.timeouts === 0 && r.badBodies === 0);
    verdict(clean, 'every request answered 200 with its replies');
    verdict(volume.result.requests.total >= VOLUME_REQUESTS, `volume run completed ${volume.result.requests.total} of ${VOLUME_REQUESTS}`);
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`load bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
