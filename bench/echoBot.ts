import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import restify, { type Request, type Response, type Server } from 'restify';

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
 * Local mode, like the bot without an app id: unauthenticated callers are accepted; expectReplies
 * callers get the echo in the response, others have it POSTed to their activity's serviceUrl.
 * Each request goes to CloudAdapter.process, as botbuilder's samples do.
 */
export async function startEchoBot({ port = 0, host = '127.0.0.1', maxBodyBytes = 256 * 1024 } = {}): Promise<EchoServer> {
  const credentials = new ConfigurationServiceClientCredentialFactory({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' });
  const auth = new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' }, credentials);
  const bot = new EchoBot();
  const server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: maxBodyBytes, mapParams: false, requestBodyOnGet: false }));
  server.get('/healthz', async (_req: Request, res: Response) => {
    res.json(200, { status: 'ok' });
  });
  const adapter = new CloudAdapter(auth);
  server.post('/api/messages', async (req: Request, res: Response) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
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

// `node dist/bench/echoBot.js <port>`: the echo bot in its own process, as the load bench runs it.
if (require.main === module) {
  const port = Number(process.argv[2] ?? 0);
  startEchoBot({ port }).then(
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
