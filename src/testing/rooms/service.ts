// The RoomService of the test server: for each method, the request message, the grant it
// needs and what it does to the state. Checks come in
// the order a livekit-server makes them.
import {
  CreateRoomRequest,
  DeleteRoomRequest,
  DeleteRoomResponse,
  ForwardParticipantRequest,
  ForwardParticipantResponse,
  ListParticipantsRequest,
  ListParticipantsResponse,
  ListRoomsRequest,
  ListRoomsResponse,
  MoveParticipantRequest,
  MoveParticipantResponse,
  MuteRoomTrackRequest,
  MuteRoomTrackResponse,
  PerformRpcRequest,
  PerformRpcResponse,
  RemoveParticipantResponse,
  RoomParticipantIdentity,
  SendDataRequest,
  SendDataResponse,
  UpdateParticipantRequest,
  UpdateRoomMetadataRequest,
  UpdateSubscriptionsRequest,
  UpdateSubscriptionsResponse,
} from '@livekit/protocol';
import { MAX_REMEMBERED_NONCES, RequestLog } from '../request-log.js';
import { invalidArgument, TestServerTwirpError } from '../twirp.js';
import {
  canAdminRoom,
  hasVideoGrant,
  utf8Length,
  type MethodContext,
  type MethodTable,
  type TestServerClaims,
  type TestServerLimits,
  type TestService,
  serviceOf,
} from '../service.js';

/**
 * The request message of each RoomService method.
 *
 * @example
 * ```ts
 * import type { RoomServiceRequests } from 'livekit-server-api/testing';
 * type Create = RoomServiceRequests['CreateRoom']; // CreateRoomRequest
 * ```
 */
export interface RoomServiceRequests {
  ListRooms: ListRoomsRequest;
  CreateRoom: CreateRoomRequest;
  DeleteRoom: DeleteRoomRequest;
  UpdateRoomMetadata: UpdateRoomMetadataRequest;
  ListParticipants: ListParticipantsRequest;
  GetParticipant: RoomParticipantIdentity;
  RemoveParticipant: RoomParticipantIdentity;
  MutePublishedTrack: MuteRoomTrackRequest;
  UpdateParticipant: UpdateParticipantRequest;
  UpdateSubscriptions: UpdateSubscriptionsRequest;
  SendData: SendDataRequest;
  ForwardParticipant: ForwardParticipantRequest;
  MoveParticipant: MoveParticipantRequest;
  PerformRpc: PerformRpcRequest;
}

/**
 * The name of a RoomService method, e.g. `'CreateRoom'`.
 *
 * @example
 * ```ts
 * import type { RoomServiceMethod } from 'livekit-server-api/testing';
 * const method: RoomServiceMethod = 'SendData';
 * ```
 */
export type RoomServiceMethod = keyof RoomServiceRequests;

/**
 * Any RoomService request message.
 *
 * @example
 * ```ts
 * import type { RoomServiceRequest } from 'livekit-server-api/testing';
 * function roomOf(request: RoomServiceRequest): string | undefined {
 *   return 'room' in request ? request.room : undefined;
 * }
 * ```
 */
export type RoomServiceRequest = RoomServiceRequests[RoomServiceMethod];

/**
 * Answers `PerformRpc` calls: gets the request, returns the response payload. Throw a
 * {@link TestServerTwirpError} to fail the call with a Twirp error of your choosing; any other
 * exception becomes `internal`. `signal` aborts when the caller goes away or its deadline passes.
 *
 * @example
 * ```ts
 * import type { PerformRpcHandler } from 'livekit-server-api/testing';
 * const handler: PerformRpcHandler = (request) =>
 *   request.method === 'ping' ? 'pong' : JSON.stringify({ echo: request.payload });
 * ```
 */
export type PerformRpcHandler = (
  request: PerformRpcRequest,
  context: { readonly signal: AbortSignal },
) => string | Promise<string>;

/** What the RoomService's handlers may use besides the request. */
interface RoomContext extends MethodContext {
  readonly remoteUnmute: boolean;
  readonly performRpc: PerformRpcHandler;
  /** Records a SendData request (deduplicated by nonce). */
  recordData(request: SendDataRequest): void;
}

const roomNotFound = (): TestServerTwirpError => new TestServerTwirpError('not_found', 'requested room does not exist');
const participantNotFound = (): TestServerTwirpError =>
  new TestServerTwirpError('not_found', 'participant does not exist');

function checkMetadata(metadata: string, limits: TestServerLimits): void {
  if (utf8Length(metadata) > limits.maxMetadataBytes) {
    throw invalidArgument('metadata size exceeds limits', String(limits.maxMetadataBytes));
  }
}

