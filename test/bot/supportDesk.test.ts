import { strict as assert } from 'node:assert';
import type { Activity } from 'botbuilder';
import sinon from 'sinon';
import { defaultKnowledge, type FailureMode, type Lang } from '../../src/knowledge';
import { t } from '../../src/knowledge/messages';
import { SupportDeskStore } from '../../src/storage/SupportDeskStore';
import { MENTION_TEXT, TENANT_ID, USER_A, USER_B, cardSubmit, messageFrom, type ActivityOptions } from '../helpers/activities';
import { allTextOf, buttonData, cardOf, createHarness, describeReplies, submitActions, textsOf, titleOf, type BotHarness, type CardJson } from '../helpers/botHarness';
import { FakeProactiveSender } from '../helpers/FakeProactiveSender';

const logon = defaultKnowledge().modes.find((m) => m.id === 'logon-failed') as FailureMode;
const CHANNEL = '19:support@thread.tacv2';
const COMMAND_THREAD = `${CHANNEL};messageid=1700000000000`;
const USER_C = { id: '29:user-c', name: 'Kim Min-jun', aadObjectId: 'aad-user-c' };
const PERSONAL_A = `a:personal-${USER_A.id}`;
const LOCALE: Record<Lang, string> = { en: 'en-US', ko: 'ko-KR' };

const texts = (replies: Partial<Activity>[]) => replies.map((r) => r.text);

