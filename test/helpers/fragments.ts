import { compactText, toPlainText } from '../../src/knowledge';
import { isWide } from '../../src/knowledge/normalizeText';

/** A placeholder of a data text: a lower-case name in braces ({server}, {message}, …). */
export const PLACEHOLDER = /\{[a-z][a-zA-Z]*\}/g;

/** Fragment lengths in units, as the matcher cuts them (a Latin letter 1, Hangul/CJK 2). */
const FRAGMENT_UNITS = [12, 24] as const;

const unitsOf = (code: number): number => (isWide(code) ? 2 : 1);

/** The constant pieces of a data text in the matcher's compact form. */
export function constantPieces(text: string): string[] {
  return text
    .split(PLACEHOLDER)
    .map((piece) => compactText(toPlainText(piece)))
    .filter((piece) => piece.length > 0);
}

export interface Fragment {
  start: number;
  end: number;
  text: string;
}

/** Every 12- and 24-unit window of a compact piece, as Matcher.ts fragmentsOf cuts them. */
export function fragmentsOf(compact: string): Fragment[] {
  const out: Fragment[] = [];
  for (const size of FRAGMENT_UNITS) {
    for (let start = 0; start < compact.length; start++) {
      let units = 0;
      let end = start;
      while (end < compact.length && units < size) units += unitsOf(compact.charCodeAt(end++));
      if (units < size) break;
      out.push({ start, end, text: compact.slice(start, end) });
    }
  }
  return out;
}

/** Units of a compact piece covered by the union of the given fragments. */
export function coveredUnits(compact: string, fragments: readonly Fragment[]): number {
  const sorted = [...fragments].sort((a, b) => a.start - b.start);
  let total = 0;
  let start = -1;
  let end = -1;
  const flush = (): void => {
    for (let i = start; i < end; i++) total += unitsOf(compact.charCodeAt(i));
  };
  for (const f of sorted) {
    if (f.start > end) {
      if (end > start) flush();
      start = f.start;
      end = f.end;
    } else end = Math.max(end, f.end);
  }
  if (end > start) flush();
  return total;
}

/** Every fragment of the constant pieces of the texts. */
export function fragmentSet(texts: Iterable<string>): Set<string> {
  const set = new Set<string>();
  for (const text of texts) for (const piece of constantPieces(text)) for (const f of fragmentsOf(piece)) set.add(f.text);
  return set;
}
