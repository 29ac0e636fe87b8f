// The test server's rooms and participants. Every change goes through this class, and every
// change a LiveKit server would report by webhook is emitted as a `WebhookEvent` to the
// listeners (issue 4 delivers them over HTTP; this module only emits).
import {
  Codec,
  ParticipantInfo,
  ParticipantInfo_Kind,
  ParticipantInfo_State,
  ParticipantPermission,
  Room,
  TrackInfo,
  TrackSource,
  TrackType,
} from '@livekit/protocol';
import { newId } from '../../internal/ids.js';
import { PARTICIPANT_KINDS, TRACK_SOURCES } from '../../token/grants.js';
import type { EventBus, TestServerEventName } from '../events.js';

type TrackInit = NonNullable<ConstructorParameters<typeof TrackInfo>[0]>;
type ParticipantInit = NonNullable<ConstructorParameters<typeof ParticipantInfo>[0]>;

/**
 * A track to publish with {@link TestServerSeeder.participant} or {@link TestServerSeeder.track}:
 * any `TrackInfo` field, with `type` and `source` also accepted by name. Defaults: a `TR_…`
 * sid, `type` from the source (audio for microphone and screen-share audio, else video),
 * `source` from the type (microphone or camera), `mimeType` `audio/opus` or `video/VP8`.
 *
 * @example
 * ```ts
 * import type { SeedTrack } from 'livekit-server-api/testing';
 * const mic: SeedTrack = { source: 'microphone', muted: true };
 * const screen: SeedTrack = { source: 'screen_share', width: 1920, height: 1080 };
 * ```
 */
export type SeedTrack = Omit<TrackInit, 'type' | 'source'> & {
  type?: TrackType | 'audio' | 'video' | 'data';
  source?: TrackSource | 'camera' | 'microphone' | 'screen_share' | 'screen_share_audio' | 'unknown';
};

/**
 * A participant to add with {@link TestServerSeeder.participant}: any `ParticipantInfo` field
 * (identity required), with `state` and `kind` also accepted by name and `tracks` as
 * {@link SeedTrack}s. Defaults: a `PA_…` sid, state `ACTIVE`, kind `STANDARD`, joined now,
 * permission to publish, subscribe and publish data.
 *
 * @example
 * ```ts
 * import type { SeedParticipant } from 'livekit-server-api/testing';
 * const alice: SeedParticipant = { identity: 'alice', name: 'Alice', tracks: [{ source: 'camera' }] };
 * ```
 */
export type SeedParticipant = Omit<ParticipantInit, 'identity' | 'tracks' | 'state' | 'kind'> & {
  identity: string;
  tracks?: readonly SeedTrack[];
  state?: ParticipantInfo_State | 'joining' | 'joined' | 'active' | 'disconnected';
  kind?: ParticipantInfo_Kind | 'standard' | 'ingress' | 'egress' | 'sip' | 'agent' | 'connector' | 'bridge';
};

/**
 * A room to create with {@link TestServerSeeder.room}: the fields of a `CreateRoomRequest`
 * that a `Room` keeps. Zero timeouts take the server defaults (300 s empty, 20 s departure).
 *
 * @example
 * ```ts
 * import type { SeedRoom } from 'livekit-server-api/testing';
 * const room: SeedRoom = { name: 'standup', metadata: '{"topic":"daily"}', maxParticipants: 10 };
 * ```
 */
export interface SeedRoom {
  name: string;
  emptyTimeout?: number;
  departureTimeout?: number;
  maxParticipants?: number;
  metadata?: string;
}

/**
 * The default `empty_timeout` of a LiveKit server, in seconds: what a room created with 0 gets.
 *
 * @example
 * ```ts
 * import { DEFAULT_EMPTY_TIMEOUT, startTestServer } from 'livekit-server-api/testing';
 * const lk = await startTestServer();
 * lk.seed.room('r').emptyTimeout === DEFAULT_EMPTY_TIMEOUT; // true (300)
 * ```
 */
export const DEFAULT_EMPTY_TIMEOUT = 300;
/**
 * The default `departure_timeout` of a LiveKit server, in seconds: what a room created with 0 gets.
 *
 * @example
 * ```ts
 * import { DEFAULT_DEPARTURE_TIMEOUT, startTestServer } from 'livekit-server-api/testing';
 * const lk = await startTestServer();
 * lk.seed.room('r').departureTimeout === DEFAULT_DEPARTURE_TIMEOUT; // true (20)
 * ```
 */
export const DEFAULT_DEPARTURE_TIMEOUT = 20;

