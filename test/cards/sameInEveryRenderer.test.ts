import { strict as assert } from 'node:assert';
import MarkdownIt from 'markdown-it';
import { galleryCards } from '../../scripts/cardsPreview';
import { renderDiagnosisCard } from '../../src/cards/renderDiagnosisCard';
import { defaultKnowledge } from '../../src/knowledge';

/** Web Chat renders a TextBlock's text with markdown-it; Teams and Outlook with their own subsets. */
const markdown = new MarkdownIt({ html: false, linkify: false, breaks: true });
/** What every renderer shows alike: paragraphs, line breaks, bold and links. Lists, headings, code and emphasis differ. */
const SAFE_HTML = /^(?:<\/?p>|<br>|<\/?strong>|<a href="https:\/\/[^"]+">|<\/a>|[^<])*$/;

type Node = Record<string, unknown>;

function* elements(node: unknown): Generator<Node> {
  if (Array.isArray(node)) for (const child of node) yield* elements(child);
  else if (typeof node === 'object' && node !== null) {
    yield node as Node;
    for (const child of Object.values(node)) yield* elements(child);
  }
}

function textRuns(node: Node): string {
  return ((node.inlines as Node[] | undefined) ?? []).map((run) => String(run.text ?? '')).join('');
}

describe('cards render alike in Teams, Web Chat and Outlook', () => {
  for (const { id, card } of galleryCards()) {
    it(`${id}: no TextBlock relies on Markdown that renderers disagree on`, () => {
      for (const el of elements(card)) {
        if (el.type !== 'TextBlock') continue;
        const html = markdown.render(String(el.text ?? '')).trim();
        assert.match(html, SAFE_HTML, `TextBlock "${String(el.text).slice(0, 80)}" renders as ${html.slice(0, 200)}`);
      }
    });
  }

  const mode = defaultKnowledge().modes.find((m) => m.fix.length >= 3);
  it('numbers the steps of each section 1, 2, 3 with their own text, not a Markdown list per step', () => {
    assert.ok(mode, 'a mode with at least three fix steps');
    const card = renderDiagnosisCard({ lang: 'en', mode, confidence: 0.9, facts: {}, others: [], diagnosisId: 'test' });
    const sections = (card.body as Node[]).filter((el) => el.type === 'ColumnSet' && Array.isArray(el.columns));
    const numbers = sections.map((set) => textRuns(((((set.columns as Node[])[0] as Node).items as Node[])[0] ?? {}) as Node));
    const runs: string[][] = [];
    for (const n of numbers) {
      if (n === '1.') runs.push([]);
      runs[runs.length - 1]?.push(n);
    }
    assert.deepEqual(
      runs.map((r) => r.length),
      [mode.checks.length, mode.fix.length, mode.verify.length],
    );
    for (const r of runs) assert.deepEqual(r, r.map((_, i) => `${i + 1}.`));
  });

  it('a Markdown list number per TextBlock would be caught (the failure case beside the check)', () => {
    assert.doesNotMatch(markdown.render('2. Open the session again.').trim(), SAFE_HTML);
    assert.doesNotMatch(markdown.render('- Tenant ID').trim(), SAFE_HTML);
  });
});
