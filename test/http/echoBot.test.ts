/*
 * The load bench's baselines: the echo bot through CloudAdapter.process, and the same echo bot
 * taking the bot's own way into the adapter (--direct). Both must answer an expectReplies message
 * with its echo, or the bench would compare the bot with servers that do nothing.
 */
import { strict as assert } from 'node:assert';
import { startEchoBot, type EchoServer } from '../../bench/echoBot';
import { messageFrom, newConversation, post } from '../helpers/http';

describe('load bench echo bot', function () {
  for (const direct of [false, true]) {
    describe(direct ? 'direct (processActivity)' : 'through CloudAdapter.process', function () {
      let echo: EchoServer;
      before(async () => {
        echo = await startEchoBot({ direct });
      });
      after(async () => {
        await echo?.stop();
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

      it('answers a conversation update with 200 and no replies', async () => {
        const reply = await post(`${echo.url}/api/messages`, { ...messageFrom(newConversation(), ''), type: 'conversationUpdate', text: undefined });
        assert.equal(reply.status, 200);
        assert.deepEqual((reply.json as { activities: unknown[] }).activities, []);
      });
    });
  }
});
