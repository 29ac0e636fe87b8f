import type { RoomConfiguration } from '@livekit/protocol';
import { closest } from '../internal/closest.js';

// Grant types and their conversion to the exact claim JSON a LiveKit server parses
// (CONTRACT.md §1). Deliberately free of @livekit/protocol code (types only): the
// `/token` entry must not load it. Enum numbers are mapped by value, so protocol enums work all the same.

/**
 * A track source by its claim name.
 *
 * @example
 * ```ts
 * const sources: TrackSourceName[] = ['camera', 'microphone'];
 * ```
 */
export type TrackSourceName = 'camera' | 'microphone' | 'screen_share' | 'screen_share_audio';

/**
 * A track source as `@livekit/protocol`'s `TrackSource` enum (CAMERA = 1 … SCREEN_SHARE_AUDIO = 4)
 * or by its claim name. Tokens always carry the name.
 *
 * @example
 * ```ts
 * at.addGrant({ canPublishSources: [TrackSource.CAMERA, 'screen_share'] });
 * ```
 */
export type TrackSourceInput = TrackSourceName | number;

/**
 * A participant kind by its claim name.
 *
 * @example
 * ```ts
 * const kind: ParticipantKindName = 'agent';
 * ```
 */
export type ParticipantKindName = 'standard' | 'ingress' | 'egress' | 'sip' | 'agent' | 'connector' | 'bridge';

/**
 * A participant kind as `@livekit/protocol`'s `ParticipantInfo_Kind` enum or by its claim
 * name (lower case). Tokens always carry the name.
 *
 * @example
 * ```ts
 * const at = new AccessToken(key, secret, { identity: 'bot', kind: ParticipantInfo_Kind.AGENT });
 * ```
 */
export type ParticipantKindInput = ParticipantKindName | number;

/**
 * A participant kind detail by its claim name.
 *
 * @example
 * ```ts
 * const detail: ParticipantKindDetailName = 'forwarded';
 * ```
 */
export type ParticipantKindDetailName =
  | 'cloud_agent'
  | 'forwarded'
  | 'connector_whatsapp'
  | 'connector_twilio'
  | 'bridge_rtsp'
  | 'simulation';

/**
 * A kind detail as `@livekit/protocol`'s `ParticipantInfo_KindDetail` enum or by name.
 *
 * @example
 * ```ts
 * at.kindDetails = [ParticipantInfo_KindDetail.CLOUD_AGENT];
 * ```
 */
export type ParticipantKindDetailInput = ParticipantKindDetailName | number;

/**
 * Room permissions, the `video` claim. Every field is optional; what is absent is not
 * granted (or, for `canPublish`/`canSubscribe`/`canPublishData`, left to the server's
 * default of true).
 *
 * @example
 * ```ts
 * const grant: VideoGrant = { roomJoin: true, room: 'standup', canPublishSources: ['camera', 'microphone'] };
 * at.addGrant(grant);
 * ```
 */
export interface VideoGrant {
  /** Create and delete rooms (RoomService CreateRoom, DeleteRoom). */
  roomCreate?: boolean;
  /** Join the room named by `room`. Needs an identity on the token. */
  roomJoin?: boolean;
  /** List rooms (RoomService ListRooms). */
  roomList?: boolean;
  /** Start and manage egress (recording). */
  roomRecord?: boolean;
  /** Administer the room named by `room` (participants, data, metadata). */
  roomAdmin?: boolean;
  /** The room that `roomJoin` and `roomAdmin` apply to. */
  room?: string;
  /** Publish tracks. */
  canPublish?: boolean;
  /** Subscribe to tracks. */
  canSubscribe?: boolean;
  /** Publish data packets. Defaults to `canPublish` on the server. */
  canPublishData?: boolean;
  /** Which sources may be published; when set it supersedes `canPublish`. */
  canPublishSources?: readonly TrackSourceInput[];
  /** Update one's own name, metadata and attributes. */
  canUpdateOwnMetadata?: boolean;
  /** Manage ingress (not tied to a room). */
  ingressAdmin?: boolean;
  /** Invisible to other participants. */
  hidden?: boolean;
  /** Marks the participant as a recorder. */
  recorder?: boolean;
  /** Connect as an Agents framework worker. */
  agent?: boolean;
  /** Subscribe to metrics. */
  canSubscribeMetrics?: boolean;
  /** Manage an agent session remotely. */
  canManageAgentSession?: boolean;
  /** The room this participant may be forwarded or moved to. */
  destinationRoom?: string;
}

