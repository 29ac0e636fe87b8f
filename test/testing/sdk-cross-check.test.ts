// The official livekit-server-sdk RoomServiceClient (JSON, its own tokens and error parsing)
// against the test server: an independent client that must work as against a real server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataPacket_Kind, TrackSource } from '@livekit/protocol';
import { RoomServiceClient, TwirpError } from 'livekit-server-sdk';
import { startTestServer, type TestServer } from '../../src/testing/index.js';

let lk: TestServer;
let client: RoomServiceClient;
beforeAll(async () => {
  lk = await startTestServer({ remoteUnmute: true });
  client = new RoomServiceClient(lk.url, lk.apiKey, lk.apiSecret);
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

async function failure(promise: Promise<unknown>): Promise<TwirpError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TwirpError);
  return error as TwirpError;
}

describe('livekit-server-sdk RoomServiceClient against the test server', () => {
  it('creates, lists, updates and deletes rooms', async () => {
    const created = await client.createRoom({ name: 'standup', emptyTimeout: 60, metadata: 'm' });
    expect(created.sid).toMatch(/^RM_/);
    expect(created).toMatchObject({ name: 'standup', emptyTimeout: 60, departureTimeout: 20, metadata: 'm' });
    expect(created.creationTime).toBeGreaterThan(0n);
    await client.createRoom({ name: 'other' });
    expect((await client.listRooms()).map((r) => r.name)).toEqual(['standup', 'other']);
    expect((await client.listRooms(['other'])).map((r) => r.sid)).toEqual([lk.room('other')?.sid]);
    expect((await client.updateRoomMetadata('standup', 'new')).metadata).toBe('new');
    await client.deleteRoom('standup');
    expect(lk.rooms().map((r) => r.name)).toEqual(['other']);
    expect(lk.requests.every((r) => r.encoding === 'json' && r.contentType === 'application/json;charset=UTF-8')).toBe(true);
  });

  it('lists, gets, updates, mutes and removes participants', async () => {
    const seeded = lk.seed.participant('r', {
      identity: 'alice',
      tracks: [{ source: 'microphone' }, { source: 'camera' }],
      attributes: { team: 'a' },
    });
    expect((await client.listParticipants('r')).map((p) => p.sid)).toEqual([seeded.sid]);
    const alice = await client.getParticipant('r', 'alice');
    expect(alice.tracks.map((t) => t.source)).toEqual([TrackSource.MICROPHONE, TrackSource.CAMERA]);

    const updated = await client.updateParticipant('r', 'alice', {
      metadata: 'meta',
      name: 'Alice',
      attributes: { role: 'host' },
      permission: { canPublish: false, canSubscribe: true, canPublishData: true },
    });
    expect(updated).toMatchObject({ metadata: 'meta', name: 'Alice', attributes: { team: 'a', role: 'host' } });
    expect(updated.permission?.canPublish).toBe(false);
    // The older positional form.
    expect((await client.updateParticipant('r', 'alice', 'positional')).metadata).toBe('positional');

    const trackSid = seeded.tracks[0]!.sid;
    expect((await client.mutePublishedTrack('r', 'alice', trackSid, true))?.muted).toBe(true);
    expect(lk.participant('r', 'alice')?.tracks[0]?.muted).toBe(true);
    expect((await client.mutePublishedTrack('r', 'alice', trackSid, false))?.muted).toBe(false);

    await client.updateSubscriptions('r', 'alice', [trackSid], false);
    expect(lk.requestsFor('UpdateSubscriptions')[0]?.message).toMatchObject({ trackSids: [trackSid], subscribe: false });

    await client.removeParticipant('r', 'alice');
    expect(await client.listParticipants('r')).toEqual([]);
  });

  it('sends data with a 16-byte nonce, destinations and topic', async () => {
    lk.seed.room('r');
    await client.sendData('r', new TextEncoder().encode('hi'), DataPacket_Kind.LOSSY, {
      destinationIdentities: ['alice'],
      topic: 'chat',
    });
    const [sent] = lk.sentData('r');
    expect(sent).toMatchObject({ kind: DataPacket_Kind.LOSSY, destinationIdentities: ['alice'], topic: 'chat' });
    expect(sent?.nonce).toHaveLength(16);
    expect(new TextDecoder().decode(sent?.data)).toBe('hi');
  });

  it('moves and forwards participants with tokens carrying destinationRoom', async () => {
    lk.seed.participant('a', { identity: 'alice' });
    lk.seed.participant('a', { identity: 'bob' });
    await client.moveParticipant('a', 'alice', 'b');
    await client.forwardParticipant('a', 'bob', 'c');
    expect(lk.participants('a').map((p) => p.identity)).toEqual(['bob']);
    expect(lk.participants('b').map((p) => p.identity)).toEqual(['alice']);
    expect(lk.participants('c').map((p) => p.identity)).toEqual(['bob']);
    expect(lk.requestsFor('MoveParticipant')[0]?.claims?.video).toMatchObject({ roomAdmin: true, room: 'a', destinationRoom: 'b' });
  });

  it('sends tokens with the grants the CONTRACT.md table lists', async () => {
    lk.seed.participant('r', { identity: 'alice' });
    await client.listRooms();
    await client.createRoom({ name: 'x' });
    await client.listParticipants('r');
    const [list, create, participants] = lk.requests.map((r) => r.claims?.video);
    expect(list).toMatchObject({ roomList: true });
    expect(create).toMatchObject({ roomCreate: true });
    expect(participants).toMatchObject({ roomAdmin: true, room: 'r' });
  });

  it('sees not_found and invalid_argument as Twirp errors with code and message', async () => {
    const missing = await failure(client.deleteRoom('nope'));
    expect([missing.status, missing.code, missing.message]).toEqual([404, 'not_found', 'requested room does not exist']);
    const long = await failure(client.createRoom({ name: 'n'.repeat(300) }));
    expect([long.status, long.code]).toEqual([400, 'invalid_argument']);
    const gone = await failure(client.getParticipant('r', 'ghost'));
    expect([gone.status, gone.code, gone.message]).toEqual([404, 'not_found', 'participant does not exist']);
  });

  it('sees a missing grant as a Twirp unauthenticated error', async () => {
    const limited = new RoomServiceClient(lk.url, undefined, undefined, { token: lk.token({ video: { roomList: true } }) });
    const error = await failure(limited.createRoom({ name: 'x' }));
    expect([error.status, error.code, error.message]).toEqual([401, 'unauthenticated', 'permissions denied']);
  });

  it('sees a plain-text 401 (bad secret) as an error without a code, the text as its message', async () => {
    const wrong = new RoomServiceClient(lk.url, lk.apiKey, 'not-the-secret-but-long-enough-000000');
    const error = await failure(wrong.listRooms());
    expect(error.status).toBe(401);
    expect(error.code).toBeUndefined();
    expect(error.message).toMatch(/^invalid authorization token: /);
  });

  it('sees injected failures the way it would see them from a real server or proxy', async () => {
    lk.failNext({ method: 'ListRooms', twirp: { code: 'unavailable', msg: 'node draining', meta: { region: 'eu' } } });
    const twirp = await failure(client.listRooms());
    expect([twirp.status, twirp.code, twirp.message, twirp.metadata]).toEqual([503, 'unavailable', 'node draining', { region: 'eu' }]);

    lk.failNext({ http: { status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' } });
    const html = await failure(client.listRooms());
    expect([html.status, html.code, html.message]).toEqual([502, undefined, '<html>Bad Gateway</html>']);
  });

  it('works with a ws:// URL, as users often pass the LiveKit URL', async () => {
    const ws = new RoomServiceClient(lk.url.replace('http', 'ws'), lk.apiKey, lk.apiSecret);
    await ws.createRoom({ name: 'via-ws' });
    expect(lk.room('via-ws')).toBeDefined();
  });
});
