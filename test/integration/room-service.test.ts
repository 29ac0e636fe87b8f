// RoomServiceClient against the project's LiveKit test server over real loopback HTTP, in
// both encodings: every method, and every way a call can fail (Twirp errors, both kinds of
// 401, a proxy's HTML 502, 413, timeouts, aborts, retries after 503s, dropped connections).
import { DataPacket_Kind, ParticipantInfo, Room, TrackInfo, TrackSource } from '@livekit/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionError,
  RequestAbortedError,
  RequestTimeoutError,
  ServerError,
} from '../../src/rpc/errors.js';
import type { FetchLike } from '../../src/rpc/http-fetch.js';
import type { ClientOptions } from '../../src/rpc/options.js';
import { RoomServiceClient } from '../../src/services/room-service.js';
import { startTestServer } from '../../src/testing/index.js';
import type { TestServer } from '../../src/testing/index.js';

let lk: TestServer;
beforeAll(async () => {
  lk = await startTestServer();
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(outcome instanceof Error)) throw new Error('expected the call to fail');
  return outcome;
}

// Both encodings over the default transport (node:http on Node), and protobuf over fetch.
const viaFetch: FetchLike = (url, init) => fetch(url, init);
const CONFIGS = [
  ['protobuf', 'node:http', undefined],
  ['json', 'node:http', undefined],
  ['protobuf', 'fetch', viaFetch],
] as const;