const DEFAULT_CODECS = ['audio/opus', 'audio/red', 'video/VP8', 'video/H264', 'video/VP9', 'video/AV1'];

interface RoomEntry {
  room: Room;
  participants: Map<string, ParticipantInfo>;
}

/** Internal: the rooms and their participants; every change is reported to the event bus. */
export class RoomState {
  private readonly rooms = new Map<string, RoomEntry>();

  constructor(
    private readonly nowMs: () => number,
    private readonly events: EventBus,
  ) {}

  reset(): void {
    this.rooms.clear();
  }

  // ---- rooms -------------------------------------------------------------------------

  /** Creates a room, or applies the non-zero settings to the room of that name (as a server does). */
  createRoom(init: SeedRoom): { room: Room; created: boolean } {
    const existing = this.rooms.get(init.name);
    if (existing !== undefined) {
      const room = existing.room;
      if ((init.emptyTimeout ?? 0) > 0) room.emptyTimeout = init.emptyTimeout ?? 0;
      if ((init.departureTimeout ?? 0) > 0) room.departureTimeout = init.departureTimeout ?? 0;
      if ((init.maxParticipants ?? 0) > 0) room.maxParticipants = init.maxParticipants ?? 0;
      if ((init.metadata ?? '') !== '') room.metadata = init.metadata ?? '';
      return { room: room.clone(), created: false };
    }
    const now = this.nowMs();
    const room = new Room({
      sid: newId('RM_'),
      name: init.name,
      emptyTimeout: (init.emptyTimeout ?? 0) > 0 ? (init.emptyTimeout ?? 0) : DEFAULT_EMPTY_TIMEOUT,
      departureTimeout: (init.departureTimeout ?? 0) > 0 ? (init.departureTimeout ?? 0) : DEFAULT_DEPARTURE_TIMEOUT,
      maxParticipants: init.maxParticipants ?? 0,
      creationTime: BigInt(Math.floor(now / 1000)),
      creationTimeMs: BigInt(Math.floor(now)),
      turnPassword: newId('', 43),
      enabledCodecs: DEFAULT_CODECS.map((mime) => new Codec({ mime })),
      metadata: init.metadata ?? '',
    });
    this.rooms.set(init.name, { room, participants: new Map() });
    this.emit('room_started', room);
    return { room: room.clone(), created: true };
  }

  getRoom(name: string): Room | undefined {
    return this.rooms.get(name)?.room.clone();
  }

  hasRoom(name: string): boolean {
    return this.rooms.has(name);
  }

  listRooms(names?: readonly string[]): Room[] {
    const wanted = names !== undefined && names.length > 0 ? new Set(names) : undefined;
    const rooms: Room[] = [];
    for (const [name, entry] of this.rooms) {
      if (wanted === undefined || wanted.has(name)) rooms.push(entry.room.clone());
    }
    return rooms;
  }

  /** Deletes a room: its participants leave first. Returns false when there is no such room. */
  deleteRoom(name: string): boolean {
    const entry = this.rooms.get(name);
    if (entry === undefined) return false;
    for (const identity of [...entry.participants.keys()]) this.removeParticipant(name, identity);
    this.rooms.delete(name);
    this.emit('room_finished', entry.room);
    return true;
  }

  updateRoomMetadata(name: string, metadata: string): Room | undefined {
    const entry = this.rooms.get(name);
    if (entry === undefined) return undefined;
    entry.room.metadata = metadata;
    return entry.room.clone();
  }

  // ---- participants ------------------------------------------------------------------

  listParticipants(room: string): ParticipantInfo[] {
    const entry = this.rooms.get(room);
    return entry === undefined ? [] : [...entry.participants.values()].map((p) => p.clone());
  }

  getParticipant(room: string, identity: string): ParticipantInfo | undefined {
    return this.rooms.get(room)?.participants.get(identity)?.clone();
  }

  /**
   * Adds a participant (creating the room if needed, as joining does). A participant with
   * the same identity already in the room leaves first, as on a server.
   */
  addParticipant(roomName: string, init: SeedParticipant): ParticipantInfo {
    const { tracks = [], state, kind, identity, ...rest } = init;
    if (!this.rooms.has(roomName)) this.createRoom({ name: roomName });
    const entry = this.requireRoom(roomName);
    if (entry.participants.has(identity)) this.removeParticipant(roomName, identity);
    const now = this.nowMs();
    const participant = new ParticipantInfo({
      sid: newId('PA_'),
      state: ParticipantInfo_State.ACTIVE,
      joinedAt: BigInt(Math.floor(now / 1000)),
      joinedAtMs: BigInt(Math.floor(now)),
      version: 1,
      permission: new ParticipantPermission({ canSubscribe: true, canPublish: true, canPublishData: true }),
      ...rest,
      identity,
      kind: toKind(kind),
    });
    if (state !== undefined) participant.state = toState(state);
    entry.participants.set(identity, participant);
    this.refreshCounts(entry);
    this.emit('participant_joined', entry.room, participant);
    for (const track of tracks) this.publishTrack(roomName, identity, track);
    return this.requireParticipant(roomName, identity).clone();
  }

