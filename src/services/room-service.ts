// RoomService: rooms, participants, data messages and RPC on a LiveKit server. Drop-in for
// livekit-server-sdk's RoomServiceClient: same method names, argument order and results, plus
// per-call options as the last argument of every method, and performRpc.
import type {
  ParticipantPermission,
  ParticipantTracks,
  RoomAgentDispatch,
  RoomEgress} from '@livekit/protocol';
import {
  CreateRoomRequest,
  DataPacket_Kind,
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
  ParticipantInfo,
  PerformRpcRequest,
  PerformRpcResponse,
  RemoveParticipantResponse,
  Room,
  RoomParticipantIdentity,
  SendDataRequest,
  SendDataResponse,
  TrackInfo,
  UpdateParticipantRequest,
  UpdateRoomMetadataRequest,
  UpdateSubscriptionsRequest,
  UpdateSubscriptionsResponse,
} from '@livekit/protocol';
import { runtime } from '#runtime';
import type { CallGrants } from '../rpc/auth.js';
import { show } from '../rpc/options.js';
import type { ClientOptions, RequestOptions } from '../rpc/options.js';
import type { MessageInit } from '../rpc/message-init.js';
import { defineService, method } from '../rpc/service.js';
import type { TwirpClient } from '../rpc/twirp-client.js';
import {
  optionalNameList,
  optionalObject,
  rejectRequestOptions,
  requireBoolean,
  requireName,
  requireObject,
  requireString,
} from '../rpc/validate.js';
import { transportFor } from './transport.js';

// Exactly the grants the server checks per method, nothing more.
const ROOM_CREATE: CallGrants = { video: { roomCreate: true } };
const ROOM_LIST: CallGrants = { video: { roomList: true } };
const roomAdmin = (request: { room: string }): CallGrants => ({ video: { roomAdmin: true, room: request.room } });
const roomAdminWithDestination = (request: { room: string; destinationRoom: string }): CallGrants => ({
  video: { roomAdmin: true, room: request.room, destinationRoom: request.destinationRoom },
});

/** Time a participant has to answer a performRpc when the caller sets no `responseTimeoutMs`. */
const ASSUMED_RPC_RESPONSE_TIMEOUT_MS = 15_000;
/** How much longer than the participant's answer window a performRpc call waits by default. */
const RPC_TIMEOUT_MARGIN_MS = 5_000;

/**
 * The RoomService methods. Which calls are safe to repeat: reads, and writes that set a state.
 * DeleteRoom and RemoveParticipant answer not_found the second time; SendData, PerformRpc,
 * Forward and Move act again. Those are retried only when the request surely never reached
 * the server.
 */
export const ROOM_SERVICE = defineService('RoomService', {
  CreateRoom: method({ input: CreateRoomRequest, output: Room, idempotent: true, grants: () => ROOM_CREATE }),
  ListRooms: method({ input: ListRoomsRequest, output: ListRoomsResponse, idempotent: true, grants: () => ROOM_LIST }),
  DeleteRoom: method({ input: DeleteRoomRequest, output: DeleteRoomResponse, idempotent: false, grants: () => ROOM_CREATE }),
  UpdateRoomMetadata: method({ input: UpdateRoomMetadataRequest, output: Room, idempotent: true, grants: roomAdmin }),
  ListParticipants: method({ input: ListParticipantsRequest, output: ListParticipantsResponse, idempotent: true, grants: roomAdmin }),
  GetParticipant: method({ input: RoomParticipantIdentity, output: ParticipantInfo, idempotent: true, grants: roomAdmin }),
  RemoveParticipant: method({
    input: RoomParticipantIdentity,
    output: RemoveParticipantResponse,
    idempotent: false,
    grants: roomAdmin,
  }),
  MutePublishedTrack: method({ input: MuteRoomTrackRequest, output: MuteRoomTrackResponse, idempotent: true, grants: roomAdmin }),
  UpdateParticipant: method({ input: UpdateParticipantRequest, output: ParticipantInfo, idempotent: true, grants: roomAdmin }),
  UpdateSubscriptions: method({
    input: UpdateSubscriptionsRequest,
    output: UpdateSubscriptionsResponse,
    idempotent: true,
    grants: roomAdmin,
  }),
  SendData: method({ input: SendDataRequest, output: SendDataResponse, idempotent: false, replaySafe: true, grants: roomAdmin }),
  ForwardParticipant: method({
    input: ForwardParticipantRequest,
    output: ForwardParticipantResponse,
    idempotent: false,
    grants: roomAdminWithDestination,
  }),
  MoveParticipant: method({
    input: MoveParticipantRequest,
    output: MoveParticipantResponse,
    idempotent: false,
    grants: roomAdminWithDestination,
  }),
  PerformRpc: method({
    input: PerformRpcRequest,
    output: PerformRpcResponse,
    idempotent: false,
    grants: roomAdmin,
    // The server holds the call open until the participant answers: wait at least that long.
    timeoutMs: (request, clientTimeoutMs) =>
      Math.max(clientTimeoutMs, (request.responseTimeoutMs || ASSUMED_RPC_RESPONSE_TIMEOUT_MS) + RPC_TIMEOUT_MARGIN_MS),
  }),
});
const M = ROOM_SERVICE;

