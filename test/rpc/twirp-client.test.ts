import * as http from 'node:http';
import * as https from 'node:https';
import { inspect } from 'node:util';
import { DeleteRoomResponse, ListParticipantsResponse, ListRoomsRequest, ListRoomsResponse, Room } from '@livekit/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveKitError } from '../../src/errors.js';
import {
  ConnectionError,
  RequestAbortedError,
  RequestTimeoutError,
  ServerError,
  TwirpError,
} from '../../src/rpc/errors.js';
import { nodeHttpTransport } from '../../src/rpc/http-node.js';
import { fetchTransport } from '../../src/rpc/http-fetch.js';
import type { HttpTransport } from '../../src/rpc/http.js';
import { parseServerUrl, rpcMethod, TwirpClient } from '../../src/rpc/twirp-client.js';
import type { TwirpClientHooks } from '../../src/rpc/twirp-client.js';
import type { ClientOptions } from '../../src/rpc/options.js';
import { startLocalServer, tokenClaims, twirpError, unusedPort } from './local-server.js';
import type { LocalServer } from './local-server.js';

const KEY = 'APIkey123';
const SECRET = 'a-secret-long-enough-for-hs256-signing-0123';
const LIST = rpcMethod('RoomService', 'ListRooms', ListRoomsResponse, { idempotent: true });
const DELETE = rpcMethod('RoomService', 'DeleteRoom', DeleteRoomResponse, { idempotent: false });
const GRANTS = { video: { roomList: true } };
const TWO_ROOMS = new ListRoomsResponse({ rooms: [new Room({ name: 'a' }), new Room({ name: 'b' })] });
const protobufOk = () => ({ status: 200, headers: { 'content-type': 'application/protobuf' }, body: TWO_ROOMS.toBinary() });

const transports: Array<[string, () => HttpTransport]> = [
  ['node:http', () => nodeHttpTransport({ http, https: () => https })],
  ['fetch', () => fetchTransport((url, init) => fetch(url, init))],
];

