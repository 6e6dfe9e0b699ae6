import { strict as assert } from 'node:assert';
import { allPaths, defaultKnowledge, loadQuestionTree } from '../../src/knowledge';
import { t } from '../../src/knowledge/messages';
import type { StartedBot } from '../../src/main';
import {
  answerButtons,
  botClient,
  cardSubmit,
  cardsOf,
  diagnosedMode,
  messageFrom,
  newConversation,
  startTestBot,
  type BotClient,
  type Conversation,
} from '../helpers/http';

/** Guided troubleshooting over HTTP, expectReplies only: every button is read from the card the bot sent. */
describe('guided troubleshooting over HTTP', function () {
  this.timeout(60_000);
  const tree = loadQuestionTree();
  let bot: StartedBot;
  let client: BotClient;

  before(async () => {
    bot = await startTestBot();
    client = botClient(bot.url);
  });
  after(async () => {
    await bot?.stop();
  });

  /** The single card of a turn's replies. */
  async function cardOf(activity: unknown): Promise<Record<string, unknown>> {
    const cards = cardsOf(await client.turn(activity));
    assert.equal(cards.length, 1, `expected one card, got ${cards.length}`);
    return cards[0] as Record<string, unknown>;
  }

  /** Presses the answer button of the question on the card. */
  function press(conversation: Conversation, card: unknown, step: { questionId: string; answerId: string }, locale = 'en-US') {
    const button = answerButtons(card).find((b) => b.data['questionId'] === step.questionId && b.data['answerId'] === step.answerId);
    assert.ok(button, `the card for "${step.questionId}" has no "${step.answerId}" button`);
    return { ...cardSubmit(conversation, button.data), locale };
  }

  for (const [lang, locale, command] of [
    ['en', 'en-US', 'troubleshoot'],
    ['ko', 'ko-KR', '문제 해결'],
  ] as const) {
    it(`${lang}: follows every path of the tree to its leaf and reaches every failure mode of both packs`, async () => {
      const modes = defaultKnowledge().modes;
      const reached = new Set<string>();
      let noneLeaves = 0;
      for (const path of allPaths(tree)) {
        const conversation = newConversation();
        let card = await cardOf(messageFrom(conversation, command, { locale }));
        for (const step of path.answers) card = await cardOf(press(conversation, card, step, locale));
        const route = path.answers.map((a) => `${a.questionId}=${a.answerId}`).join(' → ');
        const { leaf } = path;
        if ('failureMode' in leaf) {
          assert.equal(diagnosedMode(card), leaf.failureMode, route);
          const mode = modes.find((m) => m.id === leaf.failureMode);
          assert.ok(JSON.stringify(card).includes(JSON.stringify(mode?.title[lang])), `${route}: the card in ${lang}`);
          reached.add(leaf.failureMode);
        } else {
          assert.equal(diagnosedMode(card), undefined, route);
          assert.ok(JSON.stringify(card).includes(JSON.stringify(tree.none.title[lang])), `${route}: the "none of the causes" card`);
          noneLeaves++;
        }
      }
      assert.deepEqual([...reached].sort(), modes.map((m) => m.id).sort());
      assert.ok(noneLeaves > 0);
    });
  }

  it('tells the user a button from an earlier question is stale and keeps the run where it is', async () => {
    const conversation = newConversation();
    const first = await cardOf(messageFrom(conversation, 'troubleshoot'));
    const [path] = allPaths(tree).filter((p) => p.answers.length >= 2);
    assert.ok(path);
    const [step1, step2] = path.answers;
    assert.ok(step1 && step2);
    const second = await cardOf(press(conversation, first, step1));

    const stale = await client.turn(press(conversation, first, step1));
    assert.deepEqual(
      stale.map((a) => a.text),
      [t('en', 'reply.guidedStaleCard')],
    );
    const third = await cardOf(press(conversation, second, step2));
    assert.notEqual(JSON.stringify(third), JSON.stringify(second));
  });

  it('ignores the button of another conversation’s run', async () => {
    const mine = newConversation();
    const theirs = newConversation();
    const [path] = allPaths(tree);
    assert.ok(path?.answers[0]);
    const theirCard = await cardOf(messageFrom(theirs, 'troubleshoot'));
    await cardOf(messageFrom(mine, 'troubleshoot'));
    const replies = await client.turn(press(mine, theirCard, path.answers[0]));
    assert.deepEqual(
      replies.map((a) => a.text),
      [t('en', 'reply.guidedStaleCard')],
    );
  });
});
