/**
 * Parses a dotenv file: `KEY=value` lines, `#` comments, an optional `export ` prefix, single- or
 * double-quoted values (double quotes understand \n, \r, \t, \" and \\).
 */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!m) continue;
    const key = m[1] as string;
    const rest = m[2] as string;
    let value: string;
    const quoted = /^(["'])(.*)\1(\s+#.*)?$/.exec(rest);
    if (quoted) {
      value = quoted[2] as string;
      if (quoted[1] === '"') {
        value = value.replace(/\\([nrt"\\])/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' })[c] as string);
      }
    } else {
      value = rest.replace(/\s+#.*$/, '');
    }
    out[key] = value;
  }
  return out;
}
