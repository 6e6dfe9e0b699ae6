/*
 * How a valid token is tested: for real, not stubbed. The test signs its own RS256 JWT with a key
 * from node:crypto and serves OpenID metadata and a JWKS on a 127.0.0.1 stub. createAdapter passes
 * no metadata URL to ConfigurationBotFrameworkAuthentication, so the SDK builds its validator from
 * botframework-connector's AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl; the test
 * points that constant at the stub before the bot starts and restores it afterwards. Signature,
 * issuer, audience (the app id), serviceUrl claim and key endorsements are all checked by the SDK.
 */
import { strict as assert } from 'node:assert';
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthenticationConstants } from 'botframework-connector';
import sinon from 'sinon';
import { ConfigError, loadConfig } from '../../src/config';
import { defaultKnowledge } from '../../src/knowledge';
import type { StartedBot } from '../../src/main';
import { botClient, capturingLogger, cardsOf, diagnosedMode, messageFrom, newConversation, startTestBot, UNREACHABLE_SERVICE_URL, type BotClient } from '../helpers/http';

const APP_ID = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const APP_PASSWORD = 'fake-secret-not-used-for-anything';
const CHANNEL_ISSUER = 'https://api.botframework.com';
const TENANT_A = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const TENANT_B = 'C0FFEE00-1234-4321-ABCD-0123456789AB';
const TENANT_C = '0b5a1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3';
const LOGON_FAILED = defaultKnowledge().modes.find((m) => m.id === 'logon-failed')?.errorText ?? '';

/** The SDK declares its constants read-only; the test swaps one for the duration of a describe. */
const constants = AuthenticationConstants as { ToBotFromChannelOpenIdMetadataUrl: string };

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** A compact RS256 JWT, encoded by hand. */
function signJwt(privateKey: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const payload = base64url(JSON.stringify(claims));
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), privateKey);
  return `${header}.${payload}.${base64url(signature)}`;
}

