import { z } from 'zod';
import { extractFacts, Facts } from './extractFacts';
import type { KnowledgeBase } from './loadKnowledge';
import { compactText, isWide, toPlainText } from './normalizeText';
import { PhraseIndex } from './PhraseIndex';
import { FailureModeId, type FailureMode } from './schema';

export const Candidate = z.object({ id: FailureModeId, confidence: z.number().min(0).max(1) }).strict();
export type Candidate = z.infer<typeof Candidate>;

export const Diagnosis = z
  .object({
    match: Candidate.extend({ facts: Facts }).nullable(),
    candidates: z.array(Candidate),
    /** Facts are extracted whether or not a mode matched: the not-recognised answer shows them too. */
    facts: Facts,
  })
  .strict();
export type Diagnosis = z.infer<typeof Diagnosis>;

/** Below this the matcher abstains: it says it is not sure rather than guess. */
export const MATCH_THRESHOLD = 0.6;
/** Candidates below this are not worth showing. */
export const CANDIDATE_FLOOR = 0.05;

/**
 * Fragment lengths in "units" (a Latin letter or digit is one, a Hangul or CJK character two).
 * Short fragments survive truncation and wrapping; long ones stay specific where a short one also
 * occurs in a look-alike error ("…concurrent shells for this user…" against "…operations for this user…").
 */
const FRAGMENT_UNITS = [12, 24] as const;
/** Units of evidence that make a match about 63% certain (1 - 1/e). */
const EVIDENCE_SCALE = 12;
/** Text shared with a sibling mode (a family's boilerplate) supports a mode that has distinctive text of its own. */
const SHARED_SUPPORT = 0.5;
/** Distinctive text shorter than this (units) counts only in part: a stray phrase is not a diagnosis. */
const GATE_FROM = 6;
const GATE_FULL = 18;
/** Family boilerplate alone only narrows the field: it never reaches the match threshold. */
const FAMILY_HINT_MAX = 0.3;
const FAMILY_HINT_SCALE = 60;

/** Only texts with a character from U+1100 up can have two-unit characters. */
const MAYBE_WIDE = /[\u1100-\uffff]/;

const PLACEHOLDER = /\{(?:path|upn|server|version)\}/g;

function unitsOf(code: number): number {
  return isWide(code) ? 2 : 1;
}

/** Every fragment of each length in FRAGMENT_UNITS in the compact form of a constant piece of text. */
function fragmentsOf(compact: string): string[] {
  const out: string[] = [];
  for (const size of FRAGMENT_UNITS) {
    for (let start = 0; start < compact.length; start++) {
      let units = 0;
      let end = start;
      while (end < compact.length && units < size) units += unitsOf(compact.charCodeAt(end++));
      if (units < size) break;
      out.push(compact.slice(start, end));
    }
  }
  return out;
}

/**
 * The measure (in units) of a union of intervals that arrive in order of their end; an interval
 * may reach back over earlier ones, so the tail of the merged list is folded into it.
 */
class Coverage {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  total = 0;

  /** Prefix sums of units, or undefined when every character is one unit (no Hangul or CJK). */
  constructor(private readonly prefix: Float64Array | undefined) {}

  add(start: number, end: number): void {
    const last = this.ends.length - 1;
    // Most fragments lie inside the interval just added (overlapping fragments of one text).
    if (last >= 0 && start >= (this.starts[last] as number) && end <= (this.ends[last] as number)) return;
    let s = start;
    let e = end;
    while (this.ends.length > 0 && (this.ends[this.ends.length - 1] as number) >= s) {
      const lastStart = this.starts.pop() as number;
      const lastEnd = this.ends.pop() as number;
      this.total -= this.measure(lastStart, lastEnd);
      s = Math.min(s, lastStart);
      e = Math.max(e, lastEnd);
    }
    this.starts.push(s);
    this.ends.push(e);
    this.total += this.measure(s, e);
  }

  private measure(start: number, end: number): number {
    return this.prefix ? (this.prefix[end] as number) - (this.prefix[start] as number) : end - start;
  }
}

function constantPieces(template: string): string[] {
  return template
    .split(PLACEHOLDER)
    .map((piece) => compactText(toPlainText(piece)))
    .filter((piece) => piece.length > 0);
}

interface Evidence {
  unique: number;
  shared: number;
}

/**
 * Recognises which documented failure a paste shows. It indexes fragments of every known error
 * text (English, the Korean article, localized Windows texts), forgets fragments that also occur
 * in look-alike errors of other products, and measures how much of the paste is covered by
 * fragments that belong to one failure mode only.
 */
export class Matcher {
  private readonly index = new PhraseIndex();
  /** For each fragment id: the index of the one mode whose texts contain it, or -1 when several do. */
  private readonly soleOwner: Int32Array;
  /** For each fragment id of several modes: their indexes. */
  private readonly sharedOwners = new Map<number, readonly number[]>();
  readonly modes: readonly FailureMode[];

