import {
  CreateRoomRequest,
  DataPacket_Kind,
  DeleteRoomRequest,
  ForwardParticipantRequest,
  ListParticipantsRequest,
  ListParticipantsResponse,
  ListRoomsRequest,
  ListRoomsResponse,
  MoveParticipantRequest,
  MuteRoomTrackRequest,
  MuteRoomTrackResponse,
  ParticipantInfo,
  ParticipantPermission,
  PerformRpcRequest,
  PerformRpcResponse,
  Room,
  RoomParticipantIdentity,
  SendDataRequest,
  TrackInfo,
  TrackSource,
  UpdateParticipantRequest,
  UpdateRoomMetadataRequest,
  UpdateSubscriptionsRequest,
} from '@livekit/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ServerError } from '../../src/rpc/errors.js';
import { RoomServiceClient } from '../../src/services/room-service.js';
import { startLocalServer, tokenClaims, twirpError } from '../rpc/local-server.js';
import type { LocalServer, RecordedRequest, Reply } from '../rpc/local-server.js';

const KEY = 'APIkey123';
const SECRET = 'a-secret-long-enough-for-hs256-signing-0123';

// What the fake server answers, per method, in the encoding of the request.
const ANSWERS: Record<string, { toBinary(): Uint8Array; toJsonString(): string }> = {
  CreateRoom: new Room({ sid: 'RM_new', name: 'standup', emptyTimeout: 300 }),
  ListRooms: new ListRoomsResponse({ rooms: [new Room({ name: 'a' }), new Room({ name: 'b' })] }),
  UpdateRoomMetadata: new Room({ name: 'standup', metadata: 'm2' }),
  ListParticipants: new ListParticipantsResponse({ participants: [new ParticipantInfo({ identity: 'alice' })] }),
  GetParticipant: new ParticipantInfo({ identity: 'alice', sid: 'PA_1' }),
  MutePublishedTrack: new MuteRoomTrackResponse({ track: new TrackInfo({ sid: 'TR_1', muted: true }) }),
  UpdateParticipant: new ParticipantInfo({ identity: 'alice', metadata: 'new' }),
  PerformRpc: new PerformRpcResponse({ payload: '{"ok":true}' }),
};

function answer(request: RecordedRequest): Reply {
  const method = request.url.split('/').at(-1) ?? '';
  const message = ANSWERS[method];
  const json = request.headers['content-type'] === 'application/json';
  if (message === undefined) return { status: 200, headers: { 'content-type': json ? 'application/json' : 'application/protobuf' }, body: json ? '{}' : '' };
  return json
    ? { status: 200, headers: { 'content-type': 'application/json' }, body: message.toJsonString() }
    : { status: 200, headers: { 'content-type': 'application/protobuf' }, body: message.toBinary() };
}

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer(answer);
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.handle(answer);
});

function last(): RecordedRequest {
  const request = server.requests.at(-1);
  if (request === undefined) throw new Error('no request was sent');
  return request;
}

function videoGrant(): unknown {
  return tokenClaims(last())['video'];
}

