import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { z } from 'zod';
import { defaultMatcher, Lang, type Diagnosis } from '../knowledge';
import { t } from '../knowledge/messages';
import { formatDiagnosis } from './formatDiagnosis';

export const CliArgs = z.object({
  format: z.enum(['text', 'json', 'jsonl']),
  lang: Lang,
});
export type CliArgs = z.infer<typeof CliArgs>;

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** The process environment's idea of the user's language (LC_ALL, LC_MESSAGES, LANG). */
  envLocale: string | undefined;
}

export class UsageError extends Error {}

export function langFromLocale(locale: string | undefined): Lang {
  return locale && /^ko(?:[-_.@]|$)/i.test(locale) ? 'ko' : 'en';
}

export function parseArgs(argv: readonly string[], envLocale: string | undefined): CliArgs | 'help' {
  const defaultLang = langFromLocale(envLocale);
  let format: CliArgs['format'] = 'text';
  let lang: string = defaultLang;
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') return 'help';
  if (command !== 'diagnose') throw new UsageError(t(defaultLang, 'cli.unknownOption', { arg: command ?? '' }));
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === '--json') format = format === 'jsonl' ? 'jsonl' : 'json';
    else if (arg === '--jsonl') format = 'jsonl';
    else if (arg === '--lang') lang = rest[++i] ?? '';
    else if (arg.startsWith('--lang=')) lang = arg.slice('--lang='.length);
    else if (arg === '--help' || arg === '-h') return 'help';
    else throw new UsageError(t(defaultLang, 'cli.unknownOption', { arg }));
  }
  const parsed = CliArgs.safeParse({ format, lang });
  if (!parsed.success) throw new UsageError(t(defaultLang, 'cli.unknownOption', { arg: `--lang ${lang}` }));
  return parsed.data;
}

/** The JSON shape the CLI promises: the match with its facts, and the ranked candidates. */
export function toJson(diagnosis: Diagnosis): { match: Diagnosis['match']; candidates: Diagnosis['candidates'] } {
  return { match: diagnosis.match, candidates: diagnosis.candidates };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

const JsonlLine = z.object({ text: z.string() }).passthrough();

async function runJsonl(io: CliIo, lang: Lang): Promise<number> {
  const matcher = defaultMatcher();
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  let lineNo = 0;
  let failed = false;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      value = err instanceof Error ? err : undefined;
    }
    const parsed = JsonlLine.safeParse(value);
    if (!parsed.success) {
      const reason = value instanceof Error ? value.message : parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ');
      io.stderr.write(t(lang, 'cli.badLine', { line: lineNo, reason }) + '\n');
      io.stdout.write(JSON.stringify({ match: null, candidates: [], error: `line ${lineNo}: ${reason}` }) + '\n');
      failed = true;
      continue;
    }
    io.stdout.write(JSON.stringify(toJson(matcher.diagnose(parsed.data.text))) + '\n');
  }
  return failed ? 2 : 0;
}

/** Runs the CLI and returns the exit code: 0 when it diagnosed (matched or not), 2 on bad usage or input. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: CliArgs | 'help';
  try {
    args = parseArgs(argv, io.envLocale);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const lang = langFromLocale(io.envLocale);
    io.stderr.write(`${err.message}\n${t(lang, 'cli.usage')}\n`);
    return 2;
  }
  if (args === 'help') {
    io.stdout.write(t(langFromLocale(io.envLocale), 'cli.usage') + '\n');
    return 0;
  }
  if (args.format === 'jsonl') return runJsonl(io, args.lang);
  let text: string;
  try {
    text = decoder.decode(await readAll(io.stdin));
  } catch {
    io.stderr.write(t(args.lang, 'cli.badEncoding') + '\n');
    return 2;
  }
  if (text.trim() === '') {
    io.stderr.write(t(args.lang, 'cli.emptyInput') + '\n');
    return 2;
  }
  const matcher = defaultMatcher();
  const diagnosis = matcher.diagnose(text);
  io.stdout.write(args.format === 'json' ? JSON.stringify(toJson(diagnosis)) + '\n' : formatDiagnosis(args.lang, diagnosis, matcher.modes));
  return 0;
}
