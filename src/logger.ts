export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function serialise(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  // A system error's code (ECONNREFUSED) and the error behind a wrapping one say what happened.
  const { code } = value as { code?: unknown };
  return {
    name: value.name,
    message: value.message,
    ...(typeof code === 'string' ? { code } : {}),
    stack: value.stack,
    ...(value.cause !== undefined ? { cause: serialise(value.cause) } : {}),
  };
}

/** One JSON object per line. Callers pass ids and counts, never raw paste text. */
export function createLogger({
  level = 'info',
  write = (line: string) => process.stdout.write(line),
  bindings = {},
  now = () => new Date(),
}: {
  level?: LogLevel;
  write?: (line: string) => void;
  bindings?: LogFields;
  now?: () => Date;
} = {}): Logger {
  const emit = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields: LogFields = {}) => {
    if (RANK[lvl] < RANK[level]) return;
    const record: Record<string, unknown> = { time: now().toISOString(), level: lvl, msg, ...bindings };
    for (const [k, v] of Object.entries(fields)) record[k] = serialise(v);
    write(JSON.stringify(record) + '\n');
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (more) => createLogger({ level, write, bindings: { ...bindings, ...more }, now }),
  };
}