  /** Removes a participant: its tracks are unpublished, then it leaves. */
  removeParticipant(roomName: string, identity: string): boolean {
    const entry = this.rooms.get(roomName);
    const participant = entry?.participants.get(identity);
    if (entry === undefined || participant === undefined) return false;
    for (const track of [...participant.tracks]) this.unpublishTrack(roomName, identity, track.sid);
    entry.participants.delete(identity);
    participant.state = ParticipantInfo_State.DISCONNECTED;
    this.refreshCounts(entry);
    this.emit('participant_left', entry.room, participant);
    return true;
  }

  updateParticipant(
    roomName: string,
    identity: string,
    update: { metadata?: string; name?: string; permission?: ParticipantPermission; attributes?: Record<string, string> },
  ): ParticipantInfo | undefined {
    const participant = this.rooms.get(roomName)?.participants.get(identity);
    if (participant === undefined) return undefined;
    if (update.metadata !== undefined && update.metadata !== '') participant.metadata = update.metadata;
    if (update.name !== undefined && update.name !== '') participant.name = update.name;
    if (update.permission !== undefined) participant.permission = update.permission.clone();
    for (const [key, value] of Object.entries(update.attributes ?? {})) {
      // As on a server: an empty value deletes the attribute.
      if (value === '') delete participant.attributes[key];
      else participant.attributes[key] = value;
    }
    participant.version += 1;
    return participant.clone();
  }

  // ---- tracks ------------------------------------------------------------------------

  publishTrack(roomName: string, identity: string, init: SeedTrack): TrackInfo | undefined {
    const entry = this.rooms.get(roomName);
    const participant = entry?.participants.get(identity);
    if (entry === undefined || participant === undefined) return undefined;
    const track = toTrack(init);
    participant.tracks.push(track);
    participant.isPublisher = true;
    participant.version += 1;
    this.refreshCounts(entry);
    this.emit('track_published', entry.room, participant, track);
    return track.clone();
  }

  unpublishTrack(roomName: string, identity: string, trackSid: string): boolean {
    const entry = this.rooms.get(roomName);
    const participant = entry?.participants.get(identity);
    if (entry === undefined || participant === undefined) return false;
    const index = participant.tracks.findIndex((t) => t.sid === trackSid);
    const track = participant.tracks[index];
    if (track === undefined) return false;
    participant.tracks.splice(index, 1);
    participant.isPublisher = participant.tracks.length > 0;
    participant.version += 1;
    this.refreshCounts(entry);
    this.emit('track_unpublished', entry.room, participant, track);
    return true;
  }

  setTrackMuted(roomName: string, identity: string, trackSid: string, muted: boolean): TrackInfo | undefined {
    const participant = this.rooms.get(roomName)?.participants.get(identity);
    const track = participant?.tracks.find((t) => t.sid === trackSid);
    if (participant === undefined || track === undefined) return undefined;
    track.muted = muted;
    participant.version += 1;
    return track.clone();
  }

  /**
   * Moves a participant to another room (created if needed): it leaves the source room and
   * joins the destination with the same sid, identity and tracks.
   */
  moveParticipant(roomName: string, identity: string, destination: string): ParticipantInfo | undefined {
    const participant = this.rooms.get(roomName)?.participants.get(identity)?.clone();
    if (participant === undefined) return undefined;
    this.removeParticipant(roomName, identity);
    return this.join(destination, participant);
  }

  /**
   * Forwards a participant to another room (created if needed): the source participant stays,
   * and a copy with a new sid and the same identity and tracks joins the destination.
   */
  forwardParticipant(roomName: string, identity: string, destination: string): ParticipantInfo | undefined {
    const participant = this.rooms.get(roomName)?.participants.get(identity)?.clone();
    if (participant === undefined) return undefined;
    participant.sid = newId('PA_');
    return this.join(destination, participant);
  }

  // ---- helpers -----------------------------------------------------------------------