describe('the support desk: support channel and tickets', () => {
  let h: BotHarness;
  let proactive: FakeProactiveSender;
  let clock: Date;

  beforeEach(() => {
    proactive = new FakeProactiveSender();
    clock = new Date('2025-01-15T09:30:00.000Z');
    h = createHarness({ now: () => clock, proactive });
  });
  afterEach(() => sinon.restore());

  const store = () => new SupportDeskStore(h.storage);
  const metricsText = () => h.parts.metrics.render([]);

  /** What Teams says of a channel and its team on every activity from it. */
  const channelData = (options: ActivityOptions) => ({
    tenant: { id: options.tenantId ?? TENANT_ID },
    channel: { id: CHANNEL, name: 'Connector support' },
    team: { id: '19:team@thread.tacv2', name: 'IT' },
  });
  /** A message in the support channel mentioning the bot, as Teams delivers it. */
  const inChannel = (text: string, options: ActivityOptions = {}): Partial<Activity> => ({
    ...messageFrom(`${MENTION_TEXT} ${text}`, { conversationType: 'channel', conversationId: COMMAND_THREAD, mention: true, from: USER_B, ...options }),
    channelData: channelData(options),
  });
  /** A button pressed in the support channel, in the thread where the command was given. */
  const pressInChannel = (value: unknown, options: ActivityOptions = {}): Partial<Activity> => ({
    ...cardSubmit(value, { conversationType: 'channel', conversationId: COMMAND_THREAD, from: USER_B, ...options }),
    channelData: channelData(options),
  });
  /** A button on the ticket card, in the thread the card started. */
  const pressOnTicket = (value: unknown, options: ActivityOptions = {}) => {
    const post = proactive.sentTo(CHANNEL).at(-1);
    assert.ok(post, 'no ticket was posted');
    return cardSubmit(value, { conversationType: 'channel', conversationId: `${CHANNEL};messageid=${post.activityId}`, replyToId: post.activityId, from: USER_B, ...options });
  };

  async function setSupportChannel(lang: Lang = 'en'): Promise<void> {
    const [card, ...more] = await h.say(inChannel(lang === 'ko' ? '지원 채널' : 'support channel', { locale: LOCALE[lang] }));
    assert.equal(more.length, 0);
    assert.equal(titleOf(cardOf(card)), t(lang, 'card.supportChannel.title'));
    const replies = await h.say(pressInChannel(buttonData(cardOf(card), 'supportChannelSet'), { locale: LOCALE[lang] }));
    assert.deepEqual(texts(replies), [t(lang, 'reply.supportChannelSet')]);
  }

  /** Paste in a personal chat, then "Prepare a support request": the support request card. */
  async function supportRequestCard(lang: Lang = 'en', from = USER_A): Promise<CardJson> {
    const locale = LOCALE[lang];
    const [diagnosis] = await h.say(messageFrom(`${logon.errorText}\n$password = 'Hunter2-secret!'`, { locale, from }));
    const [support] = await h.say(cardSubmit(buttonData(cardOf(diagnosis), 'supportRequest'), { locale, from }));
    return cardOf(support);
  }

  const escalate = (card: CardJson, lang: Lang = 'en', from = USER_A) => h.say(cardSubmit(buttonData(card, 'escalate'), { locale: LOCALE[lang], from }));
  const ticketCardPosted = () => cardOf(proactive.sentTo(CHANNEL).at(-1)?.activity);
  const ticketCardUpdated = () => cardOf(proactive.updates().at(-1)?.activity);

  describe('setting the support channel', () => {
    it('shows that there is none, makes this channel the one, and then offers to stop using it', async () => {
      const [first] = await h.say(inChannel('support channel'));
      assert.ok(textsOf(cardOf(first)).includes(t('en', 'card.supportChannel.none')));
      await h.say(pressInChannel(buttonData(cardOf(first), 'supportChannelSet')));
      const [again] = await h.say(inChannel('support channel'));
      assert.ok(textsOf(cardOf(again)).includes(t('en', 'card.supportChannel.isHere')));
      assert.deepEqual(submitActions(cardOf(again)).map((a) => a.data['verb']), ['supportChannelStop']);
      const channel = await store().channel(TENANT_ID);
      assert.equal(channel?.address.conversation.id, CHANNEL, 'the channel, not the thread');
      assert.equal(channel?.address.serviceUrl, 'https://smba.trafficmanager.net/teams/');
      assert.deepEqual([channel?.channelName, channel?.teamName, channel?.setBy.id, channel?.setAt], ['Connector support', 'IT', USER_B.id, clock.toISOString()]);
    });

    it('in a personal chat shows the setting without a button, and refuses a crafted press', async () => {
      await setSupportChannel();
      const [card] = await h.say(messageFrom('support channel'));
      assert.ok(textsOf(cardOf(card)).includes(t('en', 'card.supportChannel.elsewhere')));
      assert.deepEqual(submitActions(cardOf(card)), []);
      assert.deepEqual(texts(await h.say(cardSubmit({ verb: 'supportChannelSet' }))), [t('en', 'card.supportChannel.notAChannel')]);
      assert.equal((await store().channel(TENANT_ID))?.address.conversation.id, CHANNEL);
    });

    it('stops only from the support channel itself', async () => {
      await setSupportChannel();
      const elsewhere = { conversationId: '19:other@thread.tacv2;messageid=1' };
      assert.deepEqual(texts(await h.say(pressInChannel({ verb: 'supportChannelStop' }, elsewhere))), [t('en', 'reply.supportChannelNotHere')]);
      assert.deepEqual(texts(await h.say(pressInChannel({ verb: 'supportChannelStop' }))), [t('en', 'reply.supportChannelStopped')]);
      assert.equal(await store().channel(TENANT_ID), undefined);
    });

    it('answers "지원 채널" in Korean', async () => {
      await setSupportChannel('ko');
      assert.equal((await store().channel(TENANT_ID))?.lang, 'ko');
    });

    it('needs a tenant outside local mode', async () => {
      assert.deepEqual(texts(await h.say(messageFrom('support channel', { tenantId: null }))), [t('en', 'reply.supportDeskNeedsTenant')]);
    });

    it('in local mode any conversation without a tenant can be the support channel', async () => {
      h = createHarness({ now: () => clock, proactive, config: { localMode: true } });
      const emulator = { ...messageFrom('support channel', { tenantId: null }), channelId: 'emulator', conversation: { id: 'local-1', isGroup: false, conversationType: '', name: '' } };
      const [card] = await h.say(emulator);
      const replies = await h.say({ ...emulator, text: undefined, value: buttonData(cardOf(card), 'supportChannelSet') });
      assert.deepEqual(texts(replies), [t('en', 'reply.supportChannelSet')]);
      assert.equal((await store().channel('local'))?.address.channelId, 'emulator');
    });
  });

  describe('sending a support request to the support channel', () => {
    it('offers no "Send to the support channel" while there is no support channel', async () => {
      const card = await supportRequestCard();
      assert.ok(!submitActions(card).some((a) => a.data['verb'] === 'escalate'));
    });

    it('posts a ticket card into the channel as a new message and answers with its number', async () => {
      await setSupportChannel();
      const card = await supportRequestCard();
      const escalation = buttonData(card, 'escalate');
      assert.equal((escalation['context'] as { confidence?: unknown }).confidence !== undefined, true);
      assert.deepEqual(texts(await escalate(card)), [t('en', 'reply.escalated', { ticket: 'CD-1001' })]);

      const [post, ...more] = proactive.calls;
      assert.equal(more.length, 0);
      assert.equal(post?.kind, 'send');
      assert.equal(post?.to.conversation.id, CHANNEL, 'a new post in the channel, not a reply in the thread where it was set');
      const ticket = ticketCardPosted();
      assert.equal(titleOf(ticket), `CD-1001 · ${logon.title.en}`);
      assert.ok(allTextOf(ticket).includes('kenmyer@litwareinc.com'));
      assert.ok(!allTextOf(ticket).includes('Hunter2-secret!'), 'the password was redacted');
      assert.deepEqual((ticket['msteams'] as { entities?: unknown }).entities, [{ type: 'mention', text: `<at>${USER_A.name}</at>`, mentioned: { id: USER_A.id, name: USER_A.name } }]);
      const stored = await store().ticket(TENANT_ID, 'CD-1001');
      assert.deepEqual([stored?.delivery, stored?.post?.activityId, stored?.post?.address.conversation.id], ['posted', post?.activityId, `${CHANNEL};messageid=${post?.activityId}`]);
      assert.equal(stored?.requesterAddress.conversation.id, PERSONAL_A);
      assert.ok(!h.logLines.join('').includes('Hunter2') && !h.logLines.join('').includes('kenmyer@'), 'no paste text in the log');
    });

    it('makes one ticket of a request sent twice', async () => {
      await setSupportChannel();
      const card = await supportRequestCard();
      await escalate(card);
      assert.deepEqual(texts(await escalate(card)), [t('en', 'reply.escalatedAlready', { ticket: 'CD-1001' })]);
      assert.equal(proactive.sentTo(CHANNEL).length, 1);
      assert.deepEqual((await store().recent(TENANT_ID, 10)).map((x) => x.id), ['CD-1001']);
    });

    it('redacts a crafted button again before anything is stored or posted', async () => {
      await setSupportChannel();
      const context = { source: 'paste', redactedText: `${logon.errorText}\nConnect-MsolService -Password 'Sup3r$ecret'`, facts: { cmdlet: 'x -Password hunter22' }, stepsTaken: ['ran New-PSSession -Password pa55word!'] };
      await h.say(cardSubmit({ verb: 'escalate', failureMode: logon.id, context }));
      const everything = `${JSON.stringify(proactive.calls)}${h.everythingStored()}`;
      for (const secret of ['Sup3r$ecret', 'hunter22', 'pa55word!']) assert.ok(!everything.includes(secret), secret);
    });

    it('when the channel is gone, says so, keeps the request and gives the summary; sending again later delivers the same ticket', async () => {
      await setSupportChannel();
      proactive.refuse(CHANNEL, 'BotNotInConversationRoster');
      const card = await supportRequestCard();
      const replies = await escalate(card);
      assert.equal(replies[0]?.text, t('en', 'reply.supportChannelUnreachable', { ticket: 'CD-1001' }));
      const summary = cardOf(replies[1]);
      assert.equal(titleOf(summary), t('en', 'card.support.title'));
      assert.equal((await store().ticket(TENANT_ID, 'CD-1001'))?.delivery, 'failed');
      assert.match(metricsText(), /connector_doctor_tickets_total\{event="undelivered"\} 1/);

      proactive.refuse(CHANNEL, undefined);
      assert.deepEqual(texts(await h.say(cardSubmit(buttonData(summary, 'escalate')))), [t('en', 'reply.escalated', { ticket: 'CD-1001' })]);
      assert.equal(proactive.sentTo(CHANNEL).length, 1);
      assert.equal((await store().ticket(TENANT_ID, 'CD-1001'))?.delivery, 'posted');
    });

    it('with the support channel stopped, gives the summary instead', async () => {
      await setSupportChannel();
      const card = await supportRequestCard();
      await h.say(pressInChannel({ verb: 'supportChannelStop' }));
      const replies = await escalate(card);
      assert.equal(replies[0]?.text, t('en', 'reply.noSupportChannel'));
      assert.equal(titleOf(cardOf(replies[1])), t('en', 'card.support.title'));
      assert.equal(proactive.calls.length, 0);
    });
  });

  describe('the ticket in the support channel', () => {
    /** The ticket card as it was posted, and how many proactive calls came before the test's own. */
    let posted: CardJson;
    let mark: number;
    const fresh = () => proactive.calls.slice(mark);
    const ticketCardPostedBefore = () => posted;
    beforeEach(async () => {
      await setSupportChannel();
      await escalate(await supportRequestCard());
      posted = ticketCardPosted();
      mark = proactive.calls.length;
    });

    it('"Assign to me" updates the same message for everyone and tells the requester in their chat', async () => {
      clock = new Date('2025-01-15T09:40:00.000Z');
      const replies = await h.say(pressOnTicket(buttonData(ticketCardPostedBefore(), 'ticketAssign')));
      assert.deepEqual(replies, [], describeReplies(replies));
      const [update, notice, ...more] = fresh();
      assert.equal(more.length, 0);
      const stored = await store().ticket(TENANT_ID, 'CD-1001');
      assert.deepEqual([update?.kind, update?.activityId, update?.to.conversation.id], ['update', stored?.post?.activityId, stored?.post?.address.conversation.id]);
      assert.ok(allTextOf(ticketCardUpdated()).includes(t('en', 'card.ticket.status.assigned', { name: USER_B.name as string })));
      assert.deepEqual([notice?.kind, notice?.to.conversation.id, notice?.activity.text], ['send', PERSONAL_A, t('en', 'notice.ticketAssigned', { ticket: 'CD-1001', title: logon.title.en, name: USER_B.name as string })]);
      assert.equal(stored?.assignee?.id, USER_B.id);
    });

    it('a second expert is told who has it, and nothing changes', async () => {
      const assign = buttonData(ticketCardPostedBefore(), 'ticketAssign');
      await h.say(pressOnTicket(assign));
      mark = proactive.calls.length;
      assert.deepEqual(texts(await h.say(pressOnTicket(assign, { from: USER_C }))), [t('en', 'reply.ticketAssignedToOther', { ticket: 'CD-1001', name: USER_B.name as string })]);
      assert.deepEqual(fresh(), []);
    });

    it('"Resolve" with a note stores it redacted, shows it on the card and tells the requester; "Reopen" undoes it', async () => {
      clock = new Date('2025-01-15T10:30:00.000Z');
      const resolve = { ...buttonData(ticketCardPostedBefore(), 'ticketResolve'), note: 'Reset the password; the old one was Password=Hunter3!' };
      await h.say(pressOnTicket(resolve));
      const stored = await store().ticket(TENANT_ID, 'CD-1001');
      assert.equal(stored?.status, 'resolved');
      assert.ok(stored?.resolution?.note?.startsWith('Reset the password'));
      assert.ok(!JSON.stringify(proactive.calls).includes('Hunter3!') && !h.everythingStored().includes('Hunter3!'));
      assert.ok(allTextOf(ticketCardUpdated()).includes(t('en', 'card.ticket.status.resolved', { name: USER_B.name as string })));
      const notice = proactive.sentTo(PERSONAL_A)[0]?.activity.text ?? '';
      assert.ok(notice.startsWith(t('en', 'notice.ticketResolvedWithNote', { ticket: 'CD-1001', title: logon.title.en, name: USER_B.name as string, note: '' })), notice);
      assert.match(metricsText(), /connector_doctor_ticket_resolve_seconds_sum 3600\n/);
      assert.match(metricsText(), /connector_doctor_ticket_resolve_seconds_bucket\{le="3600"\} 1\n/);

      await h.say(pressOnTicket(buttonData(ticketCardUpdated(), 'ticketReopen')));
      assert.equal((await store().ticket(TENANT_ID, 'CD-1001'))?.status, 'open');
      assert.deepEqual(submitActions(ticketCardUpdated()).map((a) => a.data['verb']), ['ticketAssign', 'ticketResolve']);
      assert.match(metricsText(), /connector_doctor_tickets_total\{event="reopened"\} 1/);
    });

    it('refuses an action from any conversation but the support channel', async () => {
      const assign = buttonData(ticketCardPostedBefore(), 'ticketAssign');
      const outsiders: ActivityOptions[] = [
        {},
        { conversationType: 'channel', conversationId: '19:other@thread.tacv2;messageid=1', from: USER_B },
        { conversationType: 'groupChat', conversationId: '19:group@thread.v2', from: USER_B },
      ];
      for (const options of outsiders) {
        assert.deepEqual(texts(await h.say(cardSubmit(assign, options))), [t('en', 'reply.ticketActionNotHere')], JSON.stringify(options));
      }
      assert.deepEqual(fresh(), []);
      assert.equal((await store().ticket(TENANT_ID, 'CD-1001'))?.status, 'open');
      assert.equal(h.logged('warn').filter((r) => r['msg'] === 'ticket action refused outside the support channel').length, outsiders.length);
    });

    it('refuses an action on the ticket from the same channel id in another tenant', async () => {
      const assign = buttonData(ticketCardPostedBefore(), 'ticketAssign');
      assert.deepEqual(texts(await h.say(pressOnTicket(assign, { tenantId: 'other-tenant' }))), [t('en', 'reply.ticketActionNotHere')]);
    });

    it('answers a ticket it does not know', async () => {
      assert.deepEqual(texts(await h.say(pressOnTicket({ verb: 'ticketAssign', ticketId: 'CD-9999' }))), [t('en', 'reply.ticketUnknown', { ticket: 'CD-9999' })]);
    });

    it('rejects a malformed ticket id as a bad button', async () => {
      assert.deepEqual(texts(await h.say(pressOnTicket({ verb: 'ticketAssign', ticketId: '../CD-1001' }))), [t('en', 'reply.badSubmit')]);
    });

    it('counts tickets opened, assigned and resolved in /metrics', async () => {
      await h.say(pressOnTicket(buttonData(ticketCardPostedBefore(), 'ticketAssign')));
      await h.say(pressOnTicket({ verb: 'ticketResolve', ticketId: 'CD-1001' }));
      const metrics = metricsText();
      for (const [event, n] of [['opened', 1], ['assigned', 1], ['resolved', 1], ['reopened', 0]] as const) {
        assert.match(metrics, new RegExp(`connector_doctor_tickets_total\\{event="${event}"\\} ${n}\\n`));
      }
    });

  });

  describe('lists', () => {
    beforeEach(async () => {
      await setSupportChannel();
      await escalate(await supportRequestCard());
      await escalate(await supportRequestCard('en', USER_C), 'en', USER_C);
    });

    it('"tickets" in the support channel lists the open ones, newest first', async () => {
      await h.say(pressOnTicket({ verb: 'ticketResolve', ticketId: 'CD-1001' }));
      const [list] = await h.say(inChannel('tickets'));
      const card = cardOf(list);
      assert.equal(titleOf(card), t('en', 'card.tickets.titleOpen'));
      assert.deepEqual(textsOf(card).filter((s) => s.startsWith('CD-')), [`CD-1002 · ${logon.title.en}`]);
    });

    it('"tickets" in a personal chat lists only the asker\'s own', async () => {
      const [list] = await h.say(messageFrom('tickets'));
      assert.deepEqual(textsOf(cardOf(list)).filter((s) => s.startsWith('CD-')), [`CD-1001 · ${logon.title.en}`]);
      const [theirs] = await h.say(messageFrom('티켓', { from: USER_C, locale: 'ko-KR' }));
      assert.equal(titleOf(cardOf(theirs)), t('ko', 'card.tickets.titleMine'));
      assert.deepEqual(textsOf(cardOf(theirs)).filter((s) => s.startsWith('CD-')), [`CD-1002 · ${logon.title.ko}`]);
    });

    it('"tickets" during guided troubleshooting lists them, and the run goes on', async () => {
      const [question] = await h.say(messageFrom('troubleshoot'));
      const [list] = await h.say(messageFrom('tickets'));
      assert.equal(titleOf(cardOf(list)), t('en', 'card.tickets.titleMine'));
      const answer = submitActions(cardOf(question)).find((a) => a.data['verb'] === 'answer');
      assert.ok(answer);
      const [next] = await h.say(cardSubmit(answer.data));
      assert.notEqual(next?.text, t('en', 'reply.guidedStaleCard'));
    });

    it('"tickets" in another channel says where it works', async () => {
      const other = { conversationId: '19:other@thread.tacv2;messageid=5' };
      assert.deepEqual(texts(await h.say(inChannel('tickets', other))), [t('en', 'reply.ticketsWhere')]);
    });
  });

  describe('in Korean', () => {
    it('the whole flow answers in Korean; the ticket card speaks the channel\'s language and the notice the requester\'s', async () => {
      await setSupportChannel('ko');
      const card = await supportRequestCard('en');
      assert.deepEqual(texts(await escalate(card, 'en')), [t('en', 'reply.escalated', { ticket: 'CD-1001' })]);
      assert.equal(titleOf(ticketCardPosted()), `CD-1001 · ${logon.title.ko}`);
      await h.say(pressOnTicket({ verb: 'ticketAssign', ticketId: 'CD-1001' }, { locale: 'ko-KR' }));
      assert.ok(allTextOf(ticketCardUpdated()).includes(t('ko', 'card.ticket.status.assigned', { name: USER_B.name as string })));
      assert.equal(proactive.sentTo(PERSONAL_A)[0]?.activity.text, t('en', 'notice.ticketAssigned', { ticket: 'CD-1001', title: logon.title.en, name: USER_B.name as string }));
      assert.deepEqual(texts(await h.say(pressOnTicket({ verb: 'ticketAssign', ticketId: 'CD-1001' }, { locale: 'ko-KR', from: USER_C }))), [
        t('ko', 'reply.ticketAssignedToOther', { ticket: 'CD-1001', name: USER_B.name as string }),
      ]);
    });

    it('a Korean requester gets the Korean answers and notices', async () => {
      await setSupportChannel('en');
      const card = await supportRequestCard('ko');
      assert.equal(submitActions(card).find((a) => a.data['verb'] === 'escalate')?.title, t('ko', 'card.support.action.escalate'));
      assert.deepEqual(texts(await escalate(card, 'ko')), [t('ko', 'reply.escalated', { ticket: 'CD-1001' })]);
      await h.say(pressOnTicket({ verb: 'ticketResolve', ticketId: 'CD-1001' }));
      assert.equal(proactive.sentTo(PERSONAL_A)[0]?.activity.text, t('ko', 'notice.ticketResolved', { ticket: 'CD-1001', title: logon.title.ko, name: USER_B.name as string }));
    });
  });
});