describe.each(['protobuf', 'json'] as const)('RoomServiceClient (%s)', (encoding) => {
  const rooms = () => new RoomServiceClient(server.url, KEY, SECRET, { encoding });
  const decode = <T>(type: { fromBinary(b: Uint8Array): T; fromJsonString(s: string): T }): T =>
    encoding === 'json' ? type.fromJsonString(last().body.toString()) : type.fromBinary(last().body);

  it('createRoom sends every CreateRoomRequest field, needs roomCreate, returns the Room', async () => {
    const room = await rooms().createRoom({
      name: 'standup',
      roomPreset: 'preset',
      emptyTimeout: 300,
      departureTimeout: 20,
      maxParticipants: 10,
      nodeId: 'node-1',
      metadata: '{"a":1}',
      tags: { team: 'core' },
      egress: { room: { roomName: 'standup' } },
      minPlayoutDelay: 100,
      maxPlayoutDelay: 2000,
      syncStreams: true,
      replayEnabled: true,
      agents: [{ agentName: 'helper', metadata: 'x' }],
    });
    expect(room).toBeInstanceOf(Room);
    expect(room.sid).toBe('RM_new');
    expect(last().url).toBe('/twirp/livekit.RoomService/CreateRoom');
    const expected = new CreateRoomRequest({
      name: 'standup',
      roomPreset: 'preset',
      emptyTimeout: 300,
      departureTimeout: 20,
      maxParticipants: 10,
      nodeId: 'node-1',
      metadata: '{"a":1}',
      tags: { team: 'core' },
      egress: { room: { roomName: 'standup' } },
      minPlayoutDelay: 100,
      maxPlayoutDelay: 2000,
      syncStreams: true,
      replayEnabled: true,
      agents: [{ agentName: 'helper', metadata: 'x' }],
    });
    expect(CreateRoomRequest.equals(decode(CreateRoomRequest), expected)).toBe(true);
    expect(videoGrant()).toEqual({ roomCreate: true });
  });

  it('listRooms sends the names, needs roomList, returns Room[]', async () => {
    const result = await rooms().listRooms(['a', 'b']);
    expect(result.map((r) => r.name)).toEqual(['a', 'b']);
    expect(result[0]).toBeInstanceOf(Room);
    expect(decode(ListRoomsRequest).names).toEqual(['a', 'b']);
    expect(videoGrant()).toEqual({ roomList: true });
    await rooms().listRooms();
    expect(decode(ListRoomsRequest).names).toEqual([]);
  });

  it('deleteRoom needs roomCreate and resolves to undefined', async () => {
    await expect(rooms().deleteRoom('standup')).resolves.toBeUndefined();
    expect(decode(DeleteRoomRequest).room).toBe('standup');
    expect(videoGrant()).toEqual({ roomCreate: true });
  });

  it('updateRoomMetadata needs roomAdmin on that room and returns the Room', async () => {
    const room = await rooms().updateRoomMetadata('standup', 'm2');
    expect(room.metadata).toBe('m2');
    expect(decode(UpdateRoomMetadataRequest)).toMatchObject({ room: 'standup', metadata: 'm2' });
    expect(videoGrant()).toEqual({ roomAdmin: true, room: 'standup' });
  });

  it('listParticipants and getParticipant need roomAdmin on that room', async () => {
    const list = await rooms().listParticipants('standup');
    expect(list[0]?.identity).toBe('alice');
    expect(decode(ListParticipantsRequest).room).toBe('standup');
    expect(videoGrant()).toEqual({ roomAdmin: true, room: 'standup' });
    const alice = await rooms().getParticipant('standup', 'alice');
    expect(alice.sid).toBe('PA_1');
    expect(decode(RoomParticipantIdentity)).toMatchObject({ room: 'standup', identity: 'alice' });
    expect(videoGrant()).toEqual({ roomAdmin: true, room: 'standup' });
  });

  it('removeParticipant sends revokeTokenTs when given', async () => {
    await rooms().removeParticipant('standup', 'bob', { revokeTokenTs: 1_700_000_000n });
    expect(decode(RoomParticipantIdentity)).toMatchObject({ room: 'standup', identity: 'bob', revokeTokenTs: 1_700_000_000n });
    expect(videoGrant()).toEqual({ roomAdmin: true, room: 'standup' });
    await rooms().removeParticipant('standup', 'bob');
    expect(decode(RoomParticipantIdentity).revokeTokenTs).toBe(0n);
  });

  it('forwardParticipant and moveParticipant also grant the destination room', async () => {
    await rooms().forwardParticipant('stage', 'speaker', 'overflow');
    expect(decode(ForwardParticipantRequest)).toMatchObject({ room: 'stage', identity: 'speaker', destinationRoom: 'overflow' });
    expect(videoGrant()).toEqual({ roomAdmin: true, room: 'stage', destinationRoom: 'overflow' });
    await rooms().moveParticipant('lobby', 'alice', 'standup');
    expect(last().url).toBe('/twirp/livekit.RoomService/MoveParticipant');
    expect(decode(MoveParticipantRequest)).toMatchObject({ room: 'lobby', identity: 'alice', destinationRoom: 'standup' });
    expect(videoGrant()).toEqual({ roomAdmin: true, room: 'lobby', destinationRoom: 'standup' });
  });

  it('mutePublishedTrack returns the track', async () => {
    const track = await rooms().mutePublishedTrack('standup', 'bob', 'TR_1', true);
    expect(track).toMatchObject({ sid: 'TR_1', muted: true });
    expect(decode(MuteRoomTrackRequest)).toMatchObject({ room: 'standup', identity: 'bob', trackSid: 'TR_1', muted: true });
  });

  it('updateParticipant takes an options object', async () => {
    const info = await rooms().updateParticipant('standup', 'alice', {
      metadata: 'new',
      name: 'Alice',
      attributes: { role: 'host', old: '' },
      permission: { canPublish: true, canPublishSources: [TrackSource.CAMERA] },
    });
    expect(info.metadata).toBe('new');
    const sent = decode(UpdateParticipantRequest);
    expect(sent).toMatchObject({ room: 'standup', identity: 'alice', metadata: 'new', name: 'Alice', attributes: { role: 'host', old: '' } });
    expect(ParticipantPermission.equals(sent.permission, new ParticipantPermission({ canPublish: true, canPublishSources: [TrackSource.CAMERA] }))).toBe(true);
    expect(videoGrant()).toEqual({ roomAdmin: true, room: 'standup' });
  });

  it('updateParticipant takes the older positional form and leaves permission unset when omitted', async () => {
    await rooms().updateParticipant('standup', 'alice', 'meta', { canSubscribe: false }, 'Al');
    let sent = decode(UpdateParticipantRequest);
    expect(sent).toMatchObject({ metadata: 'meta', name: 'Al' });
    expect(sent.permission?.canSubscribe).toBe(false);
    await rooms().updateParticipant('standup', 'alice', 'only-meta');
    sent = decode(UpdateParticipantRequest);
    expect(sent.metadata).toBe('only-meta');
    expect(sent.permission).toBeUndefined();
  });

  it('updateParticipant takes request options after either form', async () => {
    await rooms().updateParticipant('standup', 'alice', { name: 'x' }, { headers: { 'x-form': 'options' } });
    expect(last().headers['x-form']).toBe('options');
    await rooms().updateParticipant('standup', 'alice', 'm', undefined, undefined, { headers: { 'x-form': 'positional' } });
    expect(last().headers['x-form']).toBe('positional');
  });

  it('updateSubscriptions sends track sids and per-participant track lists', async () => {
    await rooms().updateSubscriptions('standup', 'alice', ['TR_1'], true, [{ participantSid: 'PA_bob', trackSids: ['TR_2', 'TR_3'] }]);
    const sent = decode(UpdateSubscriptionsRequest);
    expect(sent).toMatchObject({ room: 'standup', identity: 'alice', trackSids: ['TR_1'], subscribe: true });
    expect(sent.participantTracks.map((p) => [p.participantSid, p.trackSids])).toEqual([['PA_bob', ['TR_2', 'TR_3']]]);
    expect(videoGrant()).toEqual({ roomAdmin: true, room: 'standup' });
  });

  it('sendData sends a fresh random 16-byte nonce, destinations, topic and kind', async () => {
    const payload = new TextEncoder().encode('hello');
    await rooms().sendData('standup', payload, DataPacket_Kind.LOSSY, { destinationIdentities: ['alice'], topic: 'chat' });
    const first = decode(SendDataRequest);
    expect(first).toMatchObject({ room: 'standup', kind: DataPacket_Kind.LOSSY, destinationIdentities: ['alice'], topic: 'chat' });
    expect(new TextDecoder().decode(first.data)).toBe('hello');
    expect(first.nonce).toHaveLength(16);
    await rooms().sendData('standup', payload, DataPacket_Kind.RELIABLE);
    const second = decode(SendDataRequest);
    expect(second.kind).toBe(DataPacket_Kind.RELIABLE);
    expect(second.topic).toBeUndefined();
    expect(second.nonce).toHaveLength(16);
    expect(Buffer.from(second.nonce).equals(Buffer.from(first.nonce))).toBe(false);
    expect(videoGrant()).toEqual({ roomAdmin: true, room: 'standup' });
  });

  it('sendData accepts a caller nonce and the older destinationSids array', async () => {
    const nonce = new Uint8Array(16).fill(7);
    await rooms().sendData('standup', new Uint8Array([1]), DataPacket_Kind.RELIABLE, { nonce });
    expect([...decode(SendDataRequest).nonce]).toEqual([...nonce]);
    await rooms().sendData('standup', new Uint8Array([1]), DataPacket_Kind.RELIABLE, ['PA_1', 'PA_2']);
    expect(decode(SendDataRequest).destinationSids).toEqual(['PA_1', 'PA_2']);
  });

  it('performRpc calls RoomService.PerformRpc and returns the payload', async () => {
    const payload = await rooms().performRpc({
      room: 'standup',
      destinationIdentity: 'agent',
      method: 'summarize',
      payload: '{"n":1}',
      responseTimeoutMs: 8000,
    });
    expect(payload).toBe('{"ok":true}');
    expect(last().url).toBe('/twirp/livekit.RoomService/PerformRpc');
    expect(decode(PerformRpcRequest)).toMatchObject({
      room: 'standup',
      destinationIdentity: 'agent',
      method: 'summarize',
      payload: '{"n":1}',
      responseTimeoutMs: 8000,
    });
    expect(videoGrant()).toEqual({ roomAdmin: true, room: 'standup' });
  });
});

