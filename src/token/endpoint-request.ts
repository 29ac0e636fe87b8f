// The body of a token-endpoint request: livekit-client's TokenSourceRequest as JSON,
// checked field by field and normalised to camelCase. Hand-written from the message's
// field list instead of calling @livekit/protocol's fromJson: this file is on the /token
// cold-start path, which loads no protocol code.
import { formatValue } from './grants.js';

/**
 * An agent the client asks to dispatch, as `room_config.agents[i]` of its request
 * (livekit-client puts its `agentName`, `agentMetadata` and `deployment` options in `agents[0]`).
 *
 * @example
 * ```ts
 * const wanted: TokenRequestAgent | undefined = body.roomConfig?.agents?.[0];
 * if (wanted?.agentName !== undefined && wanted.agentName !== 'support-bot') return null;
 * ```
 */
export type TokenRequestAgent = {
  agentName?: string;
  metadata?: string;
  deployment?: string;
  /** `JobRestartPolicy`, by name or number, as the client sent it. */
  restartPolicy?: string | number;
  attributes?: Record<string, string>;
};

/**
 * The `room_config` a client asked for (a `RoomConfiguration` in protojson), normalised to
 * camelCase. Only the fields below are read; others are dropped. It reaches a token only
 * when the policy returns it.
 *
 * @example
 * ```ts
 * const agents = body.roomConfig?.agents ?? [];
 * ```
 */
export type TokenRequestRoomConfig = {
  name?: string;
  emptyTimeout?: number;
  departureTimeout?: number;
  maxParticipants?: number;
  metadata?: string;
  /** A `RoomEgress` in protojson, passed on as the client sent it (a JSON object). */
  egress?: Record<string, unknown>;
  minPlayoutDelay?: number;
  maxPlayoutDelay?: number;
  syncStreams?: boolean;
  agents?: TokenRequestAgent[];
  tags?: Record<string, string>;
};

/**
 * What a client asked the token endpoint for: its `TokenSourceRequest`, every field
 * optional, in camelCase whichever spelling it sent. An empty string counts as absent
 * (proto3 `optional` strings arrive as `""`). Nothing here is trusted: it is what the
 * browser sent.
 *
 * @example
 * ```ts
 * const authorize: TokenPolicy = (request, body: TokenRequest) =>
 *   body.roomName === undefined || body.roomName === 'lobby'
 *     ? { identity: 'alice', grant: { roomJoin: true, room: 'lobby' } }
 *     : null;
 * ```
 */
export type TokenRequest = {
  roomName?: string;
  participantName?: string;
  participantIdentity?: string;
  participantMetadata?: string;
  participantAttributes?: Record<string, string>;
  roomConfig?: TokenRequestRoomConfig;
};

/** A request body that is not a TokenSourceRequest; the message names the field. */
export class InvalidTokenRequest extends Error {
  override readonly name = 'InvalidTokenRequest';
}

type FieldKind = 'string' | 'uint32' | 'bool' | 'map' | 'enum' | 'object' | 'agents' | 'roomConfig';
// [name on the wire (proto), camelCase name, kind]: one row per field of the message.
type FieldTable = readonly (readonly [string, string, FieldKind])[];

const REQUEST_FIELDS: FieldTable = [
  ['room_name', 'roomName', 'string'],
  ['participant_name', 'participantName', 'string'],
  ['participant_identity', 'participantIdentity', 'string'],
  ['participant_metadata', 'participantMetadata', 'string'],
  ['participant_attributes', 'participantAttributes', 'map'],
  ['room_config', 'roomConfig', 'roomConfig'],
];

const ROOM_CONFIG_FIELDS: FieldTable = [
  ['name', 'name', 'string'],
  ['empty_timeout', 'emptyTimeout', 'uint32'],
  ['departure_timeout', 'departureTimeout', 'uint32'],
  ['max_participants', 'maxParticipants', 'uint32'],
  ['metadata', 'metadata', 'string'],
  ['egress', 'egress', 'object'],
  ['min_playout_delay', 'minPlayoutDelay', 'uint32'],
  ['max_playout_delay', 'maxPlayoutDelay', 'uint32'],
  ['sync_streams', 'syncStreams', 'bool'],
  ['agents', 'agents', 'agents'],
  ['tags', 'tags', 'map'],
];

