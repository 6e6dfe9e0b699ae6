import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { galleryCards } from '../../scripts/cardsPreview';
import { MAX_CARD_BYTES, sizeBound, type CardJson } from '../../src/cards/expandCard';
import { renderDiagnosisCard, type DiagnosisCardInput } from '../../src/cards/renderDiagnosisCard';
import { renderFeedbackAckCard } from '../../src/cards/renderFeedbackAckCard';
import { renderHelpCard } from '../../src/cards/renderHelpCard';
import { renderListCard } from '../../src/cards/renderListCard';
import { renderNoneOutcomeCard } from '../../src/cards/renderNoneOutcomeCard';
import { renderNotRecognisedCard } from '../../src/cards/renderNotRecognisedCard';
import { renderQuestionCard } from '../../src/cards/renderQuestionCard';
import { renderSupportRequestCard } from '../../src/cards/renderSupportRequestCard';
import { renderWelcomeCard } from '../../src/cards/renderWelcomeCard';
import { MAX_CONTEXT_TEXT, MAX_FACT_CHARS, MAX_STEP_CHARS, MAX_STEPS, type SupportContext } from '../../src/cards/SupportContext';
import { allPaths, defaultKnowledge, defaultMatcher, extractFacts, LANGS, loadQuestionTree, type Candidate, type Facts, type FailureMode, type Lang } from '../../src/knowledge';
import { t } from '../../src/knowledge/messages';
import { actionsIn, cardObjects, parseCard, stringSites } from '../helpers/adaptiveCards';

const { modes, packs } = defaultKnowledge();
const tree = loadQuestionTree();
const TEMPLATES_DIR = resolve(__dirname, '..', '..', '..', 'src', 'cards', 'templates');
const AT = new Date('2025-01-15T09:30:00Z');

const EVERY_FACT: Facts = {
  userPrincipalName: 'kenmyer@litwareinc.com',
  remoteServer: 'admin0a.online.lync.com',
  loadedPowerShellVersion: '2.0',
  requiredPowerShellVersion: '3.0',
  modulePath: 'C:\\Program Files\\Common Files\\Skype for Business Online\\Modules\\SkypeOnlineConnector\\SkypeOnlineConnectorStartup.psm1',
  cmdlet: 'New-PSSession',
};

function bytesOf(card: CardJson): number {
  return Buffer.byteLength(JSON.stringify(card));
}

/** What Teams needs of every card we send: a clean 1.5 parse, full width, under the size limit. */
function assertTeamsReady(card: CardJson): void {
  assert.deepEqual(parseCard(card), { errors: [], warnings: [] });
  assert.equal(card.version, '1.5');
  assert.deepEqual((card.msteams as { width?: unknown } | undefined)?.width, 'Full');
  assert.ok(bytesOf(card) < MAX_CARD_BYTES, `card is ${bytesOf(card)} bytes`);
  assert.ok((sizeBound(card) ?? Infinity) >= bytesOf(card), `its size bound ${sizeBound(card)} is below its ${bytesOf(card)} bytes`);
}

function otherThan(mode: FailureMode, count: number): Candidate[] {
  return modes
    .filter((m) => m.id !== mode.id)
    .slice(0, count)
    .map((m, i) => ({ id: m.id, confidence: 0.5 - i * 0.1 }));
}

type DiagnosisVariant = Omit<DiagnosisCardInput, 'lang' | 'mode' | 'pack' | 'diagnosisId'>;

const DIAGNOSIS_VARIANTS: Array<{ name: string; input: (mode: FailureMode) => DiagnosisVariant }> = [
  { name: 'facts from its own error text, no other candidates', input: (mode) => ({ confidence: 0.95, facts: extractFacts(mode.errorText), others: [] }) },
  { name: 'every fact, other candidates (itself among them)', input: (mode) => ({ confidence: 0.7, facts: EVERY_FACT, others: [{ id: mode.id, confidence: 0.7 }, ...otherThan(mode, 3)] }) },
  { name: 'from the guided flow, no facts', input: () => ({ confidence: 1, facts: {}, others: [], fromGuided: true }) },
  { name: 'with a secret warning and every fact', input: (mode) => ({ confidence: 0.9, facts: EVERY_FACT, others: otherThan(mode, 1), secretKinds: ['password', 'client secret'] }) },
];

