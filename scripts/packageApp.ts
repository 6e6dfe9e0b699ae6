/**
 * Builds the Teams app package: fills the ${{VAR}} placeholders of appPackage/manifest.json
 * (Microsoft 365 Agents Toolkit style) and zips it with the two icons.
 *
 * Usage: node dist/scripts/packageApp.js [--env <dotenv file>] [--out <dir>]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { parseDotenv } from '../src/parseDotenv';
import { crc32 } from './crc32';

export { parseDotenv };

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** "Connector Doctor" plus the suffix must fit the manifest's 30-character short name. */
const MAX_SUFFIX = 30 - 'Connector Doctor'.length;

/**
 * A setting the manifest needs. Unset and empty (as the env samples leave the ids) are told apart, and
 * either message says what to put there.
 */
const setting = (what: string) =>
  z
    .string({ required_error: `is not set: set it to ${what}` })
    .transform((v) => v.trim())
    .pipe(z.string().min(1, { message: `is empty: fill in ${what}` }));

const NEW_GUID = 'node -e "console.log(crypto.randomUUID())"';

const guid = (what: string) => setting(what).pipe(z.string().regex(GUID, { message: `must be a GUID (${what})` }));

const httpsUrl = (what: string) =>
  setting(what).pipe(
    z.string().superRefine((v, ctx) => {
      let url: URL | undefined;
      try {
        url = new URL(v);
      } catch {
        url = undefined;
      }
      if (url?.protocol !== 'https:') ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be an https URL (got "${v}")` });
    }),
  );

/** The environment the package needs; the ids with the names the Microsoft 365 Agents Toolkit writes. */
export const PackageEnv = z.object({
  TEAMS_APP_ID: guid(`the Teams app's id, a GUID (atk provision writes it; by hand, a new GUID from ${NEW_GUID}, kept for every update of the app)`),
  BOT_ID: guid("the bot's Microsoft Entra app id, a GUID (atk provision writes it; by hand, the Azure Bot resource's Microsoft App ID, the MicrosoftAppId the bot runs with)"),
  BOT_DOMAIN: setting('the host name the bot is reached at, without https:// (e.g. abc123-3978.usw2.devtunnels.ms for a dev tunnel)').pipe(
    z.string().superRefine((v, ctx) => {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be a host name without scheme, e.g. ${v.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/:]/)[0]}` });
      } else if (!HOST_NAME.test(v)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be a host name such as abc123-3978.usw2.devtunnels.ms (got "${v}")` });
      }
    }),
  ),
  DEVELOPER_WEBSITE_URL: httpsUrl("the https URL of your organisation's page for the app (Teams shows it in the app's details)"),
  DEVELOPER_PRIVACY_URL: httpsUrl("the https URL of the app's privacy statement"),
  DEVELOPER_TERMS_URL: httpsUrl("the https URL of the app's terms of use"),
  APP_NAME_SUFFIX: z
    .string()
    .max(MAX_SUFFIX, { message: `must be at most ${MAX_SUFFIX} characters so the app name fits 30` })
    .default(''),
});
export type PackageEnv = z.infer<typeof PackageEnv>;

/** The parts of the filled manifest the packager relies on; the JSON schema check is the test's job. */
const ManifestShape = z
  .object({
    manifestVersion: z.string(),
    id: z.string(),
    icons: z.object({ color: z.string().min(1), outline: z.string().min(1) }),
  })
  .passthrough();
export type ManifestShape = z.infer<typeof ManifestShape>;

export class PackageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackageError';
  }
}

