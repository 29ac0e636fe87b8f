// Wire compatibility with livekit-server-sdk: for each RoomService method, what the peer
// sends and what we send (in JSON and in protobuf) decode to the same request message, go to
// the same path, and carry tokens with the same video grant. Two implementations agreeing is
// the evidence; the peer speaks JSON only, so its body is read as JSON and ours in its own
// encoding.
import {
  CreateRoomRequest,
  DataPacket_Kind,
  DeleteRoomRequest,
  ForwardParticipantRequest,
  ListParticipantsRequest,
  ListRoomsRequest,
  MoveParticipantRequest,
  MuteRoomTrackRequest,
  RoomParticipantIdentity,
  SendDataRequest,
  TrackSource,
  UpdateParticipantRequest,
  UpdateRoomMetadataRequest,
  UpdateSubscriptionsRequest,
} from '@livekit/protocol';
import fc from 'fast-check';
import { RoomServiceClient as PeerClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomServiceClient } from '../../src/services/room-service.js';
import { startLocalServer, tokenClaims } from '../rpc/local-server.js';
import type { LocalServer, RecordedRequest } from '../rpc/local-server.js';

const KEY = 'APIwirecompat';
const SECRET = 'wire-compat-secret-long-enough-for-hs256-0123';

interface RequestType {
  fromBinary(bytes: Uint8Array): Comparable;
  fromJsonString(json: string): Comparable;
  equals(a: Comparable, b: Comparable): boolean;
}
interface Comparable {
  toJson(): unknown;
}

type Call = (client: RoomServiceClient) => Promise<unknown>;
type PeerCall = (client: PeerClient) => Promise<unknown>;

