import { constantPieces, excludedFragments, ownWindows, PLACEHOLDER, type ExcludedFragments, type KnowledgeBase, type Signature } from '../../src/knowledge';
import { fragmentsOf as fragmentTexts, unitsBetween, windowsOf } from '../../src/knowledge/FragmentIndex';

/** The matcher's own cutting of data texts, with positions, for tests that check what it counts. */
export { constantPieces, excludedFragments, PLACEHOLDER, type ExcludedFragments };

export interface Fragment {
  start: number;
  end: number;
  text: string;
}

/** Every fragment of a compact piece, where the matcher cuts it (FragmentIndex.windowsOf). */
export function fragmentsOf(compact: string): Fragment[] {
  return windowsOf(compact).map(([start, end]) => ({ start, end, text: compact.slice(start, end) }));
}

/** The fragments of a signature's constant piece that the matcher counts as its own words (Matcher.ownWindows). */
export function ownFragmentsOf(signature: Pick<Signature, 'source' | 'requires' | 'unless'>, piece: string, excluded: ExcludedFragments): Fragment[] {
  return ownWindows(signature, piece, excluded).map(([start, end]) => ({ start, end, text: piece.slice(start, end) }));
}

/** Units of a compact piece covered by the union of the given fragments. */
export function coveredUnits(compact: string, fragments: readonly Fragment[]): number {
  const covered = new Uint8Array(compact.length);
  for (const f of fragments) covered.fill(1, f.start, f.end);
  // unitsBetween skips the positions marked 1: mark those no fragment covers.
  return unitsBetween(compact, 0, compact.length, covered.map((c) => 1 - c));
}

/** Every fragment of the constant pieces of the texts. */
export function fragmentSet(texts: Iterable<string>): Set<string> {
  const set = new Set<string>();
  for (const text of texts) for (const piece of constantPieces(text)) for (const f of fragmentTexts(piece)) set.add(f);
  return set;
}

/** Which modes own each fragment: the modes whose signatures count it as their own words, as the matcher indexes them. */
export function ownersOf(knowledge: Pick<KnowledgeBase, 'modes'>, excluded: ExcludedFragments): Map<string, Set<string>> {
  const owners = new Map<string, Set<string>>();
  for (const mode of knowledge.modes) {
    for (const signature of mode.signatures) {
      for (const piece of constantPieces(signature.text)) {
        for (const f of ownFragmentsOf(signature, piece, excluded)) owners.set(f.text, (owners.get(f.text) ?? new Set()).add(mode.id));
      }
    }
  }
  return owners;
}
