#!/usr/bin/env node
import { runCli } from './cli/runCli';

// A reader that stops early (| head) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  envLocale: process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`connector-doctor: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
