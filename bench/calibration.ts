import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultKnowledge, diagnose, MATCH_THRESHOLD } from '../src/knowledge';

/**
 * How well the confidence is calibrated: for every paste with a known answer (the dev corpus,
 * our fixtures, and wrapped, cut and embedded variants of every signature), the best candidate's
 * confidence against whether it was right, in buckets.
 */
const root = join(__dirname, '..', '..');
const readJsonl = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { text: string; expect: string | null });

const cases = [...readJsonl(join(root, 'test', 'fixtures', 'dev.jsonl')), ...readJsonl(join(root, 'test', 'fixtures', 'pastes.jsonl'))];
for (const mode of defaultKnowledge().modes) {
  for (const sig of mode.signatures) {
    const text = sig.text.replace(/\{upn\}/g, 'someone@contoso.com').replace(/\{server\}/g, 'admin1a.online.lync.com').replace(/\{path\}/g, 'C:\\Modules\\SkypeOnlineConnector.psm1').replace(/\{version\}/g, '2.0');
    cases.push({ text, expect: mode.id });
    cases.push({ text: text.replace(/(.{1,41})/g, '$1\n'), expect: mode.id });
    cases.push({ text: `hi all, seeing this since this morning:\n${text}\nany idea?`, expect: mode.id });
    cases.push({ text: text.slice(Math.floor(text.length / 3)), expect: mode.id });
  }
}

const buckets = [0, 0.3, 0.6, 0.75, 0.9, 1.01];
const rows = buckets.slice(0, -1).map((lo, i) => ({ lo, hi: buckets[i + 1] as number, n: 0, right: 0 }));
let abstainedOnPositive = 0;
let wrongMatches = 0;
let rightMatches = 0;
let rightAbstentions = 0;
for (const c of cases) {
  const result = diagnose(c.text);
  const best = result.candidates[0];
  const confidence = best?.confidence ?? 0;
  const row = rows.find((r) => confidence >= r.lo && confidence < r.hi);
  if (row) {
    row.n++;
    if ((best?.id ?? null) === c.expect) row.right++;
  }
  const got = result.match?.id ?? null;
  if (got === null && c.expect === null) rightAbstentions++;
  else if (got === null) abstainedOnPositive++;
  else if (got === c.expect) rightMatches++;
  else wrongMatches++;
}
process.stdout.write(`calibration over ${cases.length} labelled pastes (match threshold ${MATCH_THRESHOLD})\n`);
for (const r of rows) process.stdout.write(`  best candidate confidence ${r.lo.toFixed(2)}–${Math.min(1, r.hi).toFixed(2)}: ${String(r.n).padStart(5)} pastes, ${r.n ? ((100 * r.right) / r.n).toFixed(1) : '-'}% right\n`);
process.stdout.write(`  right matches ${rightMatches}, right abstentions ${rightAbstentions}, abstained on a known error ${abstainedOnPositive}, confident wrong answers ${wrongMatches}\n`);
