import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { z } from 'zod';
import { defaultMatcher, Lang, LANGS, type Diagnosis } from '../knowledge';
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

/** Bad usage; `showUsage` when the usage text helps more than the message alone. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly showUsage = true,
  ) {
    super(message);
  }
}

export function langFromLocale(locale: string | undefined): Lang {
  return locale && /^ko(?:[-_.@]|$)/i.test(locale) ? 'ko' : 'en';
}

/** A --lang value: a supported language, also as a locale (ko-KR, ko_KR.UTF-8). */
function langOption(value: string, defaultLang: Lang): Lang {
  const parsed = Lang.safeParse(/^([a-z]+)(?:[-_.@].*)?$/i.exec(value)?.[1]?.toLowerCase());
  if (!parsed.success) throw new UsageError(t(defaultLang, 'cli.unsupportedLang', { lang: value, supported: LANGS.join(', ') }), false);
  return parsed.data;
}

export function parseArgs(argv: readonly string[], envLocale: string | undefined): CliArgs | 'help' {
  const defaultLang = langFromLocale(envLocale);
  let format: CliArgs['format'] = 'text';
  let lang: Lang = defaultLang;
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') return 'help';
  if (command === undefined) throw new UsageError(t(defaultLang, 'cli.noCommand'));
  if (command !== 'diagnose') throw new UsageError(t(defaultLang, command.startsWith('-') ? 'cli.unknownOption' : 'cli.unknownCommand', { arg: command }));
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === '--json') format = format === 'jsonl' ? 'jsonl' : 'json';
    else if (arg === '--jsonl') format = 'jsonl';
    else if (arg === '--lang' || arg.startsWith('--lang=')) {
      const value = arg === '--lang' ? rest[++i] : arg.slice('--lang='.length);
      if (!value || value.startsWith('-')) throw new UsageError(t(defaultLang, 'cli.missingValue', { option: '--lang', values: LANGS.join(', ') }));
      lang = langOption(value, defaultLang);
    } else if (arg === '--help' || arg === '-h') return 'help';
    else throw new UsageError(t(defaultLang, arg.startsWith('-') ? 'cli.unknownOption' : 'cli.unknownCommand', { arg }));
  }
  return { format, lang };
}

/** The JSON shape the CLI promises: the match with its facts, the other errors of the same input, and the ranked candidates. */
export function toJson(diagnosis: Diagnosis): { match: Diagnosis['match']; alsoFound: Diagnosis['alsoFound']; candidates: Diagnosis['candidates'] } {
  return { match: diagnosis.match, alsoFound: diagnosis.alsoFound, candidates: diagnosis.candidates };
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
      io.stderr.write(`connector-doctor: ${t(lang, 'cli.badLine', { line: lineNo, reason })}\n`);
      io.stdout.write(JSON.stringify({ match: null, alsoFound: [], candidates: [], error: `line ${lineNo}: ${reason}` }) + '\n');
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
    // The synopsis (the usage text up to its first blank line) after the message; --help gives the rest.
    io.stderr.write(`connector-doctor: ${err.message}\n${err.showUsage ? `${t(lang, 'cli.usage').split('\n\n')[0]}\n` : ''}`);
    return 2;
  }
  if (args === 'help') {
    io.stdout.write(t(langFromLocale(io.envLocale), 'cli.usage') + '\n');
    return 0;
  }
  if ((io.stdin as { isTTY?: boolean }).isTTY) io.stderr.write(`${t(args.lang, 'cli.pasteNow')}\n`);
  if (args.format === 'jsonl') return runJsonl(io, args.lang);
  let text: string;
  try {
    text = decoder.decode(await readAll(io.stdin));
  } catch {
    io.stderr.write(`connector-doctor: ${t(args.lang, 'cli.badEncoding')}\n`);
    return 2;
  }
  if (text.trim() === '') {
    io.stderr.write(`connector-doctor: ${t(args.lang, 'cli.emptyInput')}\n`);
    return 2;
  }
  const matcher = defaultMatcher();
  const diagnosis = matcher.diagnose(text);
  io.stdout.write(args.format === 'json' ? JSON.stringify(toJson(diagnosis)) + '\n' : formatDiagnosis(args.lang, diagnosis, matcher));
  return 0;
}
