import { z } from 'zod';
import { extractFacts, Facts } from './extractFacts';
import type { KnowledgeBase } from './loadKnowledge';
import { compactText, isWide, toPlainText } from './normalizeText';
import { FragmentIndex, fragmentsOf, unitsBetween, windowsOf } from './FragmentIndex';
import { FailureModeId, type Context, type FailureMode, type Pack, type Signature } from './schema';

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

/** Units of a mode's own words that make a match about 63% certain (1 - 1/e). */
const EVIDENCE_SCALE = 12;
/**
 * A mode's own words count in full only where one stretch of them is this long (units): a paste
 * that shares a few common words with a signature ("the execution", "Windows PowerShell") in
 * several places is not that error.
 */
const RUN_FROM = 10;
const RUN_FULL = 20;
/**
 * …and only where the paste holds this share of one of its texts' own words, or one stretch of
 * them this long: a few words of a long translated sentence ("Não é possível carregar" of "…carregar
 * o módulo Live ID") are not that error.
 */
const SHARE_FROM = 0.15;
const SHARE_FULL = 0.3;
const LONG_RUN_FROM = 25;
const LONG_RUN_FULL = 40;
/** A sign-in code (AADSTS50076) is a failure's own word, worth this many units of its text. */
const CODE_UNITS = 24;
const SIGN_IN_CODE = /AADSTS(\d{5,7})\b/gi;
/** Words several modes share only narrow the field: they never reach the match threshold. */
const FAMILY_HINT_MAX = 0.3;
const FAMILY_HINT_SCALE = 60;
/** Evidence this close (letters and digits) belongs to one stretch of the paste. */
const JOIN_GAP = 2;

/** Only texts with a character from U+1100 up can have two-unit characters. */
const MAYBE_WIDE = /[\u1100-\uffff]/;
/** A variable part of a signature, frame or look-alike text. */
export const PLACEHOLDER = /\{[a-z][a-zA-Z]*\}/g;

function unitsOf(code: number): number {
  return isWide(code) ? 2 : 1;
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
  /** The largest share of one of its texts' own words that the paste holds. */
  share: number;
  /** The paste names a sign-in code that means this mode, where its context holds. */
  code: boolean;
}

/** When a signature's words count: always, or only where the paste shows (or does not show) some contexts. */
interface Gate {
  requires?: string;
  unless: readonly string[];
}

/** A context as the matcher tests it: compact literals and regular expressions. */
interface CompiledContext {
  readonly literals: readonly string[];
  /** The context's patterns as one alternation: one pass over the paste. */
  readonly pattern: RegExp | undefined;
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
        (context.literals.some((literal) => this.compact.includes(literal)) || context.pattern?.test(this.plain) === true) &&
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

/** A signature as the matcher counts it. */
interface IndexedSignature {
  readonly mode: number;
  readonly gate: Gate | undefined;
  /** How many fragments of its own words (not frame, not look-alike) it has. */
  readonly fragments: number;
}

/**
 * Recognises which documented failures a paste shows. It indexes fragments of every known error
 * text (English, the Korean article, localized Windows texts). Fragments of PowerShell's own frames
 * in any language ("Connecting to remote server … failed with the following error message", "is not
 * recognized as the name of a cmdlet") never count, nor do fragments of look-alike errors of other
 * products. A signature whose words other products share (an AADSTS code, a WinRM message) counts
 * only where the paste shows its context (the MicrosoftTeams module, not another product).
 *
 * A mode is claimed from its own words in the paste: how much of the paste they cover, in one
 * stretch at least, how much of one of its texts the paste holds (a few words of a long translated
 * sentence are not that error), against the own words of modes whose text lies in the same stretch
 * of the paste. Separate errors of one paste are claimed separately.
 */
export class Matcher {
  private readonly index = new FragmentIndex();
  /** For each fragment id, the signatures whose own words hold it: ownerList[ownerStart[id] .. ownerStart[id + 1]). */
  private readonly ownerStart: Int32Array;
  private readonly ownerList: Int32Array;
  /** For each fragment id whose signatures count everywhere: their modes, so a scan need not test the signatures. */
  private readonly everywhere: Array<readonly number[] | undefined> = [];
  /** For each fragment id: the one mode whose words it is, where they count everywhere (most fragments), or -1. */
  private readonly soleMode: Int16Array;
  /** For each fragment id: the number of the last measure() that found it, so each is counted once per paste. */
  private readonly lastSeen: Uint32Array;
  private measures = 0;
  /** For each signature: how many of its fragments the paste holds (reset after each measure()). */
  private readonly held: Int32Array;
  private readonly signatures: IndexedSignature[] = [];
  private readonly contexts: ReadonlyMap<string, CompiledContext>;
  /** Sign-in codes that name a mode, and where they do. */
  private readonly codes: ReadonlyMap<string, number>;
  private readonly codeGate: Gate;
  readonly modes: readonly FailureMode[];
  readonly packs: readonly Pack[];