/**
 * SIP permissions, the `sip` claim.
 *
 * @example
 * ```ts
 * at.addSIPGrant({ admin: true, call: true });
 * ```
 */
export interface SIPGrant {
  /** Manage SIP trunks and dispatch rules. */
  admin?: boolean;
  /** Make outbound SIP calls. */
  call?: boolean;
}

/**
 * Agent permissions, the `agent` claim.
 *
 * @example
 * ```ts
 * at.addAgentGrant({ admin: true });
 * ```
 */
export interface AgentGrant {
  /** Create, update and delete Cloud Agents. */
  admin?: boolean;
  /** Create simulations to evaluate an agent. */
  createSimulation?: boolean;
}

/**
 * Inference permissions, the `inference` claim.
 *
 * @example
 * ```ts
 * at.addInferenceGrant({ perform: true });
 * ```
 */
export interface InferenceGrant {
  /** Use LiveKit Inference (LLM, STT, TTS). */
  perform?: boolean;
}

/**
 * Observability permissions, the `observability` claim.
 *
 * @example
 * ```ts
 * at.addObservabilityGrant({ write: true });
 * ```
 */
export interface ObservabilityGrant {
  /** Publish observability data. */
  write?: boolean;
}

/**
 * A room configuration: either a `RoomConfiguration` message from `@livekit/protocol`
 * (serialised through its `toJSON`) or a plain object already in its protojson shape
 * (camelCase names, int64 as strings).
 *
 * @example
 * ```ts
 * const config: RoomConfigurationInput = { name: 'standup', emptyTimeout: 600, agents: [{ agentName: 'helper' }] };
 * at.roomConfig = config;
 * ```
 */
export type RoomConfigurationInput = RoomConfiguration | { readonly [field: string]: unknown };

/**
 * The `video` claim as it appears in a token: sources are names.
 *
 * @example
 * ```ts
 * const claims = await verifier.verify(token);
 * const video: VideoGrantClaims | undefined = claims.video;
 * ```
 */
export type VideoGrantClaims = Omit<VideoGrant, 'canPublishSources'> & { canPublishSources?: TrackSourceName[] };

/**
 * The claims of a LiveKit access token, as {@link TokenVerifier.verify} returns them.
 * Unknown claims are kept.
 *
 * @example
 * ```ts
 * const claims: ClaimGrants = await verifier.verify(token);
 * console.log(claims.sub, claims.video?.room);
 * ```
 */
export interface ClaimGrants {
  /** The API key the token was signed with. */
  iss?: string;
  /** The participant identity. */
  sub?: string;
  /** Expiry, seconds since the epoch. */
  exp?: number;
  /** Not valid before, seconds since the epoch. */
  nbf?: number;
  /** Issued at, seconds since the epoch. */
  iat?: number;
  /** JWT ID. */
  jti?: string;
  /** Display name. */
  name?: string;
  video?: VideoGrantClaims;
  sip?: SIPGrant;
  agent?: AgentGrant;
  inference?: InferenceGrant;
  observability?: ObservabilityGrant;
  /** Participant kind, lower case. */
  kind?: ParticipantKindName | (string & {});
  kindDetails?: string[];
  metadata?: string;
  attributes?: Record<string, string>;
  /** Base64 SHA-256 of a webhook body. */
  sha256?: string;
  roomPreset?: string;
  /** Protojson of a `RoomConfiguration`. */
  roomConfig?: Record<string, unknown>;
  [claim: string]: unknown;
}

/** The track source claim names, in `TrackSource` enum order (CAMERA = 1 …). */
export const TRACK_SOURCES: readonly TrackSourceName[] = ['camera', 'microphone', 'screen_share', 'screen_share_audio'];
/** The participant kind claim names; index = `ParticipantInfo_Kind` value (the gaps, 5 and 6, are not kinds). */
export const PARTICIPANT_KINDS: readonly (ParticipantKindName | undefined)[] = [
  'standard',
  'ingress',
  'egress',
  'sip',
  'agent',
  undefined,
  undefined,
  'connector',
  'bridge',
];
const KIND_DETAILS: readonly ParticipantKindDetailName[] = [
  'cloud_agent',
  'forwarded',
  'connector_whatsapp',
  'connector_twilio',
  'bridge_rtsp',
  'simulation',
];