const AGENT_FIELDS: FieldTable = [
  ['agent_name', 'agentName', 'string'],
  ['metadata', 'metadata', 'string'],
  ['restart_policy', 'restartPolicy', 'enum'],
  ['deployment', 'deployment', 'string'],
  ['attributes', 'attributes', 'map'],
];

// How deep `egress` (passed on as sent) may nest: a RoomEgress is at most a few levels.
const MAX_PASSTHROUGH_DEPTH = 16;
const UINT32_MAX = 0xffff_ffff;

/**
 * Checks a parsed JSON body against TokenSourceRequest and returns it in camelCase.
 * Throws {@link InvalidTokenRequest} naming the first wrong field.
 */
export function parseTokenRequest(json: unknown): TokenRequest {
  if (!isJsonObject(json)) {
    throw new InvalidTokenRequest(`the body must be a JSON object (a TokenSourceRequest), got ${describe(json)}`);
  }
  return readMessage(json, REQUEST_FIELDS, '') as TokenRequest;
}

function readMessage(object: Record<string, unknown>, fields: FieldTable, path: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [wire, camel, kind] of fields) {
    const hasWire = Object.hasOwn(object, wire);
    const hasCamel = wire !== camel && Object.hasOwn(object, camel);
    if (hasWire && hasCamel) {
      throw new InvalidTokenRequest(`${path}${wire} and ${path}${camel} are the same field; send one`);
    }
    if (!hasWire && !hasCamel) continue;
    const name = `${path}${hasWire ? wire : camel}`;
    const value = readField(object[hasWire ? wire : camel], kind, name);
    if (value !== undefined) result[camel] = value;
  }
  return result;
}

function readField(value: unknown, kind: FieldKind, name: string): unknown {
  // JSON null is protojson for "not set", whatever the field's type.
  if (value === null) return undefined;
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw wrongType(name, 'a string', value);
      return value === '' ? undefined : value;
    case 'bool':
      if (typeof value !== 'boolean') throw wrongType(name, 'true or false', value);
      return value;
    case 'uint32':
      return readUint32(value, name);
    case 'enum':
      if (typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))) return value;
      throw wrongType(name, 'an enum name or number', value);
    case 'map':
      return readStringMap(value, name);
    case 'object':
      if (!isJsonObject(value)) throw wrongType(name, 'a JSON object', value);
      checkDepth(value, name, 1);
      return value;
    case 'roomConfig':
      if (!isJsonObject(value)) throw wrongType(name, 'a JSON object (a RoomConfiguration)', value);
      return readMessage(value, ROOM_CONFIG_FIELDS, `${name}.`);
    case 'agents':
      if (!Array.isArray(value)) throw wrongType(name, 'an array of agent dispatches', value);
      return value.map((agent: unknown, index) => {
        if (!isJsonObject(agent)) throw wrongType(`${name}[${index}]`, 'a JSON object (a RoomAgentDispatch)', agent);
        return readMessage(agent, AGENT_FIELDS, `${name}[${index}].`);
      });
  }
}

// protojson writes uint32 as a number and accepts a decimal string too.
function readUint32(value: unknown, name: string): number {
  const number = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > UINT32_MAX) {
    throw wrongType(name, 'a whole number from 0 to 4294967295', value);
  }
  return number;
}

function readStringMap(value: unknown, name: string): Record<string, string> | undefined {
  if (!isJsonObject(value)) throw wrongType(name, 'a JSON object of strings', value);
  const entries = Object.entries(value);
  for (const [key, entry] of entries) {
    if (typeof entry !== 'string') throw wrongType(`${name}[${JSON.stringify(key.slice(0, 40))}]`, 'a string', entry);
  }
  // fromEntries defines properties, so a key such as "__proto__" stays a plain key.
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as Record<string, string>);
}

function checkDepth(value: unknown, name: string, depth: number): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_PASSTHROUGH_DEPTH) {
    throw new InvalidTokenRequest(`${name} nests deeper than ${MAX_PASSTHROUGH_DEPTH} levels; a RoomEgress never does`);
  }
  for (const child of Object.values(value)) checkDepth(child, name, depth + 1);
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wrongType(name: string, expected: string, value: unknown): InvalidTokenRequest {
  return new InvalidTokenRequest(`${name} must be ${expected}, got ${describe(value)}`);
}

// The type of what was sent, never its content: the answer goes back to the browser and
// into the app's error message, so it need not echo what the client sent.
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'a string';
  return formatValue(value);
}