const grants = {
  create: (claims: TestServerClaims | undefined): boolean => hasVideoGrant(claims, 'roomCreate'),
  list: (claims: TestServerClaims | undefined): boolean => hasVideoGrant(claims, 'roomList'),
  admin: canAdminRoom,
  destination: (claims: TestServerClaims | undefined, room: string, destination: string): boolean =>
    canAdminRoom(claims, room) && (claims?.video?.destinationRoom ?? '') === destination,
};

const METHODS: MethodTable<RoomServiceRequests, RoomContext> = {
  ListRooms: {
    request: ListRoomsRequest,
    allowed: (claims) => grants.list(claims),
    handle: (request, { rooms: state }) => new ListRoomsResponse({ rooms: state.listRooms(request.names) }),
  },
  CreateRoom: {
    request: CreateRoomRequest,
    allowed: (claims) => grants.create(claims),
    handle: (request, { rooms: state, limits }) => {
      if (request.name === '') throw new TestServerTwirpError('invalid_argument', 'no room name');
      if (utf8Length(request.name) > limits.maxRoomNameLength) {
        throw new TestServerTwirpError(
          'invalid_argument',
          `room name length exceeds limits: max length ${limits.maxRoomNameLength}`,
        );
      }
      checkMetadata(request.metadata, limits);
      return state.createRoom({
        name: request.name,
        emptyTimeout: request.emptyTimeout,
        departureTimeout: request.departureTimeout,
        maxParticipants: request.maxParticipants,
        metadata: request.metadata,
      }).room;
    },
  },
  DeleteRoom: {
    request: DeleteRoomRequest,
    allowed: (claims) => grants.create(claims),
    handle: (request, { rooms: state }) => {
      if (!state.deleteRoom(request.room)) throw roomNotFound();
      return new DeleteRoomResponse();
    },
  },
  UpdateRoomMetadata: {
    request: UpdateRoomMetadataRequest,
    // Sizes are checked before the grant on a livekit-server.
    precheck: (request, { limits }) => checkMetadata(request.metadata, limits),
    allowed: (claims, request) => grants.admin(claims, request.room),
    handle: (request, { rooms: state }) => {
      const room = state.updateRoomMetadata(request.room, request.metadata);
      if (room === undefined) throw roomNotFound();
      return room;
    },
  },
  ListParticipants: {
    request: ListParticipantsRequest,
    allowed: (claims, request) => grants.admin(claims, request.room),
    // As on a server, a room that does not exist simply has no participants.
    handle: (request, { rooms: state }) =>
      new ListParticipantsResponse({ participants: state.listParticipants(request.room) }),
  },
  GetParticipant: {
    request: RoomParticipantIdentity,
    allowed: (claims, request) => grants.admin(claims, request.room),
    handle: (request, { rooms: state }) => {
      const participant = state.getParticipant(request.room, request.identity);
      if (participant === undefined) throw participantNotFound();
      return participant;
    },
  },
  RemoveParticipant: {
    request: RoomParticipantIdentity,
    allowed: (claims, request) => grants.admin(claims, request.room),
    handle: (request, { rooms: state }) => {
      if (!state.removeParticipant(request.room, request.identity)) throw participantNotFound();
      return new RemoveParticipantResponse();
    },
  },
  MutePublishedTrack: {
    request: MuteRoomTrackRequest,
    allowed: (claims, request) => grants.admin(claims, request.room),
    handle: (request, { rooms: state, remoteUnmute }) => {
      const participant = state.getParticipant(request.room, request.identity);
      if (participant === undefined) throw participantNotFound();
      if (!participant.tracks.some((t) => t.sid === request.trackSid)) {
        throw new TestServerTwirpError('not_found', 'track is not found');
      }
      if (!request.muted && !remoteUnmute) {
        throw new TestServerTwirpError('failed_precondition', 'remote unmute not enabled');
      }
      const track = state.setTrackMuted(request.room, request.identity, request.trackSid, request.muted);
      return new MuteRoomTrackResponse(track === undefined ? {} : { track });
    },
  },
  UpdateParticipant: {
    request: UpdateParticipantRequest,
    precheck: (request, { limits }) => {
      if (utf8Length(request.name) > limits.maxParticipantNameLength) {
        throw invalidArgument('name length exceeds limits', String(limits.maxParticipantNameLength));
      }
      checkMetadata(request.metadata, limits);
    },
    allowed: (claims, request) => grants.admin(claims, request.room),
    handle: (request, { rooms: state }) => {
      const participant = state.updateParticipant(request.room, request.identity, {
        metadata: request.metadata,
        name: request.name,
        attributes: request.attributes,
        ...(request.permission === undefined ? {} : { permission: request.permission }),
      });
      if (participant === undefined) throw participantNotFound();
      return participant;
    },
  },
  UpdateSubscriptions: {
    request: UpdateSubscriptionsRequest,
    allowed: (claims, request) => grants.admin(claims, request.room),
    handle: (request, { rooms: state }) => {
      if (state.getParticipant(request.room, request.identity) === undefined) throw participantNotFound();
      return new UpdateSubscriptionsResponse();
    },
  },
  SendData: {
    request: SendDataRequest,
    allowed: (claims, request) => grants.admin(claims, request.room),
    handle: (request, { rooms: state, recordData }) => {
      if (request.nonce.length !== 0 && request.nonce.length !== 16) {
        throw new TestServerTwirpError(
          'invalid_argument',
          `nonce should be 16-bytes or not present, got: ${request.nonce.length} bytes`,
        );
      }
      if (!state.hasRoom(request.room)) throw roomNotFound();
      recordData(request);
      return new SendDataResponse();
    },
  },
  ForwardParticipant: {
    request: ForwardParticipantRequest,
    allowed: (claims, request) => grants.destination(claims, request.room, request.destinationRoom),
    handle: (request, { rooms: state }) => {
      if (request.room === request.destinationRoom) {
        throw new TestServerTwirpError('invalid_argument', 'destination room cannot be the same as source room');
      }
      if (state.forwardParticipant(request.room, request.identity, request.destinationRoom) === undefined) {
        throw participantNotFound();
      }
      return new ForwardParticipantResponse();
    },
  },
  MoveParticipant: {
    request: MoveParticipantRequest,
    allowed: (claims, request) => grants.destination(claims, request.room, request.destinationRoom),
    handle: (request, { rooms: state }) => {
      if (request.room === request.destinationRoom) {
        throw new TestServerTwirpError('invalid_argument', 'destination room cannot be the same as source room');
      }
      if (state.moveParticipant(request.room, request.identity, request.destinationRoom) === undefined) {
        throw participantNotFound();
      }
      return new MoveParticipantResponse();
    },
  },
  PerformRpc: {
    request: PerformRpcRequest,
    allowed: (claims, request) => grants.admin(claims, request.room),
    handle: async (request, { rooms: state, performRpc, signal }) => {
      if (request.destinationIdentity === '') {
        throw new TestServerTwirpError('invalid_argument', 'destination identity is required');
      }
      if (state.getParticipant(request.room, request.destinationIdentity) === undefined) throw participantNotFound();
      const payload = await performRpc(request.clone(), { signal });
      if (typeof payload !== 'string') {
        throw new TestServerTwirpError('internal', 'performRpc handler returned a non-string payload');
      }
      return new PerformRpcResponse({ payload });
    },
  },
};

