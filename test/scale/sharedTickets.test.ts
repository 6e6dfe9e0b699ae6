import { strict as assert } from 'node:assert';
import { t } from '../../src/knowledge/messages';
import { useAzurite } from '../helpers/azurite';
import { useBotProcesses, type BotProcess } from '../helpers/botProcess';
import { ConnectorStandIn } from '../helpers/ConnectorStandIn';
import { bodyOf, DeskOverHttp, LOGON_FAILED, onlyCard, SUPPORT_CHANNEL, textsOf, USER_A, USER_B, USER_C } from '../helpers/deskOverHttp';
import { buttonByVerb } from '../helpers/http';

const PERSONAL_A = `a:personal-${USER_A.id}`;

/** Bot processes sharing one Azurite container serve one support desk: tickets outlive a process and move between them. */
describe('support tickets across bot processes sharing one blob store', function () {
  this.timeout(120_000);
  const azurite = useAzurite();
  const startBot = useBotProcesses();
  let standIn: ConnectorStandIn;

  beforeEach(async () => {
    standIn = new ConnectorStandIn({ basePath: '/teams/' });
    await standIn.start();
  });
  afterEach(async () => {
    await standIn.close();
  });

  const postedId = (): string => {
    const post = standIn.calls.filter((c) => c.kind === 'sendToConversation' && c.conversationId === SUPPORT_CHANNEL && c.status === 201).at(-1);
    const id = (post?.answer as { id?: unknown } | undefined)?.id;
    assert.ok(typeof id === 'string', 'no ticket was posted');
    return id;
  };

  it('a ticket opened on one process survives its restart, is taken once when two processes assign it at once, and is resolved from the other', async () => {
    const env = { STORAGE_CONNECTION_STRING: azurite.connectionString, STORAGE_CONTAINER: `tickets-${process.pid}` };
    let a: BotProcess = await startBot(env);
    const b = await startBot(env);
    let onA = new DeskOverHttp(() => a.url, standIn);
    const onB = new DeskOverHttp(() => b.url, standIn);

    await onA.setSupportChannel();
    const escalated = await onA.turn(onA.escalatePress(await onA.supportRequest()));
    assert.deepEqual(textsOf(escalated.filter((c) => c.kind === 'replyToActivity')), [t('en', 'reply.escalated', { ticket: 'CD-1001' })]);
    const postId = postedId();

    assert.deepEqual(await a.signal('SIGKILL'), { code: null, signal: 'SIGKILL' });
    a = await startBot(env);
    onA = new DeskOverHttp(() => a.url, standIn);

    const listed = JSON.stringify(onlyCard(await onB.turn(onB.channelMessage('tickets'))));
    assert.ok(listed.includes(`CD-1001 · ${LOGON_FAILED.title.en}`), 'the other process lists it');

    standIn.reset();
    const assign = { verb: 'ticketAssign', ticketId: 'CD-1001' };
    await Promise.all([onA.turn(onA.ticketPress(assign, postId, { from: USER_B })), onB.turn(onB.ticketPress(assign, postId, { from: USER_C }))]);
    const updates = standIn.callsOf('updateActivity');
    assert.deepEqual(
      updates.map((c) => [c.conversationId, c.activityId]),
      [[`${SUPPORT_CHANNEL};messageid=${postId}`, postId]],
      'the card changed once, in place',
    );
    const winner = JSON.stringify(updates[0]?.body).includes('Lee Ji-eun') ? 'Lee Ji-eun' : 'Kim Min-jun';
    assert.deepEqual(textsOf(standIn.callsOf('replyToActivity')), [t('en', 'reply.ticketAssignedToOther', { ticket: 'CD-1001', name: winner })]);

    standIn.reset();
    const resolved = await onB.turn(onB.ticketPress({ verb: 'ticketResolve', ticketId: 'CD-1001', note: 'Fixed.' }, postId));
    assert.deepEqual(
      resolved.map((c) => [c.kind, c.conversationId, c.activityId]),
      [
        ['updateActivity', `${SUPPORT_CHANNEL};messageid=${postId}`, postId],
        ['sendToConversation', PERSONAL_A, undefined],
      ],
    );
    assert.ok(bodyOf(resolved[1]).text?.startsWith(t('en', 'notice.ticketResolvedWithNote', { ticket: 'CD-1001', title: LOGON_FAILED.title.en, name: 'Lee Ji-eun', note: '' })));

    // One request pressed on both processes at once is one ticket, numbered after the first.
    const support = await onA.supportRequest('en', USER_C);
    standIn.reset();
    const press = onA.escalatePress(support, 'en', USER_C);
    await Promise.all([onA.turn(press), onB.turn({ ...press, id: 'same-press-on-b' })]);
    assert.equal(standIn.callsOf('sendToConversation').filter((c) => c.conversationId === SUPPORT_CHANNEL).length, 1);
    assert.deepEqual(
      textsOf(standIn.callsOf('replyToActivity')).sort(),
      [t('en', 'reply.escalated', { ticket: 'CD-1002' }), t('en', 'reply.escalatedAlready', { ticket: 'CD-1002' })].sort(),
    );
    assert.ok(buttonByVerb(onlyCard(standIn.callsOf('sendToConversation')), 'ticketAssign'));
  });
});
