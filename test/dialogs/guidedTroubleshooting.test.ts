import { strict as assert } from 'node:assert';
import type { Activity } from 'botbuilder';
import sinon from 'sinon';
import { allPaths, defaultKnowledge, loadQuestionTree, type Answer, type FailureModeId, type Lang, type Question } from '../../src/knowledge';
import { t } from '../../src/knowledge/messages';
import { MENTION_TEXT, USER_A, USER_B, cardSubmit, messageFrom, type ActivityOptions } from '../helpers/activities';
import { allTextOf, buttonData, cardOf, createHarness, numberedRowsOf, submitActions, textsOf, titleOf, type BotHarness, type CardJson } from '../helpers/botHarness';

const tree = loadQuestionTree();
const { modes } = defaultKnowledge();
const LOCALES: Record<Lang, string> = { en: 'en-US', ko: 'ko-KR' };
const TROUBLESHOOT: Record<Lang, string> = { en: 'troubleshoot', ko: '문제 해결' };

function question(id: string): Question {
  const found = tree.questions.find((q) => q.id === id);
  assert.ok(found, id);
  return found;
}

function answerOf(questionId: string, answerId: string): Answer {
  const found = question(questionId).answers.find((a) => a.id === answerId);
  assert.ok(found, `${questionId}/${answerId}`);
  return found;
}

function modeTitle(id: FailureModeId, lang: Lang): string {
  const found = modes.find((m) => m.id === id);
  assert.ok(found, id);
  return found.title[lang];
}

/** The one reply of a turn, as a card. */
function onlyCard(replies: Partial<Activity>[]): CardJson {
  assert.equal(replies.length, 1, `one reply, got ${JSON.stringify(replies.map((r) => r.text ?? r.attachments?.[0]?.content?.body?.[0]?.text))}`);
  return cardOf(replies[0]);
}

function onlyText(replies: Partial<Activity>[]): string | undefined {
  assert.equal(replies.length, 1, `one reply, got ${replies.length}`);
  return replies[0]?.text;
}

/** Asserts the card asks this question as step `step`, and returns it. */
function assertAsks(card: CardJson, questionId: string, lang: Lang, step?: number): CardJson {
  const texts = textsOf(card);
  assert.ok(texts.includes(question(questionId).text[lang]), `asks "${question(questionId).text[lang]}", shows ${JSON.stringify(texts.slice(0, 2))}`);
  if (step !== undefined) assert.equal(texts[0], t(lang, 'card.question.heading', { step }));
  const command = question(questionId).check?.command;
  if (command) assert.ok(allTextOf(card).includes(command), `shows the check command ${command} as written`);
  const answers = submitActions(card).filter((a) => a.data['verb'] === 'answer');
  assert.deepEqual(
    answers.map((a) => [a.data['questionId'], a.data['answerId'], a.title]),
    question(questionId).answers.map((a) => [questionId, a.id, a.text[lang]]),
  );
  return card;
}

/** The data of an answer button, read from the card as Teams would send it back. */
function answerButton(card: CardJson, questionId: string, answerId: string): Record<string, unknown> {
  const found = submitActions(card).find((a) => a.data['verb'] === 'answer' && a.data['questionId'] === questionId && a.data['answerId'] === answerId);
  assert.ok(found, `no answer button ${questionId}/${answerId}`);
  return found.data;
}

const flowIdOf = (card: CardJson): unknown => buttonData(card, 'restart')['flowId'];

function stepLine(lang: Lang, n: number, questionId: string, answerId: string): string {
  return `${n}. ${question(questionId).text[lang]} → ${answerOf(questionId, answerId).text[lang]}`;
}

/** One person in one conversation, pressing buttons and typing. */
class Person {
  constructor(
    private readonly h: BotHarness,
    private readonly options: ActivityOptions,
    private readonly mentionPrefix = '',
  ) {}

  type(text: string): Promise<Partial<Activity>[]> {
    return this.h.say(messageFrom(`${this.mentionPrefix}${text}`, { ...this.options, mention: this.mentionPrefix !== '' }));
  }

  press(data: unknown): Promise<Partial<Activity>[]> {
    return this.h.say(cardSubmit(data, this.options));
  }

  async startFlow(lang: Lang): Promise<CardJson> {
    return assertAsks(onlyCard(await this.type(TROUBLESHOOT[lang])), tree.start, lang, 1);
  }

