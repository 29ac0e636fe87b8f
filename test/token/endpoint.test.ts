// createTokenHandler: the server side of livekit-client's TokenSource.endpoint, driven
// in-process with Fetch API Requests.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenHandler, TokenVerifier, type TokenHandlerOptions, type TokenPolicy, type TokenRequest } from '../../src/token/index.js';

const KEY = 'endpoint-key';
const SECRET = 'endpoint-secret-0123456789abcdefghijkl';
const SERVER_URL = 'wss://example.livekit.cloud';
const verifier = new TokenVerifier(KEY, SECRET);

function headersOf(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  return headers;
}

const lobbyPolicy: TokenPolicy = () => ({ identity: 'alice', name: 'Alice', grant: { roomJoin: true, room: 'lobby' } });

function handlerWith(options: Partial<TokenHandlerOptions> = {}) {
  return createTokenHandler({ authorize: lobbyPolicy, serverUrl: SERVER_URL, apiKey: KEY, apiSecret: SECRET, ...options });
}

function post(body: string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> | null, headers: Record<string, string> = {}): Request {
  const init: RequestInit & { duplex?: 'half' } = {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: body as BodyInit | null,
  };
  if (body instanceof ReadableStream) init.duplex = 'half';
  return new Request('https://app.example.com/api/token', init);
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  expect(response.headers.get('content-type')).toBe('application/json');
  return (await response.json()) as { code: string; message: string };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createTokenHandler: issuing a token', () => {
  it('answers 201 with server_url and a participant_token carrying exactly the policy grants', async () => {
    const response = await handlerWith()(post('{"room_name":"lobby"}'));
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['participant_token', 'server_url']);
    expect(body['server_url']).toBe(SERVER_URL);
    const claims = verifier.verifySync(body['participant_token']!);
    expect(claims.sub).toBe('alice');
    expect(claims.name).toBe('Alice');
    expect(claims.video).toEqual({ roomJoin: true, room: 'lobby' });
    expect(claims.exp! - claims.nbf!).toBe(15 * 60);
  });

  it('hands the policy the body in camelCase, whichever spelling the client sent, with "" as absent', async () => {
    const seen: TokenRequest[] = [];
    const handler = handlerWith({ authorize: (_request, body) => (seen.push(body), lobbyPolicy(_request, body)) });
    const snake = {
      room_name: 'r1',
      participant_name: '',
      participant_identity: 'bob',
      participant_metadata: 'm',
      participant_attributes: { team: 'blue' },
      room_config: { agents: [{ agent_name: 'helper', metadata: '{"x":1}', deployment: 'staging' }], empty_timeout: '30' },
    };
    const camel = {
      roomName: 'r1',
      participantIdentity: 'bob',
      participantMetadata: 'm',
      participantAttributes: { team: 'blue' },
      roomConfig: { agents: [{ agentName: 'helper', metadata: '{"x":1}', deployment: 'staging' }], emptyTimeout: 30 },
    };
    for (const body of [snake, camel]) expect((await handler(post(JSON.stringify(body)))).status).toBe(201);
    const expected: TokenRequest = {
      roomName: 'r1',
      participantIdentity: 'bob',
      participantMetadata: 'm',
      participantAttributes: { team: 'blue' },
      roomConfig: { emptyTimeout: 30, agents: [{ agentName: 'helper', metadata: '{"x":1}', deployment: 'staging' }] },
    };
    expect(seen).toEqual([expected, expected]);
  });

  it('signs nothing the policy did not return: a requested room, identity and agent stay out of the token', async () => {
    const response = await handlerWith()(
      post(JSON.stringify({ room_name: 'admin-room', participant_identity: 'root', room_config: { agents: [{ agent_name: 'x' }] } })),
    );
    const claims = verifier.verifySync(((await response.json()) as { participant_token: string }).participant_token);
    expect(claims.sub).toBe('alice');
    expect(claims.video).toEqual({ roomJoin: true, room: 'lobby' });
    expect(claims.roomConfig).toBeUndefined();
  });

  it('puts every field the policy returns into the token: metadata, attributes, sip and agent grants, ttl, roomConfig', async () => {
    const handler = handlerWith({
      authorize: (_request, body) => ({
        identity: 'carol',
        metadata: 'meta',
        attributes: { a: 'b' },
        grant: { roomJoin: true, room: 'r', canPublish: false },
        sipGrant: { call: true },
        agentGrant: { admin: true },
        ttl: '1h',
        roomConfig: body.roomConfig,
      }),
    });
    const response = await handler(post(JSON.stringify({ room_config: { agents: [{ agent_name: 'helper' }] } })));
    const claims = verifier.verifySync(((await response.json()) as { participant_token: string }).participant_token);
    expect(claims).toMatchObject({
      sub: 'carol',
      metadata: 'meta',
      attributes: { a: 'b' },
      video: { roomJoin: true, room: 'r', canPublish: false },
      sip: { call: true },
      agent: { admin: true },
      roomConfig: { agents: [{ agentName: 'helper' }] },
    });
    expect(claims.exp! - claims.nbf!).toBe(3600);
  });

  it('reads LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET when the options leave them out, at construction', async () => {
    vi.stubEnv('LIVEKIT_URL', 'wss://from-env.example');
    vi.stubEnv('LIVEKIT_API_KEY', KEY);
    vi.stubEnv('LIVEKIT_API_SECRET', SECRET);
    const handler = createTokenHandler({ authorize: lobbyPolicy });
    vi.stubEnv('LIVEKIT_URL', 'wss://changed-later.example');
    const body = (await (await handler(post('{}'))).json()) as { server_url: string; participant_token: string };
    expect(body.server_url).toBe('wss://from-env.example');
    expect(verifier.verifySync(body.participant_token).iss).toBe(KEY);
  });
});

