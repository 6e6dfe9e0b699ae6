#!/usr/bin/env node
/*
 * Compiles the TypeScript only when a source changed since the last successful build, so `npm start`
 * starts the built bot in seconds. Plain JavaScript: it runs before anything is compiled.
 *
 *   node scripts/ensureBuilt.js            the whole project (tsconfig.json), if changed
 *   node scripts/ensureBuilt.js --bot      only what the bot needs (tsconfig.bot.json), if changed
 *   node scripts/ensureBuilt.js --force    the whole project, always
 *   node scripts/ensureBuilt.js --check    exits 1 when a build is due, builds nothing
 *
 * A build is due when a file or folder under the scope's source folders, a tsconfig, package.json or
 * the installed packages (node_modules/.package-lock.json) is newer than the scope's last successful
 * build, recorded in dist/.build-stamp.json only when tsc succeeded.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const SCOPES = {
  all: { project: 'tsconfig.json', folders: ['src', 'test', 'bench', 'scripts'], covers: ['all', 'bot'] },
  bot: { project: 'tsconfig.bot.json', folders: ['src'], covers: ['bot'] },
};
const FILES = ['package.json', 'tsconfig.json', 'tsconfig.bot.json', join('node_modules', '.package-lock.json')];
const STAMP = join('dist', '.build-stamp.json');

/** The newest modification time (ms) of the scope's inputs, folders included (a deleted file changes its folder). */
function newestInput(root, scope) {
  let newest = 0;
  const visit = (path) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return; // an optional input (tsconfig.bot.json, node_modules/.package-lock.json) that is not there
    }
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  for (const folder of SCOPES[scope].folders) visit(join(root, folder));
  for (const file of FILES) visit(join(root, file));
  return newest;
}

function readStamp(root) {
  try {
    return JSON.parse(readFileSync(join(root, STAMP), 'utf8'));
  } catch {
    return {};
  }
}

/** True when the scope has no successful build newer than its inputs. */
function isStale(root, scope) {
  const builtAt = readStamp(root)[scope];
  return typeof builtAt !== 'number' || !existsSync(join(root, 'dist', 'src', 'index.js')) || newestInput(root, scope) >= builtAt;
}

/** Runs tsc for the scope; on success records the time the build started for every scope it covers. */
function build(root, scope) {
  const startedAt = Date.now();
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    process.stderr.write('cannot build: TypeScript is not installed (run npm install; a deployment without dev dependencies starts node dist/src/index.js)\n');
    return 1;
  }
  const result = spawnSync(process.execPath, [tsc, '-p', SCOPES[scope].project], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) return result.status ?? 1;
  chmodSync(join(root, 'dist', 'src', 'cli.js'), 0o755);
  const stamp = readStamp(root);
  for (const covered of SCOPES[scope].covers) stamp[covered] = startedAt;
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, STAMP), `${JSON.stringify(stamp)}\n`);
  return 0;
}

function main(argv) {
  const root = join(__dirname, '..');
  const scope = argv.includes('--bot') ? 'bot' : 'all';
  if (argv.includes('--check')) return isStale(root, scope) ? 1 : 0;
  const force = argv.includes('--force');
  if (!force && !isStale(root, scope)) return 0;
  const why = force ? '' : readStamp(root)[scope] === undefined ? ': no build yet' : ': sources changed since the last build';
  process.stderr.write(`building with tsc -p ${SCOPES[scope].project}${why}\n`);
  return build(root, scope);
}

module.exports = { isStale, newestInput, STAMP };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
