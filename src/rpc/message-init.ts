// Builds a request message from what a caller passed — a message instance, or a plain object of
// its fields — by walking the message's own protobuf field table, so that no service method
// needs a hand-written ladder of per-field checks. Every mistake is a TypeError (wrong type) or
// RangeError (right type, value out of range) naming the path, thrown before any request.
import { closest } from '../internal/closest.js';
import { REQUEST_OPTION_KEYS, show } from './options.js';

// The parts of @bufbuild/protobuf's (v1) reflection API this module reads, structurally, so
// that no protobuf type reaches our public declarations.
interface EnumTypeLike {
  readonly typeName: string;
  readonly values: readonly { readonly no: number; readonly name: string; readonly localName: string }[];
}
type ValueKind =
  | { readonly kind: 'scalar'; readonly T: number; readonly L?: number }
  | { readonly kind: 'enum'; readonly T: EnumTypeLike }
  | { readonly kind: 'message'; readonly T: MessageTypeLike };
type FieldLike = ValueKind & {
  readonly localName: string;
  readonly name: string;
  readonly repeated: boolean;
  readonly oneof?: { readonly localName: string } | undefined;
} | {
  readonly kind: 'map';
  readonly localName: string;
  readonly name: string;
  readonly repeated: false;
  readonly oneof?: undefined;
  readonly K: number;
  readonly V: ValueKind;
};

/** A generated message class of `@livekit/protocol`, as far as building one needs it. */
export interface MessageTypeLike<T extends object = object> {
  new (init?: never): T;
  readonly typeName: string;
  readonly fields: { list(): readonly unknown[] };
}

/**
 * What a request can be given as: an instance of the message class, or a plain object of its
 * fields (nested messages as instances or plain objects, enums by number or name, int64 as
 * bigint or safe integer).
 *
 * @example
 * ```ts
 * import type { MessageInit } from 'livekit-server-api';
 * import type { ListEgressRequest } from '@livekit/protocol';
 * const init: MessageInit<ListEgressRequest> = { roomName: 'standup', active: true };
 * ```
 */
export type MessageInit<T> = T | { readonly [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]?: InitValue<T[K]> | null | undefined };
type InitValue<V> = V extends bigint
  ? bigint | number
  : V extends Uint8Array | string | number | boolean
    ? V
    : V extends readonly (infer E)[]
      ? readonly InitValue<E>[]
      : V extends { case: infer C; value: infer X }
        ? { case: C; value: InitValue<X> } | { case: undefined; value?: undefined }
        : V extends object
          ? MessageInit<V>
          : V;

// ScalarType numbers of protobuf-es.
const DOUBLE = 1, FLOAT = 2, INT64 = 3, UINT64 = 4, INT32 = 5, FIXED64 = 6, FIXED32 = 7, BOOL = 8;
const STRING = 9, BYTES = 12, UINT32 = 13, SFIXED32 = 15, SFIXED64 = 16, SINT32 = 17, SINT64 = 18;
const LONG_AS_STRING = 1;

const INT32_RANGE = [-2_147_483_648, 2_147_483_647] as const;
const UINT32_RANGE = [0, 4_294_967_295] as const;
const INT64_RANGE = [-(2n ** 63n), 2n ** 63n - 1n] as const;
const UINT64_RANGE = [0n, 2n ** 64n - 1n] as const;

interface TypeIndex {
  /** Fields by their TypeScript name, and oneof groups by theirs. */
  readonly byName: ReadonlyMap<string, FieldLike | OneofGroup>;
  readonly names: readonly string[];
}
interface OneofGroup {
  readonly kind: 'oneof';
  readonly localName: string;
  readonly members: ReadonlyMap<string, FieldLike & ValueKind>;
}

const indexes = new WeakMap<MessageTypeLike, TypeIndex>();

function indexOf(type: MessageTypeLike): TypeIndex {
  let index = indexes.get(type);
  if (index === undefined) {
    const byName = new Map<string, FieldLike | OneofGroup>();
    for (const field of type.fields.list() as readonly FieldLike[]) {
      byName.set(field.localName, field);
      if (field.oneof !== undefined) {
        let group = byName.get(field.oneof.localName) as OneofGroup | undefined;
        if (group === undefined) {
          group = { kind: 'oneof', localName: field.oneof.localName, members: new Map() };
          byName.set(group.localName, group);
        }
        (group.members as Map<string, FieldLike & ValueKind>).set(field.localName, field);
      }
    }
    index = { byName, names: [...byName.keys()] };
    indexes.set(type, index);
  }
  return index;
}

/**
 * Builds a `type` message from `init`, checking every field against the message's field
 * table. An instance of `type` is returned as it is. `path` names the argument in messages,
 * e.g. `Egress.StartWebEgress: options`.
 *
 * @example
 * ```ts
 * const request = buildMessage(ListEgressRequest, { roomName: 'standup' }, 'Egress.ListEgress: options');
 * ```
 */
