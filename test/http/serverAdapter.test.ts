/*
 * The server hands a checked activity to the adapter itself (BotAdapter.processCheckedActivity)
 * instead of CloudAdapter.process. These tests check what process did and the server now does:
 * the time stamps as botbuilder's validateAndFixActivity leaves them, the Authorization header
 * passed on, the adapter's answer written as it is, 401 for an authentication failure, and 500
 * without the error's text for anything else. The adapter is the real one where the turn matters,
 * and a sinon stub where only the server's handling of its answer or its error does.
 */
import { strict as assert } from 'node:assert';
import type { AddressInfo } from 'node:net';
import { MemoryStorage, PrivateConversationState, type TurnContext } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import sinon from 'sinon';
import type { ConnectorDoctorBot } from '../../src/bot/ConnectorDoctorBot';
import { createAdapter, type BotAdapter } from '../../src/createAdapter';
import { Metrics } from '../../src/metrics';
import { createServer } from '../../src/server';
import { capturingLogger, messageFrom, newConversation, post, type HttpReply } from '../helpers/http';

interface Started {
  url: string;
  metrics: Metrics;
  lines: string[];
  close(): Promise<void>;
}

async function startServer(adapter: BotAdapter, run: (context: TurnContext) => Promise<void>): Promise<Started> {
  const { logger, lines } = capturingLogger();
  const metrics = new Metrics();
  const bot = { run } as unknown as ConnectorDoctorBot;
  const { server } = createServer({ adapter, bot, logger, metrics, maxBodyBytes: 64 * 1024, version: 'test', failureModeIds: [], packs: [] });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, metrics, lines, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const realAdapter = () => createAdapter({ appType: 'MultiTenant' }, capturingLogger().logger, new PrivateConversationState(new MemoryStorage()));
const postActivity = (url: string, activity: unknown, headers: Record<string, string> = {}): Promise<HttpReply> => post(`${url}/api/messages`, activity, { headers });

describe('server → adapter', function () {
  let started: Started | undefined;
  afterEach(async () => {
    sinon.restore();
    await started?.close();
    started = undefined;
  });

  it('gives the turn the activity with its time stamps as Dates and their text kept, as CloudAdapter.process did', async () => {
    const seen: Array<Record<string, unknown>> = [];
    started = await startServer(realAdapter(), async (context) => {
      seen.push({ ...context.activity });
      await context.sendActivity('ok');
    });
    const timestamp = '2026-11-26T10:00:00.123Z';
    const localTimestamp = '2026-11-26T19:00:00.123+09:00';
    const reply = await postActivity(started.url, messageFrom(newConversation(), 'hello', { timestamp, localTimestamp } as unknown as Record<string, never>));
    assert.equal(reply.status, 200);
    assert.deepEqual(
      (reply.json as { activities: Array<{ text: string }> }).activities.map((a) => a.text),
      ['ok'],
    );
    const [activity] = seen;
    assert.ok(activity);
    assert.ok(activity.timestamp instanceof Date);
    assert.equal((activity.timestamp as Date).toISOString(), timestamp);
    assert.equal(activity.rawTimestamp, timestamp);
    assert.ok(activity.localTimestamp instanceof Date);
    assert.equal(activity.rawLocalTimestamp, localTimestamp);
    assert.equal(activity.expiration, undefined);
    assert.equal(activity.rawExpiration, undefined);
  });

  it('passes the Authorization header on and writes the adapter’s status and body as they are', async () => {
    const adapter = realAdapter();
    const process = sinon.stub(adapter, 'processCheckedActivity').resolves({ status: 202, body: { accepted: true } });
    started = await startServer(adapter, async () => undefined);
    const reply = await postActivity(started.url, messageFrom(newConversation(), 'hello'), { authorization: 'Bearer abc.def.ghi' });
    assert.equal(reply.status, 202);
    assert.deepEqual(reply.json, { accepted: true });
    sinon.assert.calledOnce(process);
    assert.equal(process.firstCall.args[0], 'Bearer abc.def.ghi');
    assert.equal((process.firstCall.args[1] as { text?: string }).text, 'hello');
  });

  it('answers 200 with an empty body when the adapter has nothing to return, and passes an empty header when none came', async () => {
    const adapter = realAdapter();
    const process = sinon.stub(adapter, 'processCheckedActivity').resolves(undefined);
    started = await startServer(adapter, async () => undefined);
    const reply = await postActivity(started.url, messageFrom(newConversation(), 'hello'));
    assert.equal(reply.status, 200);
    assert.equal(reply.text, '');
    assert.equal(process.firstCall.args[0], '');
  });

  it('answers an authentication failure with 401, counts it and logs it at info', async () => {
    const adapter = realAdapter();
    sinon.stub(adapter, 'processCheckedActivity').rejects(new AuthenticationError('Unauthorized Access. Request is not authorized', 401));
    started = await startServer(adapter, async () => undefined);
    const reply = await postActivity(started.url, messageFrom(newConversation(), 'hello'));
    assert.equal(reply.status, 401);
    assert.deepEqual(reply.json, { error: 'The request is not authorized.' });
    assert.match(started.metrics.render([]), /connector_doctor_rejected_requests_total\{reason="401"\} 1/);
    const logged = started.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(logged.some((l) => l.level === 'info' && l.msg === 'request rejected' && l.status === 401));
  });

  it('answers any other adapter failure with 500 without the error’s text, and logs the error', async () => {
    const adapter = realAdapter();
    sinon.stub(adapter, 'processCheckedActivity').rejects(new Error('connection string AccountKey=c2VjcmV0 in a stack'));
    started = await startServer(adapter, async () => undefined);
    const reply = await postActivity(started.url, messageFrom(newConversation(), 'hello'));
    assert.equal(reply.status, 500);
    assert.deepEqual(reply.json, { error: 'internal error' });
    assert.doesNotMatch(reply.text, /AccountKey/);
    const logged = started.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(logged.some((l) => l.level === 'error' && l.msg === 'adapter failed'));
  });
});