  constructor(knowledge: KnowledgeBase) {
    this.modes = knowledge.modes;
    this.packs = knowledge.packs;
    this.contexts = new Map(knowledge.contexts.map((c) => [c.id, compileContext(c)]));
    this.codeGate = { requires: knowledge.signInCodes.requires, unless: [] };
    this.codes = new Map(
      knowledge.signInCodes.codes.flatMap(({ code, failureMode }) => {
        const mode = this.modes.findIndex((m) => m.id === failureMode);
        return mode >= 0 ? [[code, mode] as const] : [];
      }),
    );
    const excluded = excludedFragments(knowledge);
    const ownersByPhrase = new Map<string, number[]>();
    this.modes.forEach((mode, modeIndex) => {
      for (const signature of mode.signatures) {
        const gate = gateOf(signature);
        const own = new Set<string>();
        for (const piece of constantPieces(signature.text)) for (const [start, end] of ownWindows(signature, piece, excluded)) own.add(piece.slice(start, end));
        if (own.size === 0) continue;
        const at = this.signatures.push({ mode: modeIndex, gate, fragments: own.size }) - 1;
        for (const fragment of own) {
          const owners = ownersByPhrase.get(fragment) ?? [];
          owners.push(at);
          ownersByPhrase.set(fragment, owners);
        }
      }
    });
    const ownersById: number[][] = [];
    for (const [phrase, owners] of ownersByPhrase) {
      const id = this.index.add(phrase);
      const signatures = owners.map((at) => this.signatures[at] as IndexedSignature);
      ownersById[id] = owners;
      if (signatures.every((s) => s.gate === undefined)) this.everywhere[id] = [...new Set(signatures.map((s) => s.mode))];
    }
    this.ownerStart = new Int32Array(ownersById.length + 1);
    ownersById.forEach((owners, id) => (this.ownerStart[id + 1] = (this.ownerStart[id] as number) + owners.length));
    this.ownerList = Int32Array.from(ownersById.flat());
    this.soleMode = Int16Array.from(ownersById, (_, id) => (this.everywhere[id]?.length === 1 ? (this.everywhere[id]?.[0] as number) : -1));
    this.lastSeen = new Uint32Array(ownersById.length);
    this.held = new Int32Array(this.signatures.length);
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
    const counts = (signature: IndexedSignature): boolean => {
      if (signature.gate === undefined) return true;
      contexts ??= new ContextsOf(this.contexts, plain.length > MAX_CONTEXT_TEXT ? plain.slice(-MAX_CONTEXT_TEXT) : plain, compact);
      return contexts.passes(signature.gate);
    };
    const live: number[] = [];
    // Each fragment found, once.
    const found: number[] = [];
    const stamp = (this.measures = (this.measures + 1) >>> 0 || 1);
    // Created on first use: most pastes touch one or two modes.
    const evidence: Array<Evidence | undefined> = new Array(this.modes.length);
    const of = (m: number): Evidence => (evidence[m] ??= { own: new Coverage(prefix), extent: new Coverage(prefix, JOIN_GAP), shared: 0, share: 0, code: false });
    this.index.scan(compact, (id, start, end) => {
      // Most fragments are one mode's words wherever they are found; the others are tested here.
      let sole = this.soleMode[id] as number;
      let modes: readonly number[] = [];
      if (sole < 0) {
        modes = this.everywhere[id] ?? this.modesCountingHere(id, counts, live);
        if (modes.length === 0) return;
        if (modes.length === 1) sole = modes[0] as number;
      }
      if (this.lastSeen[id] !== stamp) {
        this.lastSeen[id] = stamp;
        found.push(id);
      }
      if (sole >= 0) {
        const e = of(sole);
        e.own.add(start, end);
        e.extent.add(start, end);
      } else {
        for (const m of modes) {
          const e = of(m);
          e.extent.add(start, end);
          e.shared += end - start;
        }
      }
    });
    if (this.codes.size > 0 && /aadsts/i.test(plain)) {
      for (const [, code] of plain.matchAll(SIGN_IN_CODE)) {
        const mode = this.codes.get(code as string);
        if (mode === undefined || !counts({ mode, gate: this.codeGate, fragments: 1 })) continue;
        const e = of(mode);
        e.code = true;
        const at = compact.indexOf(`aadsts${code as string}`);
        if (at >= 0) {
          e.own.add(at, at + 6 + (code as string).length);
          e.extent.add(at, at + 6 + (code as string).length);
        }
      }
    }
    // How much of each of its texts the paste holds; a mode keeps its best text's share.
    const held = this.held;
    const touched: number[] = [];
    for (const id of found) {
      for (let i = this.ownerStart[id] as number; i < (this.ownerStart[id + 1] as number); i++) {
        const at = this.ownerList[i] as number;
        if ((held[at] = (held[at] as number) + 1) === 1) touched.push(at);
      }
    }
    for (const at of touched) {
      const signature = this.signatures[at] as IndexedSignature;
      const e = evidence[signature.mode];
      if (e && counts(signature)) e.share = Math.max(e.share, (held[at] as number) / signature.fragments);
      held[at] = 0;
    }
    return evidence;
  }

