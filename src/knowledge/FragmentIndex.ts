import { isWide } from './normalizeText';

/**
 * Lengths of fragments in units: a Latin letter or digit is one, a Hangul, kana or CJK character
 * two. Short fragments survive truncation and wrapping; long ones stay specific where a short one
 * also occurs in a look-alike error ("…concurrent shells for this user…" against "…concurrent
 * operations for this user…").
 */
export const FRAGMENT_UNITS = [12, 24] as const;
const LONGEST = 24;

/** Two odd multipliers for two independent polynomial hashes. */
const BASE1 = 0x01000193;
const BASE2 = 0x5bd1e995;

function unitsOf(code: number): number {
  return isWide(code) ? 2 : 1;
}

/** Where every window of `size` units in a compact text starts and ends, in order. */
function windowsOfSize(compact: string, size: number, visit: (start: number, end: number) => void): void {
  let end = 0;
  let units = 0;
  for (let start = 0; start < compact.length; start++) {
    while (units < size && end < compact.length) units += unitsOf(compact.charCodeAt(end++));
    if (units < size) return;
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
 * text with two rolling hashes: one pass, no allocation per character, time linear in the text. A
 * fragment is known by its two 32-bit hashes, kept in one open-addressed table of integers, so a
 * lookup reads no string (two texts that differ and share both hashes are not expected in practice:
 * about one chance in 2^64 a lookup).
 */
export class FragmentIndex {
  private count = 0;
  /** Slots of three integers: the first hash, the second hash, the fragment id + 1 (0: empty). */
  private slots = new Int32Array(3 << 10);

  get size(): number {
    return this.count;
  }

  /** The fragment's id, adding it if it is new. */
  add(fragment: string): number {
    const [h1, h2] = hashesOf(fragment);
    const known = this.find(h1, h2);
    if (known >= 0) return known;
    if ((this.count + 1) * 2 > this.slots.length / 3) this.grow();
    const id = this.count++;
    this.place(h1, h2, id);
    return id;
  }

  /**
   * Calls onMatch(id, start, end) for every window of the text that is a known fragment: the
   * windows of each size in order of their start, the shorter size first.
   */
  scan(text: string, onMatch: (id: number, start: number, end: number) => void): void {
    // prefix[i] is a hash of text[0..i); a window's hash is prefix[end] - prefix[start] * BASE^(end - start).
    const prefix1 = new Int32Array(text.length + 1);
    const prefix2 = new Int32Array(text.length + 1);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      prefix1[i + 1] = (Math.imul(prefix1[i] as number, BASE1) + code) | 0;
      prefix2[i + 1] = (Math.imul(prefix2[i] as number, BASE2) + code) | 0;
    }
    for (const size of FRAGMENT_UNITS) {
      windowsOfSize(text, size, (start, end) => {
        const h1 = ((prefix1[end] as number) - Math.imul(prefix1[start] as number, POWERS1[end - start] as number)) | 0;
        const h2 = ((prefix2[end] as number) - Math.imul(prefix2[start] as number, POWERS2[end - start] as number)) | 0;
        const id = this.find(h1, h2);
        if (id >= 0) onMatch(id, start, end);
      });
    }
  }

  /** The id of the fragment with these hashes, or -1. */
  private find(h1: number, h2: number): number {
    const slots = this.slots;
    const mask = slots.length / 3 - 1;
    for (let slot = h1 & mask; ; slot = (slot + 1) & mask) {
      const at = slot * 3;
      const id = slots[at + 2] as number;
      if (id === 0) return -1;
      if (slots[at] === h1 && slots[at + 1] === h2) return id - 1;
    }
  }

  private place(h1: number, h2: number, id: number): void {
    const mask = this.slots.length / 3 - 1;
    let slot = h1 & mask;
    while (this.slots[slot * 3 + 2] !== 0) slot = (slot + 1) & mask;
    this.slots[slot * 3] = h1;
    this.slots[slot * 3 + 1] = h2;
    this.slots[slot * 3 + 2] = id + 1;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    for (let at = 0; at < old.length; at += 3) if (old[at + 2] !== 0) this.place(old[at] as number, old[at + 1] as number, (old[at + 2] as number) - 1);
  }
}

/** BASE^n for every window length in characters (at most the longest size in units). */
function powers(base: number): Int32Array {
  return Int32Array.from({ length: LONGEST + 1 }, (_, n) => {
    let power = 1;
    for (let i = 0; i < n; i++) power = Math.imul(power, base);
    return power;
  });
}
const POWERS1 = powers(BASE1);
const POWERS2 = powers(BASE2);

function hashesOf(fragment: string): [number, number] {
  let h1 = 0;
  let h2 = 0;
  for (let i = 0; i < fragment.length; i++) {
    h1 = (Math.imul(h1, BASE1) + fragment.charCodeAt(i)) | 0;
    h2 = (Math.imul(h2, BASE2) + fragment.charCodeAt(i)) | 0;
  }
  return [h1, h2];
}
