/*
 * Load bench: the bot against a bare echo bot on the same botbuilder CloudAdapter + restify stack,
 * on two paths: expectReplies (the replies come back in the HTTP response, as the Emulator gets
 * them) and Teams' (the replies are POSTed to the activity's serviceUrl: a connector stand-in in its
 * own process, which counts what it receives). The bots run as child processes on 127.0.0.1 (memory
 * storage, no rate limit, silent logs); autocannon drives them from this process.
 * Run with `npm run bench:load`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultKnowledge, defaultMatcher } from '../src/knowledge';
import { NODE_FLAGS } from '../src/runtimeFlags';
import { residentBytes, startBotProcess, type BotProcess } from '../test/helpers/botProcess';
import { repoRoot } from '../test/helpers/fixtures';
import { startStandInProcess, type StandInProcess } from './standInProcess';

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
type Context = Record<string, unknown>;
interface AutocannonOptions {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  timeout?: number;
  requests: Array<
    AutocannonRequest & {
      setupRequest?: (request: AutocannonRequest, context: Context) => AutocannonRequest;
      onResponse?: (status: number, body: string, context: Context) => void;
    }
  >;
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
const DURATION_S = 6;
/** Rounds of one run of each bot on each path, every other round in the reverse order. */
const ROUNDS = 5;
const WARM_UP_S = 2;
const COMMAND_S = 5;
const CONVERSATIONS = 10_000;
const VOLUME_REQUESTS = 100_000;
const VOLUME_TIME_LIMIT_MS = 10 * 60_000;
/** After a run on Teams' path: time for the replies of requests cut off at its end to arrive. */
const SETTLE_MS = 300;
/** The bot's expectReplies throughput in the volume run on this machine, for the duration announced at the start. */
const VOLUME_RATE_ESTIMATE = 1_000;

const FLOOR_RATIO = 0.7;
const CEILING_P99_MS = 100;
const CEILING_RSS_BYTES = 200 * 1024 * 1024;

const say = (line: string) => process.stdout.write(`${line}\n`);

/**
 * What admins paste, in turn: each mode's error as PowerShell prints it (the connector's from its
 * template, with a different user, server, module path or version every time; the MicrosoftTeams
 * module's from its example, with a different position line), so no two pastes give the same card,
 * and some chat.
 */