describe.each(transports)('TwirpClient over %s', (_name, makeTransport) => {
  let server: LocalServer;
  let delays: number[];

  beforeEach(async () => {
    server = await startLocalServer(protobufOk);
    delays = [];
  });
  afterEach(() => server.close());

  function client(options: ClientOptions = {}, hooks: TwirpClientHooks = {}, host = server.url) {
    return new TwirpClient('TestClient', host, KEY, SECRET, options, {
      transport: makeTransport(),
      sleep: async (ms) => {
        delays.push(ms);
      },
      random: () => 1,
      ...hooks,
    });
  }

  describe('requests', () => {
    it('POSTs protobuf to /twirp/livekit.{Service}/{Method} with a bearer token and the deadline header', async () => {
      const rooms = await client().call(LIST, new ListRoomsRequest({ names: ['a'] }), GRANTS);
      expect(rooms.rooms.map((r) => r.name)).toEqual(['a', 'b']);
      const [request] = server.requests;
      expect(request?.method).toBe('POST');
      expect(request?.url).toBe('/twirp/livekit.RoomService/ListRooms');
      expect(request?.headers['content-type']).toBe('application/protobuf');
      expect(request?.headers['x-twirp-timeout-ms']).toBe('10000');
      expect(request?.headers['x-livekit-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(ListRoomsRequest.fromBinary(request!.body).names).toEqual(['a']);
      expect(tokenClaims(request!)).toMatchObject({ iss: KEY, video: { roomList: true } });
    });

    it('sends JSON with the json encoding, and {} for an empty message', async () => {
      server.handle(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"rooms":[]}' }));
      const c = client({ encoding: 'json' });
      await c.call(LIST, new ListRoomsRequest({ names: ['x'] }), GRANTS);
      await c.call(LIST, new ListRoomsRequest(), GRANTS);
      expect(server.requests[0]?.headers['content-type']).toBe('application/json');
      expect(server.requests[0]?.body.toString()).toBe('{"names":["x"]}');
      expect(server.requests[1]?.body.toString()).toBe('{}');
    });

    it('keeps a path prefix of the host and maps ws:// to http://', async () => {
      await client({}, {}, `${server.url.replace('http:', 'ws:')}/livekit/`).call(LIST, new ListRoomsRequest(), GRANTS);
      expect(server.requests[0]?.url).toBe('/livekit/twirp/livekit.RoomService/ListRooms');
    });

    it('adds client and per-call headers but keeps its own content type and deadline', async () => {
      await client({ headers: { 'X-Team': 'a', 'X-Shared': 'client' } }).call(LIST, new ListRoomsRequest(), GRANTS, {
        headers: { 'X-Shared': 'call', 'Content-Type': 'text/plain', 'x-twirp-timeout-ms': '1' },
        timeoutMs: 2500,
      });
      const headers = server.requests[0]?.headers;
      expect(headers?.['x-team']).toBe('a');
      expect(headers?.['x-shared']).toBe('call');
      expect(headers?.['content-type']).toBe('application/protobuf');
      expect(headers?.['x-twirp-timeout-ms']).toBe('2500');
    });

    it('sends a pre-signed token verbatim', async () => {
      await new TwirpClient('TestClient', server.url, undefined, undefined, { token: 'pre.signed.jwt' }, {
        transport: makeTransport(),
      }).call(LIST, new ListRoomsRequest(), GRANTS);
      expect(server.requests[0]?.headers['authorization']).toBe('Bearer pre.signed.jwt');
    });
  });

  describe('answers', () => {
    it('decodes the snake_case JSON a server writes, with every default and int64 as strings', async () => {
      const body = JSON.stringify({
        rooms: [
          {
            sid: 'RM_1', name: 'a', empty_timeout: 300, departure_timeout: 20, max_participants: 0,
            creation_time: '1700000000', creation_time_ms: '1700000000123', turn_password: '',
            enabled_codecs: [{ mime: 'audio/opus', fmtp_line: '' }], metadata: '', num_participants: 2,
            num_publishers: 1, active_recording: false, version: { unix_micro: '5', ticks: 1 }, some_future_field: 1,
          },
        ],
      });
      server.handle(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body }));
      const [room] = (await client({ encoding: 'json' }).call(LIST, new ListRoomsRequest(), GRANTS)).rooms;
      expect(room?.emptyTimeout).toBe(300);
      expect(room?.creationTime).toBe(1700000000n);
      expect(room?.creationTimeMs).toBe(1700000000123n);
      expect(room?.numParticipants).toBe(2);
      expect(room?.enabledCodecs[0]?.mime).toBe('audio/opus');
    });

    it('reads answers from a newer server: unknown fields and enum names are ignored', async () => {
      const PARTICIPANTS = rpcMethod('RoomService', 'ListParticipants', ListParticipantsResponse, { idempotent: true });
      server.handle(() => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: '{"participants":[{"identity":"a","state":"SOME_NEW_STATE","brand_new_field":{"x":1}}]}',
      }));
      const response = await client({ encoding: 'json' }).call(PARTICIPANTS, new ListRoomsRequest(), GRANTS);
      expect(response.participants[0]?.identity).toBe('a');
    });

    it('decodes by the answer content type, whatever encoding it sent', async () => {
      server.handle(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"rooms":[{"name":"j"}]}' }));
      expect((await client().call(LIST, new ListRoomsRequest(), GRANTS)).rooms[0]?.name).toBe('j');
      server.handle(protobufOk);
      expect((await client({ encoding: 'json' }).call(LIST, new ListRoomsRequest(), GRANTS)).rooms).toHaveLength(2);
    });

    it('reads an empty 200 as the empty message', async () => {
      server.handle(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '' }));
      await expect(client().call(DELETE, new ListRoomsRequest(), GRANTS)).resolves.toBeInstanceOf(DeleteRoomResponse);
    });

    it('fails with a ServerError when a 200 body does not decode', async () => {
      server.handle(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '<html>' }));
      const err = await client().call(LIST, new ListRoomsRequest(), GRANTS).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServerError);
      expect(err).toMatchObject({ code: 'internal', status: 200 });
      expect((err as ServerError).msg).toContain('livekit.ListRoomsResponse');
    });
  });

  describe('errors', () => {
    it('turns a Twirp error into a ServerError with status, code, msg, meta and the method', async () => {
      server.handle(() => twirpError(404, 'not_found', 'requested room does not exist', { argument: 'room' }));
      const err = (await client().call(LIST, new ListRoomsRequest(), GRANTS).catch((e: unknown) => e)) as ServerError;
      expect(err).toBeInstanceOf(ServerError);
      expect(err).toBeInstanceOf(TwirpError);
      expect(err).toBeInstanceOf(LiveKitError);
      expect(err.name).toBe('ServerError');
      expect(err).toMatchObject({
        status: 404,
        code: 'not_found',
        msg: 'requested room does not exist',
        meta: { argument: 'room' },
        metadata: { argument: 'room' },
        service: 'RoomService',
        method: 'ListRooms',
      });
      expect(err.requestId).toBe(server.requests[0]?.headers['x-livekit-request-id']);
      expect(err.message).toBe('RoomService.ListRooms failed: not_found (HTTP 404): requested room does not exist');
    });

    it('turns a plain-text 401 into code unauthenticated', async () => {
      server.handle(() => ({
        status: 401,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: 'invalid authorization token: token has invalid claims: token is expired',
      }));
      const err = await client().call(LIST, new ListRoomsRequest(), GRANTS).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 401, code: 'unauthenticated' });
      expect(server.requests).toHaveLength(1);
    });

    it('turns an HTML 502 into a ServerError with the status and an excerpt, after retrying', async () => {
      server.handle(() => ({ status: 502, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' }));
      const err = await client().call(LIST, new ListRoomsRequest(), GRANTS).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServerError);
      expect(err).toMatchObject({ status: 502, code: 'unavailable', msg: '502 Bad Gateway' });
      expect((err as Error).message).toContain('after 3 attempts');
      expect(server.requests).toHaveLength(3);
    });

    it('does not follow a redirect: it reports it with its Location', async () => {
      server.handle(() => ({ status: 302, headers: { location: 'https://elsewhere.example.com/twirp' } }));
      const err = await client().call(LIST, new ListRoomsRequest(), GRANTS).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServerError);
      expect(err).toMatchObject({ status: 302, code: 'internal', meta: { location: 'https://elsewhere.example.com/twirp' } });
      expect(server.requests).toHaveLength(1);
    });

    it('never puts the token or secret in an error or in the inspected client', async () => {
      server.handle(() => ({ status: 401, headers: { 'content-type': 'text/plain' }, body: `bad token ${'x'}` }));
      const c = client();
      const err = await c.call(LIST, new ListRoomsRequest(), GRANTS).catch((e: unknown) => e);
      const token = String(server.requests[0]?.headers['authorization']).slice(7);
      const dump = inspect(err, { depth: 10, showHidden: true }) + inspect(c, { depth: 10, showHidden: true });
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(SECRET);
    });
  });

  describe('retries', () => {
    it('retries 503 for a call safe to repeat and returns the later success', async () => {
      server.handle((_req, index) => (index < 2 ? twirpError(503, 'unavailable', 'try later') : protobufOk()));
      const result = await client().call(LIST, new ListRoomsRequest(), GRANTS);
      expect(result.rooms).toHaveLength(2);
      expect(server.requests).toHaveLength(3);
      expect(delays).toEqual([200, 400]);
    });

    it('sends the same request id on every attempt', async () => {
      server.handle((_req, index) => (index < 1 ? { status: 504 } : protobufOk()));
      await client().call(LIST, new ListRoomsRequest(), GRANTS);
      expect(server.requests[0]?.headers['x-livekit-request-id']).toBe(server.requests[1]?.headers['x-livekit-request-id']);
    });

    it('gives up after the configured retries', async () => {
      server.handle(() => ({ status: 503 }));
      await expect(client({ retries: 1 }).call(LIST, new ListRoomsRequest(), GRANTS)).rejects.toBeInstanceOf(ServerError);
      expect(server.requests).toHaveLength(2);
      server.requests.length = 0;
      await expect(client().call(LIST, new ListRoomsRequest(), GRANTS, { retries: 0 })).rejects.toBeInstanceOf(ServerError);
      expect(server.requests).toHaveLength(1);
    });

    it.each([400, 401, 403, 404, 409, 412, 429, 500, 501])('never retries HTTP %i', async (status) => {
      server.handle(() => twirpError(status, 'whatever', 'no'));
      await expect(client().call(LIST, new ListRoomsRequest(), GRANTS)).rejects.toMatchObject({ status });
      expect(server.requests).toHaveLength(1);
    });

    it('waits as long as Retry-After asks when that is longer than the back-off', async () => {
      server.handle((_req, index) => (index === 0 ? { status: 503, headers: { 'retry-after': '3' } } : protobufOk()));
      await client().call(LIST, new ListRoomsRequest(), GRANTS);
      expect(delays).toEqual([3000]);
    });

    it('does not wait for a Retry-After beyond a minute: it returns the error', async () => {
      server.handle(() => ({ status: 503, headers: { 'retry-after': '3600' } }));
      await expect(client().call(LIST, new ListRoomsRequest(), GRANTS)).rejects.toMatchObject({ status: 503 });
      expect(server.requests).toHaveLength(1);
    });

    it('does not retry a 503 for a call that is not safe to repeat', async () => {
      server.handle(() => ({ status: 503 }));
      await expect(client().call(DELETE, new ListRoomsRequest(), GRANTS)).rejects.toMatchObject({ status: 503 });
      expect(server.requests).toHaveLength(1);
    });

    it('does not retry a closed connection for a call that is not safe to repeat', async () => {
      server.handle(() => 'destroy');
      const err = await client().call(DELETE, new ListRoomsRequest(), GRANTS).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect(err).toMatchObject({ code: 'connection_failed', mayHaveReachedServer: true, method: 'DeleteRoom' });
      expect((err as Error).cause).toBeDefined();
      expect(server.requests).toHaveLength(1);
    });

    it('retries a closed connection for a call safe to repeat', async () => {
      server.handle((_req, index) => (index === 0 ? 'destroy' : protobufOk()));
      await expect(client().call(LIST, new ListRoomsRequest(), GRANTS)).resolves.toBeInstanceOf(ListRoomsResponse);
      expect(server.requests).toHaveLength(2);
    });

    it('retries a refused connection even for a call that is not safe to repeat', async () => {
      const port = await unusedPort();
      let late: LocalServer | undefined;
      // The server comes up while the client waits to retry.
      const c = client({}, { sleep: async () => void (late ??= await startLocalServer(protobufOk, port)) }, `http://127.0.0.1:${port}`);
      try {
        await expect(c.call(DELETE, new ListRoomsRequest(), GRANTS)).resolves.toBeInstanceOf(DeleteRoomResponse);
        expect(late?.requests).toHaveLength(1);
      } finally {
        await late?.close();
      }
    });

    it('reports a refused connection as a ConnectionError that never reached the server', async () => {
      const port = await unusedPort();
      const err = await client({}, {}, `http://127.0.0.1:${port}`).call(DELETE, new ListRoomsRequest(), GRANTS).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect(err).toMatchObject({ mayHaveReachedServer: false });
      expect((err as Error).message).toContain('ECONNREFUSED');
      expect((err as Error).message).toContain('after 3 attempts');
      expect(delays).toHaveLength(2);
    });
  });

  describe('timeouts and aborts', () => {
    it('times out an attempt after timeoutMs and retries a call safe to repeat', async () => {
      server.handle((_req, index) => (index === 0 ? 'hang' : protobufOk()));
      const result = await client().call(LIST, new ListRoomsRequest(), GRANTS, { timeoutMs: 50 });
      expect(result.rooms).toHaveLength(2);
      expect(server.requests[0]?.headers['x-twirp-timeout-ms']).toBe('50');
    });

    it('fails with RequestTimeoutError when every attempt times out', async () => {
      server.handle(() => 'hang');
      const err = await client({ retries: 0 }).call(LIST, new ListRoomsRequest(), GRANTS, { timeoutMs: 30 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RequestTimeoutError);
      expect(err).toMatchObject({ code: 'request_timeout', timeoutMs: 30, service: 'RoomService', method: 'ListRooms' });
    });

    it('does not retry a timed-out call that is not safe to repeat', async () => {
      server.handle(() => 'hang');
      await expect(client().call(DELETE, new ListRoomsRequest(), GRANTS, { timeoutMs: 30 })).rejects.toBeInstanceOf(
        RequestTimeoutError,
      );
      expect(server.requests).toHaveLength(1);
    });

    it('fails with RequestAbortedError, carrying the reason, when the caller aborts mid-request', async () => {
      server.handle(() => 'hang');
      const controller = new AbortController();
      const pending = client().call(LIST, new ListRoomsRequest(), GRANTS, { signal: controller.signal });
      await expect.poll(() => server.requests.length).toBe(1);
      const reason = new Error('user navigated away');
      controller.abort(reason);
      const err = await pending.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RequestAbortedError);
      expect(err).toMatchObject({ code: 'request_aborted', cause: reason });
      expect(server.requests).toHaveLength(1);
    });

    it('sends nothing when the signal already fired', async () => {
      await expect(
        client().call(LIST, new ListRoomsRequest(), GRANTS, { signal: AbortSignal.abort() }),
      ).rejects.toBeInstanceOf(RequestAbortedError);
      expect(server.requests).toHaveLength(0);
    });

    it('stops waiting for a retry when the caller aborts', async () => {
      server.handle(() => ({ status: 503 }));
      const controller = new AbortController();
      const c = client({}, {
        sleep: (_ms, signal) =>
          new Promise((_resolve, reject) => {
            controller.abort(new Error('enough'));
            reject(signal?.reason);
          }),
      });
      const err = await c.call(LIST, new ListRoomsRequest(), GRANTS, { signal: controller.signal }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RequestAbortedError);
      expect(server.requests).toHaveLength(1);
    });
  });
});

