import { compactText, toPlainText } from './normalizeText';
import type { FailureMode } from './schema';

function wordsOf(text: string): string[] {
  return toPlainText(text)
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/**
 * Failure modes whose words match a search, best first. Every word of the query must begin a word
 * of the mode's keywords, title, summary, id or cmdlet (either language), so "shell" finds the
 * shell limits and not PowerShell; a query equal to a keyword ranks first.
 */
export function searchFailureModes(modes: readonly FailureMode[], query: string): FailureMode[] {
  const queryWords = wordsOf(query);
  if (queryWords.length === 0) return [...modes];
  const whole = compactText(toPlainText(query));
  const scored = modes.map((mode) => {
    const keywords = [...mode.keywords.en, ...mode.keywords.ko];
    const keywordWords = new Set(keywords.flatMap(wordsOf));
    const otherWords = new Set(wordsOf([mode.id, mode.cmdlet, mode.title.en, mode.title.ko, mode.summary.en, mode.summary.ko].join(' ')));
    let score = keywords.some((k) => compactText(k) === whole) ? 10 : 0;
    for (const word of queryWords) {
      const starts = (set: Set<string>) => [...set].some((w) => w.startsWith(word));
      if (keywordWords.has(word)) score += 4;
      else if (starts(keywordWords)) score += 3;
      else if (starts(otherWords)) score += 1;
      else return { mode, score: 0 };
    }
    return { mode, score };
  });
  return scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.mode.order - b.mode.order)
    .map((s) => s.mode);
}