/**
 * Every `video` claim field and the JSON type the server decodes it as (`canPublishSources`,
 * an array, is checked on its own). Written out, not derived, so the token path builds
 * nothing at import; `satisfies` fails the build when VideoGrant gains a field not listed.
 */
export const VIDEO_GRANT_FIELD_TYPES = {
  roomCreate: 'boolean',
  roomJoin: 'boolean',
  roomList: 'boolean',
  roomRecord: 'boolean',
  roomAdmin: 'boolean',
  room: 'string',
  canPublish: 'boolean',
  canSubscribe: 'boolean',
  canPublishData: 'boolean',
  canPublishSources: 'array',
  canUpdateOwnMetadata: 'boolean',
  ingressAdmin: 'boolean',
  hidden: 'boolean',
  recorder: 'boolean',
  agent: 'boolean',
  canSubscribeMetrics: 'boolean',
  canManageAgentSession: 'boolean',
  destinationRoom: 'string',
} as const satisfies Record<keyof VideoGrant, 'boolean' | 'string' | 'array'>;

/**
 * Converts a track source (enum number or name) to its claim name; throws a TypeError for
 * anything else.
 *
 * @example
 * ```ts
 * trackSourceName(TrackSource.SCREEN_SHARE); // 'screen_share'
 * ```
 */
export function trackSourceName(source: TrackSourceInput): TrackSourceName {
  if (typeof source === 'number') {
    const name = Number.isInteger(source) ? TRACK_SOURCES[source - 1] : undefined;
    if (name !== undefined) return name;
  } else if (typeof source === 'string') {
    const lower = source.toLowerCase();
    if ((TRACK_SOURCES as readonly string[]).includes(lower)) return lower as TrackSourceName;
  }
  throw new TypeError(
    `canPublishSources: ${formatValue(source)} is not a track source; use TrackSource.CAMERA, MICROPHONE, SCREEN_SHARE, SCREEN_SHARE_AUDIO or ${TRACK_SOURCES.map((s) => `'${s}'`).join(', ')}`,
  );
}

/** Converts a participant kind (enum number or name) to its claim name. */
export function participantKindName(kind: ParticipantKindInput): ParticipantKindName {
  if (typeof kind === 'number') {
    const name = Number.isInteger(kind) ? PARTICIPANT_KINDS[kind] : undefined;
    if (name !== undefined) return name;
  } else if (typeof kind === 'string') {
    const lower = kind.toLowerCase();
    if ((PARTICIPANT_KINDS as readonly (string | undefined)[]).includes(lower)) return lower as ParticipantKindName;
  }
  const names = PARTICIPANT_KINDS.filter((k) => k !== undefined).map((k) => `'${k}'`);
  throw new TypeError(`kind: ${formatValue(kind)} is not a participant kind; use ParticipantInfo_Kind or one of ${names.join(', ')}`);
}

/** Converts a kind detail (enum number or name) to its claim name. */
export function kindDetailName(detail: ParticipantKindDetailInput): ParticipantKindDetailName {
  if (typeof detail === 'number') {
    const name = Number.isInteger(detail) ? KIND_DETAILS[detail] : undefined;
    if (name !== undefined) return name;
  } else if (typeof detail === 'string') {
    const lower = detail.toLowerCase();
    if ((KIND_DETAILS as readonly string[]).includes(lower)) return lower as ParticipantKindDetailName;
  }
  throw new TypeError(
    `kindDetails: ${formatValue(detail)} is not a kind detail; use ParticipantInfo_KindDetail or one of ${KIND_DETAILS.map((k) => `'${k}'`).join(', ')}`,
  );
}

/**
 * Checks a video grant and returns a fresh copy in claim form (sources as names). The
 * caller's object is never modified.
 */