// Each case: the method, the request type, and the same call made through both clients.
const bytes = new TextEncoder().encode('payload');
const CASES: Array<[string, string, RequestType, PeerCall, Call]> = [
  [
    'createRoom with every option',
    'CreateRoom',
    CreateRoomRequest as unknown as RequestType,
    (c) =>
      c.createRoom({
        name: 'standup',
        emptyTimeout: 300,
        departureTimeout: 20,
        maxParticipants: 10,
        nodeId: 'node-1',
        metadata: '{"a":1}',
        egress: { room: { roomName: 'standup' } } as never,
        minPlayoutDelay: 100,
        maxPlayoutDelay: 2000,
        syncStreams: true,
        agents: [{ agentName: 'helper', metadata: 'm' }] as never,
        roomPreset: 'preset',
        tags: { team: 'core' },
        replayEnabled: true,
      } as Parameters<PeerClient['createRoom']>[0]),
    (c) =>
      c.createRoom({
        name: 'standup',
        emptyTimeout: 300,
        departureTimeout: 20,
        maxParticipants: 10,
        nodeId: 'node-1',
        metadata: '{"a":1}',
        egress: { room: { roomName: 'standup' } },
        minPlayoutDelay: 100,
        maxPlayoutDelay: 2000,
        syncStreams: true,
        agents: [{ agentName: 'helper', metadata: 'm' }],
        roomPreset: 'preset',
        tags: { team: 'core' },
        replayEnabled: true,
      }),
  ],
  ['createRoom with a name only', 'CreateRoom', CreateRoomRequest as unknown as RequestType, (c) => c.createRoom({ name: 'x' }), (c) => c.createRoom({ name: 'x' })],
  ['listRooms with names', 'ListRooms', ListRoomsRequest as unknown as RequestType, (c) => c.listRooms(['a', 'b']), (c) => c.listRooms(['a', 'b'])],
  ['listRooms without names', 'ListRooms', ListRoomsRequest as unknown as RequestType, (c) => c.listRooms(), (c) => c.listRooms()],
  ['deleteRoom', 'DeleteRoom', DeleteRoomRequest as unknown as RequestType, (c) => c.deleteRoom('standup'), (c) => c.deleteRoom('standup')],
  [
    'updateRoomMetadata',
    'UpdateRoomMetadata',
    UpdateRoomMetadataRequest as unknown as RequestType,
    (c) => c.updateRoomMetadata('standup', 'm2'),
    (c) => c.updateRoomMetadata('standup', 'm2'),
  ],
  ['listParticipants', 'ListParticipants', ListParticipantsRequest as unknown as RequestType, (c) => c.listParticipants('standup'), (c) => c.listParticipants('standup')],
  [
    'getParticipant',
    'GetParticipant',
    RoomParticipantIdentity as unknown as RequestType,
    (c) => c.getParticipant('standup', 'alice'),
    (c) => c.getParticipant('standup', 'alice'),
  ],
  [
    'removeParticipant with revokeTokenTs',
    'RemoveParticipant',
    RoomParticipantIdentity as unknown as RequestType,
    (c) => c.removeParticipant('standup', 'bob', { revokeTokenTs: 1_700_000_000n }),
    (c) => c.removeParticipant('standup', 'bob', { revokeTokenTs: 1_700_000_000n }),
  ],
  [
    'forwardParticipant',
    'ForwardParticipant',
    ForwardParticipantRequest as unknown as RequestType,
    (c) => c.forwardParticipant('stage', 'speaker', 'overflow'),
    (c) => c.forwardParticipant('stage', 'speaker', 'overflow'),
  ],
  [
    'moveParticipant',
    'MoveParticipant',
    MoveParticipantRequest as unknown as RequestType,
    (c) => c.moveParticipant('lobby', 'alice', 'standup'),
    (c) => c.moveParticipant('lobby', 'alice', 'standup'),
  ],
  [
    'mutePublishedTrack',
    'MutePublishedTrack',
    MuteRoomTrackRequest as unknown as RequestType,
    (c) => c.mutePublishedTrack('standup', 'bob', 'TR_1', true),
    (c) => c.mutePublishedTrack('standup', 'bob', 'TR_1', true),
  ],
  [
    'updateParticipant with options',
    'UpdateParticipant',
    UpdateParticipantRequest as unknown as RequestType,
    (c) =>
      c.updateParticipant('standup', 'alice', {
        metadata: 'meta',
        name: 'Alice',
        attributes: { role: 'host' },
        permission: { canPublish: true, canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE] },
      }),
    (c) =>
      c.updateParticipant('standup', 'alice', {
        metadata: 'meta',
        name: 'Alice',
        attributes: { role: 'host' },
        permission: { canPublish: true, canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE] },
      }),
  ],
  [
    'updateParticipant in the positional form',
    'UpdateParticipant',
    UpdateParticipantRequest as unknown as RequestType,
    (c) => c.updateParticipant('standup', 'alice', 'meta', { canSubscribe: false }, 'Al'),
    (c) => c.updateParticipant('standup', 'alice', 'meta', { canSubscribe: false }, 'Al'),
  ],
  [
    'updateSubscriptions',
    'UpdateSubscriptions',
    UpdateSubscriptionsRequest as unknown as RequestType,
    (c) => c.updateSubscriptions('standup', 'alice', ['TR_1', 'TR_2'], false),
    (c) => c.updateSubscriptions('standup', 'alice', ['TR_1', 'TR_2'], false),
  ],
  [
    'sendData with identities and a topic',
    'SendData',
    SendDataRequest as unknown as RequestType,
    (c) => c.sendData('standup', bytes, DataPacket_Kind.LOSSY, { destinationIdentities: ['alice'], topic: 'chat' }),
    (c) => c.sendData('standup', bytes, DataPacket_Kind.LOSSY, { destinationIdentities: ['alice'], topic: 'chat' }),
  ],
  [
    'sendData with the older destinationSids array',
    'SendData',
    SendDataRequest as unknown as RequestType,
    (c) => c.sendData('standup', bytes, DataPacket_Kind.RELIABLE, ['PA_1']),
    (c) => c.sendData('standup', bytes, DataPacket_Kind.RELIABLE, ['PA_1']),
  ],
];

let server: LocalServer;
beforeAll(async () => {
  // Answers JSON for everything: the peer can read nothing else, and ours reads either.
  server = await startLocalServer((request) => {
    const method = request.url.split('/').at(-1);
    const body = method === 'CreateRoom' || method === 'UpdateRoomMetadata' ? '{"name":"standup"}' : '{}';
    return { status: 200, headers: { 'content-type': 'application/json' }, body };
  });
});
afterAll(() => server.close());

async function capture(call: () => Promise<unknown>): Promise<RecordedRequest> {
  const before = server.requests.length;
  await call();
  expect(server.requests.length).toBe(before + 1);
  return server.requests.at(-1)!;
}

function decode(type: RequestType, request: RecordedRequest): Comparable {
  const json = String(request.headers['content-type']).startsWith('application/json');
  const message = json ? type.fromJsonString(request.body.toString('utf8')) : type.fromBinary(request.body);
  // The SendData nonce is random by design: check its length, then compare the rest.
  if (message instanceof SendDataRequest) {
    expect(message.nonce).toHaveLength(16);
    message.nonce = new Uint8Array(16);
  }
  return message;
}