describe('cards', () => {
  describe('diagnosis card', () => {
    for (const lang of LANGS) {
      for (const mode of modes) {
        for (const { name, input } of DIAGNOSIS_VARIANTS) {
          it(`${mode.id} (${lang}): ${name}`, () => {
            const variant = input(mode);
            const card = renderDiagnosisCard({ lang, mode, pack: defaultMatcher().packOf(mode), diagnosisId: 'd-1', ...variant });
            assertTeamsReady(card);

            const actions = actionsIn(card);
            assert.ok(actions.length > 0);
            for (const action of actions) {
              const data = action.data as Record<string, unknown>;
              assert.equal(data.failureMode, mode.id, `${String(action.title)} carries ${String(data.failureMode)}`);
              assert.equal(data.diagnosisId, 'd-1');
            }
            const verbs = actions.map((a) => (a.data as { verb?: unknown }).verb);
            assert.ok(verbs.includes('feedback'));
            const alternatives = actions.find((a) => (a.data as { verb?: unknown }).verb === 'alternatives');
            const expectedOthers = variant.others.filter((c) => c.id !== mode.id).map((c) => c.id);
            assert.deepEqual((alternatives?.data as { candidates?: unknown } | undefined)?.candidates, expectedOthers.length > 0 ? expectedOthers : undefined);

            const texts = stringSites(card).map((s) => s.value);
            assert.equal(texts.includes(t(lang, 'card.diagnosis.fromGuided')), Boolean(variant.fromGuided));
            assert.equal(texts.some((s) => s.includes('client secret')), Boolean(variant.secretKinds));
          });
        }
      }
    }

    it('shows fact values as text runs, so a hostile value is neither Markdown nor an expression', () => {
      const mode = modes[0] as FailureMode;
      const facts: Facts = { userPrincipalName: '**x**@${1+1}.example', modulePath: 'C:\\[click](https://evil.example).psm1' };
      const card = renderDiagnosisCard({ lang: 'en', mode, pack: defaultMatcher().packOf(mode), confidence: 0.9, facts, others: [], diagnosisId: 'd-1' });
      assertTeamsReady(card);
      for (const value of Object.values(facts)) assertOnlyVerbatim(card, value);
    });
  });

  describe('every other card, in both languages', () => {
    const question = tree.questions[0];
    const cases: Array<{ name: string; render: (lang: Lang) => CardJson }> = [
      ...modes.map((mode) => ({ name: `welcome with ${mode.id} as the example`, render: (lang: Lang) => renderWelcomeCard(lang, mode) })),
      { name: 'help', render: (lang) => renderHelpCard(lang) },
      { name: 'list', render: (lang) => renderListCard(lang, packs, modes) },
      { name: 'not recognised, nothing pasted and no candidates', render: (lang) => renderNotRecognisedCard({ lang, packs, modes, closest: [] }) },
      {
        name: 'not recognised with a paste, three candidates and a secret warning',
        render: (lang) => renderNotRecognisedCard({ lang, packs, modes, closest: otherThan(modes[0] as FailureMode, 3), pastedText: (modes[0] as FailureMode).errorText, secretKinds: ['password'] }),
      },
      ...modes.map((mode) => ({
        name: `support request for ${mode.id}`,
        render: (lang: Lang) => renderSupportRequestCard({ lang, mode, redactedErrorText: mode.errorText, facts: EVERY_FACT, stepsTried: mode.fix.map((s) => s.text[lang]), at: AT }),
      })),
      { name: 'support request from the guided flow (no error text, no steps)', render: (lang) => renderSupportRequestCard({ lang, mode: modes[0] as FailureMode, facts: {}, stepsTried: [], at: AT }) },
      { name: 'feedback acknowledgement, helpful', render: (lang) => renderFeedbackAckCard(lang, modes[0] as FailureMode, true, 'd-1') },
      { name: 'feedback acknowledgement, not helpful', render: (lang) => renderFeedbackAckCard(lang, modes[0] as FailureMode, false, 'd-1') },
      { name: 'feedback acknowledgement, not helpful, no diagnosis id', render: (lang) => renderFeedbackAckCard(lang, modes[0] as FailureMode, false) },
      ...tree.questions.flatMap((q) => [
        { name: `question ${q.id} as the first step`, render: (lang: Lang) => renderQuestionCard({ lang, question: q, flowId: 'f-1', step: 1 }) },
        { name: `question ${q.id} as a later step`, render: (lang: Lang) => renderQuestionCard({ lang, question: q, flowId: 'f-1', step: 4 }) },
      ]),
      { name: 'guided flow ending in none of the documented causes', render: (lang) => renderNoneOutcomeCard(lang, tree, question ? [question.text[lang]] : []) },
      { name: 'guided flow ending in none, no steps recorded', render: (lang) => renderNoneOutcomeCard(lang, tree, []) },
    ];
    for (const lang of LANGS) {
      for (const { name, render } of cases) {
        it(`${name} (${lang})`, () => assertTeamsReady(render(lang)));
      }
    }

    it('feedback acknowledgements carry the failure mode on every action', () => {
      for (const lang of LANGS) {
        for (const mode of modes) {
          for (const action of actionsIn(renderFeedbackAckCard(lang, mode, false, 'd-1'))) {
            assert.equal((action.data as { failureMode?: unknown }).failureMode, mode.id);
          }
        }
      }
    });
  });

  describe('the gallery', () => {
    const gallery = galleryCards();

    it('shows every card template', () => {
      const templates = readdirSync(TEMPLATES_DIR).filter((f) => f.endsWith('.json')).map((f) => basename(f, '.json'));
      const shown = new Set(gallery.map((c) => c.template));
      assert.deepEqual(templates.filter((name) => !shown.has(name)), []);
    });

    it('shows every failure mode in every language', () => {
      for (const lang of LANGS) for (const mode of modes) assert.ok(gallery.some((c) => c.id === `diagnosis-${mode.id}-${lang}`), `${mode.id} ${lang}`);
    });

    for (const entry of gallery) {
      it(`${entry.id} is Teams-ready`, () => assertTeamsReady(entry.card));
    }
  });

  describe('the not-recognised card never diagnoses', () => {
    for (const lang of LANGS) {
      it(`offers no feedback, no failure mode and no fix (${lang})`, () => {
        const closest = modes.slice(0, 3).map((m, i) => ({ id: m.id, confidence: 0.55 - i * 0.1 }));
        const card = renderNotRecognisedCard({ lang, packs, modes, closest, pastedText: 'New-PSSession : something went wrong', secretKinds: [] });
        assertTeamsReady(card);
        for (const action of actionsIn(card)) {
          const data = (action.data ?? {}) as Record<string, unknown>;
          assert.notEqual(data.verb, 'feedback');
          assert.equal(data.failureMode, undefined);
        }
        assert.deepEqual(cardObjects(card).filter((o) => o.type === 'CodeBlock'), []);
        const texts = stringSites(card).map((s) => s.value);
        assert.ok(!texts.includes(t(lang, 'section.fix')), 'has a fix heading');
        for (const mode of modes) {
          for (const step of [...mode.fix, ...mode.checks]) {
            assert.ok(!texts.some((s) => s.includes(step.text[lang])), `shows a step of ${mode.id}: ${step.text[lang]}`);
            // A command is shown as a text of its own; prose may name a cmdlet (the retired pack's note names Connect-MicrosoftTeams).
            if (step.command) assert.ok(!texts.some((s) => s.trim() === step.command), `shows a command of ${mode.id}: ${step.command}`);
          }
        }
      });
    }
  });

  describe('hostile pastes', () => {
    const HOSTILE = ['${failureMode}', '${1+1}', '[click](https://evil.example)', '<at>Everyone</at>', '<script>alert(1)</script>', '**bold**'];
    const mode = modes[0] as FailureMode;
    const echoes: Array<{ name: string; render: (lang: Lang, paste: string) => CardJson }> = [
      { name: 'not recognised', render: (lang, paste) => renderNotRecognisedCard({ lang, packs, modes, closest: [], pastedText: paste }) },
      { name: 'support request', render: (lang, paste) => renderSupportRequestCard({ lang, mode, redactedErrorText: paste, facts: {}, stepsTried: [], at: AT }) },
    ];

    for (const { name, render } of echoes) {
      for (const lang of LANGS) {
        for (const payload of [...HOSTILE, HOSTILE.join('\n')]) {
          it(`${name} (${lang}) echoes ${JSON.stringify(payload)} verbatim, as plain text only`, () => {
            const card = render(lang, `Import-Module : ${payload} failed`);
            assertTeamsReady(card);
            for (const piece of payload.split('\n')) assertOnlyVerbatim(card, piece);
          });
        }

        it(`${name} (${lang}) keeps a 28 KB paste under the limit`, () => {
          const hostile = `${HOSTILE.join(' ')}\n`;
          const latin = hostile + 'New-PSSession : Connecting to remote server failed. '.repeat(600);
          const hangul = hostile + '원격 서버에 연결하지 못했습니다. '.repeat(1200);
          for (const paste of [latin, hangul]) {
            assert.ok(Buffer.byteLength(paste) >= 28 * 1024, `paste is only ${Buffer.byteLength(paste)} bytes`);
            const card = render(lang, paste);
            assertTeamsReady(card);
            for (const piece of HOSTILE) assertOnlyVerbatim(card, piece);
            assert.ok(stringSites(card).some((s) => s.value.includes('…')), 'the echo is not marked as cut');
          }
        });
      }
    }
  });
});

