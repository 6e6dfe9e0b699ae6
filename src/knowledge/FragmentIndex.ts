import { isWide } from './normalizeText';

/**
 * Lengths of fragments in units: a Latin letter or digit is one, a Hangul, kana or CJK character
 * two. Short fragments survive truncation and wrapping; long ones stay specific where a short one
 * also occurs in a look-alike error ("…concurrent shells for this user…" against "…concurrent
 * operations for this user…").
 */
export const FRAGMENT_UNITS = [12, 24] as const;
const LONGEST = 24;

const BASE = 0x01000193;

function unitsOf(code: number): number {
  return isWide(code) ? 2 : 1;
}

/**
 * Extends a window that ends at `from` and holds `units` units until it holds `size`: its new
 * end and units, or an end of -1 when the text ends first.
 */
function windowEnd(text: string, size: number, from: number, units: number): [number, number] {
  let end = from;
  let have = units;
  while (have < size && end < text.length) have += unitsOf(text.charCodeAt(end++));
  return [have >= size ? end : -1, have];
}

/** Where every window of `size` units in a compact text starts and ends, in order. */
function windowsOfSize(compact: string, size: number, visit: (start: number, end: number) => void): void {
  let end = 0;
  let units = 0;
  for (let start = 0; start < compact.length; start++) {
    [end, units] = windowEnd(compact, size, end, units);
    if (end < 0) return;
    visit(start, end);
    units -= unitsOf(compact.charCodeAt(start));
  }
}

/** Where every window of each of FRAGMENT_UNITS in a compact text starts and ends. */
export function windowsOf(compact: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const size of FRAGMENT_UNITS) windowsOfSize(compact, size, (start, end) => out.push([start, end]));
  return out;
}

/** Every fragment (window of each of FRAGMENT_UNITS) of a compact text. */
export function fragmentsOf(compact: string): string[] {
  return windowsOf(compact).map(([start, end]) => compact.slice(start, end));
}

/** Units of a compact text's characters from start to end. */
export function unitsBetween(compact: string, start: number, end: number, skip?: Uint8Array): number {
  let units = 0;
  for (let i = start; i < end; i++) if (!skip?.[i]) units += unitsOf(compact.charCodeAt(i));
  return units;
}

/**
 * The known fragments (windows of FRAGMENT_UNITS units of known texts), each with an id, found in a
 * text with a rolling hash: one pass, no allocation per character, time linear in the text.
 */
export class FragmentIndex {
  /** By hash: the fragments with that hash and their ids (almost always one). */
  private readonly byHash = new Map<number, Array<{ fragment: string; id: number }>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The fragment's id, adding it if it is new. */
  add(fragment: string): number {
    const hash = hashOf(fragment);
    const bucket = this.byHash.get(hash) ?? [];
    const known = bucket.find((entry) => entry.fragment === fragment);
    if (known) return known.id;
    const id = this.count++;
    bucket.push({ fragment, id });
    this.byHash.set(hash, bucket);
    return id;
  }

  /**
   * Calls onMatch(id, start, end) for every window of the text that is a known fragment: the
   * windows of each size in order of their start, the shorter size first.
   */
  scan(text: string, onMatch: (id: number, start: number, end: number) => void): void {
    // prefix[i] is the hash of text[0..i); a window's hash is prefix[end] - prefix[start] * BASE^(end - start).
    const prefix = new Int32Array(text.length + 1);
    for (let i = 0; i < text.length; i++) prefix[i + 1] = (Math.imul(prefix[i] as number, BASE) + text.charCodeAt(i)) | 0;
    for (const size of FRAGMENT_UNITS) {
      windowsOfSize(text, size, (start, end) => {
        const bucket = this.byHash.get(((prefix[end] as number) - Math.imul(prefix[start] as number, POWERS[end - start] as number)) | 0);
        if (!bucket) return;
        for (const entry of bucket) if (entry.fragment.length === end - start && text.startsWith(entry.fragment, start)) onMatch(entry.id, start, end);
      });
    }
  }
}

/** BASE^n for every window length in characters (at most the longest size in units). */
const POWERS = Int32Array.from({ length: LONGEST + 1 }, (_, n) => {
  let power = 1;
  for (let i = 0; i < n; i++) power = Math.imul(power, BASE);
  return power;
});

function hashOf(fragment: string): number {
  let hash = 0;
  for (let i = 0; i < fragment.length; i++) hash = (Math.imul(hash, BASE) + fragment.charCodeAt(i)) | 0;
  return hash;
}