/** The initialiser of a `@livekit/protocol` message: an instance or a plain object of its fields. */
type Init<T extends abstract new (...args: never[]) => unknown> = NonNullable<ConstructorParameters<T>[0]>;

/**
 * The room to create and its settings: every field of `CreateRoomRequest`.
 *
 * @example
 * ```ts
 * const options: CreateOptions = { name: 'standup', emptyTimeout: 300, maxParticipants: 10 };
 * ```
 */
export interface CreateOptions {
  /** Name of the room. Required. */
  name: string;
  /** A room configuration preset defined on the server; fields below override it. */
  roomPreset?: string | undefined;
  /** Seconds to keep the room open before anyone joins. */
  emptyTimeout?: number | undefined;
  /** Seconds to keep the room open after the last participant leaves. */
  departureTimeout?: number | undefined;
  /** The most participants the room admits at a time. */
  maxParticipants?: number | undefined;
  /** Forces the room onto this node (self-hosted, for debugging). */
  nodeId?: string | undefined;
  /** Initial room metadata. */
  metadata?: string | undefined;
  /** Tags to search rooms by. */
  tags?: Readonly<Record<string, string>> | undefined;
  /** Automatic egress for the room. */
  egress?: RoomEgress | Init<typeof RoomEgress> | undefined;
  /** Minimum playout delay of subscribers, in milliseconds. */
  minPlayoutDelay?: number | undefined;
  /** Maximum playout delay of subscribers, in milliseconds. */
  maxPlayoutDelay?: number | undefined;
  /** Better A/V sync with a playout delay above 200 ms, at the cost of transceiver reuse. */
  syncStreams?: boolean | undefined;
  /** Whether the room is recorded for replay (LiveKit Cloud). */
  replayEnabled?: boolean | undefined;
  /** Agents to dispatch to the room when it is created. */
  agents?: ReadonlyArray<RoomAgentDispatch | Init<typeof RoomAgentDispatch>> | undefined;
}

/**
 * Options of {@link RoomServiceClient.sendData}.
 *
 * @example
 * ```ts
 * const options: SendDataOptions = { topic: 'chat', destinationIdentities: ['alice'] };
 * ```
 */
export interface SendDataOptions {
  /** Deliver only to these participant identities; everyone when empty. */
  destinationIdentities?: readonly string[] | undefined;
  /** Deliver only to these participant sids. @deprecated Use `destinationIdentities`. */
  destinationSids?: readonly string[] | undefined;
  /** The topic receivers filter on. */
  topic?: string | undefined;
  /** The 16-byte de-duplication nonce; a random one by default. */
  nonce?: Uint8Array | undefined;
}