describe('TwirpClient options', () => {
  it('rejects invalid options with TypeError or RangeError before any request', () => {
    const make = (options: unknown, host: unknown = 'http://127.0.0.1:1') =>
      () => new TwirpClient('RoomServiceClient', host, KEY, SECRET, options as ClientOptions);
    expect(make({ timeoutMs: 0 })).toThrow(RangeError);
    expect(make({ timeoutMs: Number.NaN })).toThrow(RangeError);
    expect(make({ retries: -1 })).toThrow(RangeError);
    expect(make({ retries: 1.5 })).toThrow(RangeError);
    expect(make({ retries: '2' })).toThrow(TypeError);
    expect(make({ timeoutMs: '5000' })).toThrow(TypeError);
    expect(make({ requestTimeout: '5' })).toThrow(TypeError);
    expect(make({ failover: 'yes' })).toThrow(TypeError);
    expect(make({ encoding: 'xml' })).toThrow(TypeError);
    expect(make({ fetch: 'nope' })).toThrow(TypeError);
    expect(make({ headers: { a: 1 } })).toThrow(TypeError);
    expect(make({ token: '' })).toThrow(TypeError);
    expect(make({}, '')).toThrow(/server URL/);
    expect(make({}, 'localhost:7880')).toThrow(TypeError);
    expect(make({}, 'ftp://example.com')).toThrow(/http:\/\//);
    expect(make({}, 'https://user:pw@example.com')).toThrow(/credentials/);
    expect(make(5)).toThrow(TypeError);
  });

  it('accepts the peer\'s requestTimeout in seconds', async () => {
    const server = await startLocalServer(protobufOk);
    try {
      const c = new TwirpClient('T', server.url, KEY, SECRET, { requestTimeout: 3 }, { transport: nodeHttpTransport({ http, https: () => https }) });
      await c.call(LIST, new ListRoomsRequest(), GRANTS);
      expect(server.requests[0]?.headers['x-twirp-timeout-ms']).toBe('3000');
      // 0 was "no timeout" to the peer: the longest a timer can wait.
      const unbounded = new TwirpClient('T', server.url, KEY, SECRET, { requestTimeout: 0 }, { transport: nodeHttpTransport({ http, https: () => https }) });
      await unbounded.call(LIST, new ListRoomsRequest(), GRANTS);
      expect(server.requests[1]?.headers['x-twirp-timeout-ms']).toBe('2147483647');
    } finally {
      await server.close();
    }
  });

  it('rejects invalid per-call options before any request', async () => {
    const server = await startLocalServer(protobufOk);
    try {
      const c = new TwirpClient('T', server.url, KEY, SECRET, {}, { transport: nodeHttpTransport({ http, https: () => https }) });
      await expect(c.call(LIST, new ListRoomsRequest(), GRANTS, { timeoutMs: -5 })).rejects.toThrow(RangeError);
      await expect(c.call(LIST, new ListRoomsRequest(), GRANTS, { retries: 99 })).rejects.toThrow(RangeError);
      await expect(
        c.call(LIST, new ListRoomsRequest(), GRANTS, { signal: {} as AbortSignal }),
      ).rejects.toThrow(TypeError);
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it('needs credentials unless a token is given, and names the variables to set', () => {
    const saved = { key: process.env['LIVEKIT_API_KEY'], secret: process.env['LIVEKIT_API_SECRET'] };
    delete process.env['LIVEKIT_API_KEY'];
    delete process.env['LIVEKIT_API_SECRET'];
    try {
      expect(() => new TwirpClient('RoomServiceClient', 'http://h', undefined, undefined, {})).toThrow(/LIVEKIT_API_KEY/);
      expect(() => new TwirpClient('RoomServiceClient', 'http://h', undefined, undefined, { token: 't' })).not.toThrow();
      process.env['LIVEKIT_API_KEY'] = 'env-key';
      process.env['LIVEKIT_API_SECRET'] = 'env-secret';
      expect(() => new TwirpClient('RoomServiceClient', 'http://h', undefined, undefined, {})).not.toThrow();
    } finally {
      if (saved.key === undefined) delete process.env['LIVEKIT_API_KEY'];
      else process.env['LIVEKIT_API_KEY'] = saved.key;
      if (saved.secret === undefined) delete process.env['LIVEKIT_API_SECRET'];
      else process.env['LIVEKIT_API_SECRET'] = saved.secret;
    }
  });

  it('uses node:http by default on Node (no fetch-only headers reach the server)', async () => {
    const server = await startLocalServer(protobufOk);
    try {
      await new TwirpClient('T', server.url, KEY, SECRET, {}).call(LIST, new ListRoomsRequest(), GRANTS);
      await new TwirpClient('T', server.url, KEY, SECRET, { fetch: (u, i) => fetch(u, i) }).call(LIST, new ListRoomsRequest(), GRANTS);
      expect(server.requests[0]?.headers['sec-fetch-mode']).toBeUndefined();
      expect(server.requests[1]?.headers['sec-fetch-mode']).toBe('cors');
    } finally {
      await server.close();
    }
  });
});

describe('parseServerUrl', () => {
  it.each([
    ['https://p.livekit.cloud', 'https://p.livekit.cloud'],
    ['wss://p.livekit.cloud/', 'https://p.livekit.cloud'],
    ['ws://localhost:7880', 'http://localhost:7880'],
    ['https://proxy.example.com/livekit/', 'https://proxy.example.com/livekit'],
    ['http://LOCALHOST:80/a/b', 'http://localhost/a/b'],
  ])('maps %s to %s', (input, base) => {
    expect(parseServerUrl(input, 'T').base).toBe(base);
  });
});
