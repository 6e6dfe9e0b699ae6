import { strict as assert } from 'node:assert';
import { useTemplateExpansion } from '../../src/cards/expandCard';
import { expandInThisThread } from '../../src/cards/expandTemplate';
import { renderDiagnosisCard } from '../../src/cards/renderDiagnosisCard';
import { renderNoneOutcomeCard } from '../../src/cards/renderNoneOutcomeCard';
import { renderNotRecognisedCard } from '../../src/cards/renderNotRecognisedCard';
import { renderSupportRequestCard } from '../../src/cards/renderSupportRequestCard';
import { TemplateThread } from '../../src/cards/TemplateThread';
import { defaultMatcher, loadQuestionTree } from '../../src/knowledge';

/** The templates and data the card functions expand, recorded while they render cards of every kind. */
function recordExpansions(): Array<{ template: object; data: object }> {
  const recorded: Array<{ template: object; data: object }> = [];
  useTemplateExpansion((template, data) => {
    recorded.push({ template, data });
    return expandInThisThread(template, data);
  });
  try {
    const { modes } = defaultMatcher();
    for (const [i, original] of modes.entries()) {
      // A copy of the mode is a new cache key: the card is expanded, not taken from the cache.
      const mode = { ...original };
      const lang = i % 2 === 0 ? 'en' : 'ko';
      renderDiagnosisCard({ lang, mode, confidence: 0.87, facts: { userPrincipalName: 'admin@contoso.com', cmdlet: 'New-CsOnlineSession' }, others: [], diagnosisId: 'd', secretKinds: ['password'] });
      renderDiagnosisCard({ lang, mode, confidence: null, facts: {}, others: [], diagnosisId: 'd', fromGuided: true });
    }
    const pasted = 'Logon failed ${title} \u2028 한국어 "quoted" \\ ' + Date.now();
    renderNotRecognisedCard({ lang: 'en', modes, closest: [{ id: 'logon-failed', confidence: 0.3 }], pastedText: pasted, secretKinds: ['bearer token'] });
    renderSupportRequestCard({ lang: 'ko', mode: modes[0] as (typeof modes)[number], redactedErrorText: pasted, facts: {}, stepsTried: [], at: new Date() });
    renderNoneOutcomeCard('en', loadQuestionTree(), [`Step taken at ${Date.now()}`]);
  } finally {
    useTemplateExpansion();
  }
  return recorded;
}

describe('TemplateThread: card templates expanded in a worker thread', () => {
  const threads: TemplateThread[] = [];
  const newThread = (options?: ConstructorParameters<typeof TemplateThread>[0]) => {
    const thread = new TemplateThread(options);
    threads.push(thread);
    return thread;
  };
  afterEach(async () => {
    await Promise.all(threads.splice(0).map((thread) => thread.close()));
  });

  it('gives exactly the JSON that expanding in this thread gives, for every kind of card', async () => {
    const recorded = recordExpansions();
    assert.ok(recorded.length >= 20, `expected expansions of every card kind, got ${recorded.length}`);
    const thread = newThread();
    assert.equal(await thread.start(), true, 'the worker starts');
    for (const { template, data } of recorded) assert.equal(thread.expand(template, data), expandInThisThread(template, data));
    assert.equal(thread.inWorker, true, 'the worker answered every expansion');
  });

  it('inserts data as text in the worker too: an expression in a paste is not evaluated', async () => {
    const thread = newThread();
    assert.equal(await thread.start(), true);
    const card = JSON.parse(thread.expand({ type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: '${paste}' }] }, { paste: '${1 + 1} and ${title}', title: 'secret title' })) as { body: Array<{ text: string }> };
    assert.equal(card.body[0]?.text, '${1 + 1} and ${title}');
    assert.equal(thread.inWorker, true);
  });

  it('expands in this thread, with the same result, before the worker is started and after it stopped', async () => {
    const thread = newThread();
    const template = { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'Hello ${name}' }] };
    assert.equal(thread.inWorker, false);
    assert.equal(thread.expand(template, { name: 'admin' }), expandInThisThread(template, { name: 'admin' }));
    assert.equal(await thread.start(), true);
    assert.equal(thread.expand(template, { name: 'worker' }), expandInThisThread(template, { name: 'worker' }));
    await thread.close();
    assert.equal(thread.inWorker, false);
    assert.equal(thread.expand(template, { name: 'again' }), expandInThisThread(template, { name: 'again' }));
  });

  it('gives up on a worker that does not start in time, and expands in this thread', async () => {
    // No worker starts and loads the templating engine within a millisecond.
    const thread = newThread({ startTimeoutMs: 1 });
    assert.equal(await thread.start(), false);
    assert.equal(thread.inWorker, false);
    const template = { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: '${n}' }] };
    assert.equal(thread.expand(template, { n: 'here' }), expandInThisThread(template, { n: 'here' }));
  });

  it('reports a card the worker cannot hand back as an error, and keeps working', async () => {
    const thread = newThread();
    assert.equal(await thread.start(), true);
    const template = { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: '${text}' }] };
    assert.throws(() => thread.expand(template, { text: 'x'.repeat(300 * 1024) }), /card template expansion failed: the card is \d+ bytes/);
    assert.match(thread.expand(template, { text: 'small' }), /"small"/);
    assert.equal(thread.inWorker, true);
  });
});
