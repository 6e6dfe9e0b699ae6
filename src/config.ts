import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseDotenv } from './parseDotenv';
import { StorageConfig } from './storage/createStorage';

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

const Environment = z.object({
  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MicrosoftAppTenantId: optionalString,
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: optionalString,
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  ALLOW_UNAUTHENTICATED: boolean,
  /** Not optionalString: set but blank (a template's unset variable) must not read as "not set". */
  ALLOWED_TENANT_IDS: z.string().optional(),
  QUIET_LISTENING: boolean,
  STORAGE_CONNECTION_STRING: optionalString,
  STORAGE_CONTAINER: z.string().default('connector-doctor-state'),
  STATE_MAX_CONVERSATIONS: z.coerce.number().int().min(100).default(10000),
  STATE_IDLE_MINUTES: z.coerce.number().int().min(1).default(24 * 60),
  STATE_MAX_FEEDBACK: z.coerce.number().int().min(100).default(10000),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(30),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(10000).default(8000),
});

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
/** A tenant as Teams names it in an activity: the directory's GUID. */
const TENANT_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const Config = z.object({
  appId: z.string().optional(),
  appPassword: z.string().optional(),
  appType: Environment.shape.MicrosoftAppType,
  appTenantId: z.string().optional(),
  port: z.number(),
  host: z.string(),
  /** No app id: the bot accepts unauthenticated requests from the Emulator and expectReplies callers. */
  localMode: z.boolean(),
  logLevel: Environment.shape.LOG_LEVEL,
  allowedTenantIds: z.array(z.string()).optional(),
  quietListening: z.boolean(),
  storage: StorageConfig,
  maxBodyBytes: z.number(),
  rateLimitPerMinute: z.number(),
  shutdownGraceMs: z.number(),
  /** The toolkit settings file read under the environment, when there was one (see loadProcessConfig). */
  settingsFile: z.string().optional(),
});
export type Config = z.infer<typeof Config>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once. A bad value stops start-up with a message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = Environment.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${issues}`);
  }
  const e = parsed.data;
  const localMode = !e.MicrosoftAppId;
  const host = e.HOST ?? (localMode ? '127.0.0.1' : '0.0.0.0');
  if (localMode && !LOOPBACK.test(host) && !e.ALLOW_UNAUTHENTICATED) {
    throw new ConfigError(
      `HOST: refusing to listen on ${host} without credentials. Set MicrosoftAppId and MicrosoftAppPassword, or ALLOW_UNAUTHENTICATED=true to accept unauthenticated requests on purpose.`,
    );
  }
  if (!localMode && e.MicrosoftAppType !== 'UserAssignedMSI' && !e.MicrosoftAppPassword) {
    throw new ConfigError('MicrosoftAppPassword: required when MicrosoftAppId is set (or use MicrosoftAppType=UserAssignedMSI).');
  }
  if (e.MicrosoftAppType === 'SingleTenant' && !e.MicrosoftAppTenantId) {
    throw new ConfigError('MicrosoftAppTenantId: required when MicrosoftAppType is SingleTenant.');
  }
  const storageInput = e.STORAGE_CONNECTION_STRING
    ? { kind: 'blob', connectionString: e.STORAGE_CONNECTION_STRING, container: e.STORAGE_CONTAINER }
    : { kind: 'memory', maxEntries: e.STATE_MAX_CONVERSATIONS, idleTtlMs: e.STATE_IDLE_MINUTES * 60_000, maxFeedback: e.STATE_MAX_FEEDBACK };
  const storage = StorageConfig.safeParse(storageInput);
  if (!storage.success) {
    const issues = storage.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`STORAGE_CONTAINER / STORAGE_CONNECTION_STRING: ${issues}`);
  }
  return Object.freeze({
    appId: e.MicrosoftAppId,
    appPassword: e.MicrosoftAppPassword,
    appType: e.MicrosoftAppType,
    appTenantId: e.MicrosoftAppTenantId,
    port: e.PORT,
    host,
    localMode,
    logLevel: e.LOG_LEVEL,
    allowedTenantIds: allowedTenantIds(e.ALLOWED_TENANT_IDS),
    quietListening: e.QUIET_LISTENING,
    storage: storage.data,
    maxBodyBytes: e.MAX_BODY_BYTES,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  });
}

/** The allow-list, lower case; undefined when the variable is unset. Set, it fails closed: no id, or one that is not a GUID, stops start-up. */
function allowedTenantIds(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (ids.length === 0) {
    throw new ConfigError('ALLOWED_TENANT_IDS: set but names no tenant. Give one or more tenant ids (GUIDs), comma-separated, or unset it to allow every tenant.');
  }
  const bad = ids.filter((id) => !TENANT_GUID.test(id));
  if (bad.length > 0) {
    throw new ConfigError(`ALLOWED_TENANT_IDS: not a tenant id: ${bad.map((id) => JSON.stringify(id)).join(', ')}. Teams names a tenant by its GUID (Entra admin center, Overview, Tenant ID).`);
  }
  return ids;
}

/**
 * Where m365agents.local.yml's deploy step writes the bot's settings (MicrosoftAppId, MicrosoftAppPassword,
 * MicrosoftAppType, PORT); the Agents Toolkit's own templates read it with `env-cmd -f .localConfigs`.
 */
export const TOOLKIT_SETTINGS_FILE = '.localConfigs';

/**
 * The configuration of this process: its environment over the toolkit's settings file in the working
 * directory, when there is one. A variable set in the environment wins, even empty
 * (`MicrosoftAppId= npm start` runs in local mode beside a .localConfigs).
 */
export function loadProcessConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Readonly<Config> {
  const file = resolve(cwd, TOOLKIT_SETTINGS_FILE);
  if (!existsSync(file)) return loadConfig(env);
  const fromFile = parseDotenv(readFileSync(file, 'utf8'));
  try {
    return Object.freeze({ ...loadConfig({ ...fromFile, ...env }), settingsFile: file });
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${err.message} (settings from ${file} and the environment)`);
    throw err;
  }
}
