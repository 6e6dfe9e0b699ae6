import { defaultKnowledge, diagnose, MATCH_THRESHOLD } from '../src/knowledge';
import { fixturePath, readJsonl } from '../test/helpers/fixtures';
import { frameSuite } from '../test/helpers/frameSuite';
import { signatureVariants } from '../test/helpers/pasteVariants';

/**
 * How well the confidence is calibrated, per language and overall: for every paste with a known
 * answer, whether the best candidate was right in each confidence band, and what the bot did:
 * a right claim, a right abstention, a missed known error, or a wrong claim (the outcome that must
 * never happen). Inputs: the development corpora and our transcripts (test/fixtures), every frame
 * around unrelated messages (the frame suite's generator), and every signature in the ways people
 * paste it.
 */
interface Labelled {
  readonly source: string;
  /** BCP-47 language: the fixture's lang (en where it has none), the frame's, the signature's. */
  readonly lang: string;
  readonly text: string;
  readonly expect: string | null;
}

const knowledge = defaultKnowledge();
const fixtures = ['dev.jsonl', 'dev-localized.jsonl', 'pastes.jsonl', 'teams-module.jsonl'].flatMap((file) =>
  readJsonl(fixturePath(file)).map((c) => ({ source: file.replace('.jsonl', ''), lang: c.lang ?? 'en', text: c.text, expect: c.expect })),
);
const cases: Labelled[] = [
  ...fixtures,
  ...frameSuite(knowledge).map((c) => ({ source: 'generated frame suite', lang: c.lang, text: c.text, expect: null })),
  ...signatureVariants(knowledge).map((v) => ({ source: 'signature variants', lang: v.lang, text: v.text, expect: v.mode.id })),
];

const BANDS = [0, 0.3, 0.6, 0.75, 0.9, 1.0001];

class Tally {
  n = 0;
  rightClaims = 0;
  rightAbstentions = 0;
  missed = 0;
  wrongClaims = 0;
  nearMisses = 0;
  nearMissesClaimed = 0;
  readonly bands = BANDS.slice(0, -1).map(() => ({ n: 0, right: 0 }));

  add(expect: string | null, best: { id: string; confidence: number } | undefined, claimed: string | null): void {
    this.n++;
    const band = this.bands[BANDS.findIndex((upTo) => (best?.confidence ?? 0) < upTo) - 1];
    if (band) {
      band.n++;
      if ((best?.id ?? null) === expect) band.right++;
    }
    if (expect === null) this.nearMisses++;
    if (claimed === null) {
      if (expect === null) this.rightAbstentions++;
      else this.missed++;
    } else if (claimed === expect) this.rightClaims++;
    else {
      this.wrongClaims++;
      if (expect === null) this.nearMissesClaimed++;
    }
  }
}

const overall = new Tally();
const byLang = new Map<string, Tally>();
const bySource = new Map<string, Tally>();
const tallyOf = (tallies: Map<string, Tally>, key: string): Tally => tallies.get(key) ?? tallies.set(key, new Tally()).get(key) ?? overall;
const wrong: string[] = [];
for (const c of cases) {
  const result = diagnose(c.text);
  const claimed = result.match?.id ?? null;
  for (const tally of [overall, tallyOf(byLang, c.lang), tallyOf(bySource, c.source)]) tally.add(c.expect, result.candidates[0], claimed);
  if (claimed !== null && claimed !== c.expect) wrong.push(`  ${c.source} (${c.lang}): claimed ${claimed} ${result.match?.confidence}, expected ${c.expect ?? 'no claim'}: ${JSON.stringify(c.text.slice(0, 120))}`);
}

const pct = (part: number, whole: number): string => (whole === 0 ? '    -' : `${((100 * part) / whole).toFixed(1).padStart(5)}%`);
function line(name: string, t: Tally): string {
  return `${name.padEnd(21)} ${String(t.n).padStart(5)}  right claims ${String(t.rightClaims).padStart(4)}  right abstentions ${String(t.rightAbstentions).padStart(4)}  missed known errors ${String(t.missed).padStart(4)}  WRONG CLAIMS ${String(t.wrongClaims).padStart(2)}  near-misses claimed ${t.nearMissesClaimed}/${t.nearMisses}`;
}
function bands(t: Tally): string {
  return t.bands.map((b, i) => `${(BANDS[i] as number).toFixed(2)}–${Math.min(1, BANDS[i + 1] as number).toFixed(2)} ${pct(b.right, b.n)} of ${b.n}`).join(' | ');
}

process.stdout.write(`calibration over ${cases.length} labelled pastes (match threshold ${MATCH_THRESHOLD}); best candidate right, per confidence band\n`);
const langs = [...byLang.entries()].sort((a, b) => b[1].n - a[1].n);
for (const [lang, t] of [...langs, ['overall', overall] as const]) {
  process.stdout.write(`${line(lang, t)}\n${''.padEnd(22)}${bands(t)}\n`);
}
process.stdout.write('\nby source\n');
for (const [source, t] of bySource) process.stdout.write(`${line(source, t)}\n`);
if (wrong.length > 0) process.stdout.write(`\nwrong claims:\n${wrong.join('\n')}\n`);
process.stdout.write(`\n${overall.wrongClaims === 0 ? 'MET ' : 'MISS'} no wrong claim in any language (${overall.wrongClaims} of ${overall.n})\n`);
