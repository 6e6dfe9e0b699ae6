import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { FailureModeId } from '../../src/knowledge';

/** A labelled paste: the mode it shows, or null when the bot must not claim one. */
export const PasteCase = z.object({ text: z.string(), expect: FailureModeId.nullable(), note: z.string().optional(), lang: z.string().optional() }).strict();
export type PasteCase = z.infer<typeof PasteCase>;

/** The repository root, from dist/test/helpers or test/helpers alike. */
export function repoRoot(): string {
  return join(__dirname, __dirname.includes(`${join('dist', 'test')}`) ? '../../..' : '../..');
}

export function readJsonl(file: string): PasteCase[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const parsed = PasteCase.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.message}`);
      return parsed.data;
    });
}

export const fixturePath = (name: string): string => join(repoRoot(), 'test', 'fixtures', name);

/** Fills a signature template's placeholders with plausible values. */
export function fillTemplate(template: string, n = 0): string {
  const users = ['kenmyer@litwareinc.com', 'ops.admin@fabrikam.onmicrosoft.com', '관리자@contoso.kr'];
  const servers = ['admin0b.online.lync.com', 'admin2c.online.lync.com', 'api.interfaces.records.teams.microsoft.com'];
  return template
    .replace(/\{upn\}/g, users[n % users.length] as string)
    .replace(/\{server\}/g, servers[n % servers.length] as string)
    .replace(/\{path\}/g, 'C:\\Program Files\\Common Files\\Skype for Business Online\\Modules\\SkypeOnlineConnector\\SkypeOnlineConnectorStartup.psm1')
    .replace(/\{version\}/g, n % 2 ? '2.0' : '3.0');
}

/** Hard-wraps text at a column, mid-word, the way a console window does. */
export function hardWrap(text: string, column: number): string {
  const out: string[] = [];
  for (const line of text.split('\n')) for (let i = 0; i < line.length || i === 0; i += column) out.push(line.slice(i, i + column));
  return out.join('\n');
}