/**
 * The text is in the card unevaluated, and only where Teams shows text as it is: a TextRun
 * in a RichTextBlock, or a CodeBlock's snippet. Never in a TextBlock (Markdown), a fact, a title or data.
 */
function assertOnlyVerbatim(card: CardJson, text: string): void {
  const sites = stringSites(card).filter((s) => s.value.includes(text));
  assert.ok(sites.length > 0, `${JSON.stringify(text)} is not in the card verbatim`);
  for (const site of sites) {
    const verbatim =
      (site.ownerType === 'TextRun' && site.key === 'text' && site.parentType === 'RichTextBlock') ||
      (site.ownerType === 'CodeBlock' && site.key === 'codeSnippet');
    assert.ok(verbatim, `${JSON.stringify(text)} appears in ${site.ownerType ?? 'the card'}.${site.key}`);
  }
}

describe('the support context on the buttons', () => {
  const modes = defaultKnowledge().modes;
  const worst = (n: number) => '\u0001'.repeat(n);

  it('its limits hold what the bot puts in it: the longest guided run, its longest step, the longest fact', () => {
    const runs = allPaths(tree);
    assert.ok(Math.max(...runs.map((run) => run.answers.length)) <= MAX_STEPS, 'steps');
    for (const q of tree.questions) for (const a of q.answers) for (const lang of LANGS) assert.ok(`${q.text[lang]} → ${a.text[lang]}`.length <= MAX_STEP_CHARS, `${q.id}/${a.id}`);
    const long = `Get-CsWebTicket : Logon failed for the user '${'k'.repeat(60)}@${'x'.repeat(190)}.com'. At C:\\${'p'.repeat(240)}\\SkypeOnlineConnectorStartup.psm1:58`;
    for (const value of Object.values(extractFacts(long))) assert.ok(value.length <= MAX_FACT_CHARS, value);
  });

  it('a diagnosis card too large with its context shrinks the pasted text first, marking the cut, then the steps', () => {
    const mode = modes.find((m) => m.id === 'no-tenant-permission') as FailureMode;
    const stepsTaken = Array.from({ length: MAX_STEPS }, () => worst(MAX_STEP_CHARS));
    const contexts = [
      { source: 'paste' as const, redactedText: worst(MAX_CONTEXT_TEXT), facts: {}, stepsTaken: [] },
      { source: 'paste' as const, redactedText: worst(MAX_CONTEXT_TEXT), facts: {}, stepsTaken },
      { source: 'guided' as const, facts: {}, stepsTaken },
    ];
    for (const lang of LANGS) {
      for (const context of contexts) {
        const card = renderDiagnosisCard({ lang, mode, pack: defaultMatcher().packOf(mode), confidence: 0.9, facts: {}, others: [], diagnosisId: 'd-1', context });
        assert.ok(bytesOf(card) <= MAX_CARD_BYTES, `${bytesOf(card)} bytes`);
        assert.deepEqual(parseCard(card), { errors: [], warnings: [] });
        const carried = (actionsIn(card).find((a) => (a.data as { verb?: unknown }).verb === 'supportRequest')?.data as { context: SupportContext }).context;
        assert.equal(carried.source, context.source);
        if (context.redactedText !== undefined && carried.redactedText !== undefined) {
          assert.ok(carried.redactedText.length < context.redactedText.length && carried.redactedText.endsWith('\n…'), 'cut and marked');
          assert.deepEqual(carried.stepsTaken, context.stepsTaken, 'the steps are cut only once the text is gone');
        }
        if (context.stepsTaken.length > 0) assert.ok(JSON.stringify(carried.stepsTaken) !== JSON.stringify(context.stepsTaken), 'steps this large do not fit twice');
      }
    }
  });

  const longPaste = `${'Get-CsWebTicket : Logon failed for the user x@y.com. '.repeat(60)}`.slice(0, 3000);
  for (const lang of LANGS) {
    it(`${lang}: rides only on "Didn't help" and "Prepare a support request", and the card stays under 28 KB`, () => {
      const context = { source: 'paste' as const, redactedText: longPaste, facts: extractFacts(longPaste), stepsTaken: ['a step'] };
      const card = renderDiagnosisCard({ lang, mode: modes[4] as FailureMode, pack: defaultMatcher().packOf(modes[4] as FailureMode), confidence: 0.9, facts: context.facts, others: [], diagnosisId: 'd-2', context });
      const withContext = actionsIn(card).filter((a) => (a.data as Record<string, unknown> | undefined)?.['context'] !== undefined);
      assert.deepEqual(
        withContext.map((a) => (a.data as Record<string, unknown>)['verb']),
        ['feedback', 'supportRequest'],
      );
      assert.ok(Buffer.byteLength(JSON.stringify(card)) < MAX_CARD_BYTES);
      assert.deepEqual(parseCard(card), { errors: [], warnings: [] });
    });
  }
});
