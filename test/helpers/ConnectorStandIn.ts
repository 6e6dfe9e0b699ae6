import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The Bot Connector operations a bot calls, named as botframework-connector's ConnectorClient
 * (`conversations.*`) names them; `unknown` is anything else, answered 404.
 */
export type ConnectorCallKind =
  | 'createConversation'
  | 'sendToConversation'
  | 'replyToActivity'
  | 'updateActivity'
  | 'deleteActivity'
  | 'getConversationMembers'
  | 'getConversationMember'
  | 'getConversationPagedMembers'
  | 'unknown';

/** One request to the stand-in, as it arrived, and the status it was answered with. */
export interface ConnectorCall {
  kind: ConnectorCallKind;
  method: string;
  /** The path as sent (still URL-encoded), without the base path and the query. */
  path: string;
  query: Record<string, string>;
  /** Decoded from the path. */
  conversationId?: string;
  activityId?: string;
  memberId?: string;
  /** The JSON body, parsed; undefined when there was none. */
  body: unknown;
  authorization?: string;
  status: number;
  /** The JSON body it was answered with (a new activity's id, a conversation); undefined when none. */
  answer?: unknown;
}

/** A member the stand-in lists for a conversation, as Teams describes one (TeamsChannelAccount). */
export interface StandInMember {
  id: string;
  name?: string;
  aadObjectId?: string;
  userPrincipalName?: string;
  email?: string;
  givenName?: string;
  surname?: string;
  tenantId?: string;
  userRole?: string;
}

/** What the service answers for a conversation the bot can no longer reach. */
export const CONNECTOR_FAILURES = {
  /** The bot was removed from the team or chat, or the app uninstalled. */
  BotNotInConversationRoster: { status: 403, message: 'The bot is not part of the conversation roster.' },
  /** The tenant admin blocked the app for this user. */
  BotDisabledByAdmin: { status: 403, message: 'The tenant admin disabled this bot' },
  /** The channel or chat was deleted, or the id is not one the service knows. */
  ConversationNotFound: { status: 404, message: 'Conversation not found.' },
} as const;
export type ConnectorFailure = keyof typeof CONNECTOR_FAILURES;

export interface ConnectorStandInOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The path the service URL ends with, as Teams' do (`https://smba.trafficmanager.net/teams/`). */
  basePath?: string;
  /** Added before every answer. */
  latencyMs?: number;
  /** Keep every call in `calls` (false for load: only counts are kept, and `onCall` still sees each). */
  recordCalls?: boolean;
  onCall?: (call: ConnectorCall) => void;
}

interface Route {
  method: string;
  pattern: RegExp;
  kind: Exclude<ConnectorCallKind, 'unknown'>;
  /** Names of the pattern's groups, in order. */
  ids: ReadonlyArray<'conversationId' | 'activityId' | 'memberId'>;
}

// The paths and methods ConnectorClient uses (botframework-connector 4.23, connectorApi/operations/conversations.js).
const SEGMENT = '([^/]+)';
const ROUTES: readonly Route[] = [
  { method: 'POST', pattern: /^v3\/conversations$/, kind: 'createConversation', ids: [] },
  { method: 'POST', pattern: new RegExp(`^v3/conversations/${SEGMENT}/activities$`), kind: 'sendToConversation', ids: ['conversationId'] },
  // `activities/history` is sendConversationHistory, which Teams does not support: left to the 404.
  { method: 'POST', pattern: new RegExp(`^v3/conversations/${SEGMENT}/activities/(?!history$)${SEGMENT}$`), kind: 'replyToActivity', ids: ['conversationId', 'activityId'] },
  { method: 'PUT', pattern: new RegExp(`^v3/conversations/${SEGMENT}/activities/${SEGMENT}$`), kind: 'updateActivity', ids: ['conversationId', 'activityId'] },
  { method: 'DELETE', pattern: new RegExp(`^v3/conversations/${SEGMENT}/activities/${SEGMENT}$`), kind: 'deleteActivity', ids: ['conversationId', 'activityId'] },
  { method: 'GET', pattern: new RegExp(`^v3/conversations/${SEGMENT}/members$`), kind: 'getConversationMembers', ids: ['conversationId'] },
  { method: 'GET', pattern: new RegExp(`^v3/conversations/${SEGMENT}/members/${SEGMENT}$`), kind: 'getConversationMember', ids: ['conversationId', 'memberId'] },
  { method: 'GET', pattern: new RegExp(`^v3/conversations/${SEGMENT}/pagedmembers$`), kind: 'getConversationPagedMembers', ids: ['conversationId'] },
];

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;
const WAIT_TIMEOUT_MS = 5_000;

interface Answer {
  status: number;
  body?: unknown;
}

interface Waiter {
  kind: ConnectorCallKind;
  count: number;
  resolve: (calls: ConnectorCall[]) => void;
}

const errorBody = (code: string, message: string) => ({ error: { code, message } });

