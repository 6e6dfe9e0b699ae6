import { seededRandom } from '../helpers/seededRandom';
import { strict as assert } from 'node:assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { defaultKnowledge } from '../../src/knowledge';
import { createLogger, type Logger } from '../../src/logger';
import type { StartedBot } from '../../src/main';
import { messageFrom, newConversation, startTestBot, UNREACHABLE_SERVICE_URL, type Conversation } from '../helpers/http';

/*
 * Random and mutated activities against the real server in this process, so that process.on
 * listeners see any unhandled rejection or uncaught exception the bot causes. Every activity keeps
 * deliveryMode expectReplies and a 127.0.0.1 (or unusable) serviceUrl, so the bot never calls out.
 * Content-Encoding is left to hostileBodies.test.ts, which runs the bot in a child process.
 */

const REQUESTS = 10_000;
const CONCURRENCY = 16;
const TIME_LIMIT_MS = 75_000;
const MAX_BODY_BYTES = 64 * 1024;
const SEED = Number(process.env['FUZZ_SEED'] ?? 0x5eed);
const REQUEST_TIMEOUT_MS = 15_000;

/** A failure names the seed and the request index to replay. */
const random = seededRandom;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

class Fuzzer {
  constructor(readonly next: () => number) {}

  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** Any code point, lone surrogates, controls, RTL marks and emoji included. */
  unicode(maxLength: number): string {
    const special = ['\u0000', '\u200b', '\u202e', '\ufeff', '\ud800', '\udfff', '😀', '👩‍💻', '\r\n', '\t', '"', '\\', '${x}', '<at>', '</at>', '관리자', 'ﷺ'];
    let out = '';
    const length = this.int(maxLength + 1);
    while (out.length < length) {
      if (this.chance(0.2)) out += this.pick(special);
      else if (this.chance(0.5)) out += String.fromCharCode(32 + this.int(95));
      else out += String.fromCodePoint(this.chance(0.8) ? this.int(0xd800) : 0x10000 + this.int(0x100000));
    }
    return out.slice(0, Math.max(length, 0));
  }

  junk(depth = 0): Json {
    const kind = this.int(depth > 4 ? 5 : 8);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.pick([0, -1, 1e308, -1e-308, 2 ** 53 + 1, 3.14, 65535]);
      case 3:
      case 4:
        return this.unicode(40);
      case 5:
        return Array.from({ length: this.int(5) }, () => this.junk(depth + 1));
      default: {
        const o: Record<string, Json> = {};
        for (let i = this.int(5); i > 0; i--) o[this.pick(['verb', 'flowId', 'questionId', 'answerId', 'failureMode', 'helpful', 'id', 'type', this.unicode(8)])] = this.junk(depth + 1);
        return o;
      }
    }
  }

  nested(depth: number): Json {
    let value: Json = this.junk(3);
    for (let i = 0; i < depth; i++) value = this.chance(0.5) ? [value] : { [this.pick(['verb', 'value', this.unicode(3)])]: value };
    return value;
  }
}

const modes = defaultKnowledge().modes;
const VERBS = ['feedback', 'alternatives', 'guided', 'supportRequest', 'showMode', 'list', 'help', 'answer', 'back', 'restart', 'cancelFlow'];
const INVOKES = ['composeExtension/query', 'composeExtension/submitAction', 'composeExtension/fetchTask', 'adaptiveCard/action', 'task/fetch', 'signin/verifyState', 'weird/thing'];
const TYPES = ['message', 'invoke', 'conversationUpdate', 'messageReaction', 'event', 'typing', 'installationUpdate', 'endOfConversation', 'messageUpdate', 'weird'];
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream', 'text/json', 'application/vnd.api+json', 'application/json; charset=latin1', ''];