export function buildMessage<T extends object>(type: MessageTypeLike<T>, init: unknown, path: string): T {
  if (init instanceof type) return init;
  if (typeof init !== 'object' || init === null || Array.isArray(init) || init instanceof Uint8Array) {
    throw new TypeError(`${path} must be an object of ${shortName(type)} fields, got ${show(init)}`);
  }
  const message = new type() as Record<string, unknown>;
  const index = indexOf(type);
  const setOneofs = new Map<string, string>();
  for (const key of Object.keys(init)) {
    const value = (init as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    const entry = index.byName.get(key);
    if (entry === undefined) {
      // A per-call options object in a message's slot would otherwise be sent without them.
      if ((REQUEST_OPTION_KEYS as readonly string[]).includes(key)) {
        throw new TypeError(`${path}.${key} is a request option, not a field of ${shortName(type)}: pass request options as the last argument`);
      }
      throw new TypeError(`${path}.${key} is not a field of ${shortName(type)}${hint(closest(key, index.names))}`);
    }
    const where = `${path}.${key}`;
    if (entry.kind === 'oneof') {
      // protobuf-es's own form: { case: 'file', value: … }.
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw new TypeError(`${where} must be { case, value } with case one of ${[...entry.members.keys()].join(', ')}, got ${show(value)}`);
      }
      const { case: memberName, value: memberValue } = value as { case?: unknown; value?: unknown };
      if (memberName === undefined) continue;
      const member = typeof memberName === 'string' ? entry.members.get(memberName) : undefined;
      if (member === undefined) {
        throw new TypeError(`${where}.case must be one of ${[...entry.members.keys()].join(', ')}, got ${show(memberName)}`);
      }
      claimOneof(setOneofs, entry.localName, memberName as string, path);
      message[entry.localName] = { case: memberName, value: convertValue(member, memberValue, `${where}.value`) };
    } else if (entry.oneof !== undefined) {
      // A member given directly, as `{ file: … }`: set its group.
      claimOneof(setOneofs, entry.oneof.localName, key, path);
      message[entry.oneof.localName] = { case: key, value: convertValue(entry, value, where) };
    } else if (entry.kind === 'map') {
      message[key] = convertMap(entry, value, where);
    } else if (entry.repeated) {
      if (!Array.isArray(value)) throw new TypeError(`${where} must be an array, got ${show(value)}`);
      message[key] = value.map((item: unknown, i) => convertValue(entry, item, `${where}[${i}]`));
    } else {
      message[key] = convertValue(entry, value, where);
    }
  }
  return message as T;
}

function claimOneof(set: Map<string, string>, group: string, member: string, path: string): void {
  const previous = set.get(group);
  if (previous !== undefined && previous !== member) {
    throw new TypeError(`${path}: set only one of ${previous} and ${member} (both are options of ${group})`);
  }
  set.set(group, member);
}

function convertMap(field: Extract<FieldLike, { kind: 'map' }>, value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${where} must be an object of ${field.K === STRING ? 'string keys' : 'keys'} to values, got ${show(value)}`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (item === undefined) continue;
    out[key] = convertValue(field.V, item, `${where}[${JSON.stringify(key)}]`);
  }
  return out;
}

function convertValue(field: ValueKind, value: unknown, where: string): unknown {
  if (field.kind === 'message') return buildMessage(field.T, value, where);
  if (field.kind === 'enum') return convertEnum(field.T, value, where);
  return convertScalar(field.T, field.L, value, where);
}

function convertEnum(type: EnumTypeLike, value: unknown, where: string): number {
  if (typeof value === 'number') {
    if (type.values.some((v) => v.no === value)) return value;
  } else if (typeof value === 'string') {
    const found = type.values.find((v) => v.localName === value || v.name === value);
    if (found !== undefined) return found.no;
  } else {
    throw new TypeError(`${where} must be a ${shortName(type)} value (a number or its name), got ${show(value)}`);
  }
  const known = type.values.map((v) => `${v.localName} (${v.no})`).join(', ');
  throw new RangeError(`${where} must be one of ${known}; got ${typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : show(value)}`);
}

function convertScalar(scalar: number, long: number | undefined, value: unknown, where: string): unknown {
  switch (scalar) {
    case STRING:
      if (typeof value !== 'string') throw new TypeError(`${where} must be a string, got ${show(value)}`);
      return value;
    case BOOL:
      if (typeof value !== 'boolean') throw new TypeError(`${where} must be true or false, got ${show(value)}`);
      return value;
    case BYTES:
      if (!(value instanceof Uint8Array)) throw new TypeError(`${where} must be a Uint8Array, got ${show(value)}`);
      return value;
    case DOUBLE:
    case FLOAT:
      if (typeof value !== 'number') throw new TypeError(`${where} must be a number, got ${show(value)}`);
      if (!Number.isFinite(value)) throw new RangeError(`${where} must be a finite number, got ${show(value)}`);
      return value;
    case INT32:
    case SINT32:
    case SFIXED32:
      return checkInteger(value, INT32_RANGE, where);
    case UINT32:
    case FIXED32:
      return checkInteger(value, UINT32_RANGE, where);
    case INT64:
    case SINT64:
    case SFIXED64:
      return checkLong(value, INT64_RANGE, long, where);
    case UINT64:
    case FIXED64:
      return checkLong(value, UINT64_RANGE, long, where);
    default:
      throw new TypeError(`${where}: unsupported field type ${scalar}`);
  }
}

function checkInteger(value: unknown, [min, max]: readonly [number, number], where: string): number {
  if (typeof value !== 'number') throw new TypeError(`${where} must be an integer, got ${show(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${where} must be an integer from ${min} to ${max}, got ${show(value)}`);
  }
  return value;
}

function checkLong(value: unknown, [min, max]: readonly [bigint, bigint], long: number | undefined, where: string): bigint | string {
  let big: bigint;
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`${where} must be a safe integer or a bigint, got ${show(value)}`);
    }
    big = BigInt(value);
  } else throw new TypeError(`${where} must be a bigint or an integer, got ${show(value)}`);
  if (big < min || big > max) throw new RangeError(`${where} must be from ${min} to ${max}, got ${big}`);
  return long === LONG_AS_STRING ? big.toString() : big;
}

function shortName(type: { readonly typeName: string }): string {
  return type.typeName.slice(type.typeName.lastIndexOf('.') + 1);
}

const hint = (suggestion: string | undefined): string => (suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`);
