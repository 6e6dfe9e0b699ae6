import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import { crc32 } from '../../scripts/crc32';
import { ACCENT, drawColorIcon, drawOutlineIcon, hexToRgb } from '../../scripts/makeIcons';
import { buildAppPackage, fillPlaceholders, PackageError, parseDotenv, parsePackageEnv, writeZip } from '../../scripts/packageApp';

/** Compiled to dist/test/appPackage; run from source it is test/appPackage. */
const root = join(__dirname, __dirname.includes(join('dist', 'test')) ? '../../..' : '../..');
const appPackageDir = join(root, 'appPackage');

const SAMPLE_ENV = {
  TEAMS_APP_ID: '8f6a3b1e-2c4d-4e5f-9a7b-0c1d2e3f4a5b',
  BOT_ID: 'c0ffee00-1234-4abc-8def-0123456789ab',
  BOT_DOMAIN: 'abc123-3978.usw2.devtunnels.ms',
  DEVELOPER_WEBSITE_URL: 'https://it.contoso.com/connector-doctor',
  DEVELOPER_PRIVACY_URL: 'https://it.contoso.com/connector-doctor/privacy',
  DEVELOPER_TERMS_URL: 'https://it.contoso.com/connector-doctor/terms',
  APP_NAME_SUFFIX: '-test',
};

function readTemplate(): string {
  return readFileSync(join(appPackageDir, 'manifest.json'), 'utf8');
}

function readIcons(): Record<string, Buffer> {
  return { 'color.png': readFileSync(join(appPackageDir, 'color.png')), 'outline.png': readFileSync(join(appPackageDir, 'outline.png')) };
}

function without(env: Record<string, string>, name: string): Record<string, string> {
  const copy = { ...env };
  delete copy[name];
  return copy;
}

function build(env: Record<string, string | undefined> = SAMPLE_ENV) {
  return buildAppPackage(env, { manifestTemplate: readTemplate(), files: readIcons() });
}