/**
 * What {@link RoomServiceClient.updateParticipant} changes; fields left out stay as they are.
 *
 * @example
 * ```ts
 * const update: UpdateParticipantOptions = { attributes: { role: 'host' }, permission: { canPublish: true } };
 * ```
 */
export interface UpdateParticipantOptions {
  /** Attributes to set; an empty string value removes the attribute. */
  attributes?: Readonly<Record<string, string>> | undefined;
  /** New metadata; left unchanged when empty. */
  metadata?: string | undefined;
  /** The new permissions, replaced as a whole: set every permission the participant should have. */
  permission?: Partial<ParticipantPermission> | undefined;
  /** New display name; left unchanged when empty. */
  name?: string | undefined;
}

/**
 * Options of {@link RoomServiceClient.removeParticipant}.
 *
 * @example
 * ```ts
 * await rooms.removeParticipant('standup', 'bob', { revokeTokenTs: BigInt(Math.floor(Date.now() / 1000)) });
 * ```
 */
export interface RemoveParticipantOptions {
  /** Tokens with an `nbf` before this Unix time (seconds) are refused from now on. */
  revokeTokenTs?: bigint | undefined;
}

/**
 * A participant's tracks to subscribe to or unsubscribe from, for
 * {@link RoomServiceClient.updateSubscriptions}.
 *
 * @example
 * ```ts
 * const tracks: ParticipantTrackList = { participantSid: 'PA_abc', trackSids: ['TR_1', 'TR_2'] };
 * ```
 */
export type ParticipantTrackList = ParticipantTracks | Init<typeof ParticipantTracks>;

/**
 * What {@link RoomServiceClient.performRpc} calls: a method registered by a participant.
 *
 * @example
 * ```ts
 * const call: PerformRpcOptions = { room: 'standup', destinationIdentity: 'agent', method: 'summarize', payload: '{}' };
 * ```
 */
export interface PerformRpcOptions {
  /** The room the participant is in. */
  room: string;
  /** The identity of the participant that handles the call. */
  destinationIdentity: string;
  /** The RPC method name the participant registered. */
  method: string;
  /** The request payload, usually JSON. */
  payload: string;
  /**
   * How long the participant has to answer, in milliseconds (server default when left out).
   * Unless the call sets `timeoutMs`, the HTTP call waits at least this long plus 5 s.
   */
  responseTimeoutMs?: number | undefined;
}

/**
 * Manages rooms and participants on a LiveKit server over Twirp.
 *
 * A drop-in for `livekit-server-sdk`'s `RoomServiceClient`: the same constructor, method
 * names, argument order and results (`@livekit/protocol` messages). Beyond it: every method
 * takes per-call {@link RequestOptions} (`signal`, `timeoutMs`, `retries`, `headers`) as its
 * last argument; requests are protobuf by default; tokens carry only the grants each method
 * needs and are reused until shortly before they expire; retries and LiveKit Cloud region
 * failover are built in; failures are typed ({@link ServerError}, {@link ConnectionError},
 * {@link RequestTimeoutError}, {@link RequestAbortedError}).
 *
 * @example
 * ```ts
 * import { RoomServiceClient } from 'livekit-server-api';
 *
 * // Key and secret default to LIVEKIT_API_KEY and LIVEKIT_API_SECRET.
 * const rooms = new RoomServiceClient('https://my-project.livekit.cloud');
 * const room = await rooms.createRoom({ name: 'standup', emptyTimeout: 300 });
 * for (const p of await rooms.listParticipants(room.name)) console.log(p.identity);
 * ```
 */
export class RoomServiceClient {
  readonly #rpc: TwirpClient;

  /**
   * @param host - the server URL, e.g. `https://my-project.livekit.cloud` (`wss://` works too;
   *   a path prefix such as `https://proxy.example.com/livekit` is kept).
   * @param apiKey - API key; defaults to `LIVEKIT_API_KEY`. Not needed with `options.token`.
   * @param apiSecret - API secret; defaults to `LIVEKIT_API_SECRET`. Not needed with `options.token`.
   * @param options - authentication and per-call defaults.
   */
  constructor(host: string, apiKey?: string, apiSecret?: string, options?: ClientOptions) {
    this.#rpc = transportFor('RoomServiceClient', host, apiKey, apiSecret, options);
  }