/** Parses the variables, naming each missing or invalid one; `from` says where they were read. */
export function parsePackageEnv(env: Readonly<Record<string, string | undefined>>, from = 'the environment'): PackageEnv {
  const parsed = PackageEnv.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`);
    throw new PackageError(`Cannot build the app package from ${from}:\n  ${issues.join('\n  ')}`);
  }
  return parsed.data;
}

/**
 * Replaces every `${{NAME}}` with its value, escaped for a JSON string (the placeholders all sit
 * inside strings). An unknown placeholder is an error, never left in the output.
 */
export function fillPlaceholders(template: string, values: Readonly<Record<string, string>>): string {
  const unknown = new Set<string>();
  const filled = template.replace(/\$\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) {
      unknown.add(name);
      return '';
    }
    return JSON.stringify(value).slice(1, -1);
  });
  if (unknown.size > 0) throw new PackageError(`The manifest uses placeholders with no value: ${[...unknown].join(', ')}`);
  return filled;
}

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** 2000-01-01 00:00 in MS-DOS form: a fixed time keeps the archive byte-for-byte reproducible. */
const DOS_TIME = 0;
const DOS_DATE = ((2000 - 1980) << 9) | (1 << 5) | 1;

/** A ZIP archive (no ZIP64, no encryption) with each entry deflated, or stored when that is smaller. */
export function writeZip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const fileName = Buffer.from(name, 'utf8');
    const deflated = deflateRawSync(data, { level: 9 });
    const method = deflated.length < data.length ? 8 : 0;
    const body = method === 8 ? deflated : data;
    const crc = crc32(data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, fileName, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by: 2.0, MS-DOS attributes
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    // extra length, comment length, disk number, internal and external attributes stay 0
    central.writeUInt32LE(offset, 42);
    centrals.push(central, fileName);

    offset += local.length + fileName.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export interface AppPackageInput {
  /** appPackage/manifest.json as text, placeholders and all. */
  manifestTemplate: string;
  /** Files the manifest refers to, by their path relative to the manifest (the icons). */
  files: Readonly<Record<string, Buffer>>;
}

export interface AppPackage {
  manifest: ManifestShape;
  /** The filled manifest as written into the zip. */
  manifestJson: string;
  zip: Buffer;
}

export function buildAppPackage(env: Readonly<Record<string, string | undefined>>, input: AppPackageInput, from?: string): AppPackage {
  const vars = parsePackageEnv(env, from);
  const filled = fillPlaceholders(input.manifestTemplate, vars);
  let json: unknown;
  try {
    json = JSON.parse(filled);
  } catch (err) {
    throw new PackageError(`The filled manifest is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const shape = ManifestShape.safeParse(json);
  if (!shape.success) {
    throw new PackageError(`The manifest lacks what the package needs: ${shape.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  }
  const manifest = shape.data;
  const icons = [manifest.icons.color, manifest.icons.outline];
  const missing = icons.filter((name) => input.files[name] === undefined);
  if (missing.length > 0) throw new PackageError(`The manifest refers to files that were not supplied: ${missing.join(', ')}`);

  // From the parsed JSON rather than the zod output, which would move the checked keys first.
  const manifestJson = `${JSON.stringify(json, null, 2)}\n`;
  const zip = writeZip([{ name: 'manifest.json', data: Buffer.from(manifestJson, 'utf8') }, ...icons.map((name) => ({ name, data: input.files[name] as Buffer }))]);
  return { manifest, manifestJson, zip };
}

interface Cli {
  envFile?: string;
  outDir?: string;
  help: boolean;
}

function parseArgs(argv: readonly string[]): Cli {
  const cli: Cli = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new PackageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--env') cli.envFile = value();
    else if (arg === '--out') cli.outDir = value();
    else if (arg === '--help' || arg === '-h') cli.help = true;
    else throw new PackageError(`unknown argument: ${arg}`);
  }
  return cli;
}

const USAGE = `Usage: node dist/scripts/packageApp.js [--env <dotenv file>] [--out <dir>]

Builds <out>/appPackage.zip (manifest.json, color.png, outline.png) and <out>/manifest.json
from appPackage/. <out> defaults to appPackage/build.

Reads TEAMS_APP_ID, BOT_ID, BOT_DOMAIN, DEVELOPER_WEBSITE_URL, DEVELOPER_PRIVACY_URL,
DEVELOPER_TERMS_URL and APP_NAME_SUFFIX from the environment, on top of the dotenv file given with
--env, or env/.env.local when that exists (start from env/.env.local.sample). The environment wins.
`;

/** Relative to the working directory when below it, absolute otherwise. */
function shortPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

export interface MainIo {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Exit codes: 0 written, 2 missing or invalid settings or arguments. */
export function main(argv: readonly string[], io: MainIo): number {
  const root = resolve(__dirname, __dirname.includes(join('dist', 'scripts')) ? '../..' : '..');
  try {
    const cli = parseArgs(argv);
    if (cli.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    const envFile = cli.envFile ? resolve(io.cwd, cli.envFile) : join(root, 'env', '.env.local');
    if (cli.envFile && !existsSync(envFile)) throw new PackageError(`--env: no such file: ${envFile}`);
    const fromFile = existsSync(envFile) ? parseDotenv(readFileSync(envFile, 'utf8')) : {};
    const defined = Object.fromEntries(Object.entries(io.env).filter(([, v]) => v !== undefined && v !== ''));

    const appPackageDir = join(root, 'appPackage');
    const manifestTemplate = readFileSync(join(appPackageDir, 'manifest.json'), 'utf8');
    const files: Record<string, Buffer> = {};
    for (const name of ['color.png', 'outline.png']) {
      const path = join(appPackageDir, name);
      if (!existsSync(path)) throw new PackageError(`${shortPath(io.cwd, path)} is missing; run node dist/scripts/makeIcons.js`);
      files[name] = readFileSync(path);
    }
    const sources = existsSync(envFile) ? `${shortPath(io.cwd, envFile)} and the environment` : 'the environment';
    const hint = existsSync(envFile) ? '' : ` (there is no ${shortPath(io.cwd, envFile)}: copy env/.env.local.sample there and fill it in)`;
    const built = buildAppPackage({ ...fromFile, ...defined }, { manifestTemplate, files }, sources + hint);

    const outDir = cli.outDir ? resolve(io.cwd, cli.outDir) : join(appPackageDir, 'build');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'manifest.json'), built.manifestJson);
    writeFileSync(join(outDir, 'appPackage.zip'), built.zip);
    io.stdout.write(
      `wrote ${shortPath(io.cwd, join(outDir, 'appPackage.zip'))} (manifest ${built.manifest.manifestVersion}, app ${built.manifest.id}, settings from ${sources})\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof PackageError) {
      io.stderr.write(`packageApp: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), { env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr });
}
