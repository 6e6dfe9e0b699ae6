/*
 * The support desk over HTTP, against the real bot in a child process (local mode, memory storage)
 * and the connector stand-in: every reply, ticket post, card update and notice is a Bot Connector
 * call the stand-in records, as Teams would receive it.
 */
import { strict as assert } from 'node:assert';
import type { Activity } from 'botbuilder';
import { t } from '../../src/knowledge/messages';
import { cardSubmit, messageFrom } from '../helpers/activities';
import { useBotProcesses, type BotProcess } from '../helpers/botProcess';
import { ConnectorStandIn, type ConnectorFailure } from '../helpers/ConnectorStandIn';
import { bodyOf, DeskOverHttp, LOGON_FAILED, onlyCard, PASSWORD, SUPPORT_CHANNEL, textsOf, USER_A, USER_B, USER_C } from '../helpers/deskOverHttp';
import { buttonByVerb, cardsOf, get } from '../helpers/http';

const PERSONAL_A = `a:personal-${USER_A.id}`;
const PERSONAL_C = `a:personal-${USER_C.id}`;
const title = LOGON_FAILED.title;

describe('support channel and tickets over HTTP (bot in a child process, connector stand-in)', function () {
  this.timeout(60_000);
  const startBot = useBotProcesses();
  let bot: BotProcess;
  let standIn: ConnectorStandIn;
  let desk: DeskOverHttp;

  beforeEach(async () => {
    // A fresh bot per test: every test starts with no support channel and ticket numbers from CD-1001.
    bot = await startBot({ LOG_LEVEL: 'info' });
    standIn = new ConnectorStandIn({ basePath: '/teams/' });
    await standIn.start();
    desk = new DeskOverHttp(() => bot.url, standIn);
  });
  afterEach(async () => {
    await standIn.close();
    await bot.stop();
  });

  /** Sets the channel, then sends a support request from Ken's personal chat; resolves with the ticket post. */
  async function openTicket() {
    await desk.setSupportChannel();
    const calls = await desk.turn(desk.escalatePress(await desk.supportRequest()));
    const post = calls.find((c) => c.kind === 'sendToConversation' && c.conversationId === SUPPORT_CHANNEL);
    assert.ok(post, JSON.stringify(calls.map((c) => [c.kind, c.conversationId])));
    return { card: onlyCard([post]) };
  }

  it('registers a channel, posts a ticket for a personal-chat paste, and assigns and resolves it in place', async () => {
    await desk.setSupportChannel();
    const support = await desk.supportRequest();
    const escalation = buttonByVerb(support, 'escalate');
    assert.equal(escalation.title, t('en', 'card.support.action.escalate'));

    standIn.reset();
    const calls = await desk.turn(desk.escalatePress(support));
    const posts = standIn.callsOf('sendToConversation');
    assert.equal(posts.length, 1, 'one POST of a ticket card');
    const [ticketPost] = posts;
    assert.equal(ticketPost?.conversationId, SUPPORT_CHANNEL, 'a new message in the channel, not a reply in a thread');
    assert.equal(ticketPost?.status, 201);
    const ticket = onlyCard(posts);
    assert.equal((ticket['body'] as Array<{ items?: Array<{ text?: string }> }>)[0]?.items?.[0]?.text, `CD-1001 · ${title.en}`);
    assert.ok(!JSON.stringify(ticket).includes(PASSWORD), 'the password was redacted');
    assert.deepEqual((ticket['msteams'] as { entities?: unknown }).entities, [{ type: 'mention', text: '<at>Ken Myer</at>', mentioned: { id: USER_A.id, name: 'Ken Myer' } }]);
    assert.deepEqual(textsOf(calls.filter((c) => c.kind === 'replyToActivity')), [t('en', 'reply.escalated', { ticket: 'CD-1001' })]);
    assert.equal(calls.find((c) => c.kind === 'replyToActivity')?.conversationId, PERSONAL_A);

    const postId = await postedActivityId();
    const assigned = await desk.turn(desk.ticketPress(buttonByVerb(ticket, 'ticketAssign').data, postId));
    assert.deepEqual(
      assigned.map((c) => [c.kind, c.conversationId, c.activityId]),
      [
        ['updateActivity', `${SUPPORT_CHANNEL};messageid=${postId}`, postId],
        ['sendToConversation', PERSONAL_A, undefined],
      ],
    );
    assert.ok(JSON.stringify(cardsOf([bodyOf(assigned[0])])).includes(t('en', 'card.ticket.status.assigned', { name: 'Lee Ji-eun' })));
    assert.equal(bodyOf(assigned[1]).text, t('en', 'notice.ticketAssigned', { ticket: 'CD-1001', title: title.en, name: 'Lee Ji-eun' }));

    const assignedCard = onlyCard(assigned.slice(0, 1));
    const resolved = await desk.turn(desk.ticketPress({ ...buttonByVerb(assignedCard, 'ticketResolve').data, note: 'Password reset in the admin center.' }, postId));
    assert.deepEqual(
      resolved.map((c) => [c.kind, c.conversationId, c.activityId]),
      [
        ['updateActivity', `${SUPPORT_CHANNEL};messageid=${postId}`, postId],
        ['sendToConversation', PERSONAL_A, undefined],
      ],
    );
    assert.equal(
      bodyOf(resolved[1]).text,
      t('en', 'notice.ticketResolvedWithNote', { ticket: 'CD-1001', title: title.en, name: 'Lee Ji-eun', note: 'Password reset in the admin center.' }),
    );

    const metrics = (await get(`${bot.url}/metrics`)).text;
    for (const [event, n] of [['opened', 1], ['assigned', 1], ['resolved', 1]] as const) assert.match(metrics, new RegExp(`connector_doctor_tickets_total\\{event="${event}"\\} ${n}\\n`));
    assert.match(metrics, /connector_doctor_ticket_resolve_seconds_count 1\n/);
    assert.ok(!bot.stdout.join('\n').includes(PASSWORD) && !bot.stdout.join('\n').includes('kenmyer@'), 'no paste text in the log');
  });

  it('the same flow in Korean', async () => {
    await desk.setSupportChannel('ko');
    const support = await desk.supportRequest('ko');
    assert.equal(buttonByVerb(support, 'escalate').title, t('ko', 'card.support.action.escalate'));
    const calls = await desk.turn(desk.escalatePress(support, 'ko'));
    assert.deepEqual(textsOf(calls.filter((c) => c.kind === 'replyToActivity')), [t('ko', 'reply.escalated', { ticket: 'CD-1001' })]);
    const ticket = onlyCard(calls.filter((c) => c.kind === 'sendToConversation'));
    assert.ok(JSON.stringify(ticket).includes(`CD-1001 · ${title.ko}`));
    const postId = await postedActivityId();
    const assigned = await desk.turn(desk.ticketPress(buttonByVerb(ticket, 'ticketAssign').data, postId, { locale: 'ko-KR' }));
    assert.equal(bodyOf(assigned[1]).text, t('ko', 'notice.ticketAssigned', { ticket: 'CD-1001', title: title.ko, name: 'Lee Ji-eun' }));
    const listed = onlyCard(await desk.turn(desk.channelMessage('티켓', { locale: 'ko-KR' })));
    assert.ok(JSON.stringify(listed).includes(t('ko', 'card.tickets.titleOpen')));
    assert.ok(JSON.stringify(listed).includes(t('ko', 'card.ticket.status.assigned', { name: 'Lee Ji-eun' })));
  });

  it('a double escalate makes one ticket', async () => {
    await desk.setSupportChannel();
    const press = desk.escalatePress(await desk.supportRequest());
    standIn.reset();
    await Promise.all([desk.turn(press), desk.turn({ ...press, id: 'second-press' })]);
    assert.equal(standIn.callsOf('sendToConversation').length, 1);
    assert.deepEqual(textsOf(standIn.callsOf('replyToActivity')).sort(), [t('en', 'reply.escalated', { ticket: 'CD-1001' }), t('en', 'reply.escalatedAlready', { ticket: 'CD-1001' })].sort());
    assert.deepEqual(textsOf(await desk.turn({ ...press, id: 'third-press' })), [t('en', 'reply.escalatedAlready', { ticket: 'CD-1001' })]);
  });

  it('two concurrent assigns make one assignee; the other is told who has it', async () => {
    const { card } = await openTicket();
    const postId = await postedActivityId();
    const assign = buttonByVerb(card, 'ticketAssign').data;
    standIn.reset();
    await Promise.all([desk.turn(desk.ticketPress(assign, postId, { from: USER_B })), desk.turn(desk.ticketPress(assign, postId, { from: USER_C }))]);
    assert.equal(standIn.count('updateActivity'), 1, 'the card changed once');
    const [update] = standIn.callsOf('updateActivity');
    const winner = JSON.stringify(update?.body).includes('Lee Ji-eun') ? 'Lee Ji-eun' : 'Kim Min-jun';
    assert.deepEqual(textsOf(standIn.callsOf('replyToActivity')), [t('en', 'reply.ticketAssignedToOther', { ticket: 'CD-1001', name: winner })]);
    assert.equal(standIn.callsOf('sendToConversation').filter((c) => c.conversationId === PERSONAL_A).length, 1, 'the requester is told once');
  });

  it('refuses an action from another conversation', async () => {
    const { card } = await openTicket();
    const assign = buttonByVerb(card, 'ticketAssign').data;
    standIn.reset();
    const fromPersonal = await desk.turn(cardSubmit(assign, { from: USER_A }));
    const fromOtherChannel = await desk.turn(desk.channelPress(assign, { conversationId: '19:other@thread.tacv2;messageid=1' }));
    for (const calls of [fromPersonal, fromOtherChannel]) assert.deepEqual(textsOf(calls), [t('en', 'reply.ticketActionNotHere')]);
    assert.equal(standIn.count('updateActivity'), 0);
    assert.equal(standIn.count('sendToConversation'), 0);
  });

  const failures: Array<{ failure: ConnectorFailure; when: string }> = [
    { failure: 'BotNotInConversationRoster', when: 'the bot was removed from the team' },
    { failure: 'ConversationNotFound', when: 'the channel was deleted' },
  ];
  for (const { failure, when } of failures) {
    it(`when ${when} (${failure}), the requester is told and gets the summary; the request is kept and sent once the channel is back`, async () => {
      await desk.setSupportChannel();
      const support = await desk.supportRequest();
      standIn.failConversation(SUPPORT_CHANNEL, failure);
      const calls = await desk.turn(desk.escalatePress(support));
      assert.deepEqual(
        calls.map((c) => [c.kind, c.conversationId, c.status]),
        [
          ['sendToConversation', SUPPORT_CHANNEL, failure === 'ConversationNotFound' ? 404 : 403],
          ['replyToActivity', PERSONAL_A, 201],
          ['replyToActivity', PERSONAL_A, 201],
        ],
      );
      assert.equal(bodyOf(calls[1]).text, t('en', 'reply.supportChannelUnreachable', { ticket: 'CD-1001' }));
      const summary = onlyCard(calls.slice(2));
      assert.ok(JSON.stringify(summary).includes(t('en', 'card.support.title')));
      assert.ok(bot.isRunning());

      standIn.failConversation(SUPPORT_CHANNEL, undefined);
      const again = await desk.turn(desk.escalatePress(summary));
      assert.deepEqual(
        again.map((c) => [c.kind, c.conversationId, c.status]),
        [
          ['sendToConversation', SUPPORT_CHANNEL, 201],
          ['replyToActivity', PERSONAL_A, 201],
        ],
      );
      assert.equal(bodyOf(again[1]).text, t('en', 'reply.escalated', { ticket: 'CD-1001' }));
    });
  }

  it('lists open tickets in the support channel and the asker\'s own in a personal chat', async () => {
    await openTicket();
    await desk.turn(desk.escalatePress(await desk.supportRequest('en', USER_C), 'en', USER_C));
    const open = JSON.stringify(onlyCard(await desk.turn(desk.channelMessage('tickets'))));
    assert.ok(open.includes('CD-1001') && open.includes('CD-1002'));
    assert.ok(open.indexOf('CD-1002') < open.indexOf('CD-1001'), 'newest first');
    const mine = JSON.stringify(onlyCard(await desk.turn(messageFrom('tickets', { from: USER_C }))));
    assert.ok(mine.includes('CD-1002') && !mine.includes('CD-1001'));
    assert.equal(standIn.callsOf('replyToActivity').at(-1)?.conversationId, PERSONAL_C);
  });

  it('in local mode, an Emulator conversation without a tenant can be the support channel', async () => {
    const emulator = (conversationId: string, from: typeof USER_A, extra: Record<string, unknown>): Partial<Activity> => ({
      type: 'message',
      id: `e-${Math.random()}`,
      channelId: 'emulator',
      locale: 'en-US',
      from,
      recipient: { id: 'bot', name: 'Connector Doctor' },
      conversation: { id: conversationId } as Activity['conversation'],
      ...extra,
    });
    const setting = onlyCard(await desk.turn(emulator('local-support', USER_B, { text: 'support channel' })));
    await desk.turn(emulator('local-support', USER_B, { value: buttonByVerb(setting, 'supportChannelSet').data }));
    const diagnosis = onlyCard(await desk.turn(emulator('local-requester', USER_A, { text: LOGON_FAILED.errorText })));
    const support = onlyCard(await desk.turn(emulator('local-requester', USER_A, { value: buttonByVerb(diagnosis, 'supportRequest').data })));
    const calls = await desk.turn(emulator('local-requester', USER_A, { value: buttonByVerb(support, 'escalate').data }));
    const posts = calls.filter((c) => c.kind === 'sendToConversation');
    assert.deepEqual(posts.map((c) => c.conversationId), ['local-support']);
    assert.equal((onlyCard(posts)['msteams'] as { entities?: unknown }).entities, undefined, 'no Teams mention outside Teams');
    assert.deepEqual(textsOf(calls.filter((c) => c.kind === 'replyToActivity')), [t('en', 'reply.escalated', { ticket: 'CD-1001' })]);
  });

  /** The id the stand-in gave the newest ticket post: the id Teams would give the message. */
  async function postedActivityId(): Promise<string> {
    const post = standIn.calls.filter((c) => c.kind === 'sendToConversation' && c.conversationId === SUPPORT_CHANNEL && c.status === 201).at(-1);
    const id = (post?.answer as { id?: unknown } | undefined)?.id;
    assert.ok(typeof id === 'string', 'no ticket was posted');
    return id;
  }
});