  private join(roomName: string, participant: ParticipantInfo): ParticipantInfo {
    if (!this.rooms.has(roomName)) this.createRoom({ name: roomName });
    const entry = this.requireRoom(roomName);
    if (entry.participants.has(participant.identity)) this.removeParticipant(roomName, participant.identity);
    const tracks = participant.tracks;
    const now = this.nowMs();
    participant.tracks = [];
    participant.isPublisher = false;
    participant.state = ParticipantInfo_State.ACTIVE;
    participant.joinedAt = BigInt(Math.floor(now / 1000));
    participant.joinedAtMs = BigInt(Math.floor(now));
    entry.participants.set(participant.identity, participant);
    this.refreshCounts(entry);
    this.emit('participant_joined', entry.room, participant);
    for (const track of tracks) {
      participant.tracks.push(track);
      participant.isPublisher = true;
      this.refreshCounts(entry);
      this.emit('track_published', entry.room, participant, track);
    }
    return participant.clone();
  }

  private requireRoom(name: string): RoomEntry {
    const entry = this.rooms.get(name);
    if (entry === undefined) throw new Error(`internal: room ${name} vanished`);
    return entry;
  }

  private requireParticipant(room: string, identity: string): ParticipantInfo {
    const participant = this.requireRoom(room).participants.get(identity);
    if (participant === undefined) throw new Error(`internal: participant ${identity} vanished`);
    return participant;
  }

  private refreshCounts(entry: RoomEntry): void {
    let publishers = 0;
    for (const p of entry.participants.values()) if (p.tracks.length > 0) publishers++;
    entry.room.numParticipants = entry.participants.size;
    entry.room.numPublishers = publishers;
  }

  private emit(name: TestServerEventName, room: Room, participant?: ParticipantInfo, track?: TrackInfo): void {
    this.events.emit(name, { room, participant, track });
  }
}

// Names as in tokens: TRACK_SOURCES is in TrackSource order from CAMERA = 1.
const SOURCE_NAMES: Record<string, TrackSource> = Object.fromEntries([
  ['unknown', TrackSource.UNKNOWN],
  ...TRACK_SOURCES.map((name, index) => [name, index + 1] as const),
]);
const TYPE_NAMES: Record<string, TrackType> = { audio: TrackType.AUDIO, video: TrackType.VIDEO, data: TrackType.DATA };
const STATE_NAMES: Record<string, ParticipantInfo_State> = {
  joining: ParticipantInfo_State.JOINING,
  joined: ParticipantInfo_State.JOINED,
  active: ParticipantInfo_State.ACTIVE,
  disconnected: ParticipantInfo_State.DISCONNECTED,
};
// PARTICIPANT_KINDS is indexed by ParticipantInfo_Kind value.
const KIND_NAMES: Record<string, ParticipantInfo_Kind> = Object.fromEntries(
  PARTICIPANT_KINDS.flatMap((name, kind) => (name === undefined ? [] : [[name, kind as ParticipantInfo_Kind]])),
);

function byName<T>(table: Record<string, T>, value: string, what: string): T {
  const found = table[value];
  if (found === undefined) {
    throw new RangeError(`unknown ${what} ${JSON.stringify(value)}; expected one of ${Object.keys(table).join(', ')}`);
  }
  return found;
}

function toState(state: NonNullable<SeedParticipant['state']>): ParticipantInfo_State {
  return typeof state === 'string' ? byName(STATE_NAMES, state, 'participant state') : state;
}

function toKind(kind: SeedParticipant['kind']): ParticipantInfo_Kind {
  if (kind === undefined) return ParticipantInfo_Kind.STANDARD;
  return typeof kind === 'string' ? byName(KIND_NAMES, kind, 'participant kind') : kind;
}

function toTrack(init: SeedTrack): TrackInfo {
  const { type, source, ...rest } = init;
  let trackType = typeof type === 'string' ? byName(TYPE_NAMES, type, 'track type') : type;
  let trackSource = typeof source === 'string' ? byName(SOURCE_NAMES, source, 'track source') : source;
  if (trackType === undefined) {
    trackType =
      trackSource === TrackSource.MICROPHONE || trackSource === TrackSource.SCREEN_SHARE_AUDIO
        ? TrackType.AUDIO
        : TrackType.VIDEO;
  }
  if (trackSource === undefined) {
    trackSource =
      trackType === TrackType.AUDIO ? TrackSource.MICROPHONE : trackType === TrackType.VIDEO ? TrackSource.CAMERA : TrackSource.UNKNOWN;
  }
  const mimeType = trackType === TrackType.AUDIO ? 'audio/opus' : trackType === TrackType.VIDEO ? 'video/VP8' : '';
  return new TrackInfo({ sid: newId('TR_'), mimeType, ...rest, type: trackType, source: trackSource });
}
