import { strict as assert } from 'node:assert';
import { CodeBlock, parseCard, sdk, TARGET_VERSION } from '../helpers/adaptiveCards';

function card(body: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', msteams: { width: 'Full' }, body, ...extra };
}

const codeBlock = { type: 'CodeBlock', codeSnippet: 'Get-PSSession', language: 'PowerShell', startLineNumber: 1 };

/** Cards the check must reject, and a piece of what it must say. */
const BROKEN: Array<{ name: string; card: unknown; kind: 'errors' | 'warnings'; says: string }> = [
  { name: 'an unknown element type', card: card([{ type: 'Frobnicator', text: 'x' }]), kind: 'errors', says: 'UnknownElementType' },
  { name: 'a 1.6 element (Carousel)', card: card([{ type: 'Carousel', pages: [] }]), kind: 'errors', says: 'UnknownElementType' },
  { name: 'a 1.6-only property (Image.forceLoad)', card: card([{ type: 'Image', url: 'https://example.com/a.png', forceLoad: true }]), kind: 'errors', says: 'forceLoad' },
  { name: 'card version 1.6', card: { ...card([{ type: 'TextBlock', text: 'x' }]), version: '1.6' }, kind: 'errors', says: 'UnsupportedCardVersion' },
  { name: 'an unknown action type', card: card([], { actions: [{ type: 'Action.Frobnicate', title: 'x' }] }), kind: 'errors', says: 'UnknownActionType' },
  { name: 'an invalid enum value', card: card([{ type: 'TextBlock', text: 'x', weight: 'Heaviest' }]), kind: 'errors', says: 'InvalidPropertyValue' },
  { name: 'a CodeBlock without a snippet', card: card([{ type: 'CodeBlock', language: 'PowerShell' }]), kind: 'errors', says: 'codeSnippet must be set' },
  { name: 'a CodeBlock language Teams lacks', card: card([{ ...codeBlock, language: 'Klingon' }]), kind: 'errors', says: 'Klingon' },
  { name: 'a CodeBlock starting at line 0', card: card([{ ...codeBlock, startLineNumber: 0 }]), kind: 'errors', says: 'startLineNumber' },
  { name: 'a misspelt property', card: card([{ type: 'TextBlock', text: 'x', wrapp: true }]), kind: 'warnings', says: '"wrapp" is not a property of TextBlock' },
  { name: 'a $when the templating left behind', card: card([{ type: 'TextBlock', text: 'x', $when: '${false}' }]), kind: 'warnings', says: '"$when"' },
  { name: 'an unknown property on an inline', card: card([{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'x', colour: 'Good' }] }]), kind: 'warnings', says: '"colour" is not a property of TextRun' },
  { name: 'an unknown property on a fact', card: card([{ type: 'FactSet', facts: [{ title: 'a', value: 'b', note: 'c' }] }]), kind: 'warnings', says: '"note" is not a property of Fact' },
  { name: 'an unknown property on an action', card: card([], { actions: [{ type: 'Action.Submit', title: 'x', verb: 'feedback' }] }), kind: 'warnings', says: '"verb" is not a property of Action.Submit' },
  { name: 'msteams anywhere but the root', card: card([{ type: 'TextBlock', text: 'x', msteams: { width: 'Full' } }]), kind: 'warnings', says: '"msteams"' },
  {
    name: 'a broken fallback under a known CodeBlock',
    card: card([{ ...codeBlock, fallback: { type: 'RichTextBlock', inlines: [{ type: 'Frobnicator' }] } }]),
    kind: 'errors',
    says: 'in a fallback',
  },
  { name: 'something that is not a card', card: ['not', 'a', 'card'], kind: 'errors', says: 'not a JSON object' },
];

describe('parseCard (the Adaptive Cards check the card tests rely on)', () => {
  it('passes a clean 1.5 card that uses every construct our templates use', () => {
    const clean = card(
      [
        { type: 'TextBlock', text: '**Title** [link](https://learn.microsoft.com/)', size: 'Large', weight: 'Bolder', wrap: true },
        { type: 'Container', style: 'warning', items: [{ type: 'TextBlock', text: 'x', wrap: true, isSubtle: true }] },
        { type: 'ColumnSet', columns: [{ type: 'Column', width: 'auto', items: [{ type: 'TextBlock', text: 'a' }] }] },
        { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: '${1+1}', fontType: 'Monospace', size: 'Small' }] },
        { ...codeBlock, fallback: { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'Get-PSSession', fontType: 'Monospace' }] } },
        { type: 'FactSet', facts: [{ title: 'a', value: 'b' }] },
        { type: 'ActionSet', actions: [{ type: 'Action.Submit', title: 'Show', data: { verb: 'showMode', failureMode: 'logon-failed' } }] },
      ],
      { actions: [{ type: 'Action.Submit', title: 'Done', data: { verb: 'feedback', helpful: true } }] },
    );
    assert.deepEqual(parseCard(clean), { errors: [], warnings: [] });
  });

  it('parses CodeBlock as Teams does: as its own element, not as an unknown one replaced by its fallback', () => {
    const parsed = new sdk.AdaptiveCard();
    const context = new sdk.SerializationContext(TARGET_VERSION);
    parsed.parse(card([{ ...codeBlock, fallback: { type: 'TextBlock', text: 'fallback' } }]), context);
    assert.equal(context.eventCount, 0);
    const element = parsed.getItemAt(0);
    assert.ok(element instanceof CodeBlock, `parsed as ${element.getJsonTypeName()}`);
    assert.equal(element.codeSnippet, 'Get-PSSession');
    assert.equal(sdk.GlobalRegistry.elements.findByName('CodeBlock')?.objectType, CodeBlock);
  });

  for (const { name, card: broken, kind, says } of BROKEN) {
    it(`reports ${name} among the ${kind}`, () => {
      const report = parseCard(broken);
      assert.ok(
        report[kind].some((m) => m.includes(says)),
        `expected ${kind} to mention ${JSON.stringify(says)}; got ${JSON.stringify(report)}`,
      );
    });
  }
});
