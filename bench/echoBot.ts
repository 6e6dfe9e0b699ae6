import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import restify, { type Request, type Response, type Server } from 'restify';
import { BotAdapter, toActivity } from '../src/createAdapter';
import { sendAdapterReply } from '../src/server';

/** The baseline for the load bench: the same botbuilder CloudAdapter and restify stack, and a bot that only echoes. */
class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
      await next();
    });
  }
}

export interface EchoServer {
  server: Server;
  url: string;
  stop(): Promise<void>;
}

/**
 * Local mode, like the bot without an app id: unauthenticated expectReplies callers are answered in the response.
 * The echo bot hands each request to CloudAdapter.process, as botbuilder's samples do. With `direct` it
 * takes the bot's own path instead: the body straight to processActivity (see BotAdapter), which
 * shows how much of the bot's throughput comes from that path rather than from its own code.
 */
export async function startEchoBot({ port = 0, host = '127.0.0.1', maxBodyBytes = 256 * 1024, direct = false } = {}): Promise<EchoServer> {
  const credentials = new ConfigurationServiceClientCredentialFactory({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' });
  const auth = new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' }, credentials);
  const bot = new EchoBot();
  const server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: maxBodyBytes, mapParams: false, requestBodyOnGet: false }));
  server.get('/healthz', async (_req: Request, res: Response) => {
    res.json(200, { status: 'ok' });
  });
  if (direct) {
    const adapter = new BotAdapter(auth);
    server.post('/api/messages', async (req: Request, res: Response) => {
      sendAdapterReply(res, await adapter.processCheckedActivity(req.headers.authorization ?? '', toActivity(req.body as Record<string, unknown>), (context) => bot.run(context)));
    });
  } else {
    const adapter = new CloudAdapter(auth);
    server.post('/api/messages', async (req: Request, res: Response) => {
      await adapter.process(req, res, (context) => bot.run(context));
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    url: `http://${host}:${server.address().port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// `node dist/bench/echoBot.js <port> [--direct]`: the echo bot in its own process, as the load bench runs it.
if (require.main === module) {
  const port = Number(process.argv[2] ?? 0);
  startEchoBot({ port, direct: process.argv.includes('--direct') }).then(
    (echo) => {
      process.stdout.write(`echo bot listening on ${echo.url}\n`);
      process.once('SIGTERM', () => void echo.stop().then(() => process.exit(0)));
    },
    (err: unknown) => {
      process.stderr.write(`echo bot: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