describe('RoomServiceClient calls', () => {
  const rooms = () => new RoomServiceClient(server.url, KEY, SECRET);

  it('reuses one token per grant set across calls', async () => {
    const client = rooms();
    await client.listRooms();
    await client.listRooms();
    await client.listParticipants('a');
    await client.getParticipant('a', 'x');
    await client.listParticipants('b');
    const auth = server.requests.map((r) => r.headers['authorization']);
    expect(auth[0]).toBe(auth[1]);
    expect(auth[2]).toBe(auth[3]);
    expect(new Set(auth).size).toBe(3);
  });

  it('gives performRpc a call timeout longer than the participant has to answer', async () => {
    await rooms().performRpc({ room: 'r', destinationIdentity: 'a', method: 'm', payload: '', responseTimeoutMs: 30_000 });
    expect(last().headers['x-twirp-timeout-ms']).toBe('35000');
    await rooms().performRpc({ room: 'r', destinationIdentity: 'a', method: 'm', payload: '' }, { timeoutMs: 1234 });
    expect(last().headers['x-twirp-timeout-ms']).toBe('1234');
  });

  it('passes per-call options as the last argument of every method', async () => {
    const options = { headers: { 'x-call': 'yes' }, timeoutMs: 4321 };
    const client = rooms();
    await client.createRoom({ name: 'a' }, options);
    await client.listRooms(undefined, options);
    await client.deleteRoom('a', options);
    await client.updateRoomMetadata('a', 'm', options);
    await client.listParticipants('a', options);
    await client.getParticipant('a', 'p', options);
    await client.removeParticipant('a', 'p', undefined, options);
    await client.forwardParticipant('a', 'p', 'b', options);
    await client.moveParticipant('a', 'p', 'b', options);
    await client.mutePublishedTrack('a', 'p', 'TR', false, options);
    await client.updateParticipant('a', 'p', {}, options);
    await client.updateSubscriptions('a', 'p', [], true, undefined, options);
    await client.sendData('a', new Uint8Array(), DataPacket_Kind.RELIABLE, {}, options);
    await client.performRpc({ room: 'a', destinationIdentity: 'p', method: 'm', payload: '' }, options);
    expect(server.requests).toHaveLength(14);
    for (const request of server.requests) {
      expect(request.headers['x-call']).toBe('yes');
      expect(request.headers['x-twirp-timeout-ms']).toBe('4321');
    }
  });

  it('reports a server refusal as ServerError naming the method', async () => {
    server.handle(() => twirpError(404, 'not_found', 'participant does not exist'));
    const err = await rooms().removeParticipant('a', 'ghost').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as Error).message).toBe('RoomService.RemoveParticipant failed: not_found (HTTP 404): participant does not exist');
  });

  it('works with a pre-signed token and no key or secret', async () => {
    await new RoomServiceClient(server.url, undefined, undefined, { token: 'pre.signed.token' }).listRooms();
    expect(last().headers['authorization']).toBe('Bearer pre.signed.token');
  });
});