/** OpenID metadata and a JWKS with one signing key, endorsed for the channels the tests use. */
async function startOpenIdStub(publicKey: KeyObject, kid: string): Promise<{ server: Server; metadataUrl: string }> {
  const jwk = publicKey.export({ format: 'jwk' });
  let base = '';
  const server = createServer((req, res) => {
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openidconfiguration') send({ issuer: CHANNEL_ISSUER, jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] });
    else if (req.url === '/keys') send({ keys: [{ kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e, endorsements: ['msteams', 'emulator'] }] });
    else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, metadataUrl: `${base}/.well-known/openidconfiguration` };
}

/** A 127.0.0.1 port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A metadata endpoint that answers every request with one status, as a failing Bot Framework endpoint would. */
async function startStatusStub(status: number): Promise<{ server: Server; metadataUrl: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(status);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, metadataUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/openidconfiguration` };
}

describe('authentication over HTTP', function () {
  describe('with MicrosoftAppId and MicrosoftAppPassword', () => {
    const kid = `test-key-${randomUUID()}`;
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const originalMetadataUrl = constants.ToBotFromChannelOpenIdMetadataUrl;
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    let stub: Server | undefined;
    let bot: StartedBot | undefined;
    let client: BotClient;

    // JwtTokenExtractor console.errors a token it cannot verify; keep the test output readable.
    beforeEach(() => sinon.stub(console, 'error'));
    afterEach(() => sinon.restore());

    const token = (overrides: Record<string, unknown> = {}, signingKid = kid, key = privateKey) => {
      const now = Math.floor(Date.now() / 1000);
      return signJwt(key, signingKid, { iss: CHANNEL_ISSUER, aud: APP_ID, serviceurl: UNREACHABLE_SERVICE_URL, iat: now, nbf: now - 60, exp: now + 600, ...overrides });
    };
    const paste = () => messageFrom(newConversation({ channelId: 'msteams', tenantId: 'contoso' }), LOGON_FAILED);

    before(async () => {
      const started = await startOpenIdStub(publicKey, kid);
      stub = started.server;
      constants.ToBotFromChannelOpenIdMetadataUrl = started.metadataUrl;
      bot = await startTestBot({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: APP_PASSWORD });
      client = botClient(bot.url);
    });
    after(async () => {
      constants.ToBotFromChannelOpenIdMetadataUrl = originalMetadataUrl;
      await bot?.stop();
      await new Promise<void>((resolve) => (stub ? stub.close(() => resolve()) : resolve()));
    });

    it('refuses a request without Authorization with 401', async () => {
      const reply = await client.post(paste());
      assert.equal(reply.status, 401);
      assert.equal(reply.json && (reply.json as { activities?: unknown }).activities, undefined);
    });

    const refused: Array<[string, () => string]> = [
      ['a garbage bearer token', () => 'Bearer not-a-jwt-at-all'],
      ['a token in the wrong scheme', () => `Basic ${token()}`],
      ['a token for another app id', () => `Bearer ${token({ aud: randomUUID() })}`],
      ['a token from another issuer', () => `Bearer ${token({ iss: 'https://evil.example' })}`],
      ['a token for another serviceUrl', () => `Bearer ${token({ serviceurl: 'https://smba.trafficmanager.net/evil/' })}`],
      ['a token signed with a key the metadata does not list', () => `Bearer ${token({}, 'some-other-key')}`],
      ['an expired token', () => `Bearer ${token({ exp: Math.floor(Date.now() / 1000) - 3600, nbf: Math.floor(Date.now() / 1000) - 7200 })}`],
      // These two reach jsonwebtoken's verify, whose errors CloudAdapter turns into 500: see the report.
      ['a token signed by another key under the listed key id', () => `Bearer ${token({}, kid, otherKey)}`],
      ['an unsigned token (signature stripped)', () => `Bearer ${token().split('.').slice(0, 2).join('.')}.`],
    ];
    for (const [what, header] of refused) {
      it(`refuses ${what} with 401`, async () => {
        const reply = await client.post(paste(), { headers: { authorization: header() } });
        assert.equal(reply.status, 401, reply.text.slice(0, 200));
      });
    }

    // The SDK checks the token's serviceurl claim only against a serviceUrl the activity names.
    for (const [what, serviceUrl] of [['without serviceUrl', undefined], ['with an empty serviceUrl', '']] as const) {
      it(`refuses an activity ${what} with 401, even with a good token`, async () => {
        const activity = { ...paste(), serviceUrl };
        const reply = await client.post(activity, { headers: { authorization: `Bearer ${token()}` } });
        assert.equal(reply.status, 401, reply.text.slice(0, 200));
      });
    }

    it('accepts a token signed by a key in the channel metadata and answers the paste', async () => {
      const reply = await client.post(paste(), { headers: { authorization: `Bearer ${token()}` } });
      assert.equal(reply.status, 200, reply.text.slice(0, 200));
      const activities = (reply.json as { activities: Parameters<typeof cardsOf>[0] }).activities;
      assert.equal(diagnosedMode(cardsOf(activities)[0]), 'logon-failed');
    });

    it('still answers /healthz without a token', async () => {
      assert.equal((await client.healthz()).status, 200);
    });
  });

  describe('when the token signing keys cannot be fetched', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const originalMetadataUrl = constants.ToBotFromChannelOpenIdMetadataUrl;
    const now = Math.floor(Date.now() / 1000);
    // Well formed, from the channel issuer: only the keys can tell whether it is good, and they cannot be had.
    const token = signJwt(privateKey, 'some-key', { iss: CHANNEL_ISSUER, aud: APP_ID, serviceurl: UNREACHABLE_SERVICE_URL, iat: now, nbf: now - 60, exp: now + 3600 });
    const paste = () => messageFrom(newConversation({ channelId: 'msteams', tenantId: TENANT_A }), LOGON_FAILED);

    const endpoints: Array<[string, () => Promise<{ metadataUrl: string; stop: () => Promise<void> }>, RegExp]> = [
      ['the OpenID metadata endpoint refuses connections', async () => ({ metadataUrl: `http://127.0.0.1:${await closedPort()}/.well-known/openidconfiguration`, stop: async () => {} }), /ECONNREFUSED/],
      [
        'the OpenID metadata endpoint answers 503',
        async () => {
          const { server, metadataUrl } = await startStatusStub(503);
          return { metadataUrl, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
        },
        /503/,
      ],
    ];
    for (const [what, endpoint, cause] of endpoints) {
      describe(what, () => {
        let bot: StartedBot | undefined;
        let client: BotClient;
        let stopEndpoint = async () => {};
        const log = capturingLogger();

        beforeEach(() => sinon.stub(console, 'error'));
        afterEach(() => sinon.restore());
        before(async () => {
          const started = await endpoint();
          stopEndpoint = started.stop;
          constants.ToBotFromChannelOpenIdMetadataUrl = started.metadataUrl;
          bot = await startTestBot({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: APP_PASSWORD, LOG_LEVEL: 'debug' }, log.logger);
          client = botClient(bot.url);
        });
        after(async () => {
          constants.ToBotFromChannelOpenIdMetadataUrl = originalMetadataUrl;
          await bot?.stop();
          await stopEndpoint();
        });

        it('answers 500, not 401, and logs the cause at error level without the token', async () => {
          log.lines.splice(0);
          const reply = await client.post(paste(), { headers: { authorization: `Bearer ${token}` } });
          assert.equal(reply.status, 500, reply.text.slice(0, 200));
          const errors = log.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['level'] === 'error');
          assert.equal(errors.length, 1, log.lines.join(''));
          assert.match(JSON.stringify(errors[0]), cause);
          assert.ok(!log.lines.join('').includes(token.split('.')[2] ?? token), 'no token in the log');
        });

        it('still refuses a request without a token, and a token no channel issued, with 401', async () => {
          assert.equal((await client.post(paste())).status, 401);
          assert.equal((await client.post(paste(), { headers: { authorization: 'Bearer not-a-jwt-at-all' } })).status, 401);
        });
      });
    }
  });

  describe('loadConfig', () => {
    it('refuses HOST=0.0.0.0 without credentials, naming HOST', () => {
      assert.throws(
        () => loadConfig({ HOST: '0.0.0.0' }),
        (err: unknown) => err instanceof ConfigError && /^HOST\b/.test(err.message),
      );
    });

    it('allows HOST=0.0.0.0 without credentials when ALLOW_UNAUTHENTICATED=true', () => {
      const config = loadConfig({ HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED: 'true' });
      assert.equal(config.host, '0.0.0.0');
      assert.equal(config.localMode, true);
    });

    it('allows HOST=0.0.0.0 with credentials', () => {
      const config = loadConfig({ HOST: '0.0.0.0', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'x' });
      assert.equal(config.localMode, false);
    });

    it('defaults to 127.0.0.1 without credentials', () => {
      assert.equal(loadConfig({}).host, '127.0.0.1');
    });

    it('reads ALLOWED_TENANT_IDS as lower-case tenant GUIDs, spaces and empty entries ignored', () => {
      assert.deepEqual(loadConfig({ ALLOWED_TENANT_IDS: ` ${TENANT_A} ,, ${TENANT_B}, ` }).allowedTenantIds, [TENANT_A, TENANT_B.toLowerCase()]);
    });

    it('allows every tenant when ALLOWED_TENANT_IDS is not set', () => {
      assert.equal(loadConfig({}).allowedTenantIds, undefined);
    });

    // What a template with unset variables produces: set, but naming no tenant. It must not mean "every tenant".
    for (const value of [' , ', ',', '', '   ']) {
      it(`refuses ALLOWED_TENANT_IDS=${JSON.stringify(value)}, naming the variable`, () => {
        assert.throws(
          () => loadConfig({ ALLOWED_TENANT_IDS: value }),
          (err: unknown) => err instanceof ConfigError && /^ALLOWED_TENANT_IDS\b/.test(err.message),
        );
      });
    }

    for (const value of ['contoso', `${TENANT_A}, contoso.onmicrosoft.com`, `${TENANT_A.slice(0, -1)}`, `{${TENANT_A}}`]) {
      it(`refuses ALLOWED_TENANT_IDS=${JSON.stringify(value)}: every entry must be a tenant GUID`, () => {
        assert.throws(
          () => loadConfig({ ALLOWED_TENANT_IDS: value }),
          (err: unknown) => err instanceof ConfigError && /^ALLOWED_TENANT_IDS\b/.test(err.message),
        );
      });
    }

    it('bounds feedback records in memory: STATE_MAX_FEEDBACK, 10000 unless set', () => {
      assert.deepEqual(loadConfig({}).storage, { kind: 'memory', maxEntries: 10_000, idleTtlMs: 24 * 60 * 60_000, maxFeedback: 10_000 });
      const { storage } = loadConfig({ STATE_MAX_FEEDBACK: '500' });
      assert.equal(storage.kind === 'memory' ? storage.maxFeedback : undefined, 500);
      assert.throws(
        () => loadConfig({ STATE_MAX_FEEDBACK: '10' }),
        (err: unknown) => err instanceof ConfigError && /\bSTATE_MAX_FEEDBACK\b/.test(err.message),
      );
    });

    for (const port of ['abc', '70000', '-1', '80.5']) {
      it(`refuses PORT=${port}, naming PORT`, () => {
        assert.throws(
          () => loadConfig({ PORT: port }),
          (err: unknown) => err instanceof ConfigError && /\bPORT\b/.test(err.message),
        );
      });
    }
  });

  describe('ALLOWED_TENANT_IDS', () => {
    let bot: StartedBot | undefined;
    let client: BotClient;
    before(async () => {
      bot = await startTestBot({ ALLOWED_TENANT_IDS: `${TENANT_A}, ${TENANT_B}` });
      client = botClient(bot.url);
    });
    after(async () => {
      await bot?.stop();
    });

    it('answers a tenant in the list, whatever its case', async () => {
      for (const tenantId of [TENANT_A.toUpperCase(), TENANT_B]) {
        const activities = await client.turn(messageFrom(newConversation({ channelId: 'msteams', tenantId }), LOGON_FAILED));
        assert.equal(diagnosedMode(cardsOf(activities)[0]), 'logon-failed', tenantId);
      }
    });

    it('sends nothing back to a tenant not in the list', async () => {
      const activities = await client.turn(messageFrom(newConversation({ channelId: 'msteams', tenantId: TENANT_C }), LOGON_FAILED));
      assert.deepEqual(activities, []);
    });

    it('sends nothing back to a Web Chat activity that claims a listed tenant', async () => {
      const claim = messageFrom(newConversation({ tenantId: TENANT_A }), LOGON_FAILED, { channelId: 'webchat', channelData: { tenant: { id: TENANT_A } } });
      assert.deepEqual(await client.turn(claim), []);
    });

    it('sends nothing back to an activity with no tenant at all', async () => {
      const activities = await client.turn(messageFrom(newConversation({ channelId: 'emulator' }), LOGON_FAILED));
      assert.deepEqual(activities, []);
    });
  });
});
