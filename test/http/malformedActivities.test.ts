import { strict as assert } from 'node:assert';
import type { StartedBot } from '../../src/main';
import { botClient, capturingLogger, messageFrom, newConversation, startTestBot, type BotClient } from '../helpers/http';

type Activity = Record<string, unknown>;

const teams = () => messageFrom(newConversation({ channelId: 'msteams', tenantId: 'contoso' }), 'help') as Activity;
const without = (activity: Activity, key: string): Activity => {
  const copy = { ...activity };
  delete copy[key];
  return copy;
};
const invoke = (name: string, value: unknown): Activity => ({ ...without(teams(), 'text'), type: 'invoke', name, value });

/**
 * Activities of the wrong shape that the fuzz test found reaching a turn and failing there:
 * each logs "turn failed", clears the conversation's state and answers nothing useful.
 * The server may refuse them at the door (400) or the bot may answer them; a turn must not fail.
 */
const cases: Array<[string, Activity]> = [
  ['a message without channelId', without(teams(), 'channelId')],
  ['a message without conversation', without(teams(), 'conversation')],
  ['a message without from', without(teams(), 'from')],
  ['a locale that is a number', { ...teams(), locale: 5 }],
  ['a null entity', { ...teams(), entities: [null] }],
  ['a null attachment', { ...teams(), text: '', attachments: [null] }],
  ['membersAdded that is not an array', { ...without(teams(), 'text'), type: 'conversationUpdate', membersAdded: 'everyone' }],
  ['a Teams messageUpdate without channelData', { ...without(teams(), 'channelData'), type: 'messageUpdate' }],
  ['a search whose parameters are not an array', invoke('composeExtension/query', { commandId: 'searchFailureModes', parameters: 'oops' })],
  ['a search with a null parameter', invoke('composeExtension/query', { commandId: 'searchFailureModes', parameters: [null] })],
  ['a message action whose message body is a number', invoke('composeExtension/submitAction', { commandId: 'diagnoseMessage', messagePayload: { body: { content: 5 } } })],
  ['a search with no value', without(invoke('composeExtension/query', null), 'value')],
  ['a message action with a null value', invoke('composeExtension/submitAction', null)],
  ['an Action.Execute without its action', invoke('adaptiveCard/action', {})],
  [
    'feedback from a tenant id that is a number',
    { ...without(teams(), 'text'), conversation: { id: 'conversation-with-numeric-tenant', tenantId: 42 }, value: { verb: 'feedback', helpful: true, failureMode: 'logon-failed' } },
  ],
];

describe('activities of the wrong shape', function () {
  const { logger, lines } = capturingLogger();
  let bot: StartedBot | undefined;
  let client: BotClient;

  before(async () => {
    bot = await startTestBot({ LOG_LEVEL: 'debug' }, logger);
    client = botClient(bot.url);
  });
  after(async () => {
    await bot?.stop();
  });
  beforeEach(() => {
    lines.length = 0;
  });

  it('a well-formed search is answered (the success case beside the others)', async () => {
    const reply = await client.post(invoke('composeExtension/query', { commandId: 'searchFailureModes', parameters: [{ name: 'query', value: 'logon' }] }));
    assert.equal(reply.status, 200);
    assert.match(reply.text, /"type":"invokeResponse"/);
    assert.deepEqual(lines.filter((l) => l.includes('"level":"error"')), []);
  });

  for (const [what, activity] of cases) {
    it(`${what}: refused with 400 or answered, never a failed turn`, async () => {
      const reply = await client.post(activity);
      assert.ok(reply.status === 400 || (reply.status >= 200 && reply.status < 300), `status ${reply.status}`);
      const failed = lines.filter((l) => l.includes('"level":"error"')).map((l) => (JSON.parse(l) as { err?: { message?: string } }).err?.message);
      assert.deepEqual(failed, [], 'the turn failed');
    });
  }
});
