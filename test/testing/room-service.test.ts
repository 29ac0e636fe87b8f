// What each RoomService method does to the test server's state, and the server-side checks
// of CONTRACT.md §2. Requests are built by hand (protocol messages) and sent with fetch.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateRoomRequest,
  DataPacket_Kind,
  ForwardParticipantRequest,
  ListRoomsRequest,
  ListRoomsResponse,
  MoveParticipantRequest,
  MuteRoomTrackRequest,
  MuteRoomTrackResponse,
  ParticipantInfo,
  ParticipantInfo_State,
  ParticipantPermission,
  PerformRpcRequest,
  PerformRpcResponse,
  Room,
  RoomParticipantIdentity,
  SendDataRequest,
  TrackSource,
  TrackType,
  UpdateParticipantRequest,
  UpdateRoomMetadataRequest,
  UpdateSubscriptionsRequest,
} from '@livekit/protocol';
import { startTestServer, TestServerTwirpError, type TestServer } from '../../src/testing/index.js';
import { call, type RawAnswer } from './helpers.js';

const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0, 250);

let lk: TestServer;
beforeAll(async () => {
  lk = await startTestServer({ now: () => NOW_MS });
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

function expectTwirp(answer: RawAnswer, code: string, status: number, msg?: string | RegExp): void {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.contentType).toBe('application/json');
  const body = answer.json();
  expect(body['code']).toBe(code);
  if (typeof msg === 'string') expect(body['msg']).toBe(msg);
  else if (msg !== undefined) expect(body['msg']).toMatch(msg);
}

describe('CreateRoom', () => {
  it('creates a room with a RM_ sid, creation time and the server defaults for zero timeouts', async () => {
    const answer = await call(lk, 'CreateRoom', new CreateRoomRequest({ name: 'standup', maxParticipants: 5 }), {
      encoding: 'protobuf',
    });
    const room = Room.fromBinary(answer.bytes);
    expect(room.sid).toMatch(/^RM_[A-Za-z0-9]{12}$/);
    expect(room).toMatchObject({ name: 'standup', emptyTimeout: 300, departureTimeout: 20, maxParticipants: 5 });
    expect(room.creationTime).toBe(BigInt(Math.floor(NOW_MS / 1000)));
    expect(room.creationTimeMs).toBe(BigInt(NOW_MS));
    expect(room.enabledCodecs.map((c) => c.mime)).toContain('audio/opus');
    expect(lk.rooms().map((r) => r.sid)).toEqual([room.sid]);
  });

  it('keeps explicit timeouts and metadata', async () => {
    await call(lk, 'CreateRoom', new CreateRoomRequest({ name: 'r', emptyTimeout: 10, departureTimeout: 5, metadata: 'm' }));
    expect(lk.room('r')).toMatchObject({ emptyTimeout: 10, departureTimeout: 5, metadata: 'm' });
  });

  it('returns the existing room for a name already in use, applying the non-zero settings', async () => {
    const first = Room.fromJsonString((await call(lk, 'CreateRoom', '{"name":"r","metadata":"one"}')).text);
    const second = Room.fromJsonString((await call(lk, 'CreateRoom', '{"name":"r","empty_timeout":9}')).text);
    expect(second.sid).toBe(first.sid);
    expect(second).toMatchObject({ metadata: 'one', emptyTimeout: 9 });
    expect(lk.rooms()).toHaveLength(1);
    expect(lk.events().filter((e) => e.event === 'room_started')).toHaveLength(1);
  });

  it('refuses a name over 256 bytes with invalid_argument', async () => {
    expect((await call(lk, 'CreateRoom', new CreateRoomRequest({ name: 'n'.repeat(256) }))).status).toBe(200);
    const answer = await call(lk, 'CreateRoom', new CreateRoomRequest({ name: 'n'.repeat(257) }));
    expectTwirp(answer, 'invalid_argument', 400, /room name length exceeds limits/);
  });

  it('refuses an empty name with invalid_argument', async () => {
    expectTwirp(await call(lk, 'CreateRoom', '{}'), 'invalid_argument', 400);
  });

  it('refuses metadata over 512 KiB with invalid_argument', async () => {
    const ok = await call(lk, 'CreateRoom', new CreateRoomRequest({ name: 'a', metadata: 'x'.repeat(512 * 1024) }));
    expect(ok.status).toBe(200);
    const answer = await call(lk, 'CreateRoom', new CreateRoomRequest({ name: 'b', metadata: 'x'.repeat(512 * 1024 + 1) }));
    expectTwirp(answer, 'invalid_argument', 400, /metadata size exceeds limits/);
    expect(lk.room('b')).toBeUndefined();
  });

  it('honours custom limits', async () => {
    const strict = await startTestServer({ limits: { maxRoomNameLength: 3, maxMetadataBytes: 2 } });
    try {
      expectTwirp(await call(strict, 'CreateRoom', '{"name":"abcd"}'), 'invalid_argument', 400);
      expectTwirp(await call(strict, 'CreateRoom', '{"name":"abc","metadata":"xyz"}'), 'invalid_argument', 400);
      expect((await call(strict, 'CreateRoom', '{"name":"abc","metadata":"xy"}')).status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe('ListRooms', () => {
  it('lists every room, or only the names asked for', async () => {
    lk.seed.room('a');
    lk.seed.room('b');
    lk.seed.room('c');
    const all = ListRoomsResponse.fromJsonString((await call(lk, 'ListRooms', '{}')).text);
    expect(all.rooms.map((r) => r.name)).toEqual(['a', 'b', 'c']);
    const some = await call(lk, 'ListRooms', new ListRoomsRequest({ names: ['c', 'a', 'zzz'] }), { encoding: 'protobuf' });
    expect(ListRoomsResponse.fromBinary(some.bytes).rooms.map((r) => r.name)).toEqual(['a', 'c']);
  });

  it('counts participants and publishers', async () => {
    lk.seed.participant('r', { identity: 'alice', tracks: [{ source: 'camera' }] });
    lk.seed.participant('r', { identity: 'bob' });
    const [room] = ListRoomsResponse.fromJsonString((await call(lk, 'ListRooms', '{}')).text).rooms;
    expect(room).toMatchObject({ numParticipants: 2, numPublishers: 1 });
  });
});

describe('DeleteRoom', () => {
  it('deletes the room and its participants', async () => {
    lk.seed.participant('r', { identity: 'alice' });
    const answer = await call(lk, 'DeleteRoom', '{"room":"r"}');
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({});
    expect(lk.rooms()).toEqual([]);
    expect(lk.participants('r')).toEqual([]);
  });

  it('answers not_found for a room that does not exist', async () => {
    expectTwirp(await call(lk, 'DeleteRoom', '{"room":"nope"}'), 'not_found', 404, 'requested room does not exist');
  });
});

describe('UpdateRoomMetadata', () => {
  it('sets the metadata and returns the room', async () => {
    lk.seed.room('r');
    const answer = await call(lk, 'UpdateRoomMetadata', new UpdateRoomMetadataRequest({ room: 'r', metadata: 'new' }), {
      room: 'r',
    });
    expect(Room.fromJsonString(answer.text).metadata).toBe('new');
    expect(lk.room('r')?.metadata).toBe('new');
  });

  it('answers not_found for a missing room and invalid_argument for oversized metadata', async () => {
    expectTwirp(
      await call(lk, 'UpdateRoomMetadata', '{"room":"nope","metadata":"m"}', { room: 'nope' }),
      'not_found',
      404,
      'requested room does not exist',
    );
    lk.seed.room('r');
    const big = await call(lk, 'UpdateRoomMetadata', new UpdateRoomMetadataRequest({ room: 'r', metadata: 'x'.repeat(524289) }), {
      room: 'r',
    });
    expectTwirp(big, 'invalid_argument', 400, /metadata size exceeds limits/);
  });
});

describe('participants', () => {
  it('ListParticipants lists them, and an unknown room has none', async () => {
    lk.seed.participant('r', { identity: 'alice' });
    lk.seed.participant('r', { identity: 'bob' });
    const answer = await call(lk, 'ListParticipants', '{"room":"r"}', { room: 'r' });
    expect((answer.json()['participants'] as { identity: string }[]).map((p) => p.identity)).toEqual(['alice', 'bob']);
    const none = await call(lk, 'ListParticipants', '{"room":"nope"}', { room: 'nope' });
    expect(none.json()).toEqual({ participants: [] });
  });

  it('GetParticipant returns the participant with its tracks, or not_found', async () => {
    const seeded = lk.seed.participant('r', {
      identity: 'alice',
      name: 'Alice',
      tracks: [{ source: 'microphone' }, { source: 'camera', width: 640, height: 480 }],
    });
    const answer = await call(lk, 'GetParticipant', new RoomParticipantIdentity({ room: 'r', identity: 'alice' }), {
      room: 'r',
      encoding: 'protobuf',
    });
    const alice = ParticipantInfo.fromBinary(answer.bytes);
    expect(alice.sid).toBe(seeded.sid);
    expect(alice.sid).toMatch(/^PA_/);
    expect(alice.state).toBe(ParticipantInfo_State.ACTIVE);
    expect(alice.tracks.map((t) => [t.type, t.source, t.width])).toEqual([
      [TrackType.AUDIO, TrackSource.MICROPHONE, 0],
      [TrackType.VIDEO, TrackSource.CAMERA, 640],
    ]);
    expect(alice.tracks[0]?.sid).toMatch(/^TR_/);
    expectTwirp(
      await call(lk, 'GetParticipant', '{"room":"r","identity":"bob"}', { room: 'r' }),
      'not_found',
      404,
      'participant does not exist',
    );
  });

  it('RemoveParticipant removes the participant, or answers not_found', async () => {
    lk.seed.participant('r', { identity: 'alice' });
    expect((await call(lk, 'RemoveParticipant', '{"room":"r","identity":"alice"}', { room: 'r' })).status).toBe(200);
    expect(lk.participant('r', 'alice')).toBeUndefined();
    expectTwirp(
      await call(lk, 'RemoveParticipant', '{"room":"r","identity":"alice"}', { room: 'r' }),
      'not_found',
      404,
      'participant does not exist',
    );
  });

  it('UpdateParticipant changes metadata, name, permission and attributes (an empty value deletes)', async () => {
    lk.seed.participant('r', { identity: 'alice', metadata: 'old', attributes: { keep: '1', drop: '2' } });
    const before = lk.participant('r', 'alice')!;
    const request = new UpdateParticipantRequest({
      room: 'r',
      identity: 'alice',
      name: 'Alice',
      metadata: 'new',
      permission: new ParticipantPermission({ canPublish: false, canSubscribe: true, canPublishSources: [TrackSource.CAMERA] }),
      attributes: { drop: '', added: '3' },
    });
    const answer = await call(lk, 'UpdateParticipant', request, { room: 'r' });
    const updated = ParticipantInfo.fromJsonString(answer.text);
    expect(updated).toMatchObject({ name: 'Alice', metadata: 'new', attributes: { keep: '1', added: '3' } });
    expect(updated.permission).toMatchObject({ canPublish: false, canSubscribe: true, canPublishSources: [TrackSource.CAMERA] });
    expect(updated.version).toBeGreaterThan(before.version);
    expect(lk.participant('r', 'alice')?.equals(updated)).toBe(true);
  });

  it('UpdateParticipant leaves fields that are not sent alone', async () => {
    lk.seed.participant('r', { identity: 'alice', name: 'Alice', metadata: 'm' });
    await call(lk, 'UpdateParticipant', '{"room":"r","identity":"alice","attributes":{"a":"1"}}', { room: 'r' });
    expect(lk.participant('r', 'alice')).toMatchObject({ name: 'Alice', metadata: 'm', attributes: { a: '1' } });
  });

  it('UpdateParticipant checks sizes and that the participant exists', async () => {
    lk.seed.room('r');
    expectTwirp(
      await call(lk, 'UpdateParticipant', '{"room":"r","identity":"ghost","metadata":"m"}', { room: 'r' }),
      'not_found',
      404,
      'participant does not exist',
    );
    lk.seed.participant('r', { identity: 'alice' });
    expectTwirp(
      await call(lk, 'UpdateParticipant', new UpdateParticipantRequest({ room: 'r', identity: 'alice', name: 'n'.repeat(257) }), {
        room: 'r',
      }),
      'invalid_argument',
      400,
      /name length exceeds limits/,
    );
    expectTwirp(
      await call(
        lk,
        'UpdateParticipant',
        new UpdateParticipantRequest({ room: 'r', identity: 'alice', metadata: 'x'.repeat(524289) }),
        { room: 'r' },
      ),
      'invalid_argument',
      400,
      /metadata size exceeds limits/,
    );
  });

  it('UpdateSubscriptions accepts a request for a participant, with per-participant track lists', async () => {
    lk.seed.participant('r', { identity: 'alice' });
    const request = new UpdateSubscriptionsRequest({
      room: 'r',
      identity: 'alice',
      trackSids: ['TR_a'],
      subscribe: true,
      participantTracks: [{ participantSid: 'PA_b', trackSids: ['TR_b'] }],
    });
    const answer = await call(lk, 'UpdateSubscriptions', request, { room: 'r', encoding: 'protobuf' });
    expect(answer.status).toBe(200);
    expect(lk.requestsFor('UpdateSubscriptions')[0]?.message?.participantTracks[0]?.trackSids).toEqual(['TR_b']);
    expectTwirp(
      await call(lk, 'UpdateSubscriptions', '{"room":"r","identity":"ghost"}', { room: 'r' }),
      'not_found',
      404,
      'participant does not exist',
    );
  });
});

describe('MutePublishedTrack', () => {
  it('mutes the track and returns it', async () => {
    const alice = lk.seed.participant('r', { identity: 'alice', tracks: [{ source: 'microphone' }] });
    const trackSid = alice.tracks[0]!.sid;
    const answer = await call(lk, 'MutePublishedTrack', new MuteRoomTrackRequest({ room: 'r', identity: 'alice', trackSid, muted: true }), {
      room: 'r',
    });
    const { track } = MuteRoomTrackResponse.fromJsonString(answer.text);
    expect(track).toMatchObject({ sid: trackSid, muted: true });
    expect(lk.participant('r', 'alice')?.tracks[0]?.muted).toBe(true);
  });

  it('refuses to unmute unless remote unmute is enabled, as a default server does', async () => {
    const alice = lk.seed.participant('r', { identity: 'alice', tracks: [{ source: 'microphone', muted: true }] });
    const body = new MuteRoomTrackRequest({ room: 'r', identity: 'alice', trackSid: alice.tracks[0]!.sid, muted: false });
    expectTwirp(await call(lk, 'MutePublishedTrack', body, { room: 'r' }), 'failed_precondition', 412, 'remote unmute not enabled');

    const permissive = await startTestServer({ remoteUnmute: true });
    try {
      const bob = permissive.seed.participant('r', { identity: 'alice', tracks: [{ source: 'microphone', muted: true }] });
      body.trackSid = bob.tracks[0]!.sid;
      expect((await call(permissive, 'MutePublishedTrack', body, { room: 'r' })).status).toBe(200);
      expect(permissive.participant('r', 'alice')?.tracks[0]?.muted).toBe(false);
    } finally {
      await permissive.close();
    }
  });

  it('answers not_found for a missing participant or track', async () => {
    lk.seed.participant('r', { identity: 'alice' });
    expectTwirp(
      await call(lk, 'MutePublishedTrack', '{"room":"r","identity":"bob","track_sid":"TR_x","muted":true}', { room: 'r' }),
      'not_found',
      404,
      'participant does not exist',
    );
    expectTwirp(
      await call(lk, 'MutePublishedTrack', '{"room":"r","identity":"alice","track_sid":"TR_x","muted":true}', { room: 'r' }),
      'not_found',
      404,
      'track is not found',
    );
  });
});

describe('SendData', () => {
  it('records the data packet with its destinations, topic and kind', async () => {
    lk.seed.room('r');
    const nonce = new Uint8Array(16).fill(7);
    const request = new SendDataRequest({
      room: 'r',
      data: new TextEncoder().encode('hello'),
      kind: DataPacket_Kind.RELIABLE,
      destinationIdentities: ['alice'],
      destinationSids: ['PA_x'],
      topic: 'chat',
      nonce,
    });
    const answer = await call(lk, 'SendData', request, { room: 'r', encoding: 'protobuf' });
    expect(answer.status).toBe(200);
    const [sent] = lk.sentData('r');
    expect(sent?.equals(request)).toBe(true);
    expect(new TextDecoder().decode(sent?.data)).toBe('hello');
  });

  it('accepts a missing nonce and refuses one that is not 16 bytes', async () => {
    lk.seed.room('r');
    expect((await call(lk, 'SendData', new SendDataRequest({ room: 'r', data: new Uint8Array([1]) }), { room: 'r' })).status).toBe(200);
    for (const length of [1, 15, 17, 32]) {
      const request = new SendDataRequest({ room: 'r', data: new Uint8Array([1]), nonce: new Uint8Array(length) });
      expectTwirp(
        await call(lk, 'SendData', request, { room: 'r' }),
        'invalid_argument',
        400,
        `nonce should be 16-bytes or not present, got: ${length} bytes`,
      );
    }
    expect(lk.sentData()).toHaveLength(1);
  });

  it('delivers a retried request (same nonce) once', async () => {
    lk.seed.room('r');
    const request = new SendDataRequest({ room: 'r', data: new Uint8Array([1]), nonce: new Uint8Array(16).fill(1) });
    await call(lk, 'SendData', request, { room: 'r' });
    await call(lk, 'SendData', request, { room: 'r' });
    request.nonce = new Uint8Array(16).fill(2);
    await call(lk, 'SendData', request, { room: 'r' });
    expect(lk.sentData('r').map((d) => d.nonce[0])).toEqual([1, 2]);
    expect(lk.requestsFor('SendData')).toHaveLength(3);
  });

  it('answers not_found for a room that does not exist', async () => {
    expectTwirp(await call(lk, 'SendData', '{"room":"nope","data":"AQ=="}', { room: 'nope' }), 'not_found', 404);
  });
});

describe('ForwardParticipant and MoveParticipant', () => {
  it('MoveParticipant moves the participant with its tracks into the destination', async () => {
    const alice = lk.seed.participant('a', { identity: 'alice', tracks: [{ source: 'camera' }] });
    const answer = await call(lk, 'MoveParticipant', new MoveParticipantRequest({ room: 'a', identity: 'alice', destinationRoom: 'b' }), {
      room: 'a',
      destinationRoom: 'b',
    });
    expect(answer.status).toBe(200);
    expect(lk.participant('a', 'alice')).toBeUndefined();
    const moved = lk.participant('b', 'alice');
    expect(moved?.sid).toBe(alice.sid);
    expect(moved?.tracks.map((t) => t.sid)).toEqual(alice.tracks.map((t) => t.sid));
    expect(lk.room('b')?.numParticipants).toBe(1);
  });

  it('ForwardParticipant keeps the source and adds a copy with a new sid to the destination', async () => {
    const alice = lk.seed.participant('a', { identity: 'alice', tracks: [{ source: 'camera' }] });
    lk.seed.room('b');
    const request = new ForwardParticipantRequest({ room: 'a', identity: 'alice', destinationRoom: 'b' });
    expect((await call(lk, 'ForwardParticipant', request, { room: 'a', destinationRoom: 'b', encoding: 'protobuf' })).status).toBe(200);
    expect(lk.participant('a', 'alice')?.sid).toBe(alice.sid);
    const copy = lk.participant('b', 'alice');
    expect(copy?.sid).toMatch(/^PA_/);
    expect(copy?.sid).not.toBe(alice.sid);
    expect(copy?.tracks).toHaveLength(1);
  });

  it.each(['ForwardParticipant', 'MoveParticipant'])('%s refuses the source room as destination', async (method) => {
    lk.seed.participant('a', { identity: 'alice' });
    expectTwirp(
      await call(lk, method, '{"room":"a","identity":"alice","destination_room":"a"}', { room: 'a', destinationRoom: 'a' }),
      'invalid_argument',
      400,
      'destination room cannot be the same as source room',
    );
  });

  it.each(['ForwardParticipant', 'MoveParticipant'])('%s answers not_found for a missing participant', async (method) => {
    lk.seed.room('a');
    expectTwirp(
      await call(lk, method, '{"room":"a","identity":"ghost","destination_room":"b"}', { room: 'a', destinationRoom: 'b' }),
      'not_found',
      404,
      'participant does not exist',
    );
  });
});

describe('PerformRpc', () => {
  it('echoes the payload by default', async () => {
    lk.seed.participant('r', { identity: 'agent' });
    const request = new PerformRpcRequest({ room: 'r', destinationIdentity: 'agent', method: 'greet', payload: 'hi', responseTimeoutMs: 5000 });
    const answer = await call(lk, 'PerformRpc', request, { room: 'r', encoding: 'protobuf' });
    expect(PerformRpcResponse.fromBinary(answer.bytes).payload).toBe('hi');
    expect(lk.requestsFor('PerformRpc')[0]?.message?.responseTimeoutMs).toBe(5000);
  });

  it('answers with a configured handler, which can be swapped and restored', async () => {
    lk.seed.participant('r', { identity: 'agent' });
    lk.handlePerformRpc(async (request) => `${request.method}:${request.payload.toUpperCase()}`);
    const body = '{"room":"r","destination_identity":"agent","method":"shout","payload":"hi"}';
    expect((await call(lk, 'PerformRpc', body, { room: 'r' })).json()).toEqual({ payload: 'shout:HI' });
    lk.handlePerformRpc(undefined);
    expect((await call(lk, 'PerformRpc', body, { room: 'r' })).json()).toEqual({ payload: 'hi' });
  });

  it('turns a TestServerTwirpError from the handler into that Twirp error, anything else into internal', async () => {
    lk.seed.participant('r', { identity: 'agent' });
    const body = '{"room":"r","destination_identity":"agent","method":"m","payload":"p"}';
    lk.handlePerformRpc(() => {
      throw new TestServerTwirpError('resource_exhausted', 'too many calls', { retry_after: '1' });
    });
    const answer = await call(lk, 'PerformRpc', body, { room: 'r' });
    expect(answer.status).toBe(429);
    expect(answer.json()).toEqual({ code: 'resource_exhausted', msg: 'too many calls', meta: { retry_after: '1' } });
    lk.handlePerformRpc(() => {
      throw new Error('handler bug');
    });
    expectTwirp(await call(lk, 'PerformRpc', body, { room: 'r' }), 'internal', 500, 'handler bug');
  });

  it('refuses an empty destination identity and answers not_found for a missing one', async () => {
    lk.seed.room('r');
    expectTwirp(await call(lk, 'PerformRpc', '{"room":"r","method":"m"}', { room: 'r' }), 'invalid_argument', 400);
    expectTwirp(
      await call(lk, 'PerformRpc', '{"room":"r","destination_identity":"ghost","method":"m"}', { room: 'r' }),
      'not_found',
      404,
    );
  });
});
