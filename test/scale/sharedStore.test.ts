import { strict as assert } from 'node:assert';
import { request, Agent } from 'node:http';
import { BlobServiceClient } from '@azure/storage-blob';
import { allPaths, defaultKnowledge, loadQuestionTree } from '../../src/knowledge';
import { t } from '../../src/knowledge/messages';
import { FeedbackRecord } from '../../src/storage/FeedbackStore';
import { useAzurite } from '../helpers/azurite';
import { useBotProcesses, waitForOutput, type BotProcess } from '../helpers/botProcess';
import {
  activitiesOf,
  answerButtons,
  buttonByVerb,
  cardSubmit,
  cardsOf,
  diagnosedMode,
  messageFrom,
  newConversation,
  post,
  type Conversation,
  type ReplyActivity,
} from '../helpers/http';

type Step = { questionId: string; answerId: string };

const tree = loadQuestionTree();
const modes = defaultKnowledge().modes;

/** Bot processes (node dist/src/index.js) sharing one Azurite container. */
describe('bot processes sharing one blob store', function () {
  this.timeout(120_000);
  const azurite = useAzurite();
  const startBot = useBotProcesses();
  let containers = 0;
  const freshContainer = () => `shared-${process.pid}-${++containers}`;
  const envFor = (container: string) => ({ STORAGE_CONNECTION_STRING: azurite.connectionString, STORAGE_CONTAINER: container });

  const turn = async (bot: BotProcess, activity: unknown): Promise<ReplyActivity[]> => activitiesOf(await post(`${bot.url}/api/messages`, activity));
  const onlyCard = async (bot: BotProcess, activity: unknown): Promise<Record<string, unknown>> => {
    const replies = await turn(bot, activity);
    const cards = cardsOf(replies);
    assert.equal(cards.length, 1, `expected one card, got: ${JSON.stringify(replies.map((r) => r.text ?? 'card'))}`);
    return cards[0] as Record<string, unknown>;
  };
  const press = (conversation: Conversation, card: unknown, step: Step) => {
    const button = answerButtons(card).find((b) => b.data['questionId'] === step.questionId && b.data['answerId'] === step.answerId);
    assert.ok(button, `no "${step.answerId}" button for question "${step.questionId}" on the card`);
    return cardSubmit(conversation, button.data);
  };
  const questionOf = (card: unknown) => answerButtons(card)[0]?.data['questionId'];

  /** What the card after answering `index` of the path must show. */
  function assertStep(card: unknown, path: (typeof paths)[number], index: number): void {
    const next = path.answers[index + 1];
    if (next) assert.equal(questionOf(card), next.questionId, `after answer ${index + 1} the bot asks "${next.questionId}"`);
    else if ('failureMode' in path.leaf) assert.equal(diagnosedMode(card), path.leaf.failureMode);
    else assert.ok(JSON.stringify(card).includes(JSON.stringify(tree.none.title.en)));
  }
  const paths = allPaths(tree);

  it('(a) continues a guided run after the process is killed and another starts on the same store', async () => {
    const container = freshContainer();
    const path = paths.find((p) => p.answers.length >= 4 && 'failureMode' in p.leaf);
    assert.ok(path);
    const conversation = newConversation({ channelId: 'msteams', tenantId: 'contoso' });

    const first = await startBot(envFor(container));
    let card = await onlyCard(first, messageFrom(conversation, 'troubleshoot'));
    for (const [i, step] of path.answers.slice(0, 2).entries()) {
      card = await onlyCard(first, press(conversation, card, step));
      assertStep(card, path, i);
    }
    const secondQuestionCard = card;
    assert.deepEqual(await first.signal('SIGKILL'), { code: null, signal: 'SIGKILL' });

    const second = await startBot(envFor(container));
    for (const [i, step] of path.answers.entries()) {
      if (i < 2) continue;
      card = await onlyCard(second, press(conversation, card, step));
      assertStep(card, path, i);
    }

    // The card from before the restart is now stale: the run moved on.
    const stale = await turn(second, press(conversation, secondQuestionCard, path.answers[2] as Step));
    assert.deepEqual(
      stale.map((a) => a.text),
      [t('en', 'reply.guidedStaleCard')],
    );
  });

  it('(b) two processes serve alternate turns of one guided run to its leaf', async () => {
    const container = freshContainer();
    const bots = [await startBot(envFor(container)), await startBot(envFor(container))] as const;
    const path = [...paths].sort((a, b) => b.answers.length - a.answers.length)[0];
    assert.ok(path && path.answers.length >= 5);
    const conversation = newConversation({ channelId: 'msteams', tenantId: 'contoso' });

    let card = await onlyCard(bots[0], messageFrom(conversation, 'troubleshoot'));
    for (const [i, step] of path.answers.entries()) {
      card = await onlyCard(bots[(i + 1) % 2] as BotProcess, press(conversation, card, step));
      assertStep(card, path, i);
    }
  });

  it('(c) keeps every feedback record written through either process', async () => {
    const container = freshContainer();
    const bots = [await startBot(envFor(container)), await startBot(envFor(container))] as const;
    const presses = modes.flatMap((mode, i) => [
      { mode, helpful: true, diagnoseOn: bots[i % 2] as BotProcess, pressOn: bots[(i + 1) % 2] as BotProcess },
      { mode, helpful: false, diagnoseOn: bots[(i + 1) % 2] as BotProcess, pressOn: bots[i % 2] as BotProcess },
    ]);
    const conversations = await Promise.all(
      presses.map(async ({ mode, helpful, diagnoseOn, pressOn }) => {
        const conversation = newConversation({ channelId: 'emulator' });
        const card = await onlyCard(diagnoseOn, messageFrom(conversation, mode.errorText));
        assert.equal(diagnosedMode(card), mode.id);
        const button = cardSubmit(conversation, { ...buttonByVerb(card, 'feedback').data, helpful });
        await turn(pressOn, button);
        return { conversationId: conversation.conversationId, failureMode: mode.id, helpful };
      }),
    );

    const containerClient = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container);
    const records: FeedbackRecord[] = [];
    for await (const blob of containerClient.listBlobsFlat({ prefix: 'feedback' })) {
      const parsed = FeedbackRecord.safeParse(JSON.parse((await containerClient.getBlobClient(blob.name).downloadToBuffer()).toString('utf8')));
      assert.ok(parsed.success, `${blob.name} is a feedback record`);
      records.push(parsed.data);
      if (records.length > presses.length * 2) break;
    }
    const summary = (r: { conversationId: string; failureMode: string; helpful: boolean }) => `${r.conversationId} ${r.failureMode} ${r.helpful}`;
    assert.deepEqual(records.map(summary).sort(), conversations.map(summary).sort());
  });

  it('(d) on SIGTERM finishes the requests in flight, refuses new ones and exits 0 within 10 s', async () => {
    const container = freshContainer();
    const bot = await startBot(envFor(container));
    const agent = new Agent({ keepAlive: true });
    try {
      const port = bot.port;
      const paste = (i: number) => messageFrom(newConversation(), (modes[i % modes.length] as (typeof modes)[number]).errorText);

      // One request whose body is only half sent when the signal arrives: certainly in flight.
      const slowBody = Buffer.from(JSON.stringify(paste(0)));
      const slow = rawPost(port, agent, slowBody);
      await slow.write(slowBody.subarray(0, slowBody.length >> 1));
      // A few ordinary ones, fully sent before the signal.
      const quick = Array.from({ length: 6 }, (_, i) => {
        const body = Buffer.from(JSON.stringify(paste(i + 1)));
        const req = rawPost(port, agent, body);
        void req.write(body).then(() => req.end());
        return req;
      });
      await Promise.all(quick.map((q) => q.flushed));
      await new Promise((r) => setTimeout(r, 100));

      const signalledAt = Date.now();
      bot.child.kill('SIGTERM');
      // However busy the machine, the check waits for the bot to have closed its listener.
      await waitForOutput(bot, 'shutting down');
      await assert.rejects(fetch(`${bot.url}/healthz`, { signal: AbortSignal.timeout(2_000) }), 'a new connection after SIGTERM is refused');
      slow.end(slowBody.subarray(slowBody.length >> 1));

      const answers = await Promise.all([slow, ...quick].map((r) => r.response));
      for (const [i, answer] of answers.entries()) {
        assert.equal(answer.status, 200, `request ${i}: ${answer.text.slice(0, 200)}`);
        const body = JSON.parse(answer.text) as { activities: ReplyActivity[] };
        assert.ok(diagnosedMode(cardsOf(body.activities)[0]), `request ${i} got its diagnosis`);
      }
      const exit = await Promise.race([bot.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 10_000))]);
      assert.deepEqual(exit, { code: 0, signal: null }, `exit after ${Date.now() - signalledAt} ms; stderr: ${bot.stderr.join('\n')}`);
      assert.ok(Date.now() - signalledAt < 10_000);
    } finally {
      agent.destroy();
    }
  });
});

interface RawPost {
  /** Resolves once the headers and the first write are on the wire. */
  write(chunk: Buffer): Promise<void>;
  end(chunk?: Buffer): void;
  readonly flushed: Promise<void>;
  readonly response: Promise<{ status: number; text: string }>;
}

/** A POST to /api/messages whose body the test sends in pieces, when it chooses. */
function rawPost(port: number, agent: Agent, body: Buffer): RawPost {
  const req = request({
    host: '127.0.0.1',
    port,
    path: '/api/messages',
    method: 'POST',
    agent,
    headers: { 'content-type': 'application/json', 'content-length': body.length },
    timeout: 15_000,
  });
  let flushedResolve: () => void = () => undefined;
  const flushed = new Promise<void>((resolve) => (flushedResolve = resolve));
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.once('timeout', () => req.destroy(new Error('no answer within 15 s')));
  });
  response.catch(() => undefined);
  return {
    write: (chunk) =>
      new Promise<void>((resolve, reject) =>
        req.write(chunk, (err) => {
          if (err) reject(err);
          else resolve();
        }),
      ),
    end: (chunk) => {
      req.end(chunk, () => flushedResolve());
    },
    flushed,
    response,
  };
}
