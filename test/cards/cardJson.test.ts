import { strict as assert } from 'node:assert';
import { jsonBytes, rememberJson } from '../../src/cards/cardJson';
import { renderDiagnosisCard } from '../../src/cards/renderDiagnosisCard';
import { renderHelpCard } from '../../src/cards/renderHelpCard';
import { renderNotRecognisedCard } from '../../src/cards/renderNotRecognisedCard';
import { asAttachment } from '../../src/cards/expandCard';
import { defaultMatcher } from '../../src/knowledge';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** What the server sends for a value, decoded: it must be JSON.stringify's text. */
function stringifyJson(value: unknown): string | undefined {
  const bytes = jsonBytes(value);
  assert.ok(bytes === undefined || Buffer.isBuffer(bytes));
  return bytes?.toString('utf8');
}

/** A reply as CloudAdapter answers expectReplies: {activities: [...]} with cards as attachments. */
function reply(...cards: Array<Record<string, unknown>>): unknown {
  return {
    activities: cards.map((card, i) => ({
      type: 'message',
      id: `reply-${i}`,
      attachments: [asAttachment(card)],
      channelId: 'msteams',
      conversation: { id: 'c' },
      from: { id: 'bot' },
      recipient: { id: 'u' },
      replyToId: 'a1',
      text: undefined,
      localTimestamp: new Date(Date.UTC(2026, 10, 26)),
    })),
  };
}

describe('cardJson: JSON bytes for replies that reuse remembered card parts', () => {
  it('gives exactly what JSON.stringify gives for replies with real cards, and reuses the remembered body', () => {
    const mode = defaultMatcher().modes[0];
    assert.ok(mode);
    const diagnosis = renderDiagnosisCard({ lang: 'en', mode, confidence: 0.9, facts: {}, others: [], diagnosisId: 'd-1', context: { source: 'paste', redactedText: 'Logon failed "quoted" \u2028 한국어', facts: {}, stepsTaken: [] } });
    const help = renderHelpCard('ko');
    const body = reply(diagnosis, help);
    assert.equal(stringifyJson(body), JSON.stringify(body));

  });

  it('serializes a remembered card part once, however often the card is sent', () => {
    let reads = 0;
    const block = { type: 'TextBlock' } as Record<string, unknown>;
    Object.defineProperty(block, 'text', { enumerable: true, get: () => `read ${++reads}` });
    const card = deepFreeze({ type: 'AdaptiveCard', body: [block], actions: [] });
    reads = 0; // freezing read it
    rememberJson(card);
    const remembered = reads;
    assert.ok(remembered > 0);
    // A reply built around the card, as withActionData builds one: a new card object over the same body.
    const sent = [stringifyJson(reply({ ...card, actions: [{ data: 1 }] })), stringifyJson(reply({ ...card }))];
    assert.equal(reads, remembered);
    for (const text of sent) assert.match(text ?? '', /"text":"read \d"/);
  });

  it('writes the buttons of a diagnosis card from their remembered JSON, with the support context serialized once', () => {
    const mode = defaultMatcher().modes[2];
    assert.ok(mode);
    let reads = 0;
    const context = { source: 'paste' as const, facts: {}, stepsTaken: [] as string[] } as { source: 'paste'; redactedText?: string; facts: Record<string, string>; stepsTaken: string[] };
    Object.defineProperty(context, 'redactedText', { enumerable: true, get: () => `error text, read ${++reads}` });
    const card = renderDiagnosisCard({ lang: 'ko', mode, confidence: 0.7, facts: {}, others: [], diagnosisId: 'd-"2"', context });
    const rendered = reads;
    assert.ok(rendered > 0);
    const sent = [stringifyJson(reply(card)), stringifyJson(reply(card))];
    assert.equal(reads, rendered, 'sending the card does not serialize the buttons again');
    for (const text of sent) {
      const actions = (JSON.parse(text ?? '') as { activities: Array<{ attachments: Array<{ content: { actions: Array<{ data: Record<string, unknown> }> } }> }> }).activities[0]?.attachments[0]?.content.actions ?? [];
      assert.ok(actions.length >= 4);
      for (const action of actions) assert.equal(action.data.diagnosisId, 'd-"2"');
      const withContext = actions.filter((a) => a.data.context !== undefined);
      assert.equal(withContext.length, 2, '"Didn\'t help" and "Prepare a support request" carry the context');
      for (const action of withContext) assert.equal((action.data.context as { redactedText: string }).redactedText, `error text, read ${rendered}`);
    }
  });

  it('fills in the JSON of cards with per-paste values exactly as JSON.stringify writes them', () => {
    const matcher = defaultMatcher();
    const awkward = ['plain@contoso.com', 'quote"back\\slash@x.com', 'line\nbreak\u2028sep', '\ud800lone', '<b>&amp;</b> ${title} \ue000late:title\ue000', '한국어 사용자'];
    for (const mode of matcher.modes) {
      for (const value of awkward) {
        const card = renderDiagnosisCard({
          lang: 'en',
          mode,
          confidence: 0.61,
          facts: { userPrincipalName: value, remoteServer: value, modulePath: value, loadedPowerShellVersion: value, requiredPowerShellVersion: value, cmdlet: value },
          others: [],
          diagnosisId: 'd',
          context: { source: 'paste', redactedText: value, facts: {}, stepsTaken: [] },
        });
        const body = reply(card);
        assert.equal(stringifyJson(body), JSON.stringify(body), `${mode.id}: ${value}`);
        assert.ok(JSON.stringify(card).includes(JSON.stringify(value).slice(1, -1)), `${mode.id} shows the value`);
      }
    }
    const notRecognised = renderNotRecognisedCard({ lang: 'ko', modes: matcher.modes, closest: [{ id: 'logon-failed', confidence: 0.3 }], pastedText: awkward.join('\n') });
    assert.equal(stringifyJson(reply(notRecognised)), JSON.stringify(reply(notRecognised)));
  });

  it('matches JSON.stringify on awkward values', () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
    }
    const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    const values: unknown[] = [
      undefined,
      null,
      0,
      -0,
      Number.NaN,
      Infinity,
      'text with "quotes", \\ and \n newlines',
      '\ud800 lone surrogate',
      true,
      [],
      {},
      [undefined, () => 1, Symbol('s'), 1],
      { a: undefined, b: () => 1, c: Symbol('s'), d: 2 },
      { 2: 'b', 1: 'a', z: 'z', a: 'a' },
      new Date(0),
      { toJSON: () => 'custom' },
      new Point(1, 2),
      nullProto,
      new Map([[1, 2]]),
      { activities: [{ attachments: [{ content: { type: 'AdaptiveCard', body: [], actions: [{ data: { x: undefined } }] } }] }] },
      { activities: 'not a list', attachments: [null, 3], content: { deep: [{ deeper: true }] } },
    ];
    for (const value of values) assert.equal(stringifyJson(value), JSON.stringify(value), String(JSON.stringify(value)));
  });

  it('remembers only frozen cards', () => {
    assert.throws(() => rememberJson({ type: 'AdaptiveCard', body: [] }), /frozen/);
  });
});
