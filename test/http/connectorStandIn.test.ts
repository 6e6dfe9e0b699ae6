/*
 * The path Teams uses: an activity without expectReplies, whose replies the bot POSTs to the
 * activity's serviceUrl. Here that URL is the connector stand-in, so these tests also prove the
 * stand-in answers botframework-connector's ConnectorClient the way the Bot Connector service does.
 */
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import { ConnectorClient, TokenCredentials } from 'botframework-connector';
import { defaultKnowledge } from '../../src/knowledge';
import { BOT, TENANT_ID, USER_A, USER_B, messageFrom } from '../helpers/activities';
import { useBotProcesses, type BotProcess } from '../helpers/botProcess';
import { ConnectorStandIn, type ConnectorCall, type ConnectorFailure } from '../helpers/ConnectorStandIn';
import { cardsOf, diagnosedMode, post, type ReplyActivity } from '../helpers/http';

const LOGON_FAILED = defaultKnowledge().modes.find((m) => m.id === 'logon-failed')?.errorText ?? '';
const CHANNEL = '19:0f3c6e1a2b4d4e5f9a8b7c6d5e4f3a2b@thread.tacv2';

/** Teams' ids carry ':', '@', ';' and '=': ConnectorClient URL-encodes them into the path. */
const threadIn = (channel: string) => `${channel};messageid=${Date.now()}${Math.floor(Math.random() * 1000)}`;
const teamsActivityId = () => `f:${randomUUID()}`;

/** A message in a channel thread mentioning the bot, as Teams delivers it, replies to go to `serviceUrl`. */
function channelMessage(serviceUrl: string, conversationId: string, text: string): Partial<Activity> {
  return { ...messageFrom(`<at>Connector Doctor</at> ${text}`, { conversationType: 'channel', conversationId, mention: true }), id: teamsActivityId(), serviceUrl };
}

const replyActivity = (call: ConnectorCall | undefined) => call?.body as ReplyActivity & Partial<Activity>;