/** The official schema for exactly this manifest version, as shipped by @microsoft/app-manifest. */
function schemaFor(manifestVersion: string): Record<string, unknown> {
  const pkg = dirname(require.resolve('@microsoft/app-manifest/package.json'));
  return JSON.parse(readFileSync(join(pkg, 'build', 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json'), 'utf8'));
}

/** Returns the schema errors, formatted one per line; empty when valid. */
function validateManifest(manifest: { manifestVersion: string; [key: string]: unknown }): string[] {
  const schema = schemaFor(manifest.manifestVersion);
  assert.equal(schema.$schema, 'http://json-schema.org/draft-04/schema#', 'the Teams schemas are draft-04; pick the matching Ajv class if that changes');
  // strict: false because the official schema has keywords Ajv's strict mode rejects (additionalProperties without type).
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return validate(manifest) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** RGBA bytes, unfiltered; only filled for 8-bit RGBA images. */
  pixels: Uint8Array;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Reads IHDR and, for 8-bit RGBA, inflates IDAT and undoes the row filters. */
function readPng(buf: Buffer): Png {
  assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(buf.toString('latin1', 12, 16), 'IHDR', 'IHDR comes first');
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const bitDepth = buf.readUInt8(24);
  const colorType = buf.readUInt8(25);
  const idat: Buffer[] = [];
  for (let at = 8; at < buf.length; ) {
    const length = buf.readUInt32BE(at);
    if (buf.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(buf.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const pixels = new Uint8Array(width * height * 4);
  if (bitDepth === 8 && colorType === 6) {
    const raw = inflateSync(Buffer.concat(idat));
    const stride = width * 4;
    for (let y = 0; y < height; y++) {
      const filter = raw[y * (stride + 1)] as number;
      for (let x = 0; x < stride; x++) {
        const byte = raw[y * (stride + 1) + 1 + x] as number;
        const a = x >= 4 ? (pixels[y * stride + x - 4] as number) : 0;
        const b = y > 0 ? (pixels[(y - 1) * stride + x] as number) : 0;
        const c = x >= 4 && y > 0 ? (pixels[(y - 1) * stride + x - 4] as number) : 0;
        const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
        assert.notEqual(predictor, undefined, `unknown PNG filter ${filter} in row ${y}`);
        pixels[y * stride + x] = (byte + (predictor as number)) & 0xff;
      }
    }
  }
  return { width, height, bitDepth, colorType, pixels };
}

interface ZipRead {
  /** 0 stored, 8 deflated. */
  method: number;
  data: Buffer;
}

/** Lists a ZIP archive through its central directory and inflates each entry. */
function readZipEntries(buf: Buffer): Map<string, ZipRead> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'end of central directory record');
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const files = new Map<string, ZipRead>();
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50, 'central directory header');
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const skip = nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    assert.equal(buf.readUInt32LE(local), 0x04034b50, `local header of ${name}`);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const body = buf.subarray(dataAt, dataAt + size);
    assert.ok(method === 0 || method === 8, `${name}: stored or deflated`);
    const data = method === 8 ? inflateRawSync(body) : Buffer.from(body);
    assert.equal(buf.readUInt32LE(at + 16), crc32(data), `${name}: CRC-32`);
    assert.equal(buf.readUInt32LE(at + 24), data.length, `${name}: uncompressed size`);
    files.set(name, { method, data });
    at += 46 + skip;
  }
  return files;
}

function readZip(buf: Buffer): Map<string, Buffer> {
  return new Map([...readZipEntries(buf)].map(([name, entry]) => [name, entry.data]));
}

const Command = z.object({ title: z.string(), description: z.string() });
const Template = z.object({
  bots: z.array(z.object({ scopes: z.array(z.string()), commandLists: z.array(z.object({ scopes: z.array(z.string()), commands: z.array(Command) })) })),
  composeExtensions: z.array(
    z.object({
      commands: z.array(
        z.object({
          id: z.string(),
          type: z.string(),
          title: z.string(),
          context: z.array(z.string()),
          fetchTask: z.boolean().optional(),
          parameters: z.array(z.object({ name: z.string() })),
        }),
      ),
    }),
  ),
});

describe('Teams app package', () => {
  describe('the manifest template', () => {
    const template = Template.safeParse(JSON.parse(readTemplate()));

    it('offers help, troubleshoot and list in each of personal, team and group chat', () => {
      assert.ok(template.success, template.success ? '' : template.error.message);
      const bot = template.data.bots[0];
      assert.ok(bot);
      assert.deepEqual([...bot.scopes].sort(), ['groupChat', 'personal', 'team']);
      const titlesByScope = bot.scopes.map((scope) => [scope, bot.commandLists.find((l) => l.scopes.includes(scope))?.commands.map((c) => c.title)]);
      assert.deepEqual(titlesByScope, bot.scopes.map((scope) => [scope, ['help', 'troubleshoot', 'list']]));
    });

    it('has the "Diagnose this error" message action and the "Search failure modes" query', () => {
      assert.ok(template.success);
      const commands = template.data.composeExtensions[0]?.commands ?? [];
      const diagnose = commands.find((c) => c.id === 'diagnoseMessage');
      const search = commands.find((c) => c.id === 'searchFailureModes');
      assert.deepEqual(
        diagnose && { type: diagnose.type, title: diagnose.title, context: diagnose.context, fetchTask: diagnose.fetchTask, parameters: diagnose.parameters.length },
        { type: 'action', title: 'Diagnose this error', context: ['message'], fetchTask: false, parameters: 1 },
      );
      assert.deepEqual(
        search && { type: search.type, title: search.title, context: search.context, parameters: search.parameters.map((p) => p.name) },
        { type: 'query', title: 'Search failure modes', context: ['compose', 'commandBox'], parameters: ['query'] },
      );
    });

    it('uses only the placeholders the packager fills', () => {
      const used = new Set([...readTemplate().matchAll(/\$\{\{(\w+)\}\}/g)].map((m) => m[1]));
      assert.deepEqual([...used].sort(), ['APP_NAME_SUFFIX', 'BOT_DOMAIN', 'BOT_ID', 'DEVELOPER_PRIVACY_URL', 'DEVELOPER_TERMS_URL', 'DEVELOPER_WEBSITE_URL', 'TEAMS_APP_ID']);
    });

    it('has no hard-coded web address: the developer URLs are placeholders like the ids', () => {
      const developer = (JSON.parse(readTemplate()) as { developer: Record<string, string> }).developer;
      assert.deepEqual(
        { websiteUrl: developer.websiteUrl, privacyUrl: developer.privacyUrl, termsOfUseUrl: developer.termsOfUseUrl },
        { websiteUrl: '${{DEVELOPER_WEBSITE_URL}}', privacyUrl: '${{DEVELOPER_PRIVACY_URL}}', termsOfUseUrl: '${{DEVELOPER_TERMS_URL}}' },
      );
    });
  });

  describe('the filled manifest', () => {
    it('validates against the official JSON schema of its manifestVersion, offline', () => {
      const { manifest } = build();
      assert.equal(manifest.$schema, `https://developer.microsoft.com/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`);
      assert.deepEqual(validateManifest(manifest), []);
    });

    it('fails the same schema check when a required field is broken', () => {
      const { manifest } = build();
      const errors = validateManifest({ ...manifest, accentColor: 'blue', developer: { name: 'x' } });
      assert.ok(errors.some((e) => e.startsWith('/accentColor')), errors.join('\n'));
      assert.ok(errors.some((e) => e.includes('websiteUrl')), errors.join('\n'));
    });

    it('carries the ids and domain where Teams looks for them', () => {
      const { manifest } = build();
      const m = z
        .object({
          id: z.string(),
          name: z.object({ short: z.string() }),
          bots: z.array(z.object({ botId: z.string() })),
          composeExtensions: z.array(z.object({ botId: z.string() })),
          validDomains: z.array(z.string()),
          webApplicationInfo: z.object({ id: z.string() }),
          authorization: z.object({ permissions: z.object({ resourceSpecific: z.array(z.object({ name: z.string(), type: z.string() })) }) }),
        })
        .parse(manifest);
      assert.equal(m.id, SAMPLE_ENV.TEAMS_APP_ID);
      assert.equal(m.name.short, 'Connector Doctor-test');
      assert.equal(m.bots[0]?.botId, SAMPLE_ENV.BOT_ID);
      assert.equal(m.composeExtensions[0]?.botId, SAMPLE_ENV.BOT_ID);
      assert.equal(m.webApplicationInfo.id, SAMPLE_ENV.BOT_ID);
      assert.ok(m.validDomains.includes(SAMPLE_ENV.BOT_DOMAIN));
      assert.deepEqual((manifest as { developer?: unknown }).developer, {
        name: 'Connector Doctor',
        websiteUrl: SAMPLE_ENV.DEVELOPER_WEBSITE_URL,
        privacyUrl: SAMPLE_ENV.DEVELOPER_PRIVACY_URL,
        termsOfUseUrl: SAMPLE_ENV.DEVELOPER_TERMS_URL,
      });
      assert.deepEqual(m.authorization.permissions.resourceSpecific, [{ name: 'ChannelMessage.Read.Group', type: 'Application' }]);
    });

    it('asks to read no more than quiet listening reads: channel messages, not every group and meeting chat message', () => {
      const { manifest } = build();
      const m = z.object({ description: z.object({ short: z.string(), full: z.string() }) }).parse(manifest);
      assert.ok(!JSON.stringify(manifest).includes('ChatMessage.Read'), 'no chat-wide permission');
      assert.match(m.description.full, /channel messages in which it is not @mentioned/);
      assert.doesNotMatch(m.description.full, /chat messages in which/, 'the description promises nothing the bot does not do');
    });
  });

  describe('the icons', () => {
    const icons = readIcons();

    it('color.png is 192x192 8-bit RGBA on the accent colour', () => {
      const png = readPng(icons['color.png'] as Buffer);
      assert.deepEqual({ width: png.width, height: png.height, bitDepth: png.bitDepth, colorType: png.colorType }, { width: 192, height: 192, bitDepth: 8, colorType: 6 });
      const manifest = JSON.parse(readTemplate()) as { accentColor: string };
      assert.equal(manifest.accentColor, ACCENT, 'makeIcons.ts ACCENT and the manifest accentColor agree');
      assert.deepEqual([...png.pixels.subarray(0, 4)], [...hexToRgb(ACCENT), 255], 'corner pixel is the opaque accent colour');
    });

    it('outline.png is 32x32 RGBA, white on a transparent background', () => {
      const png = readPng(icons['outline.png'] as Buffer);
      assert.deepEqual({ width: png.width, height: png.height, bitDepth: png.bitDepth, colorType: png.colorType }, { width: 32, height: 32, bitDepth: 8, colorType: 6 });
      let transparent = 0;
      let opaque = 0;
      for (let i = 0; i < png.pixels.length; i += 4) {
        const alpha = png.pixels[i + 3] as number;
        if (alpha === 0) transparent++;
        else assert.deepEqual([...png.pixels.subarray(i, i + 3)], [255, 255, 255], `pixel ${i / 4} is white`);
        if (alpha === 255) opaque++;
      }
      assert.ok(transparent > 32 * 32 * 0.3, `${transparent} transparent pixels`);
      assert.ok(opaque > 32 * 4, `${opaque} opaque pixels`);
    });
    it('are what scripts/makeIcons.ts draws (run node dist/scripts/makeIcons.js after changing the drawing)', () => {
      assert.ok(Buffer.from(readPng(icons['color.png'] as Buffer).pixels).equals(drawColorIcon().pixels), 'color.png is stale');
      assert.ok(Buffer.from(readPng(icons['outline.png'] as Buffer).pixels).equals(drawOutlineIcon().pixels), 'outline.png is stale');
    });
  });

  describe('the zip', () => {
    it('holds exactly manifest.json, color.png and outline.png at its root, with every placeholder filled', () => {
      const { zip, manifestJson } = build();
      const files = readZip(zip);
      assert.deepEqual([...files.keys()].sort(), ['color.png', 'manifest.json', 'outline.png']);
      const manifest = files.get('manifest.json')?.toString('utf8') ?? '';
      assert.equal(manifest, manifestJson);
      assert.ok(!manifest.includes('${{'), 'no ${{ left in the manifest');
      assert.deepEqual(files.get('color.png'), readIcons()['color.png']);
      assert.deepEqual(files.get('outline.png'), readIcons()['outline.png']);
    });

    it('crc32 gives the standard check values', () => {
      assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
      assert.equal(crc32(Buffer.alloc(0)), 0);
      assert.equal(crc32(Buffer.from('56789'), crc32(Buffer.from('1234'))), 0xcbf43926, 'continues over several buffers');
    });

    it('is byte-for-byte the same for the same input', () => {
      assert.deepEqual(build().zip, build().zip);
    });

    it('stores an entry that does not shrink and deflates one that does', () => {
      const random = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 151 + 7) % 256));
      const files = readZipEntries(writeZip([{ name: 'a.bin', data: random }, { name: 'b.txt', data: Buffer.from('abc'.repeat(100)) }]));
      assert.deepEqual(files.get('a.bin'), { method: 0, data: random });
      assert.deepEqual(files.get('b.txt'), { method: 8, data: Buffer.from('abc'.repeat(100)) });
    });
  });

  describe('settings', () => {
    it('a missing BOT_ID is an error that names BOT_ID', () => {
      assert.throws(() => build(without(SAMPLE_ENV, 'BOT_ID')), (err: unknown) => err instanceof PackageError && /BOT_ID is not set/.test(err.message) && !/TEAMS_APP_ID/.test(err.message));
    });

    it('an empty value is told apart from a missing one, and both say what to put there', () => {
      assert.throws(
        () => parsePackageEnv({ ...SAMPLE_ENV, TEAMS_APP_ID: '  ' }),
        (err: unknown) => err instanceof PackageError && /TEAMS_APP_ID is empty: fill in the Teams app's id, a GUID/.test(err.message) && /randomUUID/.test(err.message),
      );
      assert.throws(() => parsePackageEnv(without(SAMPLE_ENV, 'TEAMS_APP_ID')), /TEAMS_APP_ID is not set: set it to the Teams app's id, a GUID/);
    });

    it('the developer URLs must be https URLs, each named', () => {
      assert.throws(
        () => parsePackageEnv({ ...SAMPLE_ENV, DEVELOPER_WEBSITE_URL: 'http://it.contoso.com', DEVELOPER_PRIVACY_URL: 'it.contoso.com/privacy' }),
        (err: unknown) =>
          err instanceof PackageError &&
          /DEVELOPER_WEBSITE_URL must be an https URL \(got "http:\/\/it\.contoso\.com"\)/.test(err.message) &&
          /DEVELOPER_PRIVACY_URL must be an https URL/.test(err.message) &&
          !/DEVELOPER_TERMS_URL/.test(err.message),
      );
      assert.throws(() => parsePackageEnv({ ...SAMPLE_ENV, DEVELOPER_TERMS_URL: '' }), /DEVELOPER_TERMS_URL is empty: fill in the https URL of the app's terms of use/);
    });

    it('rejects ids that are not GUIDs and a domain with a scheme, naming each', () => {
      assert.throws(
        () => parsePackageEnv({ ...SAMPLE_ENV, BOT_ID: 'my-bot', BOT_DOMAIN: 'https://abc123.devtunnels.ms/' }),
        (err: unknown) => err instanceof Error && /BOT_ID must be a GUID/.test(err.message) && /BOT_DOMAIN must be a host name without scheme, e\.g\. abc123\.devtunnels\.ms/.test(err.message),
      );
    });

    it('rejects a suffix that would push the short name past 30 characters', () => {
      assert.throws(() => parsePackageEnv({ ...SAMPLE_ENV, APP_NAME_SUFFIX: '-a-very-long-suffix' }), /APP_NAME_SUFFIX/);
      assert.equal(parsePackageEnv({ ...SAMPLE_ENV, APP_NAME_SUFFIX: undefined }).APP_NAME_SUFFIX, '');
    });

    it('fillPlaceholders escapes values for JSON and refuses unknown placeholders', () => {
      assert.equal(fillPlaceholders('{"a":"${{A}}"}', { A: 'say "hi"\\' }), '{"a":"say \\"hi\\"\\\\"}');
      assert.throws(() => fillPlaceholders('${{A}} ${{NOPE}}', { A: 'x' }), /NOPE/);
    });

    const dotenvCases: Array<[string, Record<string, string>]> = [
      ['BOT_ID=abc', { BOT_ID: 'abc' }],
      ['  export BOT_DOMAIN = host.example.com  ', { BOT_DOMAIN: 'host.example.com' }],
      ['# a comment\n\nTEAMSFX_ENV=local # trailing comment', { TEAMSFX_ENV: 'local' }],
      ['APP_NAME_SUFFIX=" (dev) # not a comment"', { APP_NAME_SUFFIX: ' (dev) # not a comment' }],
      ["A='single $quotes'", { A: 'single $quotes' }],
      ['A="line\\nbreak"\r\nB=', { A: 'line\nbreak', B: '' }],
      ['not a setting', {}],
    ];
    for (const [text, expected] of dotenvCases) {
      it(`parseDotenv reads ${JSON.stringify(text)}`, () => {
        assert.deepEqual(parseDotenv(text), expected);
      });
    }
  });

  describe('node dist/scripts/packageApp.js', () => {
    const script = join(root, 'dist', 'scripts', 'packageApp.js');
    let dir = '';
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'app-package-'));
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    const run = (args: string[], env: Record<string, string>) =>
      spawnSync(process.execPath, [script, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });

    it('writes appPackage.zip and manifest.json from an --env file', () => {
      writeFileSync(join(dir, '.env.test'), Object.entries(SAMPLE_ENV).map(([k, v]) => `${k}=${v}`).join('\n'));
      const result = run(['--env', '.env.test', '--out', 'out'], {});
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual([...readZip(readFileSync(join(dir, 'out', 'appPackage.zip'))).keys()].sort(), ['color.png', 'manifest.json', 'outline.png']);
      assert.equal(JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8')).id, SAMPLE_ENV.TEAMS_APP_ID);
    });

    it('exits 2 and names BOT_ID when it is missing', () => {
      writeFileSync(join(dir, '.env.test'), Object.entries(without(SAMPLE_ENV, 'BOT_ID')).map(([k, v]) => `${k}=${v}`).join('\n'));
      const result = run(['--env', '.env.test', '--out', 'out'], {});
      assert.equal(result.status, 2);
      assert.match(result.stderr, /BOT_ID is not set/);
    });

    it('lets the environment override the --env file', () => {
      writeFileSync(join(dir, '.env.test'), Object.entries({ ...SAMPLE_ENV, BOT_ID: 'not-a-guid' }).map(([k, v]) => `${k}=${v}`).join('\n'));
      const result = run(['--env', '.env.test', '--out', 'out'], { BOT_ID: SAMPLE_ENV.BOT_ID });
      assert.equal(result.status, 0, result.stderr);
    });

    for (const sample of ['.env.local.sample', '.env.dev.sample']) {
      it(`env/${sample} as given names each id to fill in, and builds once they are`, () => {
        const text = readFileSync(join(root, 'env', sample), 'utf8');
        writeFileSync(join(dir, '.env.first'), text);
        const first = run(['--env', '.env.first', '--out', 'out'], {});
        assert.equal(first.status, 2);
        assert.match(first.stderr, /from \.env\.first and the environment/);
        const named = [...first.stderr.matchAll(/^ {2}(\w+) is empty: fill in .+$/gm)].map((m) => m[1]);
        assert.deepEqual(named, ['TEAMS_APP_ID', 'BOT_ID', 'BOT_DOMAIN'], first.stderr);

        const filled = text
          .replace(/^TEAMS_APP_ID=$/m, `TEAMS_APP_ID=${SAMPLE_ENV.TEAMS_APP_ID}`)
          .replace(/^BOT_ID=$/m, `BOT_ID=${SAMPLE_ENV.BOT_ID}`)
          .replace(/^BOT_DOMAIN=$/m, `BOT_DOMAIN=${SAMPLE_ENV.BOT_DOMAIN}`);
        writeFileSync(join(dir, '.env.first'), filled);
        const second = run(['--env', '.env.first', '--out', 'out'], {});
        assert.equal(second.status, 0, second.stderr);
        assert.deepEqual(validateManifest(JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8'))), []);
      });

      it(`env/${sample} has a line for every placeholder of the manifest, for the toolkit to fill`, () => {
        const keys = Object.keys(parseDotenv(readFileSync(join(root, 'env', sample), 'utf8')));
        const used = [...new Set([...readTemplate().matchAll(/\$\{\{(\w+)\}\}/g)].map((m) => m[1] as string))];
        assert.deepEqual(used.filter((name) => !keys.includes(name)), []);
      });
    }

    it('without an env file, says to copy the sample', () => {
      const result = spawnSync(process.execPath, [script, '--out', join(dir, 'out')], { cwd: dir, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
      if (existsSync(join(root, 'env', '.env.local'))) return; // a developer's own file is read instead
      assert.equal(result.status, 2);
      assert.match(result.stderr, /copy env\/\.env\.local\.sample there and fill it in/);
      assert.match(result.stderr, /TEAMS_APP_ID is not set/);
    });

    it('exits 2 on an --env file that does not exist', () => {
      const result = run(['--env', 'nope.env'], {});
      assert.equal(result.status, 2);
      assert.match(result.stderr, /--env: no such file/);
    });
  });
});