/** A plausible activity: the base of every mutation. */
function validActivity(f: Fuzzer, conversation: Conversation): Record<string, unknown> {
  const mode = f.pick(modes);
  const text = f.pick([
    mode.errorText,
    mode.errorTextKo ?? mode.errorText,
    'help',
    'troubleshoot',
    'list',
    'cancel',
    'back',
    'start over',
    'hello there',
    `<at>Connector Doctor</at> ${mode.errorText}`,
    `PS C:\\> $password = 'fuzz-${f.int(1e6)}'\n${mode.errorText}`,
  ]);
  const activity: Record<string, unknown> = { ...messageFrom(conversation, text) };
  switch (f.int(6)) {
    case 0:
      activity['value'] = { verb: f.pick(VERBS), failureMode: mode.id, helpful: f.chance(0.5), diagnosisId: f.unicode(12), flowId: f.unicode(8), questionId: 'stage', answerId: 'sign-in' };
      delete activity['text'];
      break;
    case 1:
      activity['type'] = 'invoke';
      activity['name'] = f.pick(INVOKES);
      activity['value'] = { commandId: f.pick(['diagnose', 'search', f.unicode(10)]), parameters: [{ name: 'query', value: text }], messagePayload: { body: { content: text } }, data: f.junk() };
      break;
    case 2:
      activity['type'] = f.pick(TYPES);
      activity['membersAdded'] = [{ id: conversation.botId }, { id: conversation.userId }];
      activity['reactionsAdded'] = [{ type: 'like' }];
      break;
    case 3:
      activity['conversation'] = { id: conversation.conversationId, conversationType: f.pick(['channel', 'groupChat', 'personal']), tenantId: 'fuzz-tenant' };
      activity['entities'] = [{ type: 'mention', mentioned: { id: conversation.botId, name: 'Connector Doctor' }, text: '<at>Connector Doctor</at>' }];
      break;
    case 4:
      activity['text'] = '';
      activity['attachments'] = [{ contentType: 'text/html', content: `<div>${text}</div>` }, { contentType: 'image/png', contentUrl: 'http://127.0.0.1:9/x.png' }];
      break;
    default:
      break;
  }
  return activity;
}

/** Paths to every value in the activity, except the two that would make the bot call out. */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    if (prefix.length === 0 && (key === 'deliveryMode' || key === 'serviceUrl' || key === 'replyToId')) return [];
    return [[...prefix, key], ...pathsOf(child, [...prefix, key])];
  });
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object') return;
    node = next as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (last === undefined) return;
  if (value === undefined) delete node[last];
  else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
}

function mutate(f: Fuzzer, activity: Record<string, unknown>): void {
  for (let n = 1 + f.int(3); n > 0; n--) {
    const paths = pathsOf(activity);
    const path = paths.length > 0 ? f.pick(paths) : ['text'];
    switch (f.int(8)) {
      case 0:
        setAt(activity, path, undefined);
        break;
      case 1:
      case 2:
        setAt(activity, path, f.junk());
        break;
      case 3:
        setAt(activity, path, f.unicode(2_000));
        break;
      case 4:
        activity['value'] = f.nested(f.int(200));
        break;
      case 5:
        setAt(activity, [...path.slice(0, -1), f.pick(['__proto__', 'constructor', 'prototype', 'toString', f.unicode(10)])], f.chance(0.5) ? { polluted: 'yes' } : f.junk());
        break;
      case 6:
        activity['serviceUrl'] = f.pick([UNREACHABLE_SERVICE_URL, '', 'not a url', 'http://127.0.0.1:1', 42, null]);
        break;
      default:
        activity['channelId'] = f.pick(['msteams', 'emulator', 'webchat', '', f.unicode(20)]);
        break;
    }
  }
}

interface FuzzRequest {
  body: string;
  contentType: string;
  kind: string;
}

function generate(f: Fuzzer, index: number, pool: readonly Conversation[]): FuzzRequest {
  const conversation = pool[index % pool.length] as Conversation;
  const roll = f.next();
  if (roll < 0.55) {
    const activity = validActivity(f, conversation);
    mutate(f, activity);
    return { body: JSON.stringify(activity), contentType: 'application/json', kind: 'mutated' };
  }
  if (roll < 0.62) return { body: JSON.stringify(validActivity(f, conversation)), contentType: 'application/json', kind: 'valid' };
  if (roll < 0.7) return { body: JSON.stringify(f.junk()), contentType: 'application/json', kind: 'random json' };
  if (roll < 0.78) {
    const json = JSON.stringify(validActivity(f, conversation));
    return { body: json.slice(0, f.int(json.length)), contentType: 'application/json', kind: 'truncated json' };
  }
  if (roll < 0.83) return { body: f.unicode(500), contentType: f.pick(CONTENT_TYPES), kind: 'random text' };
  if (roll < 0.9) return { body: JSON.stringify(validActivity(f, conversation)), contentType: f.pick(CONTENT_TYPES), kind: 'content type' };
  if (roll < 0.95) {
    const activity = validActivity(f, conversation);
    const envelope = JSON.stringify({ ...activity, text: '' }).length;
    // Around the limit: some just under, some over.
    activity['text'] = 'x'.repeat(Math.max(0, MAX_BODY_BYTES - envelope - 64 + f.int(256)));
    return { body: JSON.stringify(activity), contentType: 'application/json', kind: 'huge' };
  }
  const activity = validActivity(f, conversation);
  activity['value'] = f.nested(50 + f.int(400));
  return { body: JSON.stringify(activity), contentType: 'application/json', kind: 'deep value' };
}