/**
 * A Bot Connector service on 127.0.0.1 for tests and the load bench: answers the REST calls a
 * botbuilder 4.23 bot makes (send, reply, update, delete, create conversation, members) with the
 * status codes and body shapes of the service, and records them. Set it as an activity's
 * `serviceUrl` and the bot's replies come here.
 */
export class ConnectorStandIn {
  /** Every call, in the order they arrived (empty unless recordCalls). */
  readonly calls: ConnectorCall[] = [];
  private readonly counts = new Map<ConnectorCallKind, number>();
  private readonly failures = new Map<string, ConnectorFailure>();
  private readonly members = new Map<string, StandInMember[]>();
  private readonly waiters = new Set<Waiter>();
  private readonly pendingAnswers = new Set<NodeJS.Timeout>();
  private readonly server: Server;
  private readonly host: string;
  private readonly port: number;
  private readonly basePath: string;
  private readonly latencyMs: number;
  private readonly recordCalls: boolean;
  private readonly onCall: ((call: ConnectorCall) => void) | undefined;
  private nextActivityId: number;
  private baseUrl: string | undefined;

  constructor({ host = '127.0.0.1', port = 0, basePath = '/', latencyMs = 0, recordCalls = true, onCall }: ConnectorStandInOptions = {}) {
    this.host = host;
    this.port = port;
    this.basePath = `/${basePath.replace(/^\/+|\/+$/g, '')}/`.replace('//', '/');
    this.latencyMs = latencyMs;
    this.recordCalls = recordCalls;
    this.onCall = onCall;
    // Teams' message ids are millisecond timestamps.
    this.nextActivityId = Date.now();
    this.server = createServer((req, res) => this.handle(req, res));
  }

