import { z } from 'zod';
import { extractFacts, Facts } from './extractFacts';
import type { KnowledgeBase } from './loadKnowledge';
import { compactText, isWide, toPlainText } from './normalizeText';
import { PhraseIndex } from './PhraseIndex';
import { FailureModeId, type Context, type FailureMode, type Signature } from './schema';

export const Candidate = z.object({ id: FailureModeId, confidence: z.number().min(0).max(1) }).strict();
export type Candidate = z.infer<typeof Candidate>;

export const Diagnosis = z
  .object({
    /** The first error of the paste the matcher is sure of, or null when it abstains. */
    match: Candidate.extend({ facts: Facts }).nullable(),
    /** Other errors of the same paste it is as sure of, in the order they appear. */
    alsoFound: z.array(Candidate),
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
/** Units of a mode's own words that make a match about 63% certain (1 - 1/e). */
const EVIDENCE_SCALE = 12;
/**
 * A mode's own words count in full only where one stretch of them is this long (units): a paste
 * that shares a few common words with a signature ("the execution", "Windows PowerShell") in
 * several places is not that error.
 */
const RUN_FROM = 10;
const RUN_FULL = 20;
/** Words several modes share only narrow the field: they never reach the match threshold. */
const FAMILY_HINT_MAX = 0.3;
const FAMILY_HINT_SCALE = 60;
/** Evidence this close (letters and digits) belongs to one stretch of the paste. */
const JOIN_GAP = 2;

/** Only texts with a character from U+1100 up can have two-unit characters. */
const MAYBE_WIDE = /[\u1100-\uffff]/;
/** A variable part of a signature, frame or look-alike text. */
const PLACEHOLDER = /\{[a-z][a-zA-Z]*\}/g;

function unitsOf(code: number): number {
  return isWide(code) ? 2 : 1;
}

/** Every fragment of each length in FRAGMENT_UNITS in the compact form of a constant piece of text. */
export function fragmentsOf(compact: string): string[] {
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

/** The compact forms of a template's constant pieces: placeholders split it, so no fragment spans a variable part. */
export function constantPieces(template: string): string[] {
  return template
    .split(PLACEHOLDER)
    .map((piece) => compactText(toPlainText(piece)))
    .filter((piece) => piece.length > 0);
}

/**
 * The union of intervals that arrive in order of their end, as a merged list; an interval may
 * reach back over earlier ones, so the tail of the list is folded into it. Intervals closer than
 * `gap` are joined.
 */
class Coverage {
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  /** Measure of the union, in units. */
  total = 0;
  /** Measure of its longest interval, in units. */
  longest = 0;

  /** Prefix sums of units, or undefined when every character is one unit (no Hangul or CJK). */
  constructor(
    private readonly prefix: Float64Array | undefined,
    private readonly gap = 0,
  ) {}

  add(start: number, end: number): void {
    const last = this.ends.length - 1;
    // Most fragments lie inside the interval just added (overlapping fragments of one text).
    if (last >= 0 && start >= (this.starts[last] as number) && end <= (this.ends[last] as number)) return;
    let s = start;
    let e = end;
    while (this.ends.length > 0 && (this.ends[this.ends.length - 1] as number) + this.gap >= s) {
      const lastStart = this.starts.pop() as number;
      const lastEnd = this.ends.pop() as number;
      this.total -= this.measure(lastStart, lastEnd);
      s = Math.min(s, lastStart);
      e = Math.max(e, lastEnd);
    }
    this.starts.push(s);
    this.ends.push(e);
    const measure = this.measure(s, e);
    this.total += measure;
    if (measure > this.longest) this.longest = measure;
  }

  private measure(start: number, end: number): number {
    return this.prefix ? (this.prefix[end] as number) - (this.prefix[start] as number) : end - start;
  }
}

/** What one paste says for one mode. */
interface Evidence {
  /** Words of this mode alone. */
  own: Coverage;
  /** Every stretch where this mode's words (its own and shared ones) lie. */
  extent: Coverage;
  /** Units of words this mode shares with others. */
  shared: number;
}

/** When a signature's words count: always, or only where the paste shows (or does not show) some contexts. */
interface Gate {
  requires?: string;
  unless: readonly string[];
}

/** A context as the matcher tests it: compact literals and regular expressions. */
interface CompiledContext {
  readonly literals: readonly string[];
  readonly patterns: readonly RegExp[];
  readonly unless: readonly string[];
}

/** One paste's contexts, each tested once, when a gated word first needs it. */
class ContextsOf {
  private readonly found = new Map<string, boolean>();

  constructor(
    private readonly contexts: ReadonlyMap<string, CompiledContext>,
    private readonly plain: string,
    private readonly compact: string,
  ) {}

  shows(id: string): boolean {
    let shown = this.found.get(id);
    if (shown === undefined) {
      // Marked first: a context whose `unless` leads back to itself does not recurse.
      this.found.set(id, false);
      const context = this.contexts.get(id);
      shown =
        context !== undefined &&
        (context.literals.some((literal) => this.compact.includes(literal)) || context.patterns.some((pattern) => pattern.test(this.plain))) &&
        !context.unless.some((other) => this.shows(other));
      this.found.set(id, shown);
    }
    return shown;
  }

  passes(gate: Gate): boolean {
    return (gate.requires === undefined || this.shows(gate.requires)) && !gate.unless.some((id) => this.shows(id));
  }
}

/** Longest plain text a context pattern is tested on: contexts are named near the error, and a regex pass stays cheap. */
const MAX_CONTEXT_TEXT = 200 * 1024;

/**
 * Recognises which documented failures a paste shows. It indexes fragments of every known error
 * text (English, the Korean article, localized Windows texts). Fragments of PowerShell's own frames
 * in any language ("Connecting to remote server … failed with the following error message", "is not
 * recognized as the name of a cmdlet") never count, nor do fragments of look-alike errors of other
 * products. A signature whose words other products share (an AADSTS code, a WinRM message) counts
 * only where the paste shows its context (the MicrosoftTeams module, not another product). A mode is
 * claimed from how much of the paste its own words cover, against the own words of modes whose
 * text lies in the same stretch of the paste; separate errors of one paste are claimed separately.
 */
export class Matcher {
  private readonly index = new PhraseIndex();
  /** For each fragment id: who owns it, as mode index × gates + gate index. */
  private readonly owners: Array<readonly number[]> = [];
  private readonly gates: Gate[] = [{ unless: [] }];
  private readonly contexts: ReadonlyMap<string, CompiledContext>;
  readonly modes: readonly FailureMode[];

  constructor(knowledge: KnowledgeBase) {
    this.modes = knowledge.modes;
    this.contexts = new Map(knowledge.contexts.map((c) => [c.id, compileContext(c)]));
    const frameFragments = new Set<string>();
    for (const { frames } of knowledge.frames) for (const { text } of frames) for (const piece of constantPieces(text)) for (const f of fragmentsOf(piece)) frameFragments.add(f);
    const lookAlikeFragments = new Set<string>();
    for (const { text } of knowledge.background.texts) for (const piece of constantPieces(text)) for (const f of fragmentsOf(piece)) lookAlikeFragments.add(f);

    const ownersByPhrase = new Map<string, Set<number>>();
    const knownTexts: Array<{ piece: string; printed: boolean }> = [];
    this.modes.forEach((mode, modeIndex) => {
      for (const signature of mode.signatures) {
        const gate = this.gateIndex(signature);
        for (const piece of constantPieces(signature.text)) {
          knownTexts.push({ piece, printed: signature.source === 'powershell' });
          for (const fragment of fragmentsOf(piece)) {
            if (frameFragments.has(fragment)) continue;
            // A gated text is told from its look-alikes by context, not by its words.
            if (gate === 0 && lookAlikeFragments.has(fragment)) continue;
            const owners = ownersByPhrase.get(fragment) ?? new Set<number>();
            owners.add(modeIndex * MAX_GATES + gate);
            ownersByPhrase.set(fragment, owners);
          }
        }
      }
    });
    for (const [phrase, owners] of ownersByPhrase) {
      const id = this.index.add(phrase);
      // A mode that owns a fragment without a gate needs no gated ownership of it.
      const ungated = new Set([...owners].filter((o) => o % MAX_GATES === 0).map((o) => Math.floor(o / MAX_GATES)));
      this.owners[id] = [...owners].filter((o) => o % MAX_GATES === 0 || !ungated.has(Math.floor(o / MAX_GATES)));
    }
    // Where texts share a stretch, the way the error as PowerShell prints it goes on is laid out
    // first: that is what admins paste (see PhraseIndex.build).
    this.index.build([...knownTexts.filter((t) => t.printed), ...knownTexts.filter((t) => !t.printed)].map((t) => t.piece));
  }

  private gateIndex({ requires, unless = [] }: Pick<Signature, 'requires' | 'unless'>): number {
    if (requires === undefined && unless.length === 0) return 0;
    const key = JSON.stringify([requires, [...unless].sort()]);
    let at = this.gates.findIndex((g) => JSON.stringify([g.requires, [...g.unless].sort()]) === key);
    if (at < 0) {
      at = this.gates.push({ requires, unless }) - 1;
      if (at >= MAX_GATES) throw new Error(`Matcher: more than ${MAX_GATES - 1} distinct signature contexts`);
    }
    return at;
  }

  /** The confident matches in the order they appear, ranked candidates, and the facts found in the paste. */
  diagnose(text: string): Diagnosis {
    const plain = toPlainText(text);
    const compact = compactText(plain);
    const evidence = this.measure(plain, compact);
    const candidates = this.rank(evidence);
    const facts = extractFacts(plain);
    const sure = candidates
      .filter((c) => c.confidence >= MATCH_THRESHOLD)
      .map((c) => ({ candidate: c, at: evidence[this.modeIndex(c.id)]?.own.starts[0] ?? 0 }))
      .sort((a, b) => a.at - b.at)
      .map((s) => s.candidate);
    const [first, ...rest] = sure;
    return { match: first ? { ...first, facts } : null, alsoFound: rest, candidates, facts };
  }

  private measure(plain: string, compact: string): Array<Evidence | undefined> {
    let prefix: Float64Array | undefined;
    if (MAYBE_WIDE.test(compact)) {
      prefix = new Float64Array(compact.length + 1);
      for (let i = 0; i < compact.length; i++) prefix[i + 1] = (prefix[i] as number) + unitsOf(compact.charCodeAt(i));
    }
    let contexts: ContextsOf | undefined;
    const live: number[] = [];
    // Created on first use: most pastes touch one or two modes.
    const evidence: Array<Evidence | undefined> = new Array(this.modes.length);
    const of = (m: number): Evidence => (evidence[m] ??= { own: new Coverage(prefix), extent: new Coverage(prefix, JOIN_GAP), shared: 0 });
    this.index.scan(compact, (id, end) => {
      const start = end - this.index.phraseLength(id);
      const owners = this.owners[id] as readonly number[];
      live.length = 0;
      for (const owner of owners) {
        const gate = owner % MAX_GATES;
        if (gate !== 0) {
          contexts ??= new ContextsOf(this.contexts, plain.length > MAX_CONTEXT_TEXT ? plain.slice(-MAX_CONTEXT_TEXT) : plain, compact);
          if (!contexts.passes(this.gates[gate] as Gate)) continue;
        }
        const m = Math.floor(owner / MAX_GATES);
        if (!live.includes(m)) live.push(m);
      }
      if (live.length === 1) {
        const e = of(live[0] as number);
        e.own.add(start, end);
        e.extent.add(start, end);
      } else {
        for (const m of live) {
          const e = of(m);
          e.extent.add(start, end);
          e.shared += end - start;
        }
      }
    });
    return evidence;
  }

  private rank(evidence: ReadonlyArray<Evidence | undefined>): Candidate[] {
    const candidates: Candidate[] = [];
    evidence.forEach((e, m) => {
      if (!e) return;
      const own = e.own.total;
      // The strongest own evidence of another mode whose words lie in the same stretch of the paste.
      let rival = 0;
      if (own > 0) {
        evidence.forEach((other, o) => {
          if (o !== m && other && other.own.total > rival && overlaps(e.extent, other.extent)) rival = other.own.total;
        });
      }
      const gate = Math.min(1, Math.max(0, (e.own.longest - RUN_FROM) / (RUN_FULL - RUN_FROM)));
      const strength = (1 - Math.exp(-own / EVIDENCE_SCALE)) * gate;
      const purity = own > 0 ? own / (own + rival) : 0;
      const familyHint = FAMILY_HINT_MAX * (1 - Math.exp(-e.shared / FAMILY_HINT_SCALE)) * (rival > 0 ? 0.5 : 1);
      const confidence = Math.round(Math.min(Math.max(strength * purity * purity, familyHint), 0.99) * 1000) / 1000;
      if (confidence >= CANDIDATE_FLOOR) candidates.push({ id: (this.modes[m] as FailureMode).id, confidence });
    });
    return candidates.sort((a, b) => b.confidence - a.confidence || this.modeIndex(a.id) - this.modeIndex(b.id));
  }

  private modeIndex(id: FailureModeId): number {
    return this.modes.findIndex((m) => m.id === id);
  }

  modeById(id: FailureModeId): FailureMode | undefined {
    return this.modes.find((m) => m.id === id);
  }
}

/** Signature contexts a matcher can tell apart; the owner of a fragment packs its mode and gate into one number. */
const MAX_GATES = 64;

function compileContext(context: Context): CompiledContext {
  return {
    literals: context.literals.map((l) => compactText(toPlainText(l))).filter((l) => l.length > 0),
    patterns: context.patterns.map((p) => new RegExp(p, 'iu')),
    unless: context.unless,
  };
}

/** Whether two merged interval lists (each sorted, disjoint) share any position. */
function overlaps(a: Coverage, b: Coverage): boolean {
  let i = 0;
  let j = 0;
  while (i < a.starts.length && j < b.starts.length) {
    if ((a.ends[i] as number) <= (b.starts[j] as number)) i++;
    else if ((b.ends[j] as number) <= (a.starts[i] as number)) j++;
    else return true;
  }
  return false;
}