describe('connector stand-in: the bot replies where Teams would receive them (bot in a child process)', function () {
  this.timeout(30_000);
  const startBot = useBotProcesses();
  let bot: BotProcess;
  let standIn: ConnectorStandIn;

  before(async () => {
    bot = await startBot({ LOG_LEVEL: 'info' });
  });
  beforeEach(async () => {
    standIn = new ConnectorStandIn({ basePath: '/teams/' });
    await standIn.start();
  });
  afterEach(async () => {
    await standIn.close();
  });

  /** Log lines of the bot about one conversation. */
  const loggedAbout = (conversationId: string) =>
    bot.stdout.flatMap((line) => {
      const record = JSON.parse(line) as Record<string, unknown>;
      return record['conversationId'] === conversationId ? [record] : [];
    });

  /** The bot's error lines about a conversation, once its log has come through the pipe. */
  async function errorsLoggedAbout(conversationId: string): Promise<Array<Record<string, unknown>>> {
    const deadline = Date.now() + 5_000;
    const errors = () => loggedAbout(conversationId).filter((record) => record['level'] === 'error');
    while (errors().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return errors();
  }

  it('posts the diagnosis card as a reply to the pasted message, and answers the request with 200', async () => {
    const conversationId = threadIn(CHANNEL);
    const activity = channelMessage(standIn.url, conversationId, LOGON_FAILED);

    const answer = await post(`${bot.url}/api/messages`, activity);

    assert.equal(answer.status, 200);
    assert.equal(answer.text, '', 'without expectReplies nothing comes back in the response');
    const [reply, ...more] = await standIn.waitFor('replyToActivity');
    assert.equal(more.length, 0);
    assert.equal(standIn.count(), 1, 'one call in all');
    assert.ok(reply);
    assert.equal(reply.method, 'POST');
    assert.equal(reply.path, `v3/conversations/${encodeURIComponent(conversationId)}/activities/${encodeURIComponent(activity.id as string)}`);
    assert.equal(reply.conversationId, conversationId);
    assert.equal(reply.activityId, activity.id);
    assert.equal(reply.status, 201);
    assert.equal(reply.authorization, undefined, 'local mode: no app id, no token');
    const sent = replyActivity(reply);
    assert.equal(sent.type, 'message');
    assert.equal(sent.replyToId, activity.id);
    assert.equal(sent.conversation?.id, conversationId);
    assert.deepEqual(sent.from, BOT);
    assert.equal(sent.recipient?.id, USER_A.id);
    assert.equal(sent.attachments?.[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(diagnosedMode(cardsOf([sent])[0]), 'logon-failed');
  });

  it('answers each of two people in one thread with a reply to their own message', async () => {
    const conversationId = threadIn(CHANNEL);
    const fromA = channelMessage(standIn.url, conversationId, 'help');
    const fromB = { ...channelMessage(standIn.url, conversationId, LOGON_FAILED), from: USER_B };

    const answers = await Promise.all([fromA, fromB].map((activity) => post(`${bot.url}/api/messages`, activity)));

    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200],
    );
    const replies = await standIn.waitFor('replyToActivity', 2);
    const byActivity = new Map(replies.map((call) => [call.activityId, replyActivity(call)]));
    assert.equal(byActivity.get(fromA.id)?.recipient?.id, USER_A.id);
    assert.equal(byActivity.get(fromB.id)?.recipient?.id, USER_B.id);
    assert.equal(diagnosedMode(cardsOf([byActivity.get(fromB.id) as ReplyActivity])[0]), 'logon-failed');
  });

  const failures: Array<{ failure: ConnectorFailure; status: number; when: string }> = [
    { failure: 'BotNotInConversationRoster', status: 403, when: 'the bot was removed from the team' },
    { failure: 'ConversationNotFound', status: 404, when: 'the channel was deleted' },
  ];
  for (const { failure, status, when } of failures) {
    it(`survives the service refusing its reply (${status} ${failure}, as when ${when}) and keeps answering others`, async () => {
      const gone = threadIn(CHANNEL);
      standIn.failConversation(gone, failure);

      const answer = await post(`${bot.url}/api/messages`, channelMessage(standIn.url, gone, LOGON_FAILED));

      // The turn failed and onTurnError dealt with it (logged, state cleared, apology attempted):
      // CloudAdapter then answers 200, and the service does not deliver the activity again.
      assert.equal(answer.status, 200);
      const attempts = standIn.callsOf('replyToActivity');
      assert.deepEqual(
        attempts.map((call) => [call.conversationId, call.status]),
        [
          [gone, status],
          [gone, status],
        ],
        'the card, then the apology, both refused',
      );
      assert.ok(bot.isRunning(), `the bot died: ${bot.stderr.slice(-20).join('\n')}`);
      const errors = await errorsLoggedAbout(gone);
      assert.equal(errors.length, 1, JSON.stringify(loggedAbout(gone)));
      assert.match(JSON.stringify(errors[0]?.['err']), new RegExp(failure === 'ConversationNotFound' ? 'Conversation not found' : 'conversation roster'));
      assert.ok(!bot.stdout.join('\n').includes('kenmyer@litwareinc.com'), 'no paste text in the log');

      const elsewhere = threadIn(CHANNEL);
      assert.equal((await post(`${bot.url}/api/messages`, channelMessage(standIn.url, elsewhere, 'help'))).status, 200);
      const [, , third] = await standIn.waitFor('replyToActivity', 3);
      assert.deepEqual([third?.conversationId, third?.status], [elsewhere, 201]);
    });
  }
});

describe('connector stand-in, called by botframework-connector itself', function () {
  let standIn: ConnectorStandIn;
  let client: ConnectorClient;

  beforeEach(async () => {
    standIn = new ConnectorStandIn({ basePath: '/amer/' });
    client = new ConnectorClient(new TokenCredentials('stand-in-token'), { baseUri: await standIn.start() });
  });
  afterEach(async () => {
    await standIn.close();
  });

  it('creates a thread in a channel, posts to it, updates and deletes the post, recording each call in order', async () => {
    const created = await client.conversations.createConversation({
      isGroup: true,
      bot: BOT,
      tenantId: TENANT_ID,
      channelData: { channel: { id: CHANNEL }, tenant: { id: TENANT_ID } },
      activity: { type: 'message', text: 'Connector Doctor is installed in this channel.' } as Activity,
    });
    assert.equal(created.id, `${CHANNEL};messageid=${created.activityId}`);
    assert.match(created.activityId, /^\d+$/);
    assert.equal(created.serviceUrl, standIn.url);

    const sent = await client.conversations.sendToConversation(created.id, { type: 'message', text: 'second post' } as Activity);
    const updated = await client.conversations.updateActivity(created.id, sent.id, { type: 'message', id: sent.id, text: 'second post, edited' } as Activity);
    await client.conversations.deleteActivity(created.id, sent.id);

    assert.notEqual(sent.id, created.activityId);
    assert.equal(updated.id, sent.id);
    assert.deepEqual(
      standIn.calls.map(({ kind, method, conversationId, activityId, status }) => [kind, method, conversationId, activityId, status]),
      [
        ['createConversation', 'POST', undefined, undefined, 201],
        ['sendToConversation', 'POST', created.id, undefined, 201],
        ['updateActivity', 'PUT', created.id, sent.id, 200],
        ['deleteActivity', 'DELETE', created.id, sent.id, 200],
      ],
    );
    const [create, send] = standIn.calls;
    assert.deepEqual((create?.body as { channelData?: unknown }).channelData, { channel: { id: CHANNEL }, tenant: { id: TENANT_ID } });
    assert.equal((create?.body as { isGroup?: unknown }).isGroup, true);
    assert.equal((create?.body as { activity?: { text?: unknown } }).activity?.text, 'Connector Doctor is installed in this channel.');
    assert.equal((send?.body as { text?: unknown }).text, 'second post');
    assert.ok(standIn.calls.every((call) => call.authorization === 'Bearer stand-in-token'));
    assert.deepEqual(
      [standIn.count('createConversation'), standIn.count('sendToConversation'), standIn.count('replyToActivity'), standIn.count()],
      [1, 1, 0, 4],
    );
  });

  it('creates a one-to-one chat for a proactive message to one user', async () => {
    const created = await client.conversations.createConversation({ isGroup: false, bot: BOT, members: [USER_A], tenantId: TENANT_ID, channelData: {} });
    assert.match(created.id, /^a:/);
    assert.equal(created.activityId, undefined);
  });

  it('runs CloudAdapter.createConversationAsync (a proactive message into a channel) end to end', async () => {
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' }));
    let conversationInTurn: string | undefined;
    await adapter.createConversationAsync(
      '',
      'msteams',
      standIn.url,
      '',
      { isGroup: true, bot: BOT, tenantId: TENANT_ID, channelData: { channel: { id: CHANNEL } }, activity: { type: 'message', text: 'A new failure mode is known.' } as Activity },
      async (context) => {
        conversationInTurn = context.activity.conversation.id;
        await context.sendActivity('Reply in the new thread.');
      },
    );
    const [create, followUp] = standIn.calls;
    assert.equal(create?.kind, 'createConversation');
    assert.ok(conversationInTurn?.startsWith(`${CHANNEL};messageid=`));
    assert.equal(followUp?.conversationId, conversationInTurn);
    assert.equal((followUp?.body as { text?: unknown }).text, 'Reply in the new thread.');
    assert.equal(followUp?.status, 201);
  });

  it('refuses a proactive message into a channel the bot was removed from, as the service does', async () => {
    standIn.failConversation(CHANNEL, 'BotNotInConversationRoster');
    await assert.rejects(
      client.conversations.createConversation({ isGroup: true, bot: BOT, channelData: { channel: { id: CHANNEL } }, activity: { type: 'message', text: 'hello' } as Activity }),
      (err: { statusCode?: number; code?: string; message?: string }) => {
        assert.equal(err.statusCode, 403);
        assert.equal(err.code, 'BotNotInConversationRoster');
        assert.equal(err.message, 'The bot is not part of the conversation roster.');
        return true;
      },
    );
    standIn.failConversation(CHANNEL, undefined);
    assert.ok((await client.conversations.createConversation({ isGroup: true, bot: BOT, channelData: { channel: { id: CHANNEL } }, activity: { type: 'message' } as Activity })).id);
  });

  it('fails every operation on a deleted conversation with 404 ConversationNotFound', async () => {
    const deleted = threadIn(CHANNEL);
    standIn.failConversation(deleted, 'ConversationNotFound');
    const operations = [
      () => client.conversations.sendToConversation(deleted, { type: 'message', text: 'x' } as Activity),
      () => client.conversations.replyToActivity(deleted, '1700000000000', { type: 'message', text: 'x' } as Activity),
      () => client.conversations.updateActivity(deleted, '1700000000000', { type: 'message', text: 'x' } as Activity),
      () => client.conversations.deleteActivity(deleted, '1700000000000'),
      () => client.conversations.getConversationMembers(deleted),
    ];
    for (const operation of operations) {
      await assert.rejects(operation(), (err: { statusCode?: number; code?: string }) => err.statusCode === 404 && err.code === 'ConversationNotFound');
    }
    assert.deepEqual(
      standIn.calls.map((call) => call.status),
      [404, 404, 404, 404, 404],
    );
  });

  it('lists the members a test registered, one by id, and in pages', async () => {
    const conversationId = threadIn(CHANNEL);
    const people = Array.from({ length: 5 }, (_, i) => ({ id: `29:member-${i}`, name: `Member ${i}`, aadObjectId: `aad-${i}`, tenantId: TENANT_ID }));
    standIn.addMembers(conversationId, ...people);

    assert.deepEqual(
      (await client.conversations.getConversationMembers(conversationId)).map((m) => m.id),
      people.map((p) => p.id),
    );
    assert.equal((await client.conversations.getConversationMember(conversationId, '29:member-3')).name, 'Member 3');
    const first = await client.conversations.getConversationPagedMembers(conversationId, { pageSize: 2, continuationToken: '' });
    const second = await client.conversations.getConversationPagedMembers(conversationId, { pageSize: 2, continuationToken: first.continuationToken });
    const last = await client.conversations.getConversationPagedMembers(conversationId, { pageSize: 2, continuationToken: second.continuationToken });
    assert.deepEqual(
      [first, second, last].map((page) => page.members.map((m) => m.id)),
      [['29:member-0', '29:member-1'], ['29:member-2', '29:member-3'], ['29:member-4']],
    );
    assert.equal(last.continuationToken, undefined);
    assert.deepEqual(standIn.calls.at(-1)?.query, { pageSize: '2', continuationToken: second.continuationToken });
  });

  it('answers a member who is not in the conversation with 404', async () => {
    await assert.rejects(client.conversations.getConversationMember(threadIn(CHANNEL), '29:stranger'), (err: { statusCode?: number }) => err.statusCode === 404);
  });

  it('answers what the service does not offer with 404 and a JSON error, and a broken body with 400', async () => {
    const unknown = await fetch(`${standIn.url}v3/teams/19%3Ateam/conversations`);
    assert.equal(unknown.status, 404);
    const body = (await unknown.json()) as { error?: { code?: unknown; message?: unknown } };
    assert.equal(body.error?.code, 'NotFound');
    assert.equal(typeof body.error?.message, 'string');
    const outsideBasePath = await fetch(standIn.url.replace('/amer/', '/emea/') + 'v3/conversations', { method: 'POST', body: '{}' });
    assert.equal(outsideBasePath.status, 404);
    await outsideBasePath.arrayBuffer();
    const broken = await fetch(`${standIn.url}v3/conversations/a%3A1/activities`, { method: 'POST', body: '{"type":' });
    assert.equal(broken.status, 400);
    await broken.arrayBuffer();
    assert.deepEqual(
      standIn.calls.map((call) => [call.kind, call.status]),
      [
        ['unknown', 404],
        ['unknown', 404],
        ['sendToConversation', 400],
      ],
    );
  });

  it('adds the latency it was given to every answer', async () => {
    const slow = new ConnectorStandIn({ latencyMs: 150 });
    const slowClient = new ConnectorClient(new TokenCredentials('stand-in-token'), { baseUri: await slow.start() });
    try {
      const started = Date.now();
      await slowClient.conversations.sendToConversation('a:1', { type: 'message', text: 'x' } as Activity);
      assert.ok(Date.now() - started >= 140, `answered after ${Date.now() - started} ms`);
    } finally {
      await slow.close();
    }
  });

  it('gives up waiting after the timeout instead of hanging the test', async () => {
    const started = Date.now();
    await assert.rejects(standIn.waitFor('replyToActivity', 1, { timeoutMs: 100 }), /got 0 of 1 replyToActivity calls within 100 ms/);
    assert.ok(Date.now() - started < 2_000);
  });

  it('closes promptly with keep-alive connections open, and counts without recording for load', async () => {
    const seen: string[] = [];
    const counting = new ConnectorStandIn({ recordCalls: false, onCall: (call) => seen.push(`${call.kind} ${call.activityId ?? ''}`) });
    const countingClient = new ConnectorClient(new TokenCredentials('stand-in-token'), { baseUri: await counting.start() });
    await countingClient.conversations.replyToActivity('a:1', 'f:1', { type: 'message', text: 'x' } as Activity);
    await countingClient.conversations.replyToActivity('a:1', 'f:2', { type: 'message', text: 'y' } as Activity);
    assert.deepEqual([counting.count('replyToActivity'), counting.calls.length], [2, 0]);
    assert.deepEqual(seen, ['replyToActivity f:1', 'replyToActivity f:2']);
    const started = Date.now();
    await counting.close();
    assert.ok(Date.now() - started < 1_000, `close took ${Date.now() - started} ms`);
  });
});
