import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { ZodType, ZodTypeDef } from 'zod';
import { Background, ContextSet, FailureMode, FrameSet, Pack, SignInCodes, type Context, type Frame } from './schema';
import { z } from 'zod';

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

/** Frames of one language, with that language. */
export interface LanguageFrames {
  readonly lang: string;
  readonly frames: readonly Frame[];
}

export interface KnowledgeBase {
  readonly packs: readonly Pack[];
  /** Every failure mode, by pack order and then by order within the pack. */
  readonly modes: readonly FailureMode[];
  readonly frames: readonly LanguageFrames[];
  /** Look-alike errors of other products and commands. */
  readonly background: Background;
  /** Words any error may use. */
  readonly vocabulary: Background['texts'];
  readonly contexts: readonly Context[];
  readonly signInCodes: SignInCodes;
}

const PackFile = z.object({ packs: z.array(Pack).min(1) }).strict();

/** The JSON files of a folder, by name, each parsed with the schema. */
function parseFolder<T>(dir: string, schema: ZodType<T, ZodTypeDef, unknown>): Array<{ file: string; data: T }> {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: join(dir, f), data: parseDataFile(join(dir, f), schema) }));
}

function unique<T>(items: readonly T[], idOf: (item: T) => string, where: string): void {
  const seen = new Set<string>();
  for (const item of items) {
    const id = idOf(item);
    if (seen.has(id)) throw new KnowledgeError(`${where}: id: "${id}" appears twice`);
    seen.add(id);
  }
}

/** The mode with each framed signature written out in every language that has its frame. */
function withFramedSignatures(mode: FailureMode, frames: readonly LanguageFrames[], file: string): FailureMode {
  if (!mode.framedSignatures) return mode;
  const written = mode.framedSignatures.flatMap((framed, i) => {
    const found = frames.flatMap(({ lang, frames: list }) => list.filter((f) => f.id === framed.frame).map((frame) => ({ lang, frame })));
    if (found.length === 0) throw new KnowledgeError(`${file}: framedSignatures.${i}.frame: no frame "${framed.frame}" in frames/`);
    return found.map(({ lang, frame }) => ({
      lang,
      source: 'framed' as const,
      text: frame.text.replace(/\{([a-z][a-zA-Z]*)\}/g, (whole, name: string) => framed.fill[name] ?? whole),
      ...(framed.requires ? { requires: framed.requires } : {}),
      ...(framed.unless ? { unless: framed.unless } : {}),
    }));
  });
  return { ...mode, signatures: [...mode.signatures, ...written] };
}

/**
 * Reads and validates the packs, every failure mode, PowerShell's frames, the look-alike texts,
 * the contexts and the sign-in codes. Throws KnowledgeError naming the file and field.
 */
export function loadKnowledge(dir: string = knowledgeDataDir()): KnowledgeBase {
  const packs = [...parseDataFile(join(dir, 'packs.json'), PackFile).packs].sort((a, b) => a.order - b.order);
  unique(packs, (p) => p.id, join(dir, 'packs.json'));
  const contexts = parseDataFile(join(dir, 'contexts.json'), ContextSet).contexts;
  unique(contexts, (c) => c.id, join(dir, 'contexts.json'));
  const contextIds = new Set(contexts.map((c) => c.id));
  for (const context of contexts) {
    for (const id of context.unless) if (!contextIds.has(id)) throw new KnowledgeError(`${join(dir, 'contexts.json')}: ${context.id}.unless: no context "${id}"`);
    for (const pattern of context.patterns) {
      try {
        new RegExp(pattern, 'i');
      } catch (err) {
        throw new KnowledgeError(`${join(dir, 'contexts.json')}: ${context.id}.patterns: ${(err as Error).message}`);
      }
    }
  }

  const modesDir = join(dir, 'modes');
  const modeFiles = parseFolder(modesDir, FailureMode);
  const packOrder = new Map(packs.map((p) => [p.id, p.order]));
  const frames = parseFolder(join(dir, 'frames'), FrameSet).map(({ file, data }) => {
    if (basename(file, '.json') !== data.lang) throw new KnowledgeError(`${file}: lang: "${data.lang}" does not match the file name`);
    unique(data.frames, (f) => f.id, file);
    return Object.freeze(data);
  });
  const modes = modeFiles.map(({ file, data }) => {
    if (basename(file, '.json') !== data.id) throw new KnowledgeError(`${file}: id: "${data.id}" does not match the file name`);
    if (!packOrder.has(data.pack)) throw new KnowledgeError(`${file}: pack: no pack "${data.pack}" in packs.json`);
    const mode = withFramedSignatures(data, frames, file);
    mode.signatures.forEach((signature, i) => {
      for (const id of [signature.requires, ...(signature.unless ?? [])]) {
        if (id !== undefined && !contextIds.has(id)) throw new KnowledgeError(`${file}: signatures.${i}: no context "${id}" in contexts.json`);
      }
    });
    return mode;
  });
  if (modes.length === 0) throw new KnowledgeError(`${modesDir}: no failure modes`);
  unique(modes, (m) => m.id, modesDir);
  unique(modes, (m) => `${m.pack} order ${m.order}`, modesDir);
  modes.sort((a, b) => (packOrder.get(a.pack) as number) - (packOrder.get(b.pack) as number) || a.order - b.order);

  const backgroundFiles = parseFolder(join(dir, 'background'), Background).map(({ data }) => data);
  const backgroundTexts = backgroundFiles.filter((b) => !b.vocabulary).flatMap((b) => b.texts);
  const vocabulary = backgroundFiles.filter((b) => b.vocabulary).flatMap((b) => b.texts);
  const signInCodes = parseDataFile(join(dir, 'sign-in-codes.json'), SignInCodes);
  unique(signInCodes.codes, (c) => c.code, join(dir, 'sign-in-codes.json'));
  if (!contextIds.has(signInCodes.requires)) throw new KnowledgeError(`${join(dir, 'sign-in-codes.json')}: requires: no context "${signInCodes.requires}"`);
  for (const { code, failureMode } of signInCodes.codes) {
    if (failureMode !== undefined && !modes.some((m) => m.id === failureMode)) throw new KnowledgeError(`${join(dir, 'sign-in-codes.json')}: ${code}.failureMode: no mode "${failureMode}"`);
  }
  return Object.freeze({
    packs: Object.freeze(packs),
    modes: Object.freeze(modes),
    frames: Object.freeze(frames),
    background: { vocabulary: false, texts: backgroundTexts },
    vocabulary,
    contexts: Object.freeze(contexts),
    signInCodes,
  });
}

let cached: KnowledgeBase | undefined;

/** The knowledge shipped with the bot, loaded once. */
export function defaultKnowledge(): KnowledgeBase {
  cached ??= loadKnowledge();
  return cached;
}