  /** The modes of a fragment's signatures that count in this paste (into `into`, which is returned). */
  private modesCountingHere(id: number, counts: (signature: IndexedSignature) => boolean, into: number[]): number[] {
    into.length = 0;
    for (let i = this.ownerStart[id] as number; i < (this.ownerStart[id + 1] as number); i++) {
      const signature = this.signatures[this.ownerList[i] as number] as IndexedSignature;
      if (counts(signature) && !into.includes(signature.mode)) into.push(signature.mode);
    }
    return into;
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
          if (o !== m && other && overlaps(e.extent, other.extent)) rival = Math.max(rival, rivalWeight(other));
        });
      }
      const run = e.code ? 1 : ramp(e.own.longest, RUN_FROM, RUN_FULL);
      const text = e.code ? 1 : Math.max(ramp(e.share, SHARE_FROM, SHARE_FULL), ramp(e.own.longest, LONG_RUN_FROM, LONG_RUN_FULL));
      const strength = (1 - Math.exp(-(own + (e.code ? CODE_UNITS : 0)) / EVIDENCE_SCALE)) * Math.min(run, text);
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

  /** The pack a mode belongs to (the loader checked that it exists). */
  packOf(mode: FailureMode): Pack {
    const pack = this.packs.find((p) => p.id === mode.pack);
    if (!pack) throw new Error(`Matcher: no pack "${mode.pack}"`);
    return pack;
  }
}

/**
 * What another mode's own words weigh against a claim: as much as they would count for its own,
 * so one short stretch (a name and a letter of the frame around it, "…teams no…") is no rival.
 */
function rivalWeight(other: Evidence): number {
  return other.code ? other.own.total : other.own.total * ramp(other.own.longest, RUN_FROM, RUN_FULL);
}

/** 0 below `from`, 1 from `full` on, and a straight line between. */
function ramp(value: number, from: number, full: number): number {
  return Math.min(1, Math.max(0, (value - from) / (full - from)));
}

function gateOf({ requires, unless = [] }: Pick<Signature, 'requires' | 'unless'>): Gate | undefined {
  return requires === undefined && unless.length === 0 ? undefined : { requires, unless };
}

