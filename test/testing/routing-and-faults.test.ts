// Routing (bad_route, other services, plain 404), body limits, deadlines, injected failures.
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { call, type RawAnswer } from './helpers.js';

let lk: TestServer;
beforeAll(async () => {
  lk = await startTestServer();
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

function expectTwirp(answer: RawAnswer, code: string, status: number): Record<string, unknown> {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.contentType).toBe('application/json');
  const body = answer.json();
  expect(body['code']).toBe(code);
  return body;
}

describe('routing', () => {
  it('answers bad_route 404 to an unknown RoomService method, with the route in meta', async () => {
    const body = expectTwirp(await call(lk, 'CreateRooms', '{}'), 'bad_route', 404);
    expect(body['msg']).toBe('no handler for path "/twirp/livekit.RoomService/CreateRooms"');
    expect(body['meta']).toEqual({ twirp_invalid_route: 'POST /twirp/livekit.RoomService/CreateRooms' });
  });

  it('answers bad_route 404 to an unknown service', async () => {
    expectTwirp(await call(lk, 'NoSuchService.Method', '{}'), 'bad_route', 404);
  });

  it('answers bad_route 404 to a method other than POST', async () => {
    const body = expectTwirp(await call(lk, 'ListRooms', '', { httpMethod: 'GET' }), 'bad_route', 404);
    expect(body['msg']).toBe('unsupported method "GET" (only POST is allowed)');
  });

  it.each(['Egress.ListEgress', 'SIP.ListSIPInboundTrunk'])(
    'answers unimplemented for %s, after checking its grant',
    async (route) => {
      expectTwirp(await call(lk, route, '{}', { token: null }), 'unauthenticated', 401);
      const token = lk.token({ video: { roomRecord: true, ingressAdmin: true, roomAdmin: true }, sip: { admin: true } });
      expectTwirp(await call(lk, route, '{}', { token }), 'unimplemented', 501);
    },
  );

  it.each(['Connector.DialWhatsAppCall', 'PhoneNumberService.ListPhoneNumbers'])(
    'answers a plain-text 404 for the Cloud-only %s, as a self-hosted server',
    async (route) => {
      const answer = await call(lk, route, '{}');
      expect(answer.status).toBe(404);
      expect(answer.contentType).toMatch(/^text\/plain/);
      expect(answer.text).toBe('404 page not found\n');
    },
  );

  it('answers a plain-text 404 outside /twirp/', async () => {
    const answer = await call(lk, '/elsewhere', '{}');
    expect(answer.status).toBe(404);
    expect(answer.contentType).toMatch(/^text\/plain/);
  });
});

describe('request size', () => {
  it('answers a body over 10 MiB with a plain-text 413, and accepts one just under', async () => {
    const big = new Uint8Array(10 * 1024 * 1024 + 1).fill(0x20);
    const answer = await call(lk, 'ListRooms', big);
    expect(answer.status).toBe(413);
    expect(answer.contentType).toMatch(/^text\/plain/);
    expect(lk.requests[0]?.body).toHaveLength(0);
    const spaces = new Uint8Array(10 * 1024 * 1024 - 2).fill(0x20);
    const justUnder = new Uint8Array(10 * 1024 * 1024);
    justUnder.set(spaces);
    justUnder.set(new TextEncoder().encode('{}'), spaces.length);
    expect((await call(lk, 'ListRooms', justUnder)).status).toBe(200);
  });
});

describe('failNext', () => {
  it('fails the next calls of one method with a Twirp error, N times, then lets them through', async () => {
    lk.failNext({ method: 'CreateRoom', twirp: { code: 'unavailable', msg: 'overloaded', meta: { node: 'n1' } }, times: 2 });
    expect(lk.pendingFaults).toBe(2);
    expect((await call(lk, 'ListRooms', '{}')).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const answer = await call(lk, 'CreateRoom', '{"name":"r"}');
      expect(answer.status).toBe(503);
      expect(answer.json()).toEqual({ code: 'unavailable', msg: 'overloaded', meta: { node: 'n1' } });
    }
    expect((await call(lk, 'CreateRoom', '{"name":"r"}')).status).toBe(200);
    expect(lk.pendingFaults).toBe(0);
    expect(lk.requests.map((r) => [r.method, r.status, r.twirpCode])).toEqual([
      ['ListRooms', 200, undefined],
      ['CreateRoom', 503, 'unavailable'],
      ['CreateRoom', 503, 'unavailable'],
      ['CreateRoom', 200, undefined],
    ]);
    expect(lk.rooms()).toHaveLength(1);
  });

  it('matches Service.Method and service filters, and any call without one', async () => {
    lk.failNext({ method: 'RoomService.ListRooms', twirp: { code: 'internal' } });
    lk.failNext({ service: 'Egress', twirp: { code: 'aborted' } });
    lk.failNext({ twirp: { code: 'dataloss' } });
    expectTwirp(await call(lk, 'ListRooms', '{}'), 'internal', 500);
    expectTwirp(await call(lk, 'CreateRoom', '{"name":"x"}'), 'dataloss', 500);
    expectTwirp(await call(lk, 'Egress.ListEgress', '{}'), 'aborted', 409);
  });

  it('answers with raw HTTP: an HTML 502 and a 503 with Retry-After', async () => {
    lk.failNext({ http: { status: 502, body: '<html><body>Bad Gateway</body></html>', contentType: 'text/html' } });
    lk.failNext({ http: { status: 503, body: 'busy', headers: { 'Retry-After': '2' } } });
    const html = await call(lk, 'ListRooms', '{}');
    expect([html.status, html.contentType, html.text]).toEqual([502, 'text/html', '<html><body>Bad Gateway</body></html>']);
    const busy = await call(lk, 'ListRooms', '{}');
    expect([busy.status, busy.headers.get('retry-after'), busy.text]).toEqual([503, '2', 'busy']);
  });

  it('injects before authentication, as a proxy in front of the server would', async () => {
    lk.failNext({ twirp: { code: 'unavailable' } });
    expectTwirp(await call(lk, 'ListRooms', '{}', { authorization: 'garbage' }), 'unavailable', 503);
  });

  it('hangs until the client aborts', async () => {
    lk.failNext({ method: 'ListRooms', hang: true });
    const controller = new AbortController();
    const pending = call(lk, 'ListRooms', '{}', { signal: controller.signal });
    await waitFor(() => lk.requests.length === 1);
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    expect(lk.requests[0]?.status).toBeUndefined();
    // The server is still healthy afterwards.
    expect((await call(lk, 'ListRooms', '{}')).status).toBe(200);
  });

  it('answers deadline_exceeded when a hang outlasts X-Twirp-Timeout-Ms', async () => {
    lk.failNext({ hang: true });
    const answer = await call(lk, 'ListRooms', '{}', { headers: { 'X-Twirp-Timeout-Ms': '30' } });
    expect(answer.json()).toEqual({ code: 'deadline_exceeded', msg: 'context deadline exceeded' });
    expect(answer.status).toBe(408);
    expect(lk.requests[0]?.timeoutMs).toBe(30);
  });

  it('applies X-Twirp-Timeout-Ms to a slow PerformRpc handler and aborts its signal', async () => {
    lk.seed.participant('r', { identity: 'agent' });
    let aborted = false;
    lk.handlePerformRpc(
      (_request, { signal }) =>
        new Promise<string>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve('too late');
          });
        }),
    );
    const answer = await call(lk, 'PerformRpc', '{"room":"r","destination_identity":"agent","method":"m"}', {
      room: 'r',
      headers: { 'X-Twirp-Timeout-Ms': '30' },
    });
    expect(answer.status).toBe(408);
    expect(answer.json()['code']).toBe('deadline_exceeded');
    expect(aborted).toBe(true);
  });

  it('destroys the connection without an answer', async () => {
    lk.failNext({ disconnect: true });
    await expect(call(lk, 'ListRooms', '{}')).rejects.toThrow(TypeError);
    expect((await call(lk, 'ListRooms', '{}')).status).toBe(200);
  });

  it('refuses a fault that is not exactly one kind, or a bad count', () => {
    expect(() => lk.failNext({} as never)).toThrow(TypeError);
    expect(() => lk.failNext({ hang: true, disconnect: true } as never)).toThrow(TypeError);
    expect(() => lk.failNext({ hang: true, times: 0 })).toThrow(RangeError);
    expect(() => lk.failNext({ http: { status: 42 } })).toThrow(RangeError);
  });

  it('is cleared by reset', async () => {
    lk.failNext({ twirp: { code: 'internal' }, times: 5 });
    lk.reset();
    expect(lk.pendingFaults).toBe(0);
    expect((await call(lk, 'ListRooms', '{}')).status).toBe(200);
  });
});