describe('createTokenHandler: refusals', () => {
  it('answers 403 with a JSON error when the policy returns null or false', async () => {
    for (const decision of [null, false] as const) {
      const response = await handlerWith({ authorize: () => decision })(post('{}'));
      expect(response.status).toBe(403);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await errorOf(response)).toEqual({ code: 'forbidden', message: 'this request for a token is not allowed' });
    }
  });

  it('sends a Response the policy returns as its answer, with no-store added', async () => {
    const handler = handlerWith({
      authorize: () => new Response('sign in first', { status: 401, headers: { 'www-authenticate': 'Bearer' } }),
    });
    const response = await handler(post('{}'));
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('sign in first');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 500 without detail when the policy throws, and hands the error to onError', async () => {
    const errors: unknown[] = [];
    const failure = new Error('database password is hunter2');
    const handler = handlerWith({
      authorize: async () => {
        throw failure;
      },
      onError: (error) => errors.push(error),
    });
    const response = await handler(post('{}'));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('hunter2');
    expect(JSON.parse(text)).toEqual({ code: 'internal', message: 'the token could not be issued' });
    expect(errors).toEqual([failure]);
  });

  it('answers 500 when the policy returns no identity, a bad grant or a ttl of a minute or less', async () => {
    const results = [{}, { identity: '' }, { identity: 'a', grant: { roomJoin: 'yes' } }, { identity: 'a', ttl: 60 }, 'alice'];
    for (const result of results) {
      const errors: unknown[] = [];
      const handler = handlerWith({ authorize: (() => result) as unknown as TokenPolicy, onError: (error) => errors.push(error) });
      const response = await handler(post('{}'));
      expect(response.status).toBe(500);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(Error);
    }
  });

  it('still answers 500 when onError itself throws', async () => {
    const handler = handlerWith({
      authorize: () => {
        throw new Error('policy');
      },
      onError: () => {
        throw new Error('hook');
      },
    });
    expect((await handler(post('{}'))).status).toBe(500);
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('answers %s with 405 and Allow: POST when CORS is off', async (method) => {
    const response = await handlerWith()(new Request('https://app.example.com/token', { method }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect((await errorOf(response)).code).toBe('method_not_allowed');
  });

  it.each([undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx'])(
    'answers 415 for a body sent as %s (so no HTML form can ask for a token)',
    async (contentType) => {
      const request = new Request('https://app.example.com/token', {
        method: 'POST',
        body: '{}',
        headers: contentType === undefined ? {} : { 'content-type': contentType },
      });
      if (contentType === undefined) request.headers.delete('content-type');
      const response = await handlerWith()(request);
      expect(response.status).toBe(415);
      expect((await errorOf(response)).code).toBe('unsupported_media_type');
    },
  );

  it('accepts application/json with parameters and in any case', async () => {
    for (const contentType of ['application/json; charset=utf-8', 'Application/JSON']) {
      expect((await handlerWith()(post('{}', { 'content-type': contentType }))).status).toBe(201);
    }
  });

  it('answers 413 from a Content-Length over the cap without reading the body', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const response = await handlerWith({ maxBodyBytes: 1000 })(post(body, { 'content-length': '5000' }));
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('payload_too_large');
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it('answers 413 to a streamed body once it passes the cap, and stops reading it there', async () => {
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new TextEncoder().encode(' '.repeat(1024)));
      },
      cancel() {
        cancelled = true;
      },
    });
    const response = await handlerWith({ maxBodyBytes: 4096 })(post(endless));
    expect(response.status).toBe(413);
    expect(pulled).toBeLessThan(10);
    expect(cancelled).toBe(true);
  });

  it('accepts a body of exactly maxBodyBytes', async () => {
    const body = `{"room_name":"lobby"}${' '.repeat(100 - 21)}`;
    expect(body.length).toBe(100);
    expect((await handlerWith({ maxBodyBytes: 100 })(post(body))).status).toBe(201);
    expect((await handlerWith({ maxBodyBytes: 99 })(post(body))).status).toBe(413);
  });

  it.each([
    ['', 'invalid_json', 'the body is empty; send a JSON object such as {}'],
    ['{"room_name":', 'invalid_json', 'the body is not valid JSON'],
    ['[]', 'invalid_field', 'the body must be a JSON object (a TokenSourceRequest), got an array'],
    ['null', 'invalid_field', 'the body must be a JSON object (a TokenSourceRequest), got null'],
    ['{"room_name":5}', 'invalid_field', 'room_name must be a string, got 5'],
    ['{"roomName":true}', 'invalid_field', 'roomName must be a string, got true'],
    ['{"participant_attributes":{"a":1}}', 'invalid_field', 'participant_attributes["a"] must be a string, got 1'],
    ['{"participant_attributes":[]}', 'invalid_field', 'participant_attributes must be a JSON object of strings, got an array'],
    ['{"room_config":"x"}', 'invalid_field', 'room_config must be a JSON object (a RoomConfiguration), got a string'],
    ['{"room_config":{"agents":{}}}', 'invalid_field', 'room_config.agents must be an array of agent dispatches, got an object'],
    ['{"room_config":{"agents":[{"agent_name":7}]}}', 'invalid_field', 'room_config.agents[0].agent_name must be a string, got 7'],
    ['{"room_config":{"empty_timeout":-1}}', 'invalid_field', 'room_config.empty_timeout must be a whole number from 0 to 4294967295, got -1'],
    ['{"room_config":{"sync_streams":"yes"}}', 'invalid_field', 'room_config.sync_streams must be true or false, got a string'],
    ['{"room_name":"a","roomName":"b"}', 'invalid_field', 'room_name and roomName are the same field; send one'],
  ])('answers 400 naming the field for %j', async (body, code, message) => {
    let asked = false;
    const response = await handlerWith({ authorize: () => ((asked = true), null) })(post(body));
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toEqual({ code, message });
    expect(asked).toBe(false);
  });

  it('answers 400 for a body that is not UTF-8', async () => {
    const response = await handlerWith()(post(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('invalid_body');
  });

  it('never echoes a string the client sent in an error', async () => {
    const response = await handlerWith()(post('{"participant_attributes":{"k":{"secret-looking-value":1}}}'));
    expect(await response.text()).not.toContain('secret-looking-value');
  });

  it('ignores fields it does not know, and treats JSON null as absent', async () => {
    const seen: TokenRequest[] = [];
    const handler = handlerWith({ authorize: (request, body) => (seen.push(body), lobbyPolicy(request, body)) });
    const response = await handler(post('{"future_field":{"x":1},"room_name":null,"room_config":{"unknown":1,"name":"n"}}'));
    expect(response.status).toBe(201);
    expect(seen).toEqual([{ roomConfig: { name: 'n' } }]);
  });

  it('keeps an attribute named __proto__ a plain key', async () => {
    const seen: TokenRequest[] = [];
    const handler = handlerWith({ authorize: (request, body) => (seen.push(body), lobbyPolicy(request, body)) });
    await handler(post('{"participant_attributes":{"__proto__":"x","a":"b"}}'));
    const attributes = seen[0]!.participantAttributes!;
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(Object.entries(attributes)).toEqual([
      ['__proto__', 'x'],
      ['a', 'b'],
    ]);
  });
});

describe('createTokenHandler: CORS', () => {
  const cors = { origins: ['https://app.example.com'] };

  it('answers an allowed preflight with 204, the allowed headers and methods, and Vary: Origin', async () => {
    const response = await handlerWith({ cors })(
      new Request('https://api.example.com/token', {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      }),
    );
    expect(response.status).toBe(204);
    expect(headersOf(response)).toEqual({
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type, authorization',
      'access-control-max-age': '600',
      'cache-control': 'no-store',
      vary: 'Origin',
    });
  });

  it('refuses a preflight from another origin with 403 and no allow-origin header', async () => {
    const response = await handlerWith({ cors })(
      new Request('https://api.example.com/token', { method: 'OPTIONS', headers: { origin: 'https://evil.example' } }),
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect((await errorOf(response)).code).toBe('origin_not_allowed');
  });

  it('adds the allow-origin header to every answer to an allowed origin, errors included, and none for others', async () => {
    const handler = handlerWith({ cors });
    const ok = await handler(post('{}', { origin: 'https://app.example.com' }));
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
    const bad = await handler(post('{"room_name":1}', { origin: 'https://app.example.com' }));
    expect(bad.status).toBe(400);
    expect(bad.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await handler(post('{}', { origin: 'https://evil.example' }));
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('vary')).toBe('Origin');
  });

  it('allows credentials, extra headers and any origin when configured so', async () => {
    const withCookies = handlerWith({ cors: { origins: ['http://localhost:3000'], credentials: true, allowHeaders: ['X-Session'], maxAgeSeconds: 5 } });
    const preflight = await withCookies(new Request('http://api/', { method: 'OPTIONS', headers: { origin: 'http://localhost:3000' } }));
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type, authorization, x-session');
    expect(preflight.headers.get('access-control-max-age')).toBe('5');
    const anyOrigin = handlerWith({ cors: { origins: '*' } });
    const response = await anyOrigin(post('{}', { origin: 'https://anywhere.example' }));
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('sends no CORS headers when CORS is not configured', async () => {
    const response = await handlerWith()(post('{}', { origin: 'https://app.example.com' }));
    expect(response.status).toBe(201);
    expect(Object.keys(headersOf(response)).filter((name) => name.startsWith('access-control') || name === 'vary')).toEqual([]);
  });
});

describe('createTokenHandler: construction', () => {
  it('throws without authorize, saying how to write one and that dev: true exists', () => {
    expect(() => createTokenHandler({ serverUrl: SERVER_URL, apiKey: KEY, apiSecret: SECRET })).toThrow(
      /needs an authorize policy.*pass dev: true/,
    );
  });

  it('throws without a server URL or LIVEKIT_URL, and for a URL that is not ws(s) or http(s)', () => {
    vi.stubEnv('LIVEKIT_URL', '');
    expect(() => createTokenHandler({ authorize: lobbyPolicy, apiKey: KEY, apiSecret: SECRET })).toThrow(/pass serverUrl or set LIVEKIT_URL/);
    expect(() => handlerWith({ serverUrl: 'example.livekit.cloud' })).toThrow(/ws\(s\):\/\/ or http\(s\):\/\//);
  });

  it('throws without an API key and secret, without naming the secret', () => {
    vi.stubEnv('LIVEKIT_API_KEY', '');
    vi.stubEnv('LIVEKIT_API_SECRET', '');
    expect(() => createTokenHandler({ authorize: lobbyPolicy, serverUrl: SERVER_URL })).toThrow(TypeError);
    expect(() => createTokenHandler({ authorize: lobbyPolicy, serverUrl: SERVER_URL, apiKey: KEY })).toThrow(/API secret/);
  });

  it('refuses a ttl of a minute or less, a bad maxBodyBytes and bad CORS origins', () => {
    expect(() => handlerWith({ ttl: 60 })).toThrow(RangeError);
    expect(() => handlerWith({ ttl: '1m' })).toThrow(/a minute or less/);
    expect(() => handlerWith({ ttl: '2m' })).not.toThrow();
    expect(() => handlerWith({ maxBodyBytes: 0 })).toThrow(RangeError);
    expect(() => handlerWith({ maxBodyBytes: 1.5 })).toThrow(RangeError);
    expect(() => handlerWith({ cors: { origins: ['https://app.example.com/'] } })).toThrow(/use "https:\/\/app.example.com"/);
    expect(() => handlerWith({ cors: { origins: ['app.example.com'] } })).toThrow(/scheme:\/\/host/);
    expect(() => handlerWith({ cors: { origins: '*', credentials: true } })).toThrow(/cannot be combined with credentials/);
  });

  it('refuses both authorize and dev', () => {
    expect(() => handlerWith({ dev: true })).toThrow(/authorize or dev, not both/);
  });
});

describe('createTokenHandler: dev mode', () => {
  const devOptions = { serverUrl: SERVER_URL, apiKey: KEY, apiSecret: SECRET };

  it('signs the requested room and identity with a join grant, and the requested agent dispatch', async () => {
    const handler = createTokenHandler({ ...devOptions, dev: true, onWarning: () => {} });
    const response = await handler(
      post(JSON.stringify({ room_name: 'demo', participant_identity: 'dev-alice', participant_name: 'Alice', room_config: { agents: [{ agent_name: 'a' }] } })),
    );
    const claims = verifier.verifySync(((await response.json()) as { participant_token: string }).participant_token);
    expect(claims).toMatchObject({ sub: 'dev-alice', name: 'Alice', video: { roomJoin: true, room: 'demo' }, roomConfig: { agents: [{ agentName: 'a' }] } });
  });

  it('makes up an identity and a room when the request names none, or uses dev.room', async () => {
    const claimsOf = async (handler: (request: Request) => Promise<Response>) =>
      verifier.verifySync(((await (await handler(post('{}'))).json()) as { participant_token: string }).participant_token);
    const random = await claimsOf(createTokenHandler({ ...devOptions, dev: true, onWarning: () => {} }));
    expect(random.sub).toMatch(/^user-[A-Za-z0-9]{8}$/);
    expect(random.video?.room).toMatch(/^room-[A-Za-z0-9]{8}$/);
    const pinned = await claimsOf(createTokenHandler({ ...devOptions, dev: { room: 'standup' }, onWarning: () => {} }));
    expect(pinned.video?.room).toBe('standup');
  });

  it('warns once per sink that it signs anything, naming itself', () => {
    const warnings: string[] = [];
    const onWarning = (message: string) => warnings.push(message);
    createTokenHandler({ ...devOptions, dev: true, onWarning });
    createTokenHandler({ ...devOptions, dev: true, onWarning });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('createTokenHandler({ dev: true })');
    expect(warnings[0]).toContain('Development only');
  });

  it('refuses to start when NODE_ENV is production, without warning', () => {
    vi.stubEnv('NODE_ENV', 'production');
    const warnings: string[] = [];
    expect(() => createTokenHandler({ ...devOptions, dev: true, onWarning: (m) => warnings.push(m) })).toThrow(/refused when NODE_ENV is "production"/);
    expect(warnings).toEqual([]);
  });
});

describe('createTokenHandler in a framework', () => {
  it('serves tokens unchanged as a Hono route (c.req.raw in, Response out)', async () => {
    const { Hono } = await import('hono');
    const app = new Hono();
    const handler = handlerWith();
    app.post('/api/token', (c) => handler(c.req.raw));
    const response = await app.request('/api/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(201);
    const { participant_token: token } = (await response.json()) as { participant_token: string };
    expect(verifier.verifySync(token).video).toEqual({ roomJoin: true, room: 'lobby' });
  });
});
