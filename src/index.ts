import { ConfigError, loadProcessConfig } from './config';
import { createLogger } from './logger';
import { startBot } from './main';

const fail = (err: unknown) => {
  process.stderr.write(`connector-doctor: ${err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
};

try {
  const config = loadProcessConfig();
  const logger = createLogger({ level: config.logLevel });
  startBot(config, logger).then((bot) => {
    const shutdown = () => void bot.stop().then(() => process.exit(0), fail);
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  }, fail);
} catch (err) {
  fail(err);
}
