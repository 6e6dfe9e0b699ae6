import { defaultKnowledge, diagnose, type FailureMode, type Signature } from '../src/knowledge';
import { fillSignature } from '../test/helpers/pasteVariants';

/**
 * Random pastes built from every known error text the way people paste them (other users, servers
 * and paths; cut to a first or last part at a word; wrapped at a random column; in chat; as Teams
 * HTML; upper case), with a fixed seed: how often the matcher is right, abstains, or is wrong.
 */
let seed = 7;
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

const users = ['kenmyer@litwareinc.com', 'svc.sfb@fabrikam.onmicrosoft.com', 'admin@contoso.co.kr', 'j.doe@northwind.com'];
const servers = ['admin0b.online.lync.com', 'admin2c.online.lync.com', 'admin1e.online.lync.com', 'api.interfaces.records.teams.microsoft.com'];
const paths = ['C:\\Program Files\\Common Files\\Skype for Business Online\\Modules\\SkypeOnlineConnector\\SkypeOnlineConnectorStartup.psm1', 'D:\\Tools\\LyncOnlineConnector\\LyncOnlineConnector.psd1'];
const knowledge = defaultKnowledge();
/** Other users, servers and paths than the templates' own, and a record line that shows the context a gated text needs. */
function fill(mode: FailureMode, signature: Signature): string {
  const template = signature.text
    .replace(/\{upn\}/g, () => pick(users))
    .replace(/\{server\}/g, () => pick(servers))
    .replace(/\{path\}/g, () => pick(paths))
    .replace(/\{version\}/g, () => pick(['1.0', '2.0', '3.0']));
  const text = fillSignature(mode, { ...signature, text: template }, 0);
  const context = knowledge.contexts.find((c) => c.id === signature.requires)?.literals[0];
  return context === undefined ? text : `${text}\nAt line:1 char:1\n+ ${context}`;
}
const wrap = (text: string, column: number) => text.split('\n').map((line) => line.match(new RegExp(`.{1,${column}}`, 'g'))?.join('\n') ?? line).join('\n');

const shapes: Record<string, (text: string) => string> = {
  whole: (t) => t,
  'first part': (t) => t.split(' ').slice(0, Math.ceil(t.split(' ').length * (0.45 + random() * 0.2))).join(' '),
  'last part': (t) => t.split(' ').slice(Math.floor(t.split(' ').length * (0.35 + random() * 0.2))).join(' '),
  wrapped: (t) => wrap(t, 20 + Math.floor(random() * 100)),
  'in chat': (t) => `${pick(['anyone seen this?\n', '이거 왜 이래요?\n', '@Connector Doctor '])}${t}${pick(['\nthanks', '\n도와주세요', ''])}`,
  'Teams HTML': (t) => `<p>${t.replace(/'/g, '&#39;').replace(/\n/g, '<br>')}</p>`,
  'upper case': (t) => t.toUpperCase(),
};

const PASTES = 7000;
const rows = new Map<string, { n: number; right: number; abstained: number; wrong: number }>();
const modes = knowledge.modes;
for (let i = 0; i < PASTES; i++) {
  const mode = pick(modes);
  const signature = pick(mode.signatures.filter((s) => s.source !== 'fragment'));
  const shape = pick(Object.keys(shapes));
  const got = diagnose((shapes[shape] as (t: string) => string)(fill(mode, signature))).match?.id ?? null;
  const row = rows.get(shape) ?? { n: 0, right: 0, abstained: 0, wrong: 0 };
  row.n++;
  if (got === mode.id) row.right++;
  else if (got === null) row.abstained++;
  else row.wrong++;
  rows.set(shape, row);
}
process.stdout.write(`robustness over ${PASTES} random pastes of ${modes.reduce((n, m) => n + m.signatures.length, 0)} known texts\n`);
for (const [shape, r] of rows) {
  process.stdout.write(`  ${shape.padEnd(11)} ${String(r.n).padStart(5)}  right ${((100 * r.right) / r.n).toFixed(1).padStart(5)}%  abstained ${((100 * r.abstained) / r.n).toFixed(1).padStart(4)}%  wrong ${r.wrong}\n`);
}