  /** Listens; resolves with the service URL to put in activities (ends with '/', as Teams' do). */
  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://${this.host}:${port}${this.basePath}`;
    return this.baseUrl;
  }

  get url(): string {
    if (!this.baseUrl) throw new Error('the connector stand-in has not been started');
    return this.baseUrl;
  }

  /** Stops listening and closes every connection, keep-alive ones included. */
  async close(): Promise<void> {
    for (const timer of this.pendingAnswers) clearTimeout(timer);
    this.pendingAnswers.clear();
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** How many calls of this kind arrived (of any kind when none is given). */
  count(kind?: ConnectorCallKind): number {
    if (kind) return this.counts.get(kind) ?? 0;
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }

  callsOf(kind: ConnectorCallKind): ConnectorCall[] {
    return this.calls.filter((call) => call.kind === kind);
  }

  /** Resolves with the recorded calls of this kind once `count` have arrived; rejects after timeoutMs. */
  waitFor(kind: ConnectorCallKind, count = 1, { timeoutMs = WAIT_TIMEOUT_MS } = {}): Promise<ConnectorCall[]> {
    if (this.count(kind) >= count) return Promise.resolve(this.callsOf(kind));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        kind,
        count,
        resolve: (calls) => {
          clearTimeout(timer);
          resolve(calls);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = [...this.counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'no calls';
        reject(new Error(`the connector stand-in got ${this.count(kind)} of ${count} ${kind} calls within ${timeoutMs} ms (${seen})`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** From now on, every call about this conversation fails as the service fails it; undefined restores it. */
  failConversation(conversationId: string, failure: ConnectorFailure | undefined): void {
    if (failure) this.failures.set(conversationId, failure);
    else this.failures.delete(conversationId);
  }

  /** Members the stand-in lists for a conversation. */
  addMembers(conversationId: string, ...members: StandInMember[]): void {
    this.members.set(conversationId, [...(this.members.get(conversationId) ?? []), ...members]);
  }

  /** Forgets the calls and counts so far; failures and members stay. */
  reset(): void {
    this.calls.length = 0;
    this.counts.clear();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    // A caller that goes away mid-request gets no answer.
    req.on('error', () => res.destroy());
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const call = this.callFor(req, Buffer.concat(chunks).toString('utf8'));
      const answer = this.answer(call);
      call.status = answer.status;
      if (answer.body !== undefined) call.answer = answer.body;
      this.record(call);
      if (this.latencyMs > 0) {
        const timer = setTimeout(() => {
          this.pendingAnswers.delete(timer);
          send(res, answer);
        }, this.latencyMs);
        this.pendingAnswers.add(timer);
      } else send(res, answer);
    });
  }

  private callFor(req: IncomingMessage, text: string): ConnectorCall & { malformed?: boolean } {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = req.method ?? 'GET';
    const inService = url.pathname.startsWith(this.basePath);
    const path = inService ? url.pathname.slice(this.basePath.length) : url.pathname;
    const authorization = req.headers.authorization;
    const call: ConnectorCall & { malformed?: boolean } = {
      kind: 'unknown',
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      ...(authorization !== undefined ? { authorization } : {}),
      status: 0,
    };
    if (text !== '') {
      try {
        call.body = JSON.parse(text);
      } catch {
        call.malformed = true;
      }
    }
    const route = inService ? ROUTES.find((r) => r.method === method && r.pattern.test(path)) : undefined;
    const ids = route?.pattern.exec(path)?.slice(1).map(decoded) ?? [];
    // An id that does not decode (a stray '%') names nothing: the call is left unknown.
    if (route && ids.every((id) => id !== undefined)) {
      call.kind = route.kind;
      route.ids.forEach((name, i) => {
        call[name] = ids[i];
      });
    }
    return call;
  }

  private answer(call: ConnectorCall & { malformed?: boolean }): Answer {
    if (call.kind === 'unknown') {
      return { status: 404, body: errorBody('NotFound', `${call.method} ${call.path} is not an operation of the Bot Connector service.`) };
    }
    if (call.malformed) return { status: 400, body: errorBody('BadArgument', 'The request body is not valid JSON.') };
    const body = (call.body ?? {}) as Record<string, unknown>;
    const failure = this.failureFor(call.kind === 'createConversation' ? channelOf(body) : call.conversationId);
    if (failure) return failure;
    const conversationId = call.conversationId as string;
    switch (call.kind) {
      case 'createConversation':
        return this.createConversation(body);
      case 'sendToConversation':
      case 'replyToActivity':
        if (typeof body['type'] !== 'string') return { status: 400, body: errorBody('BadArgument', 'Activity type is required.') };
        return { status: 201, body: { id: this.newActivityId() } };
      case 'updateActivity':
        return { status: 200, body: { id: call.activityId } };
      case 'deleteActivity':
        return { status: 200 };
      case 'getConversationMembers':
        return { status: 200, body: this.members.get(conversationId) ?? [] };
      case 'getConversationMember': {
        const member = this.members.get(conversationId)?.find((m) => m.id === call.memberId);
        return member ? { status: 200, body: member } : { status: 404, body: errorBody('MemberNotFoundInConversation', 'The member could not be found in the conversation.') };
      }
      case 'getConversationPagedMembers':
        return { status: 200, body: this.page(conversationId, call.query) };
    }
  }

  private failureFor(conversationId: string | undefined): Answer | undefined {
    const failure = conversationId === undefined ? undefined : this.failures.get(conversationId);
    if (!failure) return undefined;
    const { status, message } = CONNECTOR_FAILURES[failure];
    return { status, body: errorBody(failure, message) };
  }

  /** A thread in a channel (channelData.channel.id) or a one-to-one chat (one member), as Teams creates them. */
  private createConversation(body: Record<string, unknown>): Answer {
    const channelId = channelOf(body);
    const activity = body['activity'] as Record<string, unknown> | undefined;
    const activityId = activity ? this.newActivityId() : undefined;
    let id: string;
    if (channelId) id = activityId ? `${channelId};messageid=${activityId}` : channelId;
    else if (Array.isArray(body['members']) && body['members'].length === 1) id = `a:${randomUUID().replaceAll('-', '')}`;
    else return { status: 400, body: errorBody('BadSyntax', 'Incorrect conversation creation parameters') };
    return { status: 201, body: { id, ...(activityId ? { activityId } : {}), serviceUrl: this.url } };
  }

  private page(conversationId: string, query: Record<string, string>): { members: StandInMember[]; continuationToken?: string } {
    const all = this.members.get(conversationId) ?? [];
    const size = Math.min(MAX_PAGE_SIZE, Math.max(1, Number(query['pageSize']) || DEFAULT_PAGE_SIZE));
    const from = Number(query['continuationToken'] ?? 0) || 0;
    const members = all.slice(from, from + size);
    return from + size < all.length ? { members, continuationToken: String(from + size) } : { members };
  }

  private newActivityId(): string {
    return String(this.nextActivityId++);
  }

  private record(call: ConnectorCall & { malformed?: boolean }): void {
    delete call.malformed;
    this.counts.set(call.kind, (this.counts.get(call.kind) ?? 0) + 1);
    if (this.recordCalls) this.calls.push(call);
    this.onCall?.(call);
    for (const waiter of this.waiters) {
      if (waiter.kind === call.kind && this.count(call.kind) >= waiter.count) {
        this.waiters.delete(waiter);
        waiter.resolve(this.callsOf(call.kind));
      }
    }
  }
}

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function channelOf(body: Record<string, unknown>): string | undefined {
  const channel = (body['channelData'] as { channel?: { id?: unknown } } | undefined)?.channel?.id;
  return typeof channel === 'string' && channel !== '' ? channel : undefined;
}

// Not chained: restify, once loaded, replaces ServerResponse.prototype.writeHead with one that returns nothing.
function send(res: ServerResponse, { status, body }: Answer): void {
  if (res.destroyed) return;
  if (body === undefined) {
    res.writeHead(status, { 'content-length': 0 });
    res.end();
    return;
  }
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': data.length });
  res.end(data);
}