  /**
   * Creates a room, or returns the existing one of that name. Rooms are also created
   * implicitly when the first participant joins; this sets their options up front.
   *
   * @example
   * ```ts
   * const room = await rooms.createRoom({ name: 'standup', emptyTimeout: 300, metadata: '{"topic":"daily"}' });
   * ```
   */
  async createRoom(options: CreateOptions, requestOptions?: RequestOptions): Promise<Room> {
    requireName(requireObject(options, 'RoomService.CreateRoom: options', "{ name: 'standup' }").name, 'RoomService.CreateRoom: options.name');
    return this.#rpc.invoke(M.CreateRoom, options, requestOptions, 'options');
  }

  /**
   * Lists the active rooms: all of them, or those with the given names.
   *
   * @example
   * ```ts
   * const all = await rooms.listRooms();
   * const some = await rooms.listRooms(['standup', 'retro']);
   * ```
   */
  async listRooms(names?: readonly string[] | null, requestOptions?: RequestOptions): Promise<Room[]> {
    rejectRequestOptions(names, 'RoomService.ListRooms: names', 'listRooms(undefined, { retries: 0 })');
    const list = optionalNameList(names, 'RoomService.ListRooms: names');
    const response = await this.#rpc.invoke(M.ListRooms, { names: list }, requestOptions);
    return response.rooms;
  }

  /**
   * Deletes a room and disconnects everyone in it. A room that does not exist is a
   * {@link ServerError} with code `not_found`.
   *
   * @example
   * ```ts
   * await rooms.deleteRoom('standup');
   * ```
   */
  async deleteRoom(room: string, requestOptions?: RequestOptions): Promise<void> {
    await this.#rpc.invoke(M.DeleteRoom, { room: requireName(room, 'RoomService.DeleteRoom: room') }, requestOptions);
  }

  /**
   * Replaces a room's metadata and returns the updated room.
   *
   * @example
   * ```ts
   * const room = await rooms.updateRoomMetadata('standup', JSON.stringify({ topic: 'retro' }));
   * ```
   */
  async updateRoomMetadata(room: string, metadata: string, requestOptions?: RequestOptions): Promise<Room> {
    const what = 'RoomService.UpdateRoomMetadata';
    const request = { room: requireName(room, `${what}: room`), metadata: requireString(metadata, `${what}: metadata`) };
    return this.#rpc.invoke(M.UpdateRoomMetadata, request, requestOptions);
  }

