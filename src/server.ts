import { StatusCodes, type InvokeResponse } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import restify, { type Request, type Response, type Server } from 'restify';
import { z } from 'zod';
import type { ConnectorDoctorBot } from './bot/ConnectorDoctorBot';
import { REQUEST_ID_KEY } from './bot/Turn';
import { AuthenticationUnavailableError, toActivity, type BotAdapter } from './createAdapter';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

const Account = z.object({ id: z.string().min(1).max(512) });
const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The least an activity must have before the adapter sees it: what botbuilder and the bot read
 * without checking. Only checked (the adapter reads the body itself), so unknown keys are not copied.
 */
const IncomingActivity = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().max(512).optional(),
    name: z.string().max(256).optional(),
    channelId: z.string().min(1).max(128),
    serviceUrl: z.string().max(2048).optional(),
    locale: z.string().max(64).optional(),
    text: z.string().max(1024 * 1024).optional(),
    from: Account,
    recipient: Account.optional(),
    conversation: z.object({ id: z.string().min(1).max(1024), tenantId: z.string().max(256).optional() }),
    entities: z.array(z.object({ type: z.string().max(64) })).max(64).optional(),
    attachments: z.array(z.object({ contentType: z.string().max(256) })).max(32).optional(),
    membersAdded: z.array(Account).max(256).optional(),
    membersRemoved: z.array(Account).max(256).optional(),
    channelData: z.object({ tenant: z.object({ id: z.string().max(256).optional() }).optional() }).optional(),
    value: z.unknown(),
  })
  // TeamsActivityHandler reads these without checking.
  .refine((a) => !(a.channelId === 'msteams' && (a.type === 'messageUpdate' || a.type === 'messageDelete') && a.channelData === undefined), { path: ['channelData'] })
  .refine((a) => !(a.type === 'invoke' && a.name?.startsWith('composeExtension/') && !isObject(a.value)), { path: ['value'] })
  .refine((a) => !(a.type === 'invoke' && a.name === 'adaptiveCard/action' && !isObject((a.value as { action?: unknown } | undefined)?.action)), { path: ['value', 'action'] });

/** The adapter's answer as CloudAdapter.process writes it: its status (200 if none), and its body if it has one. */
export function sendAdapterReply(res: Response, reply: InvokeResponse | undefined): void {
  const status = reply?.status ?? StatusCodes.OK;
  if (reply?.body) res.send(status, reply.body);
  else res.send(status);
}

export interface ServerDeps {
  adapter: BotAdapter;
  bot: ConnectorDoctorBot;
  logger: Logger;
  metrics: Metrics;
  maxBodyBytes: number;
  version: string;
  failureModeIds: readonly string[];
  /** Each pack and how many failure modes it has, for /healthz. */
  packs: ReadonlyArray<{ id: string; failureModes: number }>;
}

export interface RunningServer {
  server: Server;
  /** Requests being handled right now. */
  inFlight(): number;
}

/** restify wiring only: routes, body limits, and the shape check in front of the adapter. */
export function createServer({ adapter, bot, logger, metrics, maxBodyBytes, version, failureModeIds, packs }: ServerDeps): RunningServer {
  const server = restify.createServer({
    name: 'connector-doctor',
    handleUncaughtExceptions: false,
  });
  let active = 0;
  // Bodies are plain JSON: no compressed bodies (a gzip bomb inflates past any size limit) and no
  // multipart or form parsing (which writes uploads to disk).
  server.pre((req: Request, res: Response, next: restify.Next) => {
    const encoding = req.headers['content-encoding'];
    if (encoding && encoding.toLowerCase() !== 'identity') {
      metrics.rejectedRequest('415');
      res.json(415, { error: 'Compressed request bodies are not accepted.' });
      return next(false);
    }
    return next();
  });
  // restify's jsonBodyParser passes its options to its body reader, which enforces maxBodySize (413).
  const bodyOptions: restify.plugins.JsonBodyParserOptions & { maxBodySize: number; requestBodyOnGet: boolean } = {
    mapParams: false,
    maxBodySize: maxBodyBytes,
    requestBodyOnGet: false,
  };
  server.use(restify.plugins.jsonBodyParser(bodyOptions));

  server.on('restifyError', (req: Request, _res: Response, err: Error & { statusCode?: number }, callback: () => void) => {
    metrics.rejectedRequest(String(err.statusCode ?? 500));
    logger.info('request rejected', { path: req.path(), status: err.statusCode, reason: err.name });
    callback();
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.json(200, { status: 'ok', version, failureModes: failureModeIds.length, packs });
  });

  server.get('/metrics', async (_req: Request, res: Response) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.sendRaw(200, metrics.render(failureModeIds));
  });

  server.post('/api/messages', async (req: Request, res: Response) => {
    const parsed = IncomingActivity.safeParse(req.body);
    if (!parsed.success) {
      metrics.rejectedRequest('400');
      res.json(400, { error: 'The request body is not a Bot Framework activity.' });
      return;
    }
    active++;
    try {
      const authHeader = req.headers.authorization ?? '';
      const reply = await adapter.processCheckedActivity(authHeader, toActivity(req.body as Record<string, unknown>), (context) => {
        context.turnState.set(REQUEST_ID_KEY, req.id());
        return bot.run(context);
      });
      sendAdapterReply(res, reply);
    } catch (err) {
      if (err instanceof AuthenticationError && err.statusCode === StatusCodes.UNAUTHORIZED) {
        metrics.rejectedRequest('401');
        logger.info('request rejected', { path: req.path(), status: 401, reason: 'authentication' });
        if (!res.headersSent) res.json(401, { error: 'The request is not authorized.' });
      } else if (err instanceof AuthenticationUnavailableError) {
        metrics.rejectedRequest('500');
        logger.error('request not authenticated: authentication could not run', { path: req.path(), status: 500, err });
        if (!res.headersSent) res.json(500, { error: 'internal error' });
      } else {
        logger.error('adapter failed', { err });
        if (!res.headersSent) res.json(500, { error: 'internal error' });
      }
    } finally {
      active--;
    }
  });

  return { server, inFlight: () => active };
}
