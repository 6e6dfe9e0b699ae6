import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import packageJson from '../../package.json';
import { repoRoot } from '../helpers/fixtures';

type Scope = 'all' | 'bot';
// Plain JavaScript on purpose (it runs before anything is compiled), so it is required, not imported.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ensureBuilt = require(join(repoRoot(), 'scripts', 'ensureBuilt.js')) as { isStale(root: string, scope: Scope): boolean; STAMP: string };

describe('building once: scripts/ensureBuilt.js', () => {
  let root = '';
  const T0 = new Date('2025-01-01T00:00:00Z');
  const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
  const file = (path: string, time: Date, text = '') => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
    utimesSync(join(root, path), time, time);
  };
  const stamp = (stamps: Partial<Record<Scope, Date>>) =>
    file(ensureBuilt.STAMP, at(100), JSON.stringify(Object.fromEntries(Object.entries(stamps).map(([k, v]) => [k, v.getTime()]))));
  /** Sets the folders' times too, as if the files had been there all along. */
  const settle = (time: Date) => {
    for (const dir of ['src', 'src/cli', 'test', 'bench', 'scripts']) utimesSync(join(root, dir), time, time);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ensure-built-'));
    file('package.json', at(0), '{}');
    file('tsconfig.json', at(0), '{}');
    file('src/index.ts', at(0));
    file('src/cli/runCli.ts', at(0));
    file('test/a.test.ts', at(0));
    file('bench/b.ts', at(0));
    file('scripts/c.ts', at(0));
    file('dist/src/index.js', at(10));
    settle(at(0));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('builds when there has been no build', () => {
    rmSync(join(root, 'dist'), { recursive: true });
    assert.equal(ensureBuilt.isStale(root, 'bot'), true);
  });

  it('does not build again when nothing changed since the last successful build', () => {
    stamp({ all: at(5), bot: at(5) });
    assert.equal(ensureBuilt.isStale(root, 'bot'), false);
    assert.equal(ensureBuilt.isStale(root, 'all'), false);
  });

  it('builds again when a source, a data file or the installed packages changed', () => {
    stamp({ all: at(5), bot: at(5) });
    file('src/cli/runCli.ts', at(20));
    assert.equal(ensureBuilt.isStale(root, 'bot'), true);
    file('src/cli/runCli.ts', at(0));
    file('src/knowledge/data/messages.json', at(20));
    assert.equal(ensureBuilt.isStale(root, 'bot'), true, 'a new data file');
    rmSync(join(root, 'src/knowledge'), { recursive: true });
    settle(at(0));
    file('node_modules/.package-lock.json', at(20));
    assert.equal(ensureBuilt.isStale(root, 'bot'), true, 'npm install ran');
  });

  it('builds again when a file was deleted (its folder changed)', () => {
    stamp({ all: at(5), bot: at(5) });
    rmSync(join(root, 'src/cli/runCli.ts'));
    utimesSync(join(root, 'src/cli'), at(20), at(20));
    assert.equal(ensureBuilt.isStale(root, 'bot'), true);
  });

  it('a change to the tests needs the whole build, not the bot one', () => {
    stamp({ all: at(5), bot: at(5) });
    file('test/a.test.ts', at(20));
    assert.equal(ensureBuilt.isStale(root, 'bot'), false);
    assert.equal(ensureBuilt.isStale(root, 'all'), true);
  });

  it('a build of the bot alone does not stand for the whole build', () => {
    stamp({ bot: at(5) });
    assert.equal(ensureBuilt.isStale(root, 'bot'), false);
    assert.equal(ensureBuilt.isStale(root, 'all'), true);
  });

  it('the build npm test just ran is up to date: --check exits 0 for both scopes', () => {
    for (const args of [['--check'], ['--check', '--bot']]) {
      const result = spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'ensureBuilt.js'), ...args], { encoding: 'utf8' });
      assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
    }
  });

  it('npm start and the other scripts build through the check, never with tsc or npm run build directly', () => {
    const scripts = packageJson.scripts as Record<string, string>;
    for (const name of ['start', 'test', 'bench', 'bench:load', 'package', 'icons', 'cards:preview']) {
      const script = scripts[name] ?? '';
      assert.match(script, /^node scripts\/ensureBuilt\.js( --bot)? && /, `${name}: ${script}`);
      assert.ok(!/\btsc\b|npm run build/.test(script), `${name}: ${script}`);
    }
    assert.match(scripts.start ?? '', /^node scripts\/ensureBuilt\.js --bot && node .* dist\/src\/index\.js$/);
  });
});