const ERROR_TEXTS = defaultKnowledge().modes.map((mode) => {
  const printed = mode.pack === 'skype-connector' ? mode.signatures.find((s) => s.source === 'powershell') : undefined;
  return printed ? printed.text : `${mode.errorText}\nAt line:{line} char:1`;
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
    .replace(/\{version\}/g, () => (versions++ === 0 ? `${2 + (i % 2)}.0` : '3.0'))
    .replaceAll('{line}', String(1 + (i % 400)));
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

/** How the replies travel. */
interface Path {
  name: 'expectReplies' | 'Teams';
  /** What the activity carries for it. */
  delivery(): Record<string, unknown>;
  conversationId(n: number): string;
  /** Whether an HTTP answer is what this path expects. */
  answered(status: number, body: string): boolean;
}

function paths(standIn: StandInProcess): readonly [Path, Path] {
  return [
    {
      name: 'expectReplies',
      delivery: () => ({ deliveryMode: 'expectReplies', serviceUrl: 'http://127.0.0.1:9' }),
      conversationId: (n) => `bench-conversation-${n}`,
      answered: (status, body) => status === 200 && body.startsWith('{"activities":[{'),
    },
    {
      name: 'Teams',
      delivery: () => ({ serviceUrl: standIn.url }),
      conversationId: (n) => `a:bench-conversation-${n}`,
      // The replies went to the stand-in; the answer only says the activity was taken.
      answered: (status) => status === 200,
    },
  ];
}

interface Run {
  result: AutocannonResult;
  /**
   * The server's CPU time (all its threads) per request answered. Another tenant's burst lowers a
   * run's throughput much more than this, so the ratio of the two bots' figures is the steadier one.
   */
  cpuMsPerRequest: number;
  /** Answers that were not what the path expects (non-200, or no replies in an expectReplies body). */
  badAnswers: number;
  /** Teams' path: requests answered whose reply the stand-in did not receive. */
  undelivered?: number;
  /** Teams' path: replies to requests that autocannon stopped waiting for when the run ended. */
  cutOff?: number;
  /** Teams' path: the stand-in's CPU time during the run. */
  standInCpuMs?: number;
}

let runs = 0;

/** CPU time a process has used (user and system, all threads), in ms, from /proc (Linux). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name, which is in parentheses: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
}
const CLOCK_TICKS_PER_S = 100;

async function drive(
  { url, pid }: BotProcess,
  path: Path,
  standIn: StandInProcess,
  { duration, amount, timeLimitMs, textFor = pasteFor }: { duration?: number; amount?: number; timeLimitMs: number; textFor?: (i: number) => string },
): Promise<Run> {
  const tag = `r${++runs}-`;
  const answeredIds: string[] = [];
  let badAnswers = 0;
  let n = 0;
  await standIn.take();
  const cpuBefore = await cpuMs(pid);
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: CONNECTIONS,
        ...(amount !== undefined ? { amount } : { duration }),
        timeout: 10,
        requests: [
          {
            method: 'POST',
            path: '/api/messages',
            headers: { 'content-type': 'application/json' },
            // Each request a new activity: the next text, a conversation from the pool.
            setupRequest: (request, context) => {
              const i = n++;
              const conversation = i % CONVERSATIONS;
              const id = `${tag}${i}`;
              context['id'] = id;
              const body = JSON.stringify({
                type: 'message',
                id,
                timestamp: new Date().toISOString(),
                channelId: 'msteams',
                ...path.delivery(),
                conversation: { id: path.conversationId(conversation), conversationType: 'personal', tenantId: 'bench-tenant' },
                from: { id: `bench-user-${conversation}`, name: 'Admin' },
                recipient: { id: 'connector-doctor', name: 'Connector Doctor' },
                channelData: { tenant: { id: 'bench-tenant' } },
                locale: 'en-US',
                text: textFor(i),
              });
              return { ...request, body };
            },
            onResponse: (status, body, context) => {
              if (path.answered(status, body)) answeredIds.push(context['id'] as string);
              else badAnswers++;
            },
          },
        ],
      },
      (err, res) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(res);
      },
    );
    // autocannon calls back asynchronously, after this line has run.
    const timer = setTimeout(() => instance.stop(), timeLimitMs);
  });
  const cpuMsPerRequest = ((await cpuMs(pid)) - cpuBefore) / Math.max(1, result.requests.total);
  if (path.name === 'expectReplies') return { result, cpuMsPerRequest, badAnswers };
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const received = await standIn.take();
  const replied = new Set(received.repliedTo.filter((id) => id.startsWith(tag)));
  const undelivered = answeredIds.filter((id) => !replied.has(id)).length;
  return { result, cpuMsPerRequest, badAnswers, undelivered, cutOff: replied.size - (answeredIds.length - undelivered), standInCpuMs: received.cpuMs };
}

function describeRun(name: string, { result, cpuMsPerRequest, badAnswers, undelivered, cutOff, standInCpuMs }: Run): void {
  const replies =
    undelivered === undefined
      ? ''
      : `, ${undelivered} replies missing (${cutOff} to requests cut off at the end; stand-in CPU ${(((standInCpuMs ?? 0) / (result.duration * 1000)) * 100).toFixed(0)}% of a core)`;
  say(
    `  ${name.padEnd(20)} ${result.requests.average.toFixed(0).padStart(6)} req/s   p50 ${String(result.latency.p50).padStart(3)} ms   p99 ${String(result.latency.p99).padStart(3)} ms   max ${String(result.latency.max).padStart(4)} ms   CPU ${cpuMsPerRequest.toFixed(2)} ms/request   ` +
      `${result.requests.total} requests, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts, ${badAnswers} bad answers${replies}`,
  );
}

const verdict = (met: boolean, what: string) => say(`${met ? 'MET ' : 'MISS'} ${what}`);
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
const medianOf = (values: readonly number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] as number;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function expectedMinutes(): number {
  const runsS = 2 * 2 * (WARM_UP_S + ROUNDS * DURATION_S) + ROUNDS * 2 * (SETTLE_MS / 1000) + COMMAND_S;
  return Math.round((5 + runsS + VOLUME_REQUESTS / VOLUME_RATE_ESTIMATE + 2) / 60);
}

async function main(): Promise<void> {
  checkPastes();
  say(
    `load bench: ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION_S}-second runs of the bot and the echo bot on two paths ` +
      `(expectReplies; Teams', replies to a connector stand-in), then ${VOLUME_REQUESTS} messages across ${CONVERSATIONS} conversations. About ${expectedMinutes()} minutes.`,
  );
  const stop: Array<() => Promise<void>> = [];
  try {
    // The stand-in gets a process of its own: in this one, its work (some 10% of a core) would share
    // autocannon's event loop and hold back both, lowering both bots' throughput on Teams' path.
    const standIn = await startStandInProcess();
    stop.push(() => standIn.stop());
    const bot = await startBotProcess({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0' }, { nodeArgs: NODE_FLAGS });
    stop.push(() => bot.stop());
    const echo = await startBotProcess({}, { script: join(repoRoot(), 'dist', 'bench', 'echoBot.js'), portAsArgument: true, nodeArgs: NODE_FLAGS });
    stop.push(() => echo.stop());

    const [expectReplies, teams] = paths(standIn);
    const contestants: ReadonlyArray<{ name: 'echo' | 'bot'; process: BotProcess }> = [
      { name: 'echo', process: echo },
      { name: 'bot', process: bot },
    ];
    for (const path of [expectReplies, teams]) for (const { process: child } of contestants) await drive(child, path, standIn, { duration: WARM_UP_S, timeLimitMs: 30_000 });

    // The machine is shared: another tenant's burst can slow any run. Each round runs both bots on
    // both paths, every other round in the reverse order; every run is printed; the throughput
    // verdict is the median round's ratio, the p99 verdict the bot's worst round.
    const sequence = [expectReplies, teams].flatMap((path) => contestants.map((contestant) => ({ path, contestant })));
    type Pair = { echo: Run; bot: Run; ratio: number; cpuRatio: number };
    const rounds: Array<Record<Path['name'], Pair>> = [];
    const allRuns: Run[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 === 1 ? sequence : [...sequence].reverse();
      const results = new Map<string, Run>();
      for (const { path, contestant } of order) results.set(`${path.name} ${contestant.name}`, await drive(contestant.process, path, standIn, { duration: DURATION_S, timeLimitMs: 60_000 }));
      say(`round ${round} of ${ROUNDS} (in this order: ${order.map(({ path, contestant }) => `${contestant.name} ${path.name}`).join(', ')})`);
      const byPath = {} as Record<Path['name'], Pair>;
      for (const path of [expectReplies, teams]) {
        const echoRun = results.get(`${path.name} echo`) as Run;
        const botRun = results.get(`${path.name} bot`) as Run;
        describeRun(`${path.name} echo`, echoRun);
        describeRun(`${path.name} bot`, botRun);
        byPath[path.name] = {
          echo: echoRun,
          bot: botRun,
          ratio: botRun.result.requests.average / echoRun.result.requests.average,
          cpuRatio: echoRun.cpuMsPerRequest / botRun.cpuMsPerRequest,
        };
        allRuns.push(echoRun, botRun);
      }
      rounds.push(byPath);
      say(
        `  ratio                ${percent(byPath.expectReplies.ratio)} of the echo bot's throughput on expectReplies, ${percent(byPath.Teams.ratio)} on Teams' path ` +
          `(by CPU per request: ${percent(byPath.expectReplies.cpuRatio)}, ${percent(byPath.Teams.cpuRatio)})`,
      );
    }
    const ratios = (name: Path['name']) => rounds.map((r) => r[name].ratio);
    const cpuRatios = (name: Path['name']) => rounds.map((r) => r[name].cpuRatio);
    const worstP99 = (name: Path['name']) => Math.max(...rounds.map((r) => r[name].bot.result.latency.p99));
    for (const path of [expectReplies, teams]) {
      say(
        `median  ${percent(medianOf(ratios(path.name)))} on ${path.name} (rounds: ${ratios(path.name).map(percent).join(', ')}); ` +
          `by CPU per request ${percent(medianOf(cpuRatios(path.name)))} (${cpuRatios(path.name).map(percent).join(', ')}); bot p99 ${worstP99(path.name)} ms in its worst round`,
      );
    }

    const commandRun = await drive(bot, expectReplies, standIn, { duration: COMMAND_S, timeLimitMs: 60_000, textFor: () => COMMAND_TEXT });
    describeRun(`"${COMMAND_TEXT}" only`, commandRun);
    const medianEcho = medianOf(rounds.map((r) => r.expectReplies.echo.result.requests.average));
    say(`        ${percent(commandRun.result.requests.average / medianEcho)} of the echo bot's median throughput on expectReplies: what every turn costs before a paste is read`);

    // On expectReplies: on Teams' path a message costs the bot about twice the CPU, and this run alone would take 3 minutes or more.
    const botRate = medianOf(rounds.map((r) => r.expectReplies.bot.result.requests.average));
    say(`volume: ${VOLUME_REQUESTS} messages across ${CONVERSATIONS} conversations to the bot on expectReplies, about ${Math.round(VOLUME_REQUESTS / botRate)} s at its median rate`);
    const volume = await drive(bot, expectReplies, standIn, { amount: VOLUME_REQUESTS, timeLimitMs: VOLUME_TIME_LIMIT_MS });
    describeRun('volume', volume);
    await new Promise((r) => setTimeout(r, 2_000));
    const rss = await residentBytes(bot.pid);
    say(`bot resident memory after the volume run: ${mb(rss)} (echo bot: ${mb(await residentBytes(echo.pid))})`);

    const ratio = medianOf(ratios('expectReplies'));
    verdict(ratio >= FLOOR_RATIO, `expectReplies: the bot at ${percent(ratio)} of the echo bot's throughput, the median of ${ROUNDS} rounds (floor ${percent(FLOOR_RATIO)})`);
    verdict(
      worstP99('expectReplies') < CEILING_P99_MS && worstP99('Teams') < CEILING_P99_MS,
      `bot p99 ${worstP99('expectReplies')} ms on expectReplies and ${worstP99('Teams')} ms on Teams' path in its worst rounds (ceiling ${CEILING_P99_MS} ms)`,
    );
    verdict(rss < CEILING_RSS_BYTES, `bot RSS ${mb(rss)} after ${volume.result.requests.total} messages (ceiling ${mb(CEILING_RSS_BYTES)})`);
    const every = [...allRuns, commandRun, volume];
    const requests = every.reduce((sum, r) => sum + r.result.requests.total, 0);
    const unanswered = every.reduce((sum, r) => sum + r.result.non2xx + r.result.errors + r.result.timeouts + r.badAnswers, 0);
    const undelivered = every.reduce((sum, r) => sum + (r.undelivered ?? 0), 0);
    verdict(
      unanswered === 0 && undelivered === 0 && volume.result.requests.total >= VOLUME_REQUESTS,
      `every request answered and every reply delivered: ${requests} requests, ${unanswered} not answered as expected, ${undelivered} replies missing, volume run ${volume.result.requests.total} of ${VOLUME_REQUESTS}`,
    );
  } finally {
    for (const stopOne of stop.reverse()) await stopOne();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`load bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
