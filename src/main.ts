import type { Server } from 'restify';
import type { Config } from './config';
import { createAdapter } from './createAdapter';
import { createBot } from './createBot';
import { createLogger, type Logger } from './logger';
import { Metrics } from './metrics';
import { createServer } from './server';
import { createStorage } from './storage/createStorage';
import packageJson from '../package.json';

export interface StartedBot {
  server: Server;
  url: string;
  stop(): Promise<void>;
}

/** Starts the bot from a parsed configuration; returns a handle that shuts it down gracefully. */
export async function startBot(config: Readonly<Config>, logger: Logger = createLogger({ level: config.logLevel })): Promise<StartedBot> {
  if (config.settingsFile) logger.info('settings read from the Agents Toolkit file under the environment', { file: config.settingsFile });
  const metrics = new Metrics();
  const storage = await createStorage(config.storage, { onFeedbackEvicted: () => metrics.feedbackEvicted() });
  const { bot, privateState, matcher } = createBot({ storage, logger, config, metrics });
  const adapter = createAdapter(config, logger, privateState);
  const { server, inFlight } = createServer({
    adapter,
    bot,
    logger,
    metrics,
    maxBodyBytes: config.maxBodyBytes,
    version: packageJson.version,
    failureModeIds: matcher.modes.map((m) => m.id),
    packs: matcher.packs.map((p) => ({ id: p.id, failureModes: matcher.modes.filter((m) => m.pack === p.id).length })),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
  logger.info(config.localMode ? 'listening in local mode: no app id, unauthenticated requests accepted (Bot Framework Emulator, expectReplies)' : 'listening with Bot Framework authentication', {
    url,
    storage: config.storage.kind,
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      let closed = false;
      server.close(() => {
        closed = true;
      });
      // Logged once the listener is closed: from this line on, a new connection is refused.
      logger.info('shutting down: no new requests, finishing the ones in flight');
      const deadline = Date.now() + config.shutdownGraceMs;
      // Keep-alive connections that are or fall idle are closed as they do: no new request arrives on them, and close() can finish early.
      while (!closed && Date.now() < deadline) {
        server.server.closeIdleConnections();
        await new Promise((r) => setTimeout(r, 20));
      }
      server.server.closeAllConnections();
      logger.info('stopped', { unfinished: inFlight() });
    })();
    return stopping;
  };
  return { server, url, stop };
}