describe('requests log', () => {
  it('records method, headers, encoding, body, decoded message and claims', async () => {
    await call(lk, 'CreateRoom', '{"name":"r"}', { headers: { 'X-Custom': 'yes' } });
    const [recorded] = lk.requestsFor('CreateRoom');
    expect(recorded).toMatchObject({
      service: 'RoomService',
      method: 'CreateRoom',
      httpMethod: 'POST',
      path: '/twirp/livekit.RoomService/CreateRoom',
      contentType: 'application/json',
      encoding: 'json',
      status: 200,
    });
    expect(recorded?.headers['x-custom']).toBe('yes');
    expect(new TextDecoder().decode(recorded?.body)).toBe('{"name":"r"}');
    expect(recorded?.message?.name).toBe('r');
    expect(recorded?.claims?.iss).toBe(lk.apiKey);
  });

  it('hands out copies: changing them does not change the server', async () => {
    lk.seed.room('r');
    await call(lk, 'ListRooms', '{}');
    const room = lk.room('r')!;
    room.metadata = 'changed';
    expect(lk.room('r')?.metadata).toBe('');
    (lk.requests as unknown[]).length = 0;
    expect(lk.requests).toHaveLength(1);
  });
});

describe('lifecycle', () => {
  it('close() drops hanging calls and open connections, and can be called twice', async () => {
    const server = await startTestServer();
    server.failNext({ hang: true });
    const pending = call(server, 'ListRooms', '{}');
    await waitFor(() => server.requests.length === 1);
    await server.close();
    await server.close();
    await expect(pending).rejects.toThrow();
    await expect(call(server, 'ListRooms', '{}')).rejects.toThrow();
  });

  it('reset() forgets rooms, requests and data but keeps the URL and keys', async () => {
    lk.seed.participant('r', { identity: 'alice' });
    await call(lk, 'SendData', '{"room":"r","data":"AQ=="}', { room: 'r' });
    const { url, apiKey } = lk;
    lk.reset();
    expect([lk.rooms(), lk.requests, lk.sentData(), lk.events()]).toEqual([[], [], [], []]);
    expect([lk.url, lk.apiKey]).toEqual([url, apiKey]);
    expect((await call(lk, 'ListRooms', '{}')).status).toBe(200);
  });

  it('serves many calls in flight at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 32 }, (_, i) => call(lk, 'CreateRoom', `{"name":"room-${i}"}`)),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(new Set(lk.rooms().map((r) => r.sid)).size).toBe(32);
  });

  it('token() signs for any of its keys and refuses others', async () => {
    const multi = await startTestServer({ keys: { k1: 'secret-one-0123456789abcdef', k2: 'secret-two-0123456789abcdef' } });
    try {
      const token = multi.token({ video: { roomList: true } }, { apiKey: 'k2', ttlSeconds: 30 });
      expect((await call(multi, 'ListRooms', '{}', { token })).status).toBe(200);
      expect(multi.requests[0]?.claims).toMatchObject({ iss: 'k2' });
      expect(multi.requests[0]!.claims!.exp - multi.requests[0]!.claims!.nbf!).toBe(30);
      expect(() => multi.token({}, { apiKey: 'k3' })).toThrow(RangeError);
    } finally {
      await multi.close();
    }
  });

  it('answers a health check on GET / like a server behind a load balancer expects', async () => {
    const answer = await rawGet(`${lk.url}/`);
    expect(answer.status).toBe(200);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('condition never became true');
}

function rawGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
