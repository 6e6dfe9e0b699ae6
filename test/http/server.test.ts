import { strict as assert } from 'node:assert';
import { defaultKnowledge } from '../../src/knowledge';
import { t } from '../../src/knowledge/messages';
import type { StartedBot } from '../../src/main';
import packageJson from '../../package.json';
import {
  activitiesOf,
  botClient,
  buttonByVerb,
  cardSubmit,
  cardsOf,
  diagnosedMode,
  messageFrom,
  newConversation,
  post,
  startTestBot,
  submitActions,
  type BotClient,
} from '../helpers/http';

const MAX_BODY_BYTES = 16 * 1024;
const LOGON_FAILED = defaultKnowledge().modes.find((m) => m.id === 'logon-failed')?.errorText ?? '';

/** One sample's value from Prometheus text; labels as written, e.g. `failure_mode="logon-failed"`. */
function sample(metrics: string, name: string, labels?: string, { optional = false } = {}): number {
  const key = labels === undefined ? name : `${name}{${labels}}`;
  const line = metrics.split('\n').find((l) => l.startsWith(`${key} `));
  if (line === undefined && optional) return 0;
  if (line === undefined) throw new Error(`no sample ${key} in:\n${metrics}`);
  return Number(line.slice(key.length + 1));
}

describe('HTTP server (in-process, 127.0.0.1)', function () {
  let bot: StartedBot;
  let client: BotClient;

  before(async () => {
    bot = await startTestBot({ MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
    client = botClient(bot.url);
  });
  after(async () => {
    await bot?.stop();
  });

  it('GET /healthz answers 200 JSON with the version and the failure modes of each pack', async () => {
    const reply = await client.healthz();
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(reply.json, {
      status: 'ok',
      version: packageJson.version,
      failureModes: 23,
      packs: [
        { id: 'skype-connector', failureModes: 9 },
        { id: 'teams-module', failureModes: 14 },
      ],
    });
  });

  it('answers a pasted error with a diagnosis card in the expectReplies body', async () => {
    const reply = await client.post(messageFrom(newConversation(), LOGON_FAILED));
    assert.equal(reply.status, 200);
    const activities = activitiesOf(reply);
    assert.ok(activities.length >= 1);
    const [card] = cardsOf(activities.slice(0, 1));
    assert.equal(diagnosedMode(card), 'logon-failed');
  });

  it('answers pastes that arrive together, each with the diagnosis of its own error', async () => {
    // Sent at once, they reach the bot in the same turns of its event loop and are read in batches.
    const { modes } = defaultKnowledge();
    const pastes = [...modes.map((m) => ({ text: m.errorText, expected: m.id as string | undefined })), { text: 'thanks, that fixed it', expected: undefined }];
    const answers = await Promise.all([...pastes, ...pastes].map(({ text }) => client.turn(messageFrom(newConversation(), text))));
    answers.forEach((activities, i) => {
      const { text, expected } = pastes[i % pastes.length] as (typeof pastes)[number];
      assert.equal(activities.length, 1, text);
      assert.equal(diagnosedMode(cardsOf(activities)[0]), expected, text);
    });
  });

  it('answers the same paste from Teams (channelId msteams) too', async () => {
    const activities = await client.turn(messageFrom(newConversation({ channelId: 'msteams', tenantId: 'contoso-tenant' }), LOGON_FAILED));
    assert.equal(diagnosedMode(cardsOf(activities)[0]), 'logon-failed');
  });

  it('refuses malformed JSON with 400 and keeps serving', async () => {
    const bad = await client.post(undefined, { raw: '{"type":"message", "text": "unterminated' });
    assert.equal(bad.status, 400);
    const good = await client.turn(messageFrom(newConversation(), LOGON_FAILED));
    assert.equal(diagnosedMode(cardsOf(good)[0]), 'logon-failed');
  });

  const notActivities: Array<[string, unknown]> = [
    ['an object without a type', { foo: 1 }],
    ['an empty array', []],
    ['an array of activities', [{ type: 'message', text: 'hi' }]],
    ['a string', 'x'],
    ['a number', 42],
    ['null', null],
    ['a numeric type', { type: 5 }],
    ['an empty type', { type: '' }],
    ['a type longer than 64 characters', { type: 'm'.repeat(65) }],
    ['conversation without an id', { type: 'message', conversation: {} }],
    ['from as a string', { type: 'message', from: 'user' }],
    ['text as an object', { type: 'message', text: { evil: true } }],
  ];
  for (const [what, body] of notActivities) {
    it(`refuses ${what} with 400`, async () => {
      const reply = await client.post(body);
      assert.equal(reply.status, 400, reply.text);
    });
  }

  it(`refuses a body over MAX_BODY_BYTES (${MAX_BODY_BYTES}) with 413 and accepts one just under it`, async () => {
    const conversation = newConversation();
    const over = messageFrom(conversation, 'x'.repeat(MAX_BODY_BYTES));
    assert.equal((await client.post(over)).status, 413);
    const envelope = JSON.stringify(messageFrom(conversation, '')).length;
    const under = messageFrom(conversation, `${LOGON_FAILED}\n${'x'.repeat(MAX_BODY_BYTES - envelope - LOGON_FAILED.length - 100)}`);
    const reply = await client.post(under);
    assert.equal(reply.status, 200, reply.text.slice(0, 200));
  });

  it('accepts an unknown activity type with 2xx and sends nothing back', async () => {
    const reply = await client.post({ ...messageFrom(newConversation(), ''), type: 'weird' });
    assert.ok(reply.status >= 200 && reply.status < 300, `status ${reply.status}`);
    const activities = (reply.json as { activities?: unknown[] } | undefined)?.activities ?? [];
    assert.deepEqual(activities, []);
  });

  it('answers a card submit it cannot read with the polite text', async () => {
    const activities = await client.turn(cardSubmit(newConversation(), { verb: 'nope' }));
    assert.deepEqual(
      activities.map((a) => a.text),
      [t('en', 'reply.badSubmit')],
    );
  });

  it('answers a card submit with a known verb but wrong fields with the polite text too', async () => {
    const activities = await client.turn(cardSubmit(newConversation(), { verb: 'feedback', helpful: 'yes', failureMode: 'logon-failed' }));
    assert.deepEqual(
      activities.map((a) => a.text),
      [t('en', 'reply.badSubmit')],
    );
  });

  describe('GET /metrics', () => {
    it('is Prometheus text with every family', async () => {
      const reply = await client.metrics();
      assert.equal(reply.status, 200);
      assert.match(reply.headers.get('content-type') ?? '', /^text\/plain/);
      for (const family of ['connector_doctor_diagnoses_total', 'connector_doctor_not_recognised_total', 'connector_doctor_feedback_total', 'connector_doctor_turn_seconds']) {
        assert.match(reply.text, new RegExp(`^# TYPE ${family} (counter|histogram)$`, 'm'));
      }
      for (const mode of defaultKnowledge().modes) sample(reply.text, 'connector_doctor_diagnoses_total', `failure_mode="${mode.id}"`);
    });

    it('counts a diagnosis, a paste it does not recognise, feedback both ways and the turn time', async () => {
      const before = (await client.metrics()).text;
      const conversation = newConversation();

      const diagnosis = await client.turn(messageFrom(conversation, LOGON_FAILED));
      const card = cardsOf(diagnosis)[0];
      assert.equal(diagnosedMode(card), 'logon-failed');
      await client.turn(messageFrom(conversation, 'My printer says PC LOAD LETTER and I have no idea why.'));
      await client.turn(cardSubmit(conversation, buttonByVerb(card, 'feedback').data));
      const notHelped = submitActions(card).find((a) => a.data['verb'] === 'feedback' && a.data['helpful'] === false);
      assert.ok(notHelped, 'the diagnosis card has a "did not help" button');
      await client.turn(cardSubmit(conversation, notHelped.data));

      const after = (await client.metrics()).text;
      const delta = (name: string, labels?: string) => sample(after, name, labels) - sample(before, name, labels);
      assert.equal(delta('connector_doctor_diagnoses_total', 'failure_mode="logon-failed"'), 1);
      assert.equal(delta('connector_doctor_diagnoses_total', 'failure_mode="execution-policy"'), 0);
      assert.equal(delta('connector_doctor_not_recognised_total'), 1);
      assert.equal(delta('connector_doctor_feedback_total', 'failure_mode="logon-failed",helpful="true"'), 1);
      assert.equal(delta('connector_doctor_feedback_total', 'failure_mode="logon-failed",helpful="false"'), 1);
      assert.equal(delta('connector_doctor_feedback_total', 'failure_mode="execution-policy",helpful="false"'), 0);
      assert.equal(delta('connector_doctor_turn_seconds_count'), 4);
      assert.ok(delta('connector_doctor_turn_seconds_sum') > 0);

      const buckets = after
        .split('\n')
        .filter((l) => l.startsWith('connector_doctor_turn_seconds_bucket{'))
        .map((l) => Number(l.split(' ')[1]));
      assert.ok(buckets.length >= 2);
      buckets.forEach((n, i) => assert.ok(i === 0 || n >= (buckets[i - 1] ?? 0), 'buckets are cumulative'));
      assert.equal(sample(after, 'connector_doctor_turn_seconds_bucket', 'le="+Inf"'), sample(after, 'connector_doctor_turn_seconds_count'));
    });

    it('counts refused requests by status', async () => {
      const before = (await client.metrics()).text;
      await post(`${bot.url}/api/messages`, undefined, { raw: '{' });
      await post(`${bot.url}/api/messages`, { foo: 1 });
      const after = (await client.metrics()).text;
      const refused = (text: string) => sample(text, 'connector_doctor_rejected_requests_total', 'reason="400"', { optional: true });
      assert.equal(refused(after) - refused(before), 2);
    });
  });

  describe('memory storage with STATE_MAX_FEEDBACK', () => {
    const MAX_FEEDBACK = 100;
    let small: StartedBot;
    let smallClient: BotClient;
    before(async () => {
      small = await startTestBot({ STATE_MAX_FEEDBACK: String(MAX_FEEDBACK) });
      smallClient = botClient(small.url);
    });
    after(async () => {
      await small?.stop();
    });

    it('keeps feedback counts per failure mode in /metrics while it lets the oldest records go, and counts those', async () => {
      const conversation = newConversation();
      const presses = MAX_FEEDBACK + 50;
      for (let i = 0; i < presses; i++) {
        await smallClient.turn(cardSubmit(conversation, { verb: 'feedback', helpful: false, failureMode: 'logon-failed', diagnosisId: `diagnosis-${i}` }));
      }
      const metrics = (await smallClient.metrics()).text;
      assert.equal(sample(metrics, 'connector_doctor_feedback_total', 'failure_mode="logon-failed",helpful="false"'), presses);
      assert.equal(sample(metrics, 'connector_doctor_feedback_evicted_total'), presses - MAX_FEEDBACK);
    });
  });
});