  /**
   * Lists the participants of a room.
   *
   * @example
   * ```ts
   * for (const p of await rooms.listParticipants('standup')) console.log(p.identity, p.state);
   * ```
   */
  async listParticipants(room: string, requestOptions?: RequestOptions): Promise<ParticipantInfo[]> {
    const request = { room: requireName(room, 'RoomService.ListParticipants: room') };
    return (await this.#rpc.invoke(M.ListParticipants, request, requestOptions)).participants;
  }

  /**
   * Returns one participant, with the tracks it publishes.
   *
   * @example
   * ```ts
   * const alice = await rooms.getParticipant('standup', 'alice');
   * console.log(alice.tracks.map((t) => t.sid));
   * ```
   */
  async getParticipant(room: string, identity: string, requestOptions?: RequestOptions): Promise<ParticipantInfo> {
    const what = 'RoomService.GetParticipant';
    const request = { room: requireName(room, `${what}: room`), identity: requireName(identity, `${what}: identity`) };
    return this.#rpc.invoke(M.GetParticipant, request, requestOptions);
  }

  /**
   * Disconnects a participant. It may join again unless its token is revoked with
   * `revokeTokenTs`.
   *
   * @example
   * ```ts
   * await rooms.removeParticipant('standup', 'bob');
   * ```
   */
  async removeParticipant(
    room: string,
    identity: string,
    options?: RemoveParticipantOptions,
    requestOptions?: RequestOptions,
  ): Promise<void> {
    const what = 'RoomService.RemoveParticipant';
    const request = { room: requireName(room, `${what}: room`), identity: requireName(identity, `${what}: identity`) };
    const revokeTokenTs = optionalObject(options, `${what}: options`)?.revokeTokenTs;
    if (revokeTokenTs !== undefined && (typeof revokeTokenTs !== 'bigint' || revokeTokenTs < 0n)) {
      throw new TypeError(`${what}: options.revokeTokenTs must be a non-negative bigint (Unix seconds), got ${show(revokeTokenTs)}`);
    }
    await this.#rpc.invoke(M.RemoveParticipant, { ...request, revokeTokenTs }, requestOptions);
  }

  /**
   * Forwards a participant's tracks to another room, where a participant of kind "forwarded"
   * mirrors it until it leaves or is removed there.
   *
   * @example
   * ```ts
   * await rooms.forwardParticipant('stage', 'speaker', 'overflow');
   * ```
   */
  async forwardParticipant(
    room: string,
    identity: string,
    destinationRoom: string,
    requestOptions?: RequestOptions,
  ): Promise<void> {
    const request = checkMove('ForwardParticipant', room, identity, destinationRoom);
    await this.#rpc.invoke(M.ForwardParticipant, request, requestOptions);
  }

  /**
   * Moves a connected participant to another room: others see it leave one room and join
   * the other.
   *
   * @example
   * ```ts
   * await rooms.moveParticipant('lobby', 'alice', 'standup');
   * ```
   */
  async moveParticipant(
    room: string,
    identity: string,
    destinationRoom: string,
    requestOptions?: RequestOptions,
  ): Promise<void> {
    const request = checkMove('MoveParticipant', room, identity, destinationRoom);
    await this.#rpc.invoke(M.MoveParticipant, request, requestOptions);
  }

  /**
   * Mutes or unmutes a track a participant publishes and returns the track.
   *
   * @example
   * ```ts
   * const track = await rooms.mutePublishedTrack('standup', 'bob', 'TR_abc', true);
   * ```
   */
  async mutePublishedTrack(
    room: string,
    identity: string,
    trackSid: string,
    muted: boolean,
    requestOptions?: RequestOptions,
  ): Promise<TrackInfo> {
    const what = 'RoomService.MutePublishedTrack';
    const request = {
      room: requireName(room, `${what}: room`),
      identity: requireName(identity, `${what}: identity`),
      trackSid: requireName(trackSid, `${what}: trackSid`),
      muted: requireBoolean(muted, `${what}: muted`),
    };
    const response = await this.#rpc.invoke(M.MutePublishedTrack, request, requestOptions);
    return response.track ?? new TrackInfo();
  }

  /**
   * Updates a participant's metadata, attributes, name or permissions and returns it.
   *
   * @example
   * ```ts
   * await rooms.updateParticipant('standup', 'alice', {
   *   attributes: { role: 'host' },
   *   permission: { canPublish: true, canSubscribe: true, canPublishData: true },
   * });
   * ```
   */
  updateParticipant(
    room: string,
    identity: string,
    options: UpdateParticipantOptions,
    requestOptions?: RequestOptions,
  ): Promise<ParticipantInfo>;
  /**
   * The older positional form of `livekit-server-sdk`: metadata, permission and name.
   *
   * @example
   * ```ts
   * await rooms.updateParticipant('standup', 'alice', '{"seat":3}', { canPublish: false }, 'Alice');
   * ```
   */
  updateParticipant(
    room: string,
    identity: string,
    metadata?: string,
    permission?: Partial<ParticipantPermission>,
    name?: string,
    requestOptions?: RequestOptions,
  ): Promise<ParticipantInfo>;
  async updateParticipant(
    room: string,
    identity: string,
    metadataOrOptions?: string | UpdateParticipantOptions | null,
    ...rest: unknown[]
  ): Promise<ParticipantInfo> {
    const what = 'RoomService.UpdateParticipant';
    requireName(room, `${what}: room`);
    requireName(identity, `${what}: identity`);
    let update: UpdateParticipantOptions;
    let requestOptions: unknown;
    if (typeof metadataOrOptions === 'object' && metadataOrOptions !== null) {
      update = metadataOrOptions;
      requestOptions = rest[0];
    } else {
      if (metadataOrOptions !== undefined && metadataOrOptions !== null && typeof metadataOrOptions !== 'string') {
        throw new TypeError(`${what}: pass an options object, or metadata as a string; got ${show(metadataOrOptions)}`);
      }
      update = {
        metadata: metadataOrOptions ?? undefined,
        permission: rest[0] as Partial<ParticipantPermission> | undefined,
        name: rest[1] as string | undefined,
      };
      requestOptions = rest[2];
    }
    const { metadata, name, attributes, permission } = update;
    const request = { room, identity, metadata, name, attributes, permission };
    return this.#rpc.invoke(M.UpdateParticipant, request, requestOptions as RequestOptions | undefined, 'update');
  }

  /**
   * Subscribes a participant to tracks, or unsubscribes it. Tracks are named by sid in
   * `trackSids`, and/or per publisher in `participantTracks`.
   *
   * @example
   * ```ts
   * await rooms.updateSubscriptions('standup', 'alice', ['TR_1'], true);
   * await rooms.updateSubscriptions('standup', 'alice', [], false, [{ participantSid: 'PA_bob', trackSids: ['TR_2'] }]);
   * ```
   */
  async updateSubscriptions(
    room: string,
    identity: string,
    trackSids: readonly string[],
    subscribe: boolean,
    participantTracks?: readonly ParticipantTrackList[],
    requestOptions?: RequestOptions,
  ): Promise<void> {
    const what = 'RoomService.UpdateSubscriptions';
    requireName(room, `${what}: room`);
    requireName(identity, `${what}: identity`);
    optionalNameList(trackSids, `${what}: trackSids`);
    requireBoolean(subscribe, `${what}: subscribe`);
    if (participantTracks !== undefined) {
      if (!Array.isArray(participantTracks)) {
        throw new TypeError(
          `${what}: participantTracks must be an array of { participantSid, trackSids } (pass undefined before the request options), got ${show(participantTracks)}`,
        );
      }
      participantTracks.forEach((entry: ParticipantTrackList, index) => {
        const init = requireObject(entry, `${what}: participantTracks[${index}]`, "{ participantSid: 'PA_…', trackSids: ['TR_…'] }");
        requireName(init.participantSid, `${what}: participantTracks[${index}].participantSid`);
        optionalNameList(init.trackSids, `${what}: participantTracks[${index}].trackSids`);
      });
    }
    const request = { room, identity, trackSids, subscribe, participantTracks };
    await this.#rpc.invoke(M.UpdateSubscriptions, request, requestOptions);
  }

  /**
   * Sends a data message to the participants of a room (or to some of them), reliably or
   * not, with a random 16-byte nonce that lets receivers drop duplicates.
   *
   * @example
   * ```ts
   * import { DataPacket_Kind } from 'livekit-server-api';
   * const bytes = new TextEncoder().encode('hello');
   * await rooms.sendData('standup', bytes, DataPacket_Kind.RELIABLE, { topic: 'chat', destinationIdentities: ['alice'] });
   * ```
   */
  sendData(
    room: string,
    data: Uint8Array,
    kind: DataPacket_Kind,
    options?: SendDataOptions,
    requestOptions?: RequestOptions,
  ): Promise<void>;
  /**
   * The older form of `livekit-server-sdk`, with destination participant sids.
   * @deprecated Use `sendData(room, data, kind, { destinationIdentities })`.
   *
   * @example
   * ```ts
   * await rooms.sendData('standup', bytes, DataPacket_Kind.LOSSY, ['PA_abc']);
   * ```
   */
  sendData(
    room: string,
    data: Uint8Array,
    kind: DataPacket_Kind,
    destinationSids?: readonly string[],
    requestOptions?: RequestOptions,
  ): Promise<void>;
  async sendData(
    room: string,
    data: Uint8Array,
    kind: DataPacket_Kind,
    options?: SendDataOptions | readonly string[],
    requestOptions?: RequestOptions,
  ): Promise<void> {
    const what = 'RoomService.SendData';
    requireName(room, `${what}: room`);
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`${what}: data must be a Uint8Array (e.g. new TextEncoder().encode(text)), got ${show(data)}`);
    }
    if (kind !== DataPacket_Kind.RELIABLE && kind !== DataPacket_Kind.LOSSY) {
      throw new RangeError(`${what}: kind must be DataPacket_Kind.RELIABLE (0) or DataPacket_Kind.LOSSY (1), got ${show(kind)}`);
    }
    rejectRequestOptions(options, `${what}: options`, 'sendData(room, data, kind, { topic }, { signal })');
    let request: MessageInit<SendDataRequest>;
    if (Array.isArray(options)) {
      request = { room, data, kind, destinationSids: optionalNameList(options, `${what}: destinationSids`) };
    } else {
      const opts = optionalObject(options as SendDataOptions | undefined, `${what}: options`) ?? {};
      const { destinationIdentities, destinationSids, topic, nonce } = opts;
      optionalNameList(destinationIdentities, `${what}: options.destinationIdentities`);
      optionalNameList(destinationSids, `${what}: options.destinationSids`);
      if (nonce !== undefined && (!(nonce instanceof Uint8Array) || nonce.length !== 16)) {
        throw new RangeError(
          `${what}: options.nonce must be a Uint8Array of exactly 16 bytes (or left out for a random one), got ${
            nonce instanceof Uint8Array ? `${nonce.length} bytes` : show(nonce)
          }`,
        );
      }
      request = { room, data, kind, destinationIdentities, destinationSids, topic, nonce };
    }
    // The nonce is the server's de-duplication key: a random one makes every send distinct.
    request = { ...request, nonce: request.nonce ?? runtime.randomBytes(16) };
    await this.#rpc.invoke(M.SendData, request, requestOptions, 'options');
  }

  /**
   * Calls an RPC method a participant registered and returns its response payload. A
   * participant's error comes back as a {@link ServerError}. Not offered by any official
   * server SDK yet.
   *
   * @example
   * ```ts
   * const answer = await rooms.performRpc({
   *   room: 'standup',
   *   destinationIdentity: 'agent',
   *   method: 'summarize',
   *   payload: JSON.stringify({ minutes: 5 }),
   *   responseTimeoutMs: 20_000,
   * });
   * ```
   */
  async performRpc(options: PerformRpcOptions, requestOptions?: RequestOptions): Promise<string> {
    const what = 'RoomService.PerformRpc';
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new TypeError(`${what}: pass { room, destinationIdentity, method, payload }, got ${show(options)}`);
    }
    const request = {
      room: requireName(options.room, `${what}: room`),
      destinationIdentity: requireName(options.destinationIdentity, `${what}: destinationIdentity`),
      method: requireName(options.method, `${what}: method`),
      payload: requireString(options.payload, `${what}: payload`),
      responseTimeoutMs: options.responseTimeoutMs,
    };
    const response = await this.#rpc.invoke(M.PerformRpc, request, requestOptions, 'options');
    return response.payload;
  }
}

function checkMove(
  method: string,
  room: unknown,
  identity: unknown,
  destinationRoom: unknown,
): { room: string; identity: string; destinationRoom: string } {
  const what = `RoomService.${method}`;
  const source = requireName(room, `${what}: room`);
  const participant = requireName(identity, `${what}: identity`);
  const destination = requireName(destinationRoom, `${what}: destinationRoom`);
  if (destination === source) {
    throw new RangeError(`${what}: destinationRoom must differ from room (both are ${JSON.stringify(source.slice(0, 64))})`);
  }
  return { room: source, identity: participant, destinationRoom: destination };
}