export function videoGrantToClaims(grant: VideoGrant): VideoGrantClaims {
  if (typeof grant !== 'object' || grant === null || Array.isArray(grant)) {
    throw new TypeError(`addGrant expects an object such as { roomJoin: true, room: 'my-room' }, got ${formatValue(grant)}`);
  }
  // A spread copy (V8 clones a plain object in one step), then a read-only pass over the
  // fields the caller set, usually a handful. The table lookup needs no hasOwn guard: an
  // inherited member ('toString', '__proto__') is not one of the type names compared.
  const claims: Record<string, unknown> = { ...grant };
  for (const field in claims) {
    const value = claims[field];
    const expected = (VIDEO_GRANT_FIELD_TYPES as Readonly<Record<string, unknown>>)[field];
    // Not a string: a field no server reads (or an inherited name such as 'toString'), a typo
    // from JavaScript that would otherwise be signed and silently grant nothing.
    if (typeof expected !== 'string') throw unknownGrantField(field, 'video', Object.keys(VIDEO_GRANT_FIELD_TYPES));
    if (value !== undefined && (expected === 'boolean' || expected === 'string') && typeof value !== expected) {
      throw new TypeError(
        `video grant ${field} must be ${expected === 'boolean' ? 'true or false' : 'a string'}, got ${formatValue(value)}`,
      );
    }
  }
  const sources = grant.canPublishSources;
  if (sources !== undefined) {
    if (!Array.isArray(sources)) {
      throw new TypeError(`video grant canPublishSources must be an array, got ${formatValue(sources)}`);
    }
    claims['canPublishSources'] = sources.map(trackSourceName);
  }
  return claims as VideoGrantClaims;
}

/**
 * The fields of the grants that hold only booleans, by claim name. `satisfies` fails the build
 * when a grant interface gains a field not listed here.
 */
export const BOOLEAN_GRANT_FIELDS = {
  sip: ['admin', 'call'] satisfies (keyof SIPGrant)[],
  agent: ['admin', 'createSimulation'] satisfies (keyof AgentGrant)[],
  inference: ['perform'] satisfies (keyof InferenceGrant)[],
  observability: ['write'] satisfies (keyof ObservabilityGrant)[],
} as const;

function unknownGrantField(field: string, claim: string, known: readonly string[]): TypeError {
  // Field names are not secret-shaped in practice, but a key is still only shown when it is short.
  const shown = field.length <= 40 ? JSON.stringify(field) : `(a name of ${field.length} characters)`;
  const suggestion = closest(field, known);
  return new TypeError(
    `${claim} grant has an unknown field ${shown}; ${suggestion === undefined ? `its fields are ${known.join(', ')}` : `did you mean ${suggestion}?`}`,
  );
}

/** Checks a grant whose fields are all booleans and returns a copy. */
export function booleanGrant<T extends object>(grant: T, claim: keyof typeof BOOLEAN_GRANT_FIELDS): T {
  if (typeof grant !== 'object' || grant === null || Array.isArray(grant)) {
    throw new TypeError(`the ${claim} grant must be an object, got ${formatValue(grant)}`);
  }
  const known: readonly string[] = BOOLEAN_GRANT_FIELDS[claim];
  for (const [field, value] of Object.entries(grant)) {
    if (!known.includes(field)) throw unknownGrantField(field, claim, known);
    if (value !== undefined && typeof value !== 'boolean') {
      throw new TypeError(`${claim} grant ${field} must be true or false, got ${formatValue(value)}`);
    }
  }
  return { ...grant };
}

/** Checks participant attributes (string to string) and returns a copy. */
export function checkAttributes(attributes: Readonly<Record<string, string>>): Record<string, string> {
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    throw new TypeError(`attributes must be an object of strings, got ${formatValue(attributes)}`);
  }
  const entries = Object.entries(attributes);
  for (const [key, value] of entries) {
    if (typeof value !== 'string') {
      throw new TypeError(`attribute ${JSON.stringify(key)} must be a string, got ${formatValue(value)}; serialise other values, e.g. with JSON.stringify`);
    }
  }
  // fromEntries defines each key as its own member: an attribute named "__proto__" is kept as
  // one, where an assignment would have set the copy's prototype and dropped it.
  return Object.fromEntries(entries) as Record<string, string>;
}

/**
 * A short description of a value for error messages. Strings are described by their length,
 * never shown: any string argument may be a secret or a token pasted into the wrong place
 * (`verify(token, secret)`, `{ ttl: secret }`), and error messages end up in logs.
 */
export function formatValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value === '' ? 'an empty string' : `a string of ${value.length} character${value.length === 1 ? '' : 's'}`;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