describe.each(CONFIGS)('RoomServiceClient against the test server (%s over %s)', (encoding, _transport, fetchImpl) => {
  const client = (options: ClientOptions = {}) =>
    new RoomServiceClient(lk.url, lk.apiKey, lk.apiSecret, { encoding, fetch: fetchImpl, ...options });

  describe('every method', () => {
    it('createRoom creates the room with its options, in the encoding chosen', async () => {
      const room = await client().createRoom({ name: 'standup', emptyTimeout: 120, maxParticipants: 5, metadata: 'm' });
      expect(room).toBeInstanceOf(Room);
      expect(room).toMatchObject({ name: 'standup', emptyTimeout: 120, maxParticipants: 5, metadata: 'm' });
      expect(room.sid).toMatch(/^RM_/);
      expect(lk.room('standup')?.sid).toBe(room.sid);
      const [request] = lk.requestsFor('CreateRoom');
      expect(request?.encoding).toBe(encoding);
      expect(request?.claims?.video).toEqual({ roomCreate: true });
      expect(request?.timeoutMs).toBe(10_000);
    });

    it('listRooms lists all rooms or the named ones', async () => {
      lk.seed.room('a');
      lk.seed.room('b');
      lk.seed.room('c');
      expect((await client().listRooms()).map((r) => r.name).sort()).toEqual(['a', 'b', 'c']);
      expect((await client().listRooms(['b', 'zz'])).map((r) => r.name)).toEqual(['b']);
    });

    it('updateRoomMetadata changes the metadata', async () => {
      lk.seed.room('standup');
      const room = await client().updateRoomMetadata('standup', '{"topic":"retro"}');
      expect(room.metadata).toBe('{"topic":"retro"}');
      expect(lk.room('standup')?.metadata).toBe('{"topic":"retro"}');
    });

    it('deleteRoom deletes the room, and a missing room is not_found', async () => {
      lk.seed.room('standup');
      await client().deleteRoom('standup');
      expect(lk.room('standup')).toBeUndefined();
      const err = await failure(client().deleteRoom('standup'));
      expect(err).toBeInstanceOf(ServerError);
      expect(err).toMatchObject({ code: 'not_found', status: 404, msg: 'requested room does not exist', method: 'DeleteRoom' });
    });

    it('listParticipants and getParticipant return the participants with their tracks', async () => {
      lk.seed.participant('standup', { identity: 'alice', tracks: [{ source: 'microphone' }, { source: 'camera' }] });
      lk.seed.participant('standup', { identity: 'bob' });
      const list = await client().listParticipants('standup');
      expect(list.map((p) => p.identity).sort()).toEqual(['alice', 'bob']);
      const alice = await client().getParticipant('standup', 'alice');
      expect(alice).toBeInstanceOf(ParticipantInfo);
      expect(alice.tracks.map((t) => t.source).sort()).toEqual([TrackSource.CAMERA, TrackSource.MICROPHONE]);
      await expect(client().getParticipant('standup', 'carol')).rejects.toMatchObject({ code: 'not_found' });
    });

    it('removeParticipant disconnects, and a second removal is not_found', async () => {
      lk.seed.participant('standup', { identity: 'bob' });
      await client().removeParticipant('standup', 'bob');
      expect(lk.participant('standup', 'bob')).toBeUndefined();
      await expect(client().removeParticipant('standup', 'bob')).rejects.toMatchObject({
        code: 'not_found',
        msg: 'participant does not exist',
      });
    });

    it('mutePublishedTrack mutes, and unmuting is refused without remote unmute', async () => {
      const bob = lk.seed.participant('standup', { identity: 'bob', tracks: [{ source: 'microphone' }] });
      const sid = bob.tracks[0]!.sid;
      const track = await client().mutePublishedTrack('standup', 'bob', sid, true);
      expect(track).toBeInstanceOf(TrackInfo);
      expect(track).toMatchObject({ sid, muted: true });
      await expect(client().mutePublishedTrack('standup', 'bob', sid, false)).rejects.toMatchObject({
        code: 'failed_precondition',
        status: 412,
      });
    });

    it('updateParticipant applies metadata, attributes, name and permission, in both forms', async () => {
      lk.seed.participant('standup', { identity: 'alice' });
      const updated = await client().updateParticipant('standup', 'alice', {
        metadata: 'm1',
        attributes: { role: 'host' },
        name: 'Alice',
        permission: { canPublish: false, canSubscribe: true },
      });
      expect(updated).toMatchObject({ metadata: 'm1', name: 'Alice', attributes: { role: 'host' } });
      expect(lk.participant('standup', 'alice')?.permission?.canPublish).toBe(false);
      await client().updateParticipant('standup', 'alice', 'm2', { canPublish: true, canSubscribe: true }, 'Al');
      expect(lk.participant('standup', 'alice')).toMatchObject({ metadata: 'm2', name: 'Al' });
      expect(lk.participant('standup', 'alice')?.permission?.canPublish).toBe(true);
    });

    it('updateSubscriptions is accepted with track sids and per-participant lists', async () => {
      const bob = lk.seed.participant('standup', { identity: 'bob', tracks: [{ source: 'camera' }] });
      lk.seed.participant('standup', { identity: 'alice' });
      await client().updateSubscriptions('standup', 'alice', [bob.tracks[0]!.sid], true, [
        { participantSid: bob.sid, trackSids: [bob.tracks[0]!.sid] },
      ]);
      const [request] = lk.requestsFor('UpdateSubscriptions');
      expect(request?.message?.participantTracks[0]?.participantSid).toBe(bob.sid);
    });

    it('sendData delivers the payload with a 16-byte nonce, destinations and topic', async () => {
      lk.seed.participant('standup', { identity: 'alice' });
      await client().sendData('standup', new TextEncoder().encode('hi'), DataPacket_Kind.RELIABLE, {
        destinationIdentities: ['alice'],
        topic: 'chat',
      });
      const [sent] = lk.sentData('standup');
      expect(new TextDecoder().decode(sent?.data)).toBe('hi');
      expect(sent).toMatchObject({ kind: DataPacket_Kind.RELIABLE, destinationIdentities: ['alice'], topic: 'chat' });
      expect(sent?.nonce).toHaveLength(16);
    });

    it('moveParticipant and forwardParticipant act on the destination room', async () => {
      lk.seed.participant('lobby', { identity: 'alice' });
      lk.seed.room('standup');
      await client().moveParticipant('lobby', 'alice', 'standup');
      expect(lk.participant('standup', 'alice')).toBeDefined();
      expect(lk.participant('lobby', 'alice')).toBeUndefined();
      lk.seed.room('overflow');
      await client().forwardParticipant('standup', 'alice', 'overflow');
      expect(lk.participant('overflow', 'alice')).toBeDefined();
      const [request] = lk.requestsFor('ForwardParticipant');
      expect(request?.claims?.video).toEqual({ roomAdmin: true, room: 'standup', destinationRoom: 'overflow' });
    });

    it('performRpc returns the participant handler answer, and its failure as a ServerError', async () => {
      lk.seed.participant('standup', { identity: 'agent' });
      lk.handlePerformRpc((request) => `${request.method}:${request.payload.toUpperCase()}`);
      const answer = await client().performRpc({ room: 'standup', destinationIdentity: 'agent', method: 'shout', payload: 'hi' });
      expect(answer).toBe('shout:HI');
      lk.handlePerformRpc(() => {
        throw new Error('handler broke');
      });
      const err = await failure(client().performRpc({ room: 'standup', destinationIdentity: 'agent', method: 'm', payload: '' }));
      expect(err).toBeInstanceOf(ServerError);
      expect(lk.requestsFor('PerformRpc')).toHaveLength(2);
    });
  });

  describe('server errors', () => {
    it('reports a server-side check as invalid_argument', async () => {
      const err = await failure(client().createRoom({ name: 'x'.repeat(257) }));
      expect(err).toMatchObject({ code: 'invalid_argument', status: 400, service: 'RoomService', method: 'CreateRoom' });
    });

    it('reports a token without the grant as the Twirp JSON unauthenticated', async () => {
      const token = lk.token({ video: { roomList: true } });
      const err = await failure(new RoomServiceClient(lk.url, undefined, undefined, { token, encoding, fetch: fetchImpl }).createRoom({ name: 'a' }));
      expect(err).toBeInstanceOf(ServerError);
      expect(err).toMatchObject({ code: 'unauthenticated', status: 401, msg: 'permissions denied' });
      expect(lk.rooms()).toHaveLength(0);
    });

    it('reports a bad signature (plain-text 401) as unauthenticated, without the token or secret in it', async () => {
      const wrongSecret = 'not-the-right-secret-but-long-enough-0123456789';
      const err = await failure(new RoomServiceClient(lk.url, lk.apiKey, wrongSecret, { encoding, fetch: fetchImpl }).listRooms());
      expect(err).toBeInstanceOf(ServerError);
      expect(err).toMatchObject({ code: 'unauthenticated', status: 401 });
      expect((err as ServerError).meta['http_error_from_intermediary']).toBe('true');
      expect((err as ServerError).msg).toContain('invalid authorization token');
      const sent = String(lk.requests[0]?.headers['authorization']).slice('Bearer '.length);
      expect(JSON.stringify({ ...err, message: err.message })).not.toContain(sent);
      expect(err.message).not.toContain(wrongSecret);
      expect(lk.requests).toHaveLength(1);
    });

    it('reports an expired pre-signed token as unauthenticated', async () => {
      const token = lk.token({ video: { roomList: true } }, { ttlSeconds: -3600 });
      const err = await failure(new RoomServiceClient(lk.url, undefined, undefined, { token, encoding, fetch: fetchImpl }).listRooms());
      expect(err).toMatchObject({ code: 'unauthenticated', status: 401 });
      expect((err as ServerError).msg).toContain('expired');
    });

    it('reports an injected Twirp error with its meta and does not retry it', async () => {
      lk.failNext({ method: 'ListRooms', twirp: { code: 'resource_exhausted', msg: 'quota', meta: { limit: '10' } } });
      const err = await failure(client().listRooms());
      expect(err).toMatchObject({ code: 'resource_exhausted', status: 429, msg: 'quota', meta: { limit: '10' } });
      expect(lk.requests).toHaveLength(1);
    });

    it('reports a proxy HTML 502 with the status and a short excerpt once retries run out', async () => {
      const page = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>';
      lk.failNext({ http: { status: 502, body: page, contentType: 'text/html' }, times: 3 });
      const err = await failure(client().listRooms());
      expect(err).toBeInstanceOf(ServerError);
      expect(err).toMatchObject({ status: 502, code: 'unavailable', msg: '502 Bad Gateway 502 Bad Gateway nginx' });
      expect(lk.requests).toHaveLength(3);
    });

    it('reports a body over the server limit as a 413', async () => {
      const small = await startTestServer({ limits: { maxBodyBytes: 1024 } });
      try {
        const rooms = new RoomServiceClient(small.url, small.apiKey, small.apiSecret, { encoding, fetch: fetchImpl });
        const err = await failure(rooms.sendData('standup', new Uint8Array(2048), DataPacket_Kind.RELIABLE));
        expect(err).toBeInstanceOf(ServerError);
        expect(err).toMatchObject({ status: 413, code: 'resource_exhausted' });
        expect((err as ServerError).msg).toContain('too large');
      } finally {
        await small.close();
      }
    });
  });

  describe('retries', () => {
    it('succeeds after two 503 unavailable answers', async () => {
      lk.seed.room('standup');
      lk.failNext({ method: 'ListRooms', twirp: { code: 'unavailable', msg: 'overloaded' }, times: 2 });
      const rooms = await client().listRooms();
      expect(rooms.map((r) => r.name)).toEqual(['standup']);
      const attempts = lk.requestsFor('ListRooms');
      expect(attempts.map((r) => r.status)).toEqual([503, 503, 200]);
      expect(new Set(attempts.map((r) => r.headers['x-livekit-request-id'])).size).toBe(1);
    });

    it('succeeds after a 503 with Retry-After', async () => {
      lk.failNext({ http: { status: 503, body: 'busy', headers: { 'Retry-After': '1' } } });
      await expect(client().createRoom({ name: 'later' })).resolves.toMatchObject({ name: 'later' });
      expect(lk.requestsFor('CreateRoom').map((r) => r.status)).toEqual([503, 200]);
    });

    it('does not retry SendData after a 503: it may have been delivered', async () => {
      lk.seed.room('standup');
      lk.failNext({ method: 'SendData', http: { status: 503 } });
      await expect(client().sendData('standup', new Uint8Array([1]), DataPacket_Kind.LOSSY)).rejects.toMatchObject({ status: 503 });
      expect(lk.requestsFor('SendData')).toHaveLength(1);
    });

    it('retries a call safe to repeat when the server closes the connection', async () => {
      lk.seed.room('standup');
      lk.failNext({ method: 'ListRooms', disconnect: true });
      await expect(client().listRooms()).resolves.toHaveLength(1);
      expect(lk.requestsFor('ListRooms')).toHaveLength(2);
    });

    it('does not retry RemoveParticipant when the server closes the connection', async () => {
      lk.seed.participant('standup', { identity: 'bob' });
      lk.failNext({ method: 'RemoveParticipant', disconnect: true });
      const err = await failure(client().removeParticipant('standup', 'bob'));
      expect(err).toBeInstanceOf(ConnectionError);
      expect(err).toMatchObject({ code: 'connection_failed', mayHaveReachedServer: true, method: 'RemoveParticipant' });
      expect(err.cause).toBeDefined();
      expect(lk.requestsFor('RemoveParticipant')).toHaveLength(1);
    });
  });

  describe('timeouts and aborts', () => {
    it('times out a hanging call and sends the deadline as X-Twirp-Timeout-Ms', async () => {
      lk.failNext({ method: 'ListRooms', hang: true });
      const err = await failure(client({ retries: 0 }).listRooms(undefined, { timeoutMs: 150 }));
      expect(err).toBeInstanceOf(RequestTimeoutError);
      expect(err).toMatchObject({ code: 'request_timeout', timeoutMs: 150 });
      expect(lk.requestsFor('ListRooms')[0]?.timeoutMs).toBe(150);
    });

    it('retries a timed-out call safe to repeat and returns the answer', async () => {
      lk.failNext({ method: 'ListParticipants', hang: true });
      lk.seed.participant('standup', { identity: 'alice' });
      const list = await client().listParticipants('standup', { timeoutMs: 150 });
      expect(list.map((p) => p.identity)).toEqual(['alice']);
      expect(lk.requestsFor('ListParticipants')).toHaveLength(2);
    });

    it('aborts a hanging call when the caller signals', async () => {
      lk.failNext({ method: 'ListRooms', hang: true });
      const controller = new AbortController();
      const pending = client().listRooms(undefined, { signal: controller.signal });
      await expect.poll(() => lk.requestsFor('ListRooms').length).toBe(1);
      controller.abort(new Error('shutting down'));
      const err = await failure(pending);
      expect(err).toBeInstanceOf(RequestAbortedError);
      expect((err.cause as Error).message).toBe('shutting down');
      expect(lk.requestsFor('ListRooms')).toHaveLength(1);
    });
  });
});

describe('RoomServiceClient when nothing listens', () => {
  it.each([
    ['node:http', undefined],
    ['fetch', viaFetch],
  ] as const)('fails over %s with a ConnectionError that never reached the server', async (_transport, fetchImpl) => {
    const gone = await startTestServer();
    const { url, apiKey, apiSecret } = gone;
    await gone.close();
    const rooms = new RoomServiceClient(url, apiKey, apiSecret, { retries: 1, fetch: fetchImpl });
    const err = await failure(rooms.sendData('r', new Uint8Array(), DataPacket_Kind.RELIABLE));
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({ mayHaveReachedServer: false, method: 'SendData' });
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).toContain('after 2 attempts');
  });
});
