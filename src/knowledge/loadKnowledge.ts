import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { ZodType, ZodTypeDef } from 'zod';
import { Background, FailureMode, FailureModeId } from './schema';

/** A data file that does not satisfy its schema; the message names the file and the field. */
export class KnowledgeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KnowledgeError';
  }
}

/** The data folder: beside this module in the source tree, or found from the compiled output. */
export function knowledgeDataDir(): string {
  const candidates = [join(__dirname, 'data'), resolve(__dirname, '..', '..', '..', 'src', 'knowledge', 'data')];
  const found = candidates.find((dir) => existsSync(join(dir, 'modes')));
  if (!found) throw new KnowledgeError(`knowledge data folder not found (looked in ${candidates.join(', ')})`);
  return found;
}

export function parseDataFile<T>(file: string, schema: ZodType<T, ZodTypeDef, unknown>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new KnowledgeError(`${file}: not readable JSON (${(err as Error).message})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new KnowledgeError(`${file}: ${issues.join('; ')}`);
  }
  return parsed.data;
}

export interface KnowledgeBase {
  readonly modes: readonly FailureMode[];
  readonly background: Background;
}

/** Reads and validates every failure mode and the background texts. Throws KnowledgeError naming the file and field. */
export function loadKnowledge(dir: string = knowledgeDataDir()): KnowledgeBase {
  const modesDir = join(dir, 'modes');
  const files = readdirSync(modesDir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const modes = files.map((f) => {
    const file = join(modesDir, f);
    const mode = parseDataFile(file, FailureMode);
    if (basename(f, '.json') !== mode.id) throw new KnowledgeError(`${file}: id: "${mode.id}" does not match the file name`);
    return mode;
  });
  const seen = new Set<string>();
  for (const mode of modes) {
    if (seen.has(mode.id)) throw new KnowledgeError(`${modesDir}: id: "${mode.id}" appears twice`);
    seen.add(mode.id);
  }
  const missing = FailureModeId.options.filter((id) => !seen.has(id));
  if (missing.length > 0) throw new KnowledgeError(`${modesDir}: missing failure modes: ${missing.join(', ')}`);
  modes.sort((a, b) => a.order - b.order);
  const background = parseDataFile(join(dir, 'background.json'), Background);
  return Object.freeze({ modes: Object.freeze(modes), background });
}

let cached: KnowledgeBase | undefined;

/** The knowledge shipped with the bot, loaded once. */
export function defaultKnowledge(): KnowledgeBase {
  cached ??= loadKnowledge();
  return cached;
}
