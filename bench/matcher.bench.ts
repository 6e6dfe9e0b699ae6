import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { defaultKnowledge, defaultMatcher } from '../src/knowledge';
import { redactSecrets } from '../src/knowledge/redactSecrets';

/** Runs the matcher over pastes of realistic and adversarial shapes and prints latency per paste. */
const matcher = defaultMatcher();
const modes = defaultKnowledge().modes;
const chatter = 'Morning all, the jump box gives me this again when I connect to the tenant, tried twice. 관리 서버에서 연결이 안 됩니다. ';

function pasteOfSize(bytes: number, seed: number): string {
  const mode = modes[seed % modes.length];
  const record = `${mode?.errorText ?? ''}\nAt line:1 char:1\n+ $session = New-CsOnlineSession -Credential $cred\n    + CategoryInfo          : OpenError: (System.Manageme....RemoteRunspace:RemoteRunspace) [New-PSSession], PSRemotingTransportException\n    + FullyQualifiedErrorId : -2144108477,PSSessionOpenFailed\n`;
  let text = record;
  while (Buffer.byteLength(text) < bytes) text = chatter + text + chatter;
  return text.slice(0, bytes);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function measure(
  name: string,
  inputs: string[],
  rounds: number,
  work: (text: string) => unknown = (text) => matcher.diagnose(text),
): { p50: number; p99: number; perSecond: number } {
  for (const input of inputs.slice(0, 20)) work(input);
  const times: number[] = [];
  const start = performance.now();
  for (let r = 0; r < rounds; r++) {
    const input = inputs[r % inputs.length] as string;
    const t0 = performance.now();
    work(input);
    times.push(performance.now() - t0);
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  const result = { p50: percentile(times, 50), p99: percentile(times, 99), perSecond: (rounds / total) * 1000 };
  const bytes = Buffer.byteLength(inputs[0] ?? '');
  process.stdout.write(
    `${name.padEnd(34)} ${String(bytes).padStart(7)} B  p50 ${result.p50.toFixed(3).padStart(8)} ms  p99 ${result.p99.toFixed(3).padStart(8)} ms  ${result.perSecond.toFixed(0).padStart(7)} pastes/s\n`,
  );
  return result;
}

const sizes: Array<[string, number, number]> = [
  ['realistic paste', 200, 20000],
  ['realistic paste', 5 * 1024, 5000],
  ['realistic paste', 100 * 1024, 300],
];
process.stdout.write(`matcher: ${modes.length} failure modes; node ${process.version}\n`);
const results = sizes.map(([name, bytes, rounds]) => ({ bytes, ...measure(name, Array.from({ length: 18 }, (_, i) => pasteOfSize(bytes, i)), rounds) }));

const adversarial: Array<[string, string]> = [
  ['100 KB of one character', 'a'.repeat(100 * 1024)],
  ['100 KB of one Hangul syllable', '가'.repeat(50 * 1024)],
  ['100 KB of repeated error prefixes', 'New-PSSession : [admin.vdomain.com] Processing data from remote server '.repeat(1500).slice(0, 100 * 1024)],
  ['100 KB of one repeated error', (modes[7]?.errorText ?? '').repeat(400).slice(0, 100 * 1024)],
  ['100 KB of HTML tags', '<p><b>x</b></p>&amp;'.repeat(5200).slice(0, 100 * 1024)],
  ['100 KB without whitespace', 'GetCsWebTicket'.repeat(7400).slice(0, 100 * 1024)],
];
const adversarialResults = adversarial.map(([name, text]) => measure(name, [text], 200));

const [small, mid, large] = results;
const perKb = (r: { p50: number; bytes: number } | undefined) => (r ? r.p50 / (r.bytes / 1024) : 0);
process.stdout.write(`\ncost per KB (p50): 5 KB ${perKb(mid).toFixed(4)} ms, 100 KB ${perKb(large).toFixed(4)} ms (linear if these are close)\n`);
const worstAdversarial = Math.max(...adversarialResults.map((r) => r.p99));
const targets = [
  ['p99 at 200 B < 1 ms', (small?.p99 ?? Infinity) < 1],
  ['p99 at 5 KB < 1 ms', (mid?.p99 ?? Infinity) < 1],
  ['p99 at 100 KB < 20 ms', (large?.p99 ?? Infinity) < 20],
  ['adversarial 100 KB p99 < 20 ms', worstAdversarial < 20],
] as const;
for (const [label, ok] of targets) process.stdout.write(`${ok ? 'MET ' : 'MISS'} ${label}\n`);
const at5 = { p50: mid?.p50 ?? Infinity, p99: mid?.p99 ?? Infinity };
const within = at5.p99 < 1 ? 'within 1 ms (p50 and p99)' : at5.p50 < 1 ? 'within 1 ms at p50, not at p99' : 'NOT within 1 ms';
process.stdout.write(`verdict: a 5 KB paste takes p50 ${at5.p50.toFixed(3)} ms, p99 ${at5.p99.toFixed(3)} ms: ${within} (load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores)\n`);

process.stdout.write('\nredaction (redactSecrets alone, which runs before the matcher on every paste):\n');
const redact = (text: string) => redactSecrets(text);
const redactionResults = sizes.map(([name, bytes, rounds]) => ({
  bytes,
  ...measure(`redact ${name}`, Array.from({ length: 18 }, (_, i) => pasteOfSize(bytes, i)), rounds, redact),
}));
const redactionAdversarial: Array<[string, string]> = [
  ...adversarial,
  ['100 KB of "-Password "', '-Password '.repeat(10 * 1024)],
  ['100 KB of "$password = \'"', "$password = '".repeat(8 * 1024).slice(0, 100 * 1024)],
  ['100 KB of "Password=x "', 'Password=x '.repeat(9400).slice(0, 100 * 1024)],
  ['100 KB of "&amp;quot;"', '&amp;quot;'.repeat(10 * 1024)],
  ['100 KB of a JWT header', 'eyJ' + 'a'.repeat(100 * 1024 - 3)],
  ['100 KB of SecureString error openings', 'Cannot convert the "'.repeat(5 * 1024) + 'System.Security.SecureString'],
];
const worstRedaction = Math.max(...redactionAdversarial.map(([name, text]) => measure(`redact ${name}`, [text], 200, redact).p99));
const redactionTargets = [
  ['redaction p99 at 5 KB < 1 ms', (redactionResults[1]?.p99 ?? Infinity) < 1],
  ['redaction p99 at 100 KB < 20 ms', (redactionResults[2]?.p99 ?? Infinity) < 20],
  ['redaction adversarial 100 KB p99 < 20 ms', worstRedaction < 20],
] as const;
for (const [label, ok] of redactionTargets) process.stdout.write(`${ok ? 'MET ' : 'MISS'} ${label}\n`);
