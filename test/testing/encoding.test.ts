// Both Twirp encodings, as CONTRACT.md §2 describes a livekit-server speaking them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateRoomRequest,
  ListParticipantsRequest,
  ListParticipantsResponse,
  ListRoomsResponse,
  Room,
  DataPacket_Kind,
  UpdateParticipantRequest,
  ParticipantInfo,
} from '@livekit/protocol';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { call } from './helpers.js';

let lk: TestServer;
beforeAll(async () => {
  lk = await startTestServer();
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

describe('JSON answers', () => {
  it('are snake_case with every field, int64 as strings and enums as names', async () => {
    lk.seed.participant('standup', { identity: 'alice', tracks: [{ source: 'microphone' }] });
    const answer = await call(lk, 'ListParticipants', '{"room":"standup"}', { room: 'standup' });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/json');
    const body = answer.json();
    const participants = body['participants'] as Record<string, unknown>[];
    const alice = participants[0]!;
    expect(alice['identity']).toBe('alice');
    expect(alice['state']).toBe('ACTIVE');
    expect(alice['kind']).toBe('STANDARD');
    expect(typeof alice['joined_at']).toBe('string');
    expect(typeof alice['joined_at_ms']).toBe('string');
    expect(alice['is_publisher']).toBe(true);
    // defaults are present
    expect(alice['metadata']).toBe('');
    expect(alice['attributes']).toEqual({});
    expect(alice).not.toHaveProperty('joinedAt');
    const track = (alice['tracks'] as Record<string, unknown>[])[0]!;
    expect(track['type']).toBe('AUDIO');
    expect(track['source']).toBe('MICROPHONE');
    expect(track['mime_type']).toBe('audio/opus');
    expect(track['muted']).toBe(false);
  });

  it('round-trip through the protocol classes', async () => {
    lk.seed.room({ name: 'a', metadata: 'm' });
    const answer = await call(lk, 'ListRooms', '{}');
    const rooms = ListRoomsResponse.fromJsonString(answer.text).rooms;
    expect(rooms.map((r) => [r.name, r.metadata, r.emptyTimeout])).toEqual([['a', 'm', 300]]);
    expect(answer.json()['rooms']).toEqual([
      expect.objectContaining({ creation_time: expect.stringMatching(/^\d+$/), num_participants: 0 }),
    ]);
  });
});

describe('JSON requests', () => {
  it('accept lowerCamelCase and snake_case names', async () => {
    const camel = await call(lk, 'CreateRoom', '{"name":"camel","emptyTimeout":42,"maxParticipants":3}');
    const snake = await call(lk, 'CreateRoom', '{"name":"snake","empty_timeout":43,"max_participants":4}');
    expect(camel.status).toBe(200);
    expect(snake.status).toBe(200);
    expect(lk.room('camel')).toMatchObject({ emptyTimeout: 42, maxParticipants: 3 });
    expect(lk.room('snake')).toMatchObject({ emptyTimeout: 43, maxParticipants: 4 });
  });

  it('accept int64 as a string or a number and enums by name or number', async () => {
    lk.seed.participant('r', { identity: 'alice' });
    const asString = await call(
      lk,
      'RemoveParticipant',
      '{"room":"r","identity":"alice","revoke_token_ts":"1700000000"}',
      { room: 'r' },
    );
    expect(asString.status).toBe(200);
    lk.seed.participant('r', { identity: 'bob' });
    const asNumber = await call(lk, 'RemoveParticipant', '{"room":"r","identity":"bob","revokeTokenTs":1700000001}', {
      room: 'r',
    });
    expect(asNumber.status).toBe(200);
    expect(lk.requestsFor('RemoveParticipant').map((r) => r.message?.revokeTokenTs)).toEqual([1700000000n, 1700000001n]);

    await call(lk, 'SendData', '{"room":"r","data":"AQI=","kind":"LOSSY"}', { room: 'r' });
    await call(lk, 'SendData', '{"room":"r","data":"AwQ=","kind":1}', { room: 'r' });
    expect(lk.sentData('r').map((d) => [d.kind, [...d.data]])).toEqual([
      [DataPacket_Kind.LOSSY, [1, 2]],
      [DataPacket_Kind.LOSSY, [3, 4]],
    ]);
  });

  it('ignore unknown fields', async () => {
    const answer = await call(lk, 'CreateRoom', '{"name":"x","some_future_field":{"a":1}}');
    expect(answer.status).toBe(200);
  });

  it('answer malformed to an empty body: {} must be sent', async () => {
    const empty = await call(lk, 'ListRooms', '');
    expect(empty.status).toBe(400);
    expect(empty.json()).toMatchObject({ code: 'malformed' });
    expect((await call(lk, 'ListRooms', '{}')).status).toBe(200);
  });

  it('answer malformed to invalid JSON and to a wrongly typed field', async () => {
    for (const body of ['{"name":', '[1,2]', '{"name":42}']) {
      const answer = await call(lk, 'CreateRoom', body);
      expect(answer.status, body).toBe(400);
      expect(answer.json(), body).toMatchObject({ code: 'malformed', msg: 'the json request could not be decoded' });
    }
  });

  it('ignore parameters after ; in the content type', async () => {
    const answer = await call(lk, 'ListRooms', '{}', { contentType: 'application/json; charset=utf-8' });
    expect(answer.status).toBe(200);
    expect(lk.requests[0]?.encoding).toBe('json');
  });
});

describe('protobuf', () => {
  it('decodes protobuf requests and answers protobuf', async () => {
    const answer = await call(lk, 'CreateRoom', new CreateRoomRequest({ name: 'pb', metadata: 'x', departureTimeout: 7 }), {
      encoding: 'protobuf',
    });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/protobuf');
    const room = Room.fromBinary(answer.bytes);
    expect(room).toMatchObject({ name: 'pb', metadata: 'x', departureTimeout: 7, emptyTimeout: 300 });
    expect(room.sid).toMatch(/^RM_/);
    expect(lk.requests[0]).toMatchObject({ encoding: 'protobuf', method: 'CreateRoom' });
  });

  it('treats an empty protobuf body as the empty message', async () => {
    lk.seed.room('a');
    const answer = await call(lk, 'ListRooms', new Uint8Array(0), { encoding: 'protobuf' });
    expect(answer.status).toBe(200);
    expect(ListRoomsResponse.fromBinary(answer.bytes).rooms.map((r) => r.name)).toEqual(['a']);
  });

  it('answers malformed to bytes that are not the message', async () => {
    const answer = await call(lk, 'ListRooms', new Uint8Array([0xff, 0xff, 0xff, 0xff]), {
      encoding: 'protobuf',
      contentType: 'application/protobuf; proto=livekit.ListRoomsRequest',
    });
    expect(answer.status).toBe(400);
    expect(answer.json()).toEqual({ code: 'malformed', msg: 'the protobuf request could not be decoded' });
  });

  it('decodes the same request identically in both encodings', async () => {
    const request = new UpdateParticipantRequest({
      room: 'r',
      identity: 'alice',
      metadata: 'meta',
      name: 'Alice',
      attributes: { a: '1' },
    });
    lk.seed.participant('r', { identity: 'alice' });
    const json = await call(lk, 'UpdateParticipant', request, { room: 'r' });
    const pb = await call(lk, 'UpdateParticipant', request, { room: 'r', encoding: 'protobuf' });
    const [a, b] = lk.requestsFor('UpdateParticipant');
    expect(a?.message?.equals(request)).toBe(true);
    expect(b?.message?.equals(request)).toBe(true);
    expect(ParticipantInfo.fromJsonString(json.text).attributes).toEqual({ a: '1' });
    expect(ParticipantInfo.fromBinary(pb.bytes).name).toBe('Alice');
  });

  it('answers a JSON request in JSON and a protobuf one in protobuf for the same data', async () => {
    lk.seed.participant('r', { identity: 'alice' });
    const request = new ListParticipantsRequest({ room: 'r' });
    const json = await call(lk, 'ListParticipants', request, { room: 'r' });
    const pb = await call(lk, 'ListParticipants', request, { room: 'r', encoding: 'protobuf' });
    expect(ListParticipantsResponse.fromJsonString(json.text).equals(ListParticipantsResponse.fromBinary(pb.bytes))).toBe(
      true,
    );
  });
});

describe('content types', () => {
  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx', ''])(
    'answers bad_route 404 to Content-Type %j',
    async (contentType) => {
      const answer = await call(lk, 'ListRooms', '{}', { contentType });
      expect(answer.status).toBe(404);
      expect(answer.contentType).toBe('application/json');
      expect(answer.json()).toMatchObject({ code: 'bad_route', msg: `unexpected Content-Type: ${JSON.stringify(contentType)}` });
    },
  );
});
