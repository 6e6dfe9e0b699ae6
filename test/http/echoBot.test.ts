/*
 * The load bench's baseline: the echo bot through CloudAdapter.process. It must answer on both of
 * the bench's paths, or the bench would compare the bot with a server that does nothing.
 */
import { strict as assert } from 'node:assert';
import { startEchoBot, type EchoServer } from '../../bench/echoBot';
import { ConnectorStandIn } from '../helpers/ConnectorStandIn';
import { messageFrom, newConversation, post } from '../helpers/http';

describe('load bench echo bot (through CloudAdapter.process)', function () {
  let echo: EchoServer;
  let standIn: ConnectorStandIn;
  before(async () => {
    echo = await startEchoBot();
    standIn = new ConnectorStandIn();
    await standIn.start();
  });
  after(async () => {
    await echo?.stop();
    await standIn?.close();
  });

  it('answers an expectReplies message with its echo', async () => {
    const reply = await post(`${echo.url}/api/messages`, messageFrom(newConversation(), 'hello there'));
    assert.equal(reply.status, 200);
    const { activities } = reply.json as { activities: Array<{ type: string; text?: string }> };
    assert.deepEqual(
      activities.map((a) => [a.type, a.text]),
      [['message', 'echo: hello there']],
    );
  });

  it("posts its echo to the activity's serviceUrl as a reply when the caller does not expect replies (Teams' path)", async () => {
    const conversation = newConversation({ channelId: 'msteams', tenantId: 'contoso-tenant' });
    const activity = messageFrom(conversation, 'hello Teams', { deliveryMode: undefined, serviceUrl: standIn.url });

    const reply = await post(`${echo.url}/api/messages`, activity);

    assert.equal(reply.status, 200);
    const [sent] = await standIn.waitFor('replyToActivity');
    assert.deepEqual([sent?.conversationId, sent?.activityId, (sent?.body as { text?: unknown }).text], [conversation.conversationId, activity.id, 'echo: hello Teams']);
  });

  it('answers a conversation update with 200 and no replies', async () => {
    const reply = await post(`${echo.url}/api/messages`, { ...messageFrom(newConversation(), ''), type: 'conversationUpdate', text: undefined });
    assert.equal(reply.status, 200);
    assert.deepEqual((reply.json as { activities: unknown[] }).activities, []);
  });
});