/** Fragments that are never a failure's own words, and those that only a gated text may count. */
export interface ExcludedFragments {
  /** PowerShell's frames in every language, common vocabulary, and the names contexts are told by. */
  readonly frames: ReadonlySet<string>;
  /** Of those, PowerShell's frames alone: the wrappers a message sits in. */
  readonly wrappers: ReadonlySet<string>;
  /** Look-alike errors of other products and commands. */
  readonly lookAlikes: ReadonlySet<string>;
}

export function excludedFragments(knowledge: Pick<KnowledgeBase, 'frames' | 'vocabulary' | 'contexts' | 'background'>): ExcludedFragments {
  const fragmentsOfTexts = (texts: Iterable<string>, into = new Set<string>()): Set<string> => {
    for (const text of texts) for (const piece of constantPieces(text)) for (const f of fragmentsOf(piece)) into.add(f);
    return into;
  };
  const wrappers = fragmentsOfTexts(knowledge.frames.flatMap((set) => set.frames.map((f) => f.text)));
  // Words any error may use, and the names a context is told by (the Teams endpoint, the module's assemblies), are no failure's own words.
  const frames = fragmentsOfTexts(knowledge.vocabulary.map((t) => t.text), new Set(wrappers));
  for (const { literals } of knowledge.contexts) for (const literal of literals) for (const f of fragmentsOf(compactText(toPlainText(literal)))) frames.add(f);
  return { frames, wrappers, lookAlikes: fragmentsOfTexts(knowledge.background.texts.map((t) => t.text)) };
}

/**
 * Where a signature's own words lie in one of its constant pieces: the windows [start, end) of its
 * fragments that count as its evidence. A framed signature's words are the filling and the frame
 * around it together ("…parameter name 'SessionOption'"), so a fragment counts where a third of it
 * or more is the filling: "…Teams' is not recognized as the nam…" is the frame's, found after any
 * name that ends like the filling. Any other signature's fragment that is a third or more frame
 * ("…loaded because th…", "…error message: The us…") is found around any message the frame holds,
 * so it leaves too, and so does one that touches a frame and has no letter outside frames and
 * look-alikes. A gated text is told from its look-alikes by context, an ungated one only by its words.
 */
export function ownWindows(signature: Pick<Signature, 'source' | 'requires' | 'unless'>, piece: string, excluded: ExcludedFragments): Array<[number, number]> {
  const windows = windowsOf(piece);
  const isFrame = ([start, end]: [number, number]): boolean => excluded.frames.has(piece.slice(start, end));
  const isLookAlike = ([start, end]: [number, number]): boolean => excluded.lookAlikes.has(piece.slice(start, end));
  const gated = gateOf(signature) !== undefined;
  const framed = new Uint8Array(piece.length);
  const wrapped = new Uint8Array(piece.length);
  for (const w of windows) {
    if (isFrame(w)) framed.fill(1, w[0], w[1]);
    if (excluded.wrappers.has(piece.slice(w[0], w[1]))) wrapped.fill(1, w[0], w[1]);
  }
  const units = ([start, end]: [number, number], skip?: Uint8Array): number => unitsBetween(piece, start, end, skip);
  // A filling counts with a third of it or more; the frame's words around it are the frame's.
  if (signature.source === 'framed') return windows.filter((w) => !isFrame(w) && units(w, wrapped) * 3 >= units(w) && (gated || !isLookAlike(w)));
  const own = windows.filter((w) => units(w, framed) * 3 >= units(w) * 2);
  if (gated) return own;
  // Where a wrapper meets a look-alike's words ("…raise the quota for this user." + "Weitere Informationen…"), a fragment has no letter of its own.
  const notOwn = new Uint8Array(piece.length);
  for (const w of windows) if (isFrame(w) || isLookAlike(w)) notOwn.fill(1, w[0], w[1]);
  return own.filter((w) => !isLookAlike(w) && (units(w, notOwn) > 0 || units(w, wrapped) === units(w)));
}

function compileContext(context: Context): CompiledContext {
  return {
    literals: context.literals.map((l) => compactText(toPlainText(l))).filter((l) => l.length > 0),
    pattern: context.patterns.length > 0 ? new RegExp(context.patterns.map((p) => `(?:${p})`).join('|'), 'i') : undefined,
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