describe('wire compatibility with livekit-server-sdk', () => {
  const peer = () => new PeerClient(server.url, KEY, SECRET);
  const ours = (encoding: 'json' | 'protobuf') => new RoomServiceClient(server.url, KEY, SECRET, { encoding });

  it.each(CASES)('%s: same path, same request message, same video grant', async (_name, method, type, peerCall, ourCall) => {
    const theirs = await capture(() => peerCall(peer()));
    expect(theirs.url).toBe(`/twirp/livekit.RoomService/${method}`);
    const expected = decode(type, theirs);
    for (const encoding of ['json', 'protobuf'] as const) {
      const mine = await capture(() => ourCall(ours(encoding)));
      expect(mine.url).toBe(theirs.url);
      const actual = decode(type, mine);
      expect(actual.toJson()).toEqual(expected.toJson());
      expect(type.equals(actual, expected)).toBe(true);
      expect(tokenClaims(mine)['video']).toEqual(tokenClaims(theirs)['video']);
    }
  });

  it('carries the same claims as the peer: iss, nbf, exp and the video grant, nothing else', async () => {
    const theirs = tokenClaims(await capture(() => peer().listParticipants('standup')));
    const mine = tokenClaims(await capture(() => ours('protobuf').listParticipants('standup')));
    expect(Object.keys(mine).sort()).toEqual(Object.keys(theirs).sort());
    expect(Object.keys(mine).sort()).toEqual(['exp', 'iss', 'nbf', 'video']);
    expect(mine['iss']).toBe(theirs['iss']);
    expect((mine['exp'] as number) - (mine['nbf'] as number)).toBe((theirs['exp'] as number) - (theirs['nbf'] as number));
  });
});

describe('wire compatibility with livekit-server-sdk, for generated arguments', () => {
  const peer = () => new PeerClient(server.url, KEY, SECRET);
  const ours = (encoding: 'json' | 'protobuf') => new RoomServiceClient(server.url, KEY, SECRET, { encoding });
  const name = fc.string({ minLength: 1, maxLength: 40 });
  const text = fc.string({ maxLength: 80, unit: 'grapheme' });
  const uint32 = fc.integer({ min: 0, max: 4_294_967_295 });
  const strings = fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 4 });

  async function agree(type: RequestType, peerCall: PeerCall, ourCall: Call): Promise<void> {
    const expected = decode(type, await capture(() => peerCall(peer())));
    for (const encoding of ['json', 'protobuf'] as const) {
      const actual = decode(type, await capture(() => ourCall(ours(encoding))));
      expect(actual.toJson()).toEqual(expected.toJson());
    }
  }

  it('createRoom', async () => {
    const options = fc.record(
      {
        name,
        emptyTimeout: uint32,
        departureTimeout: uint32,
        maxParticipants: uint32,
        metadata: text,
        nodeId: text,
        minPlayoutDelay: uint32,
        maxPlayoutDelay: uint32,
        syncStreams: fc.boolean(),
        tags: strings,
      },
      { requiredKeys: ['name'] },
    );
    await fc.assert(
      fc.asyncProperty(options, (o) =>
        agree(CreateRoomRequest as unknown as RequestType, (c) => c.createRoom(o as Parameters<PeerClient['createRoom']>[0]), (c) => c.createRoom(o)),
      ),
      { numRuns: 40 },
    );
  });

  it('updateParticipant', async () => {
    const update = fc.record(
      { metadata: text, name: text, attributes: strings, permission: fc.record({ canPublish: fc.boolean(), hidden: fc.boolean() }) },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(name, name, update, (room, identity, u) =>
        agree(
          UpdateParticipantRequest as unknown as RequestType,
          (c) => c.updateParticipant(room, identity, u),
          (c) => c.updateParticipant(room, identity, u),
        ),
      ),
      { numRuns: 40 },
    );
  });

  it('sendData', async () => {
    const options = fc.record(
      { destinationIdentities: fc.array(name, { maxLength: 3 }), topic: text },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(name, fc.uint8Array({ maxLength: 64 }), fc.constantFrom(DataPacket_Kind.RELIABLE, DataPacket_Kind.LOSSY), options, (room, data, kind, o) =>
        agree(SendDataRequest as unknown as RequestType, (c) => c.sendData(room, data, kind, o), (c) => c.sendData(room, data, kind, o)),
      ),
      { numRuns: 40 },
    );
  });
});