/** Settings of the RoomService of one test server. */
export interface RoomServiceSettings {
  readonly remoteUnmute: boolean;
  /** The PerformRpc handler in force (it can be replaced while the server runs). */
  readonly performRpc: () => PerformRpcHandler;
  /** How many SendData requests `sentData()` keeps, the most recent (the request log's size). */
  readonly dataLogSize: number;
}

/**
 * The RoomService of one test server, and the SendData log it keeps (deduplicated by nonce,
 * as a server delivers a retried message once). Internal.
 */
export function createRoomService(settings: RoomServiceSettings): TestService & { sentData(room?: string): SendDataRequest[] } {
  const dataLog = new RequestLog<SendDataRequest>(settings.dataLogSize);
  const seenNonces = new Set<string>();
  const recordData = (request: SendDataRequest): void => {
    if (request.nonce.length === 16) {
      const key = `${request.room}\u0000${Array.from(request.nonce, (b) => b.toString(16).padStart(2, '0')).join('')}`;
      if (seenNonces.has(key)) return;
      seenNonces.add(key);
      // A window, as a server's: old enough nonces are forgotten, so memory stays bounded.
      if (seenNonces.size > MAX_REMEMBERED_NONCES) seenNonces.delete(seenNonces.values().next().value as string);
    }
    dataLog.push(request.clone());
  };
  const service = serviceOf(
    'RoomService',
    METHODS,
    (context) => ({ ...context, remoteUnmute: settings.remoteUnmute, performRpc: settings.performRpc(), recordData }),
    () => {
      dataLog.clear();
      seenNonces.clear();
    },
  );
  return {
    ...service,
    sentData: (room) => dataLog.toArray().filter((d) => room === undefined || d.room === room).map((d) => d.clone()),
  };
}