  constructor(knowledge: KnowledgeBase) {
    this.modes = knowledge.modes;
    const background = new Set<string>();
    for (const { text } of knowledge.background.texts) {
      for (const piece of constantPieces(text)) for (const f of fragmentsOf(piece)) background.add(f);
    }
    const ownersByPhrase = new Map<string, Set<number>>();
    const knownTexts: Array<{ piece: string; printed: boolean }> = [];
    this.modes.forEach((mode, modeIndex) => {
      for (const signature of mode.signatures) {
        for (const piece of constantPieces(signature.text)) {
          knownTexts.push({ piece, printed: signature.source === 'powershell' });
          for (const fragment of fragmentsOf(piece)) {
            if (background.has(fragment)) continue;
            const owners = ownersByPhrase.get(fragment) ?? new Set<number>();
            owners.add(modeIndex);
            ownersByPhrase.set(fragment, owners);
          }
        }
      }
    });
    this.soleOwner = new Int32Array(ownersByPhrase.size);
    for (const [phrase, owners] of ownersByPhrase) {
      const id = this.index.add(phrase);
      if (owners.size === 1) this.soleOwner[id] = [...owners][0] as number;
      else {
        this.soleOwner[id] = -1;
        this.sharedOwners.set(id, [...owners]);
      }
    }
    // Scanning a paste of a known error then reads the automaton front to back; where texts share a
    // stretch, the way the error as PowerShell prints it goes on is preferred: that is what admins paste.
    this.index.build([...knownTexts.filter((t) => t.printed), ...knownTexts.filter((t) => !t.printed)].map((t) => t.piece));
  }

  /** Ranked candidates, the best match or null, and the facts found in the paste. */
  diagnose(text: string): Diagnosis {
    const plain = toPlainText(text);
    const compact = compactText(plain);
    const evidence = this.measure(compact);
    const ranked = this.rank(evidence);
    const best = ranked[0];
    const facts = extractFacts(plain);
    const match = best && best.confidence >= MATCH_THRESHOLD ? { ...best, facts } : null;
    return { match, candidates: ranked, facts };
  }

  private measure(compact: string): Evidence[] {
    let prefix: Float64Array | undefined;
    if (MAYBE_WIDE.test(compact)) {
      prefix = new Float64Array(compact.length + 1);
      for (let i = 0; i < compact.length; i++) prefix[i + 1] = (prefix[i] as number) + unitsOf(compact.charCodeAt(i));
    }
    // Created on first use: most pastes touch one or two modes.
    const unique: Array<Coverage | undefined> = new Array(this.modes.length);
    const shared: Array<Coverage | undefined> = new Array(this.modes.length);
    this.index.scan(compact, (id, end) => {
      const start = end - this.index.phraseLength(id);
      const sole = this.soleOwner[id] as number;
      if (sole >= 0) (unique[sole] ??= new Coverage(prefix)).add(start, end);
      else for (const m of this.sharedOwners.get(id) ?? []) (shared[m] ??= new Coverage(prefix)).add(start, end);
    });
    return this.modes.map((_, m) => ({ unique: unique[m]?.total ?? 0, shared: shared[m]?.total ?? 0 }));
  }

  private rank(evidence: readonly Evidence[]): Candidate[] {
    // The strongest distinctive evidence of any other mode: the best, or for the best itself the second.
    let first = 0;
    let second = 0;
    for (const e of evidence) {
      if (e.unique > first) [first, second] = [e.unique, first];
      else if (e.unique > second) second = e.unique;
    }
    const candidates: Candidate[] = [];
    evidence.forEach((e, m) => {
      if (e.unique === 0 && e.shared === 0) return;
      const strongestOther = e.unique === first ? second : first;
      const gate = Math.min(1, Math.max(0, (e.unique - GATE_FROM) / (GATE_FULL - GATE_FROM)));
      const strength = (1 - Math.exp(-(e.unique + SHARED_SUPPORT * e.shared) / EVIDENCE_SCALE)) * gate;
      const purity = e.unique > 0 ? e.unique / (e.unique + strongestOther) : 0;
      const familyHint = FAMILY_HINT_MAX * (1 - Math.exp(-e.shared / FAMILY_HINT_SCALE)) * (strongestOther > 0 ? 0.5 : 1);
      const confidence = Math.round(Math.min(Math.max(strength * purity * purity, familyHint), 0.99) * 1000) / 1000;
      if (confidence >= CANDIDATE_FLOOR) candidates.push({ id: (this.modes[m] as FailureMode).id, confidence });
    });
    return candidates.sort((a, b) => b.confidence - a.confidence || this.orderOf(a.id) - this.orderOf(b.id));
  }

  private orderOf(id: FailureModeId): number {
    return this.modes.find((m) => m.id === id)?.order ?? Number.MAX_SAFE_INTEGER;
  }

  modeById(id: FailureModeId): FailureMode | undefined {
    return this.modes.find((m) => m.id === id);
  }
}