  /** Starts a run and takes the retired connector's branch: returns the card that asks "stage" (step 2). */
  async startConnectorFlow(lang: Lang): Promise<CardJson> {
    return this.answer(await this.startFlow(lang), lang, [[tree.start, 'connector']]);
  }

  /** Answers from the current card along the steps; returns the last question card. */
  async answer(card: CardJson, lang: Lang, steps: ReadonlyArray<[string, string]>): Promise<CardJson> {
    let current = card;
    for (const [questionId, answerId] of steps) {
      const next = answerOf(questionId, answerId);
      assert.ok('next' in next, `${questionId}/${answerId} is not a leaf`);
      current = assertAsks(onlyCard(await this.press(answerButton(current, questionId, answerId))), next.next, lang);
    }
    return current;
  }
}

describe('guided troubleshooting', () => {
  let h: BotHarness;
  let ken: Person;

  beforeEach(() => {
    h = createHarness();
    ken = new Person(h, { locale: 'en-US' });
  });

  afterEach(() => {
    sinon.restore();
  });

  describe('every path of the tree, walked with the buttons', () => {
    const paths = allPaths(tree);

    it('covers every answer of every question', () => {
      const taken = new Set(paths.flatMap((p) => p.answers.map((a) => `${a.questionId}/${a.answerId}`)));
      for (const q of tree.questions) for (const a of q.answers) assert.ok(taken.has(`${q.id}/${a.id}`), `${q.id}/${a.id}`);
    });

    for (const lang of ['en', 'ko'] as const) {
      for (const path of paths) {
        const leaf = path.leaf;
        const outcome = 'failureMode' in leaf ? leaf.failureMode : 'none';
        const route = path.answers.map((a) => a.answerId).join(' > ');
        it(`${lang}: ${route} → ${outcome}`, async () => {
          const person = new Person(h, { locale: LOCALES[lang] });
          let card = await person.startFlow(lang);
          const flowId = flowIdOf(card);
          assert.equal(typeof flowId, 'string');
          let replies: Partial<Activity>[] = [];
          for (const [i, step] of path.answers.entries()) {
            assertAsks(card, step.questionId, lang, i + 1);
            const button = answerButton(card, step.questionId, step.answerId);
            assert.equal(button['flowId'], flowId, 'one run, one flow id');
            replies = await person.press(button);
            if (i < path.answers.length - 1) card = onlyCard(replies);
          }
          const end = onlyCard(replies);
          if ('failureMode' in leaf) {
            assert.equal(titleOf(end), modeTitle(leaf.failureMode, lang));
            assert.ok(textsOf(end).includes(t(lang, 'card.diagnosis.fromGuided')), 'says it comes from the answers');
            assert.ok(!textsOf(end).some((text) => text.startsWith(`${t(lang, 'section.confidence')}:`)), 'no confidence line');
            for (const action of submitActions(end)) assert.equal(action.data['failureMode'], leaf.failureMode);
            assert.ok(!submitActions(end).some((a) => a.data['verb'] === 'guided'), 'no "Guided troubleshooting" at the end of a guided run');
            const reached = h.logged('info').filter((line) => line['msg'] === 'guided troubleshooting reached a failure mode');
            assert.deepEqual(
              reached.map((line) => line['diagnosisId']),
              [buttonData(end, 'feedback')['diagnosisId']],
              'the log names the diagnosis its feedback will name',
            );
          } else {
            assert.equal(titleOf(end), tree.none.title[lang]);
            assert.ok(textsOf(end).includes(tree.none.text[lang]));
            path.answers.forEach((a, i) => assert.ok(numberedRowsOf(end).includes(stepLine(lang, i + 1, a.questionId, a.answerId)), `step ${i + 1}`));
          }
          assert.deepEqual(h.logged('error'), [], 'no turn failed');
          // The run is over: the last question's buttons are stale now.
          assert.equal(onlyText(await person.press(answerButton(card, path.answers.at(-1)?.questionId ?? '', path.answers.at(-1)?.answerId ?? ''))), t(lang, 'reply.guidedStaleCard'));
        });
      }
    }
  });

  describe('buttons on the question card', () => {
    it('Back returns to the previous question, and the flow goes on from there', async () => {
      const first = await ken.startFlow('en');
      assert.ok(!submitActions(first).some((a) => a.data['verb'] === 'back'), 'no Back on the first question');
      const second = await ken.answer(first, 'en', [[tree.start, 'connector']]);
      const back = assertAsks(onlyCard(await ken.press(buttonData(second, 'back'))), tree.start, 'en', 1);
      assert.equal(flowIdOf(back), flowIdOf(first), 'the same run');
      await ken.answer(back, 'en', [[tree.start, 'teams-module']]);
      assert.equal(onlyText(await ken.press(answerButton(second, 'stage', 'sign-in'))), t('en', 'reply.guidedStaleCard'), 'the abandoned branch is stale');
    });

    it('Start over asks the first question again in a new run; the old cards are stale', async () => {
      const first = await ken.startConnectorFlow('en');
      const third = await ken.answer(first, 'en', [
        ['stage', 'load-module'],
        ['ps-version', 'v3-or-newer'],
      ]);
      const again = assertAsks(onlyCard(await ken.press(buttonData(third, 'restart'))), tree.start, 'en', 1);
      assert.notEqual(flowIdOf(again), flowIdOf(first));
      assert.equal(onlyText(await ken.press(answerButton(third, 'execution-policy', 'restricted'))), t('en', 'reply.guidedStaleCard'));
      assert.equal(onlyText(await ken.press(answerButton(first, 'stage', 'sign-in'))), t('en', 'reply.guidedStaleCard'));
      await ken.answer(again, 'en', [[tree.start, 'connector']]);
    });

    it('Cancel ends the run; its buttons are stale afterwards', async () => {
      const first = await ken.startConnectorFlow('en');
      const second = await ken.answer(first, 'en', [['stage', 'open-session']]);
      assert.equal(onlyText(await ken.press(buttonData(second, 'cancelFlow'))), t('en', 'reply.guidedCancelled'));
      assert.equal(onlyText(await ken.press(answerButton(second, 'own-sessions', 'fewer'))), t('en', 'reply.guidedStaleCard'));
      assert.equal(onlyText(await ken.type('cancel')), t('en', 'reply.guidedNotActive'));
    });

    it('a button of an already answered question is stale and does not jump', async () => {
      const first = await ken.startConnectorFlow('en');
      const second = await ken.answer(first, 'en', [['stage', 'open-session']]);
      assert.equal(onlyText(await ken.press(answerButton(first, 'stage', 'load-module'))), t('en', 'reply.guidedStaleCard'));
      assert.equal(onlyText(await ken.press(buttonData(first, 'cancelFlow'))), t('en', 'reply.guidedStaleCard'), 'an old Cancel does not end the run');
      const end = onlyCard(await ken.press(answerButton(second, 'own-sessions', 'three-or-more')));
      assert.equal(titleOf(end), modeTitle('user-shell-limit', 'en'));
    });

    it('an answer id the question does not have is stale', async () => {
      const first = await ken.startFlow('en');
      assert.equal(onlyText(await ken.press({ ...answerButton(first, tree.start, 'connector'), answerId: 'made-up' })), t('en', 'reply.guidedStaleCard'));
      await ken.answer(first, 'en', [[tree.start, 'connector']]);
    });

    it('a question button when no run was ever started is stale', async () => {
      const submit = { verb: 'answer', flowId: 'deadbeef', questionId: tree.start, answerId: 'connector' };
      assert.equal(onlyText(await ken.press(submit)), t('en', 'reply.guidedStaleCard'));
    });
  });

  describe('typing during a run', () => {
    for (const [word, lang] of [['cancel', 'en'], ['취소', 'ko']] as const) {
      it(`"${word}" ends the run`, async () => {
        const person = new Person(h, { locale: LOCALES[lang] });
        const first = await person.startConnectorFlow(lang);
        const second = await person.answer(first, lang, [['stage', 'sign-in']]);
        assert.equal(onlyText(await person.type(word)), t(lang, 'reply.guidedCancelled'));
        assert.equal(onlyText(await person.press(answerButton(second, 'sign-in-assistant', 'stopped'))), t(lang, 'reply.guidedStaleCard'));
      });
    }

    it('"help" answers with the help card and asks the current question again', async () => {
      const first = await ken.startConnectorFlow('en');
      const second = await ken.answer(first, 'en', [['stage', 'sign-in']]);
      const replies = await ken.type('help');
      assert.equal(replies.length, 3);
      assert.equal(titleOf(cardOf(replies[0])), t('en', 'card.help.title'));
      assert.equal(replies[1]?.text, t('en', 'reply.guidedResume'));
      const again = assertAsks(cardOf(replies[2]), 'sign-in-assistant', 'en', 3);
      assert.equal(flowIdOf(again), flowIdOf(second));
      const end = onlyCard(await ken.press(answerButton(second, 'sign-in-assistant', 'not-found')));
      assert.equal(titleOf(end), modeTitle('liveid-module-missing', 'en'));
    });

    it('"back" asks the previous question', async () => {
      const first = await ken.startConnectorFlow('en');
      await ken.answer(first, 'en', [['stage', 'sign-in']]);
      assertAsks(onlyCard(await ken.type('back')), 'stage', 'en', 2);
    });

    it('"list" shows the known failures and the run goes on', async () => {
      const first = await ken.startConnectorFlow('en');
      assert.equal(titleOf(onlyCard(await ken.type('list'))), t('en', 'knownModes.title'));
      await ken.answer(first, 'en', [['stage', 'sign-in']]);
    });

    it('"troubleshoot" starts a new run', async () => {
      const first = await ken.startFlow('en');
      const again = await ken.startFlow('en');
      assert.notEqual(flowIdOf(again), flowIdOf(first));
      assert.equal(onlyText(await ken.press(answerButton(first, tree.start, 'connector'))), t('en', 'reply.guidedStaleCard'));
    });

    it('a pasted error is diagnosed and ends the run', async () => {
      const logonFailed = modes.find((m) => m.id === 'logon-failed');
      assert.ok(logonFailed);
      const first = await ken.startConnectorFlow('en');
      const second = await ken.answer(first, 'en', [['stage', 'open-session']]);
      const replies = await ken.type(logonFailed.errorText);
      assert.equal(replies.length, 2);
      assert.equal(replies[0]?.text, t('en', 'reply.guidedEndedByPaste'));
      const diagnosis = cardOf(replies[1]);
      assert.equal(titleOf(diagnosis), logonFailed.title.en);
      assert.ok(!textsOf(diagnosis).includes(t('en', 'card.diagnosis.fromGuided')));
      assert.equal(onlyText(await ken.press(answerButton(second, 'own-sessions', 'fewer'))), t('en', 'reply.guidedStaleCard'));
    });

    it('small talk gets a reminder to use the buttons and the run goes on', async () => {
      const first = await ken.startConnectorFlow('en');
      const second = await ken.answer(first, 'en', [['stage', 'open-session']]);
      const replies = await ken.type('hmm, let me check');
      assert.equal(replies.length, 2);
      assert.equal(replies[0]?.text, t('en', 'reply.guidedAnswerText'));
      assertAsks(cardOf(replies[1]), 'own-sessions', 'en', 3);
      const end = onlyCard(await ken.press(answerButton(second, 'own-sessions', 'three-or-more')));
      assert.equal(titleOf(end), modeTitle('user-shell-limit', 'en'));
    });
  });

  describe('starting and ending', () => {
    it('"Guided troubleshooting" on a diagnosis card starts a run', async () => {
      const m = modes.find((x) => x.id === 'execution-policy');
      assert.ok(m);
      const diagnosis = onlyCard(await ken.type(m.errorText));
      assertAsks(onlyCard(await ken.press(buttonData(diagnosis, 'guided'))), tree.start, 'en', 1);
    });

    it('"Start over" on the none-outcome card starts a new run', async () => {
      const first = await ken.startConnectorFlow('en');
      const last = await ken.answer(first, 'en', [
        ['stage', 'load-module'],
        ['ps-version', 'v3-or-newer'],
        ['execution-policy', 'remote-signed'],
      ]);
      const none = onlyCard(await ken.press(answerButton(last, 'module-loads', 'still-fails')));
      assert.equal(titleOf(none), tree.none.title.en);
      assertAsks(onlyCard(await ken.press(buttonData(none, 'guided'))), tree.start, 'en', 1);
    });

    for (const lang of ['en', 'ko'] as const) {
      it(`${lang}: the steps taken become "steps already tried" in the support request`, async () => {
        const person = new Person(h, { locale: LOCALES[lang] });
        const first = await person.startConnectorFlow(lang);
        const last = await person.answer(first, lang, [
          ['stage', 'open-session'],
          ['own-sessions', 'fewer'],
        ]);
        const diagnosis = onlyCard(await person.press(answerButton(last, 'tenant-sessions', 'many')));
        assert.equal(titleOf(diagnosis), modeTitle('tenant-shell-limit', lang));
        const summary = allTextOf(onlyCard(await person.press(buttonData(diagnosis, 'supportRequest'))));
        const lines = [
          `${t(lang, 'card.support.stepsTried')}:`,
          stepLine(lang, 1, tree.start, 'connector'),
          stepLine(lang, 2, 'stage', 'open-session'),
          stepLine(lang, 3, 'own-sessions', 'fewer'),
          stepLine(lang, 4, 'tenant-sessions', 'many'),
        ];
        assert.ok(summary.includes(lines.join('\n')), `steps in the summary:\n${summary}`);
        assert.ok(summary.includes(t(lang, 'card.support.errorTextFromGuided')), 'no error text from a guided run, and why');
      });
    }

    it('after Back, only the answers of the final path are steps already tried', async () => {
      const first = await ken.startConnectorFlow('en');
      const second = await ken.answer(first, 'en', [['stage', 'sign-in']]);
      const back = onlyCard(await ken.press(buttonData(second, 'back')));
      const last = await ken.answer(back, 'en', [['stage', 'open-session']]);
      const diagnosis = onlyCard(await ken.press(answerButton(last, 'own-sessions', 'three-or-more')));
      const summary = allTextOf(onlyCard(await ken.press(buttonData(diagnosis, 'supportRequest'))));
      const lines = [`${t('en', 'card.support.stepsTried')}:`, stepLine('en', 1, tree.start, 'connector'), stepLine('en', 2, 'stage', 'open-session'), stepLine('en', 3, 'own-sessions', 'three-or-more'), ''];
      assert.ok(summary.includes(lines.join('\n')), summary);
      assert.ok(!summary.includes(answerOf('stage', 'sign-in').text.en), 'the abandoned answer is not a step');
    });
  });

  describe('two people in one channel thread', () => {
    const thread: ActivityOptions = { conversationType: 'channel', conversationId: '19:ops@thread.tacv2;messageid=1700000000001', locale: 'en-US' };

    it('each runs their own flow, interleaved, to their own leaf; one cannot press the other\'s buttons', async () => {
      const ann = new Person(h, { ...thread, from: USER_A }, `${MENTION_TEXT} `);
      const bob = new Person(h, { ...thread, from: USER_B }, `${MENTION_TEXT} `);

      const annFirst = await ann.startConnectorFlow('en');
      const bobFirst = await bob.startConnectorFlow('en');
      assert.notEqual(flowIdOf(annFirst), flowIdOf(bobFirst));

      const annSecond = await ann.answer(annFirst, 'en', [['stage', 'sign-in']]);
      const bobSecond = await bob.answer(bobFirst, 'en', [['stage', 'open-session']]);

      assert.equal(onlyText(await bob.press(answerButton(annSecond, 'sign-in-assistant', 'stopped'))), t('en', 'reply.guidedStaleCard'), "Bob pressing Ann's button");
      assert.equal(onlyText(await bob.press(buttonData(annSecond, 'cancelFlow'))), t('en', 'reply.guidedStaleCard'), "Bob pressing Ann's Cancel");

      const annEnd = onlyCard(await ann.press(answerButton(annSecond, 'sign-in-assistant', 'not-found')));
      assert.equal(titleOf(annEnd), modeTitle('liveid-module-missing', 'en'));

      const bobThird = await bob.answer(bobSecond, 'en', [['own-sessions', 'fewer']]);
      const bobEnd = onlyCard(await bob.press(answerButton(bobThird, 'tenant-sessions', 'many')));
      assert.equal(titleOf(bobEnd), modeTitle('tenant-shell-limit', 'en'));
    });

    it("one person's cancel does not end the other's run", async () => {
      const ann = new Person(h, { ...thread, from: USER_A }, `${MENTION_TEXT} `);
      const bob = new Person(h, { ...thread, from: USER_B }, `${MENTION_TEXT} `);
      const annFirst = await ann.startConnectorFlow('en');
      await bob.startFlow('en');
      assert.equal(onlyText(await bob.type('cancel')), t('en', 'reply.guidedCancelled'));
      await ann.answer(annFirst, 'en', [['stage', 'sign-in']]);
    });

    it('text in the thread without a mention does not reach a running flow', async () => {
      const ann = new Person(h, { ...thread, from: USER_A }, `${MENTION_TEXT} `);
      const annQuiet = new Person(h, { ...thread, from: USER_A });
      const first = await ann.startConnectorFlow('en');
      assert.deepEqual(await annQuiet.type('cancel'), []);
      await ann.answer(first, 'en', [['stage', 'sign-in']]);
    });
  });
});
