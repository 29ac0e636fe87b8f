// The RoomService methods of the test server: for each, the request and response message,
// the grant it needs (CONTRACT.md §2 table) and what it does to the state. Checks come in
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
import type { RoomState } from './state.js';
import { invalidArgument, TestServerTwirpError } from './twirp.js';

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
 * The claims of a verified token, as the test server read them. `video` and `sip` hold the
 * grants (camelCase, as in the token); everything else the token carried is kept too.
 *
 * @example
 * ```ts
 * import type { TestServerClaims } from 'livekit-server-api/testing';
 * const canAdmin = (claims: TestServerClaims, room: string) =>
 *   claims.video?.roomAdmin === true && claims.video.room === room;
 * ```
 */
export interface TestServerClaims {
  /** The API key the token was signed with. */
  readonly iss: string;
  /** The identity, when the token has one. */
  readonly sub?: string;
  readonly exp: number;
  readonly nbf?: number;
  readonly video?: Readonly<Record<string, unknown>> & {
    readonly roomCreate?: unknown;
    readonly roomList?: unknown;
    readonly roomAdmin?: unknown;
    readonly roomRecord?: unknown;
    readonly ingressAdmin?: unknown;
    readonly room?: unknown;
    readonly destinationRoom?: unknown;
  };
  readonly sip?: Readonly<Record<string, unknown>> & { readonly admin?: unknown; readonly call?: unknown };
  readonly [claim: string]: unknown;
}

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

/**
 * Limits the server enforces, with a livekit-server's defaults; override some with the
 * `limits` option of `startTestServer`.
 *
 * @example
 * ```ts
 * import { startTestServer } from 'livekit-server-api/testing';
 * const lk = await startTestServer({ limits: { maxMetadataBytes: 64_000, maxBodyBytes: 1024 * 1024 } });
 * ```
 */
export interface TestServerLimits {
  /** Longest room name, in UTF-8 bytes. Default 256. */
  maxRoomNameLength: number;
  /** Longest participant name, in UTF-8 bytes. Default 256. */
  maxParticipantNameLength: number;
  /** Largest room or participant metadata, in UTF-8 bytes. Default 512 KiB. */
  maxMetadataBytes: number;
  /** Largest request body, in bytes; beyond it the answer is a plain-text 413. Default 10 MiB. */
  maxBodyBytes: number;
}

/** What a method handler may use besides the request. Internal. */
export interface HandlerContext {
  readonly state: RoomState;
  readonly limits: TestServerLimits;
  readonly remoteUnmute: boolean;
  readonly performRpc: PerformRpcHandler;
  readonly signal: AbortSignal;
  /** Records a SendData request (deduplicated by nonce). */
  recordData(request: SendDataRequest): void;
}

/** A message class of @livekit/protocol, as far as the server needs it. Internal. */
export interface MessageClass<T> {
  readonly typeName: string;
  fromBinary(bytes: Uint8Array): T;
  fromJsonString(json: string, options?: { ignoreUnknownFields?: boolean }): T;
}

/** What every response message can do. Internal. */
export interface ResponseMessage {
  toBinary(): Uint8Array;
  toJsonString(options?: { useProtoFieldName?: boolean; emitDefaultValues?: boolean }): string;
}

interface MethodSpec<Req> {
  readonly request: MessageClass<Req>;
  readonly allowed: (claims: TestServerClaims | undefined, request: Req) => boolean;
  readonly handle: (request: Req, context: HandlerContext) => ResponseMessage | Promise<ResponseMessage>;
}

type MethodTable = { readonly [M in RoomServiceMethod]: MethodSpec<RoomServiceRequests[M]> };

const PERMISSION_DENIED = 'permissions denied';
const encoder = new TextEncoder();
const utf8Length = (text: string): number => encoder.encode(text).length;

const roomNotFound = (): TestServerTwirpError => new TestServerTwirpError('not_found', 'requested room does not exist');
const participantNotFound = (): TestServerTwirpError =>
  new TestServerTwirpError('not_found', 'participant does not exist');

function checkMetadata(metadata: string, limits: TestServerLimits): void {
  if (utf8Length(metadata) > limits.maxMetadataBytes) {
    throw invalidArgument('metadata size exceeds limits', String(limits.maxMetadataBytes));
  }
}

