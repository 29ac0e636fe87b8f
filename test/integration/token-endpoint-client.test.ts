// The token endpoint against the real client: livekit-client's TokenSource.endpoint(url),
// in Node (its token-source code needs no browser globals) and in headless Chromium from
// a page on another origin, so that the CORS preflight is the browser's own.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { TokenSource } from 'livekit-client';
import type * as LivekitClientModule from 'livekit-client';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTokenHandler, toNodeListener, TokenVerifier, type TokenPolicyResult, type TokenRequest } from '../../src/token/index.js';

const KEY = 'client-key';
const SECRET = 'client-secret-0123456789abcdefghijklmn';
const SERVER_URL = 'wss://client-test.example';
const verifier = new TokenVerifier(KEY, SECRET);

// The policy: the signed-in user (a bearer header) in the room asked for, with the agent
// asked for only when it is the support bot. What it returns is exactly what the token
// must carry, so the tests compare the claims with it.
const bodies: TokenRequest[] = [];
function policyFor(body: TokenRequest): TokenPolicyResult {
  const agent = body.roomConfig?.agents?.[0];
  return {
    identity: 'user-42',
    name: 'Ada',
    attributes: { plan: 'pro' },
    grant: { roomJoin: true, room: body.roomName ?? 'lobby', canPublishData: false },
    ...(agent?.agentName === 'support-bot' ? { roomConfig: { agents: [{ agentName: 'support-bot', metadata: agent.metadata ?? '' }] } } : {}),
  };
}

function expectPolicyClaims(token: string, body: TokenRequest): void {
  const expected = policyFor(body);
  const claims = verifier.verifySync(token);
  const { iss, exp, nbf, ...granted } = claims;
  expect(iss).toBe(KEY);
  expect(exp! - nbf!).toBe(15 * 60);
  expect(granted).toEqual({
    sub: expected.identity,
    name: expected.name,
    attributes: expected.attributes,
    video: expected.grant,
    ...(expected.roomConfig === undefined ? {} : { roomConfig: expected.roomConfig }),
  });
}

const servers: Server[] = [];
async function listen(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
});

async function tokenServer(corsOrigins?: string[]): Promise<string> {
  const handler = createTokenHandler({
    authorize: (request, body) => {
      bodies.push(body);
      return request.headers.get('authorization') === 'Bearer session-42' ? policyFor(body) : null;
    },
    serverUrl: SERVER_URL,
    apiKey: KEY,
    apiSecret: SECRET,
    ...(corsOrigins === undefined ? {} : { cors: { origins: corsOrigins } }),
  });
  return `${await listen(toNodeListener(handler))}/api/token`;
}

afterEach(() => {
  bodies.length = 0;
});

describe('livekit-client TokenSource.endpoint in Node', () => {
  it('fetches a token that carries exactly the policy grants, with the agent options in room_config', async () => {
    const source = TokenSource.endpoint(await tokenServer(), { headers: { authorization: 'Bearer session-42' } });
    const options = { roomName: 'standup', participantIdentity: 'asked-for', participantName: '', agentName: 'support-bot', agentMetadata: '{"lang":"en"}' };
    const answer = await source.fetch(options);
    expect(answer.serverUrl).toBe(SERVER_URL);
    expect(bodies).toEqual([
      { roomName: 'standup', participantIdentity: 'asked-for', roomConfig: { agents: [{ agentName: 'support-bot', metadata: '{"lang":"en"}' }] } },
    ]);
    expectPolicyClaims(answer.participantToken, bodies[0]!);
    // The client reuses a token until a minute before it expires: no second request.
    await source.fetch(options);
    expect(bodies).toHaveLength(1);
  });

  it('surfaces a refusal as the client error, carrying our JSON error body', async () => {
    const source = TokenSource.endpoint(await tokenServer());
    await expect(source.fetch({ roomName: 'standup' })).rejects.toThrow(/received 403 \/ \{"code":"forbidden","message":"this request for a token is not allowed"\}/);
  });
});

// Debian's package, where CI installs it; CHROMIUM_PATH points elsewhere.
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const inCi = process.env['CI'] === 'true';
// Without chromium a developer's run skips (saying why); CI must have it, so there it fails.
const browserIt = haveChromium || inCi ? it : it.skip;
const reason = `${CHROMIUM} not found; apt-get install -y chromium`;
const missing = haveChromium ? '' : ` [skipped: ${reason}]`;
if (!haveChromium && !inCi) console.warn(`token-endpoint browser test skipped: ${reason}`);

// The package's `require` entry is its UMD build, the one a <script> tag loads.
const livekitClientUmd = readFileSync(createRequire(import.meta.url).resolve('livekit-client'), 'utf8');

// A page that loads livekit-client's UMD build and fetches through TokenSource.endpoint.
async function pageServer(): Promise<string> {
  return listen((request, response) => {
    if (request.url === '/livekit-client.umd.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(livekitClientUmd);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<!doctype html><title>token endpoint</title><script src="/livekit-client.umd.js"></script>');
  });
}

describe('livekit-client TokenSource.endpoint in headless Chromium, across origins', () => {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!haveChromium) return;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  browserIt(
    `fetches a token through the CORS preflight from an allowed origin, and is blocked from another${missing}`,
    async () => {
      if (browser === undefined) throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);
      const allowedPage = await pageServer();
      const otherPage = await pageServer();
      const endpoint = await tokenServer([allowedPage]);
      expect(new URL(endpoint).origin).not.toBe(allowedPage);

      const page = await browser.newPage();
      try {
        await page.goto(`${allowedPage}/`);
        const fetchFromPage = (url: string) =>
          page.evaluate(async (target) => {
            const { TokenSource } = (globalThis as unknown as { LivekitClient: typeof LivekitClientModule }).LivekitClient;
            try {
              const source = TokenSource.endpoint(target, { headers: { authorization: 'Bearer session-42' } });
              return { ok: await source.fetch({ roomName: 'browser-room', participantIdentity: 'asked-for', agentName: 'other-bot' }) };
            } catch (error) {
              return { error: String(error) };
            }
          }, url);
        const answer = await fetchFromPage(endpoint);
        if (!('ok' in answer) || answer.ok === undefined) throw new Error(`the page could not fetch a token: ${JSON.stringify(answer)}`);
        expect(answer.ok.serverUrl).toBe(SERVER_URL);
        expect(bodies).toEqual([{ roomName: 'browser-room', participantIdentity: 'asked-for', roomConfig: { agents: [{ agentName: 'other-bot' }] } }]);
        expectPolicyClaims(answer.ok.participantToken, bodies[0]!);

        // The same page code from an origin the endpoint does not allow: the browser stops it
        // at the preflight, before the POST reaches the policy.
        bodies.length = 0;
        await page.goto(`${otherPage}/`);
        const blocked = await fetchFromPage(endpoint);
        expect(blocked).toMatchObject({ error: expect.stringMatching(/Failed to fetch/) });
        expect(bodies).toEqual([]);
      } finally {
        await page.close();
      }
    },
    60_000,
  );
});
