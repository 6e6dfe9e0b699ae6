import { compactText, toPlainText } from './normalizeText';
import type { FailureMode } from './schema';

/**
 * Failure modes whose words match a search, best first. Every word of the query must appear in a
 * mode's keywords, title, summary, id or cmdlet (either language); keywords count most.
 */
export function searchFailureModes(modes: readonly FailureMode[], query: string): FailureMode[] {
  const words = toPlainText(query)
    .toLowerCase()
    .split(/[\s,;]+/)
    .map((w) => compactText(w))
    .filter((w) => w.length > 0);
  if (words.length === 0) return [...modes];
  const scored = modes.map((mode) => {
    const keywords = compactText([...mode.keywords.en, ...mode.keywords.ko].join(' | '));
    const keywordList = [...mode.keywords.en, ...mode.keywords.ko].map((k) => compactText(k));
    const text = compactText([mode.id, mode.cmdlet, mode.title.en, mode.title.ko, mode.summary.en, mode.summary.ko].join(' '));
    let score = 0;
    for (const word of words) {
      if (keywordList.includes(word)) score += 4;
      else if (keywords.includes(word)) score += 3;
      else if (text.includes(word)) score += 1;
      else return { mode, score: 0 };
    }
    return { mode, score };
  });
  return scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.mode.order - b.mode.order)
    .map((s) => s.mode);
}
