import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { loadConfig } from '../../src/config';
import { createLogger, type Logger } from '../../src/logger';
import { startBot, type StartedBot } from '../../src/main';

/** Where replies would go; never contacted, because expectReplies returns them in the response. */
export const UNREACHABLE_SERVICE_URL = 'http://127.0.0.1:9';
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * The real bot on a free 127.0.0.1 port, configured as from the environment.
 * Memory storage, silent logs and no rate limit unless overridden.
 */
export async function startTestBot(overrides: Readonly<Record<string, string>> = {}, logger?: Logger): Promise<StartedBot> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', ...overrides });
  return startBot(config, logger ?? createLogger({ level: config.logLevel }));
}

/** A logger at debug level that keeps every line it writes. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }), lines };
}

export interface HttpReply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON; undefined when it is empty or not JSON. */
  json: unknown;
}

export interface PostOptions {
  headers?: Readonly<Record<string, string>>;
  /** Sent as is instead of JSON.stringify(body). */
  raw?: string | Buffer;
  timeoutMs?: number;
}

/** POSTs a JSON body with node's fetch and reads the whole answer. */
export async function post(url: string, body: unknown, { headers = {}, raw, timeoutMs = REQUEST_TIMEOUT_MS }: PostOptions = {}): Promise<HttpReply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw ?? JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return read(response);
}

export async function get(url: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<HttpReply> {
  return read(await fetch(url, { signal: AbortSignal.timeout(timeoutMs) }));
}

async function read(response: Response): Promise<HttpReply> {
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

// ---- activities --------------------------------------------------------------------------------

export interface Conversation {
  conversationId: string;
  userId: string;
  botId: string;
  channelId: 'emulator' | 'msteams';
  tenantId?: string;
}

/** A fresh one-to-one conversation with its own ids. */
export function newConversation({ channelId = 'emulator', tenantId }: { channelId?: Conversation['channelId']; tenantId?: string } = {}): Conversation {
  const id = randomUUID();
  return { conversationId: `conv-${id}`, userId: `user-${id.slice(0, 8)}`, botId: 'connector-doctor', channelId, tenantId };
}

/** A message whose replies come back in the HTTP response (deliveryMode expectReplies). */
export function messageFrom(conversation: Conversation, text: string, extra: Partial<Activity> = {}): Partial<Activity> {
  const { conversationId, userId, botId, channelId, tenantId } = conversation;
  return {
    type: 'message',
    id: `act-${randomUUID()}`,
    timestamp: new Date(),
    channelId,
    serviceUrl: UNREACHABLE_SERVICE_URL,
    deliveryMode: 'expectReplies',
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '', ...(tenantId ? { tenantId } : {}) },
    from: { id: userId, name: 'Admin' },
    recipient: { id: botId, name: 'Connector Doctor' },
    locale: 'en-US',
    text,
    ...(channelId === 'msteams' && tenantId ? { channelData: { tenant: { id: tenantId } } } : {}),
    ...extra,
  };
}

/** A button press: a message carrying the button's data as its value, as Teams sends Action.Submit. */
export function cardSubmit(conversation: Conversation, value: unknown): Partial<Activity> {
  const activity = messageFrom(conversation, '', { value });
  delete activity.text;
  return activity;
}

// ---- replies -----------------------------------------------------------------------------------

export interface ReplyActivity {
  type?: string;
  text?: string;
  attachments?: Array<{ contentType?: string; content?: unknown }>;
}

/** The activities of an expectReplies response; throws when the body is not one. */
export function activitiesOf(reply: HttpReply): ReplyActivity[] {
  const body = reply.json as { activities?: unknown } | undefined;
  if (reply.status !== 200 || !body || !Array.isArray(body.activities)) {
    throw new Error(`expected 200 with an expectReplies body, got ${reply.status}: ${reply.text.slice(0, 300)}`);
  }
  return body.activities as ReplyActivity[];
}

export function cardsOf(activities: readonly ReplyActivity[]): Array<Record<string, unknown>> {
  return activities.flatMap((a) =>
    (a.attachments ?? []).filter((x) => x.contentType === 'application/vnd.microsoft.card.adaptive').map((x) => x.content as Record<string, unknown>),
  );
}

export interface SubmitAction {
  title: string;
  data: Record<string, unknown>;
}

/** Every Action.Submit in a card, in document order, wherever it sits. */
export function submitActions(card: unknown): SubmitAction[] {
  const found: SubmitAction[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o['type'] === 'Action.Submit' && o['data'] && typeof o['data'] === 'object') {
        found.push({ title: String(o['title'] ?? ''), data: o['data'] as Record<string, unknown> });
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** The failure mode a diagnosis card is about (its feedback buttons name it); undefined for other cards. */
export function diagnosedMode(card: unknown): string | undefined {
  const feedback = submitActions(card).find((a) => a.data['verb'] === 'feedback');
  return feedback ? String(feedback.data['failureMode']) : undefined;
}

/** The answer buttons of a guided question card. */
export function answerButtons(card: unknown): SubmitAction[] {
  return submitActions(card).filter((a) => a.data['verb'] === 'answer');
}

export function buttonByVerb(card: unknown, verb: string): SubmitAction {
  const action = submitActions(card).find((a) => a.data['verb'] === verb);
  if (!action) throw new Error(`no "${verb}" button on the card`);
  return action;
}

/** Everything a person would read in the replies: texts and card JSON. */
export function visibleText(activities: readonly ReplyActivity[]): string {
  return activities.map((a) => `${a.text ?? ''}\n${JSON.stringify(a.attachments ?? [])}`).join('\n');
}

/** A client bound to one bot: post to /api/messages and read the replies. */
export function botClient(url: string) {
  return {
    post: (activity: unknown, options?: PostOptions) => post(`${url}/api/messages`, activity, options),
    /** Posts an expectReplies activity and returns its replies; fails on anything but 200. */
    turn: async (activity: unknown) => activitiesOf(await post(`${url}/api/messages`, activity)),
    healthz: () => get(`${url}/healthz`),
    metrics: () => get(`${url}/metrics`),
  };
}
export type BotClient = ReturnType<typeof botClient>;