describe('RoomServiceClient caller mistakes fail before any request', () => {
  const rooms = () => new RoomServiceClient(server.url, KEY, SECRET);
  const bytes = new Uint8Array([1]);
  const cases: Array<[string, () => Promise<unknown>, ErrorConstructor | RangeErrorConstructor]> = [
    ['createRoom without options', () => rooms().createRoom(undefined as never), TypeError],
    ['createRoom with an empty name', () => rooms().createRoom({ name: '' }), TypeError],
    ['createRoom with a negative timeout', () => rooms().createRoom({ name: 'a', emptyTimeout: -1 }), RangeError],
    ['createRoom with a fractional participant limit', () => rooms().createRoom({ name: 'a', maxParticipants: 1.5 }), RangeError],
    ['createRoom with non-string tags', () => rooms().createRoom({ name: 'a', tags: { a: 1 } as never }), TypeError],
    ['createRoom with agents not an array', () => rooms().createRoom({ name: 'a', agents: {} as never }), TypeError],
    ['listRooms with a non-array', () => rooms().listRooms('a' as never), TypeError],
    ['listRooms with an empty name', () => rooms().listRooms(['']), TypeError],
    ['deleteRoom with an empty name', () => rooms().deleteRoom(''), TypeError],
    ['updateRoomMetadata with non-string metadata', () => rooms().updateRoomMetadata('a', 5 as never), TypeError],
    ['listParticipants without a room', () => rooms().listParticipants(undefined as never), TypeError],
    ['getParticipant with a non-string identity', () => rooms().getParticipant('a', 42 as never), TypeError],
    ['removeParticipant with a number revokeTokenTs', () => rooms().removeParticipant('a', 'b', { revokeTokenTs: 5 as never }), TypeError],
    ['forwardParticipant to the same room', () => rooms().forwardParticipant('a', 'b', 'a'), RangeError],
    ['moveParticipant without a destination', () => rooms().moveParticipant('a', 'b', ''), TypeError],
    ['mutePublishedTrack with a non-boolean', () => rooms().mutePublishedTrack('a', 'b', 'TR', 'yes' as never), TypeError],
    ['updateParticipant with a number as metadata', () => rooms().updateParticipant('a', 'b', 5 as never), TypeError],
    ['updateParticipant with non-string attributes', () => rooms().updateParticipant('a', 'b', { attributes: { x: true } as never }), TypeError],
    ['updateSubscriptions with request options in place of participantTracks', () => rooms().updateSubscriptions('a', 'b', [], true, { timeoutMs: 5 } as never), TypeError],
    ['updateSubscriptions with a non-boolean', () => rooms().updateSubscriptions('a', 'b', [], 1 as never), TypeError],
    ['sendData with a string payload', () => rooms().sendData('a', 'hi' as never, DataPacket_Kind.RELIABLE), TypeError],
    ['sendData with an unknown kind', () => rooms().sendData('a', bytes, 7 as DataPacket_Kind), RangeError],
    ['sendData with an 8-byte nonce', () => rooms().sendData('a', bytes, DataPacket_Kind.RELIABLE, { nonce: new Uint8Array(8) }), RangeError],
    ['sendData with a non-string identity', () => rooms().sendData('a', bytes, DataPacket_Kind.RELIABLE, { destinationIdentities: [1 as never] }), TypeError],
    ['performRpc without a destination', () => rooms().performRpc({ room: 'a', destinationIdentity: '', method: 'm', payload: '' }), TypeError],
    ['performRpc with a non-string payload', () => rooms().performRpc({ room: 'a', destinationIdentity: 'b', method: 'm', payload: {} as never }), TypeError],
    ['a call with a bad timeout', () => rooms().listRooms(undefined, { timeoutMs: 0 }), RangeError],
  ];

  it.each(cases)('%s', async (_name, call, type) => {
    await expect(call()).rejects.toThrow(type);
    expect(server.requests).toHaveLength(0);
  });

  it('says what to pass instead', async () => {
    await expect(rooms().sendData('a', bytes, DataPacket_Kind.RELIABLE, { nonce: new Uint8Array(8) })).rejects.toThrow(
      'RoomService.SendData: options.nonce must be a Uint8Array of exactly 16 bytes (or left out for a random one), got 8 bytes',
    );
    await expect(rooms().deleteRoom('')).rejects.toThrow('RoomService.DeleteRoom: room must be a non-empty string, got an empty string');
  });

  it('refuses request options given in an earlier argument instead of sending without them', async () => {
    const aborted = AbortSignal.abort();
    await expect(rooms().sendData('a', bytes, DataPacket_Kind.RELIABLE, { signal: aborted } as never)).rejects.toThrow(
      'RoomService.SendData: options got request options ({ signal }); pass request options last: sendData(room, data, kind, { topic }, { signal })',
    );
    await expect(rooms().listRooms({ retries: 0 } as never)).rejects.toThrow(
      'pass request options last: listRooms(undefined, { retries: 0 })',
    );
    expect(server.requests).toHaveLength(0);
  });
});