/** The grant checks of a livekit-server, by name (auth.go: Ensure…Permission). */
export const grants = {
  create: (claims: TestServerClaims | undefined): boolean => claims?.video?.roomCreate === true,
  list: (claims: TestServerClaims | undefined): boolean => claims?.video?.roomList === true,
  admin: (claims: TestServerClaims | undefined, room: string): boolean =>
    claims?.video?.roomAdmin === true && (claims.video.room ?? '') === room,
  destination: (claims: TestServerClaims | undefined, room: string, destination: string): boolean =>
    grants.admin(claims, room) && (claims?.video?.destinationRoom ?? '') === destination,
  record: (claims: TestServerClaims | undefined): boolean => claims?.video?.roomRecord === true,
  ingress: (claims: TestServerClaims | undefined): boolean => claims?.video?.ingressAdmin === true,
  sip: (claims: TestServerClaims | undefined): boolean => claims?.sip?.admin === true || claims?.sip?.call === true,
} as const;

/** The RoomService of the test server. Internal. */
export const ROOM_SERVICE: MethodTable = {
  ListRooms: {
    request: ListRoomsRequest,
    allowed: (claims) => grants.list(claims),
    handle: (request, { state }) => new ListRoomsResponse({ rooms: state.listRooms(request.names) }),
  },
  CreateRoom: {
    request: CreateRoomRequest,
    allowed: (claims) => grants.create(claims),
    handle: (request, { state, limits }) => {
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
    handle: (request, { state }) => {
      if (!state.deleteRoom(request.room)) throw roomNotFound();
      return new DeleteRoomResponse();
    },
  },
  UpdateRoomMetadata: {
    request: UpdateRoomMetadataRequest,
    allowed: (claims, request) => grants.admin(claims, request.room),
    handle: (request, { state }) => {
      const room = state.updateRoomMetadata(request.room, request.metadata);
      if (room === undefined) throw roomNotFound();
      return room;
    },
  },
  ListParticipants: {
    request: ListParticipantsRequest,
    allowed: (claims, request) => grants.admin(claims, request.room),
    // As on a server, a room that does not exist simply has no participants.
    handle: (request, { state }) =>
      new ListParticipantsResponse({ participants: state.listParticipants(request.room) }),
  },
  GetParticipant: {
    request: RoomParticipantIdentity,
    allowed: (claims, request) => grants.admin(claims, request.room),
    handle: (request, { state }) => {
      const participant = state.getParticipant(request.room, request.identity);
      if (participant === undefined) throw participantNotFound();
      return participant;
    },
  },
  RemoveParticipant: {
    request: RoomParticipantIdentity,
    allowed: (claims, request) => grants.admin(claims, request.room),
    handle: (request, { state }) => {
      if (!state.removeParticipant(request.room, request.identity)) throw participantNotFound();
      return new RemoveParticipantResponse();
    },
  },
  MutePublishedTrack: {
    request: MuteRoomTrackRequest,
    allowed: (claims, request) => grants.admin(claims, request.room),
    handle: (request, { state, remoteUnmute }) => {
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
    allowed: (claims, request) => grants.admin(claims, request.room),
    handle: (request, { state }) => {
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
    handle: (request, { state }) => {
      if (state.getParticipant(request.room, request.identity) === undefined) throw participantNotFound();
      return new UpdateSubscriptionsResponse();
    },
  },
  SendData: {
    request: SendDataRequest,
    allowed: (claims, request) => grants.admin(claims, request.room),
    handle: (request, { state, recordData }) => {
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
    handle: (request, { state }) => {
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
    handle: (request, { state }) => {
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
    handle: async (request, { state, performRpc, signal }) => {
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

/**
 * Checks that run before the grant check on a livekit-server (UpdateParticipant and
 * UpdateRoomMetadata validate sizes first). Internal.
 */
export function preAuthChecks(method: RoomServiceMethod, request: RoomServiceRequest, limits: TestServerLimits): void {
  if (method === 'UpdateRoomMetadata' && request instanceof UpdateRoomMetadataRequest) {
    checkMetadata(request.metadata, limits);
  } else if (method === 'UpdateParticipant' && request instanceof UpdateParticipantRequest) {
    if (utf8Length(request.name) > limits.maxParticipantNameLength) {
      throw invalidArgument('name length exceeds limits', String(limits.maxParticipantNameLength));
    }
    checkMetadata(request.metadata, limits);
  }
}

export { PERMISSION_DENIED };

/** Tells whether `method` names a RoomService method. */
export function isRoomServiceMethod(method: string): method is RoomServiceMethod {
  return Object.prototype.hasOwnProperty.call(ROOM_SERVICE, method);
}