/** Counts error-level log lines by their error message; keeps nothing else. */
function errorLog(): { logger: Logger; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const logger = createLogger({
    level: 'error',
    write: (line) => {
      const record = JSON.parse(line) as { msg?: string; err?: { message?: string } };
      const key = `${record.msg}: ${(record.err?.message ?? '').slice(0, 80)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
  });
  return { logger, counts };
}

/** The gc function, exposed at run time when node was not started with --expose-gc. */
function gcFunction(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function settledHeap(gc: () => void): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

describe('fuzzing /api/messages', function () {
  this.timeout(TIME_LIMIT_MS + 30_000);
  let bot: StartedBot;
  const unhandled: unknown[] = [];
  const onRejection = (reason: unknown) => unhandled.push(reason);
  const onException = (err: unknown) => unhandled.push(err);
  const errors = errorLog();
  let failedTurns: Array<[string, number]> | undefined;

  before(async () => {
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
    bot = await startTestBot({ MAX_BODY_BYTES: String(MAX_BODY_BYTES), STATE_MAX_CONVERSATIONS: '100' }, errors.logger);
  });
  after(async () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    await bot?.stop();
  });

  it(`survives ${REQUESTS} random and mutated activities with no 5xx, no crash and no leak (seed ${SEED})`, async () => {
    const f = new Fuzzer(random(SEED));
    const pool = Array.from({ length: 500 }, (_, i) => newConversation({ channelId: i % 2 ? 'msteams' : 'emulator', tenantId: 'fuzz-tenant' }));
    const requests = Array.from({ length: REQUESTS }, (_, i) => generate(f, i, pool));
    const gc = gcFunction();

    const send = async ({ body, contentType }: FuzzRequest): Promise<number> => {
      const response = await fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: contentType ? { 'content-type': contentType } : {},
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      return response.status;
    };

    // Warm up on the first few hundred, so the baseline includes caches and a full state store.
    for (const r of requests.slice(0, 300)) await send(r);
    const baseline = await settledHeap(gc);

    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const deadline = Date.now() + TIME_LIMIT_MS;
    let nextIndex = 0;
    let sent = 0;
    const worker = async () => {
      while (nextIndex < requests.length && Date.now() < deadline) {
        const index = nextIndex++;
        const request = requests[index] as FuzzRequest;
        try {
          const status = await send(request);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status >= 500) failures.push(`#${index} (${request.kind}): ${status} for ${request.body.slice(0, 300)}`);
        } catch (err) {
          failures.push(`#${index} (${request.kind}): ${(err as Error).message}`);
        }
        sent++;
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const elapsed = Date.now() - started;

    assert.equal(sent, REQUESTS, `only ${sent} requests in ${TIME_LIMIT_MS} ms`);
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} failures; statuses ${JSON.stringify([...statuses])}`);
    assert.deepEqual(unhandled, []);
    assert.ok((statuses.get(200) ?? 0) > REQUESTS * 0.3, `statuses ${JSON.stringify([...statuses])}`);
    assert.ok((statuses.get(400) ?? 0) > REQUESTS * 0.1, `statuses ${JSON.stringify([...statuses])}`);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'no prototype pollution');

    failedTurns = [...errors.counts].filter(([key]) => key.startsWith('turn failed')).sort((a, b) => b[1] - a[1]);

    const health = await fetch(`${bot.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    assert.equal(health.status, 200);

    const after = await settledHeap(gc);
    const growth = after - baseline;
    if (process.env['FUZZ_REPORT']) {
      process.stderr.write(`fuzz: ${sent} requests in ${elapsed} ms, statuses ${JSON.stringify([...statuses].sort())}, heap ${Math.round(baseline / 1048576)} -> ${Math.round(after / 1048576)} MB\n`);
      process.stderr.write(`fuzz: turn errors by message ${JSON.stringify([...errors.counts].sort((a, b) => b[1] - a[1]), null, 1)}\n`);
    }
    assert.ok(growth < 40 * 1024 * 1024, `heap grew by ${Math.round(growth / 1024 / 1024)} MB (baseline ${Math.round(baseline / 1024 / 1024)} MB) over ${sent} requests in ${elapsed} ms`);
  });

  // Each of these logged "turn failed" and cleared the conversation's state; see malformedActivities.test.ts.
  it('no turn failed on any of them', function () {
    if (failedTurns === undefined) this.skip();
    assert.deepEqual(failedTurns, []);
  });
});
