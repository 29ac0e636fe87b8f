// A faster reader of protojson for the common shape of webhook bodies. Internal.
//
// `Message.fromJson` of @bufbuild/protobuf v1 walks the reflection data generically and
// re-creates its options for every nested message; on a typical participant_joined body it
// costs more than verifying the token and hashing the body together. This reader walks the
// same reflection data (`type.fields`), but only accepts values whose meaning is plain
// (strings, booleans, in-range numbers, decimal int64 strings, known or unknown enum names,
// nested objects, arrays, string-keyed maps). On anything else — null, bytes, wrapper
// types, numbers given as strings, duplicate keys for one message or oneof — it gives up and
// the caller reads the whole body again with `fromJson`, whose result and errors are then
// authoritative. So it can be faster, never different; test/webhook/protojson.test.ts
// compares the two on generated input.
import { protoInt64, type WebhookEvent as ProtoWebhookEvent } from '@livekit/protocol';

type FieldList = (typeof ProtoWebhookEvent)['fields'];
type FieldInfo = ReturnType<FieldList['list']>[number];
type JsonObject = { readonly [key: string]: unknown };
type MutableMessage = Record<string, unknown>;

/** The parts of a @bufbuild/protobuf v1 message type this reader uses. */
interface MessageTypeLike {
  new (): object;
  readonly typeName: string;
  readonly fields: FieldList;
  readonly fieldWrapper?: unknown;
  fromJson(json: never, options?: { ignoreUnknownFields?: boolean }): object;
}

/** Thrown (and caught by {@link readProtoJson}) where the reader gives up. */
const GIVE_UP: unique symbol = Symbol('give up');
/** An enum name this package does not know: ignored, as `ignoreUnknownFields` does. */
const UNKNOWN_ENUM: unique symbol = Symbol('unknown enum');

// ScalarType numbers from descriptor.proto (stable wire facts).
const DOUBLE = 1;
const FLOAT = 2;
const INT64 = 3;
const UINT64 = 4;
const INT32 = 5;
const FIXED64 = 6;
const FIXED32 = 7;
const BOOL = 8;
const STRING = 9;
const UINT32 = 13;
const SFIXED32 = 15;
const SFIXED64 = 16;
const SINT32 = 17;
const SINT64 = 18;
const LONG_AS_BIGINT = 0;
const FLOAT32_MAX = 3.4028234663852886e38;

const SIGNED_DECIMAL = /^-?[0-9]{1,19}$/;
const UNSIGNED_DECIMAL = /^[0-9]{1,20}$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const OPTIONS = { ignoreUnknownFields: true };

const tables = new WeakMap<object, Record<string, FieldInfo>>();

/**
 * Reads `json` (already parsed) as a message of `type`, ignoring unknown fields and enum
 * values: the same result as `type.fromJson(json, { ignoreUnknownFields: true })`, and the
 * same error when that throws.
 *
 * @example
 * ```ts
 * const event = readProtoJson(WebhookEvent, JSON.parse(text));
 * ```
 */
export function readProtoJson<T extends object>(type: MessageTypeLike & (new () => T), json: unknown): T {
  if (protoInt64.supported) {
    try {
      return readMessage(type, json) as T;
    } catch {
      // Fall through: the generic reader decides, and reports errors in its words.
    }
  }
  return type.fromJson(json as never, OPTIONS) as T;
}

function fieldTable(type: MessageTypeLike): Record<string, FieldInfo> {
  let table = tables.get(type);
  if (table === undefined) {
    // Both the JSON name and the proto name select a field, as in fromJson.
    table = Object.create(null) as Record<string, FieldInfo>;
    for (const field of type.fields.list()) {
      table[field.jsonName] = field;
      table[field.name] = field;
    }
    tables.set(type, table);
  }
  return table;
}

function readMessage(type: MessageTypeLike, json: unknown): object {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw GIVE_UP;
  const table = fieldTable(type);
  const message = new type() as MutableMessage;
  let oneofsSeen: Set<unknown> | undefined;
  for (const key in json as JsonObject) {
    const field = table[key];
    if (field === undefined) continue;
    const value = (json as JsonObject)[key];
    if (field.repeated) {
      readRepeated(field, value, message[field.localName] as unknown[]);
    } else if (field.kind === 'map') {
      readMap(field, value, message[field.localName] as MutableMessage);
    } else {
      let target = message;
      let name = field.localName;
      if (field.oneof !== undefined) {
        oneofsSeen ??= new Set();
        if (value === null || oneofsSeen.has(field.oneof)) throw GIVE_UP;
        oneofsSeen.add(field.oneof);
        target = { case: field.localName };
        message[field.oneof.localName] = target;
        name = 'value';
      }
      if (field.kind === 'message') {
        if (target[name] !== undefined) throw GIVE_UP;
        target[name] = readNested(field.T as unknown as MessageTypeLike, value);
      } else if (field.kind === 'enum') {
        const number = readEnum(field.T, value);
        if (number === UNKNOWN_ENUM) {
          if (field.oneof !== undefined) throw GIVE_UP;
        } else {
          target[name] = number;
        }
      } else {
        target[name] = readScalar(field.T, field.L, value);
      }
    }
  }
  return message;
}

function readRepeated(field: FieldInfo, value: unknown, into: unknown[]): void {
  if (!Array.isArray(value)) throw GIVE_UP;
  for (const item of value as unknown[]) {
    if (item === null) throw GIVE_UP;
    if (field.kind === 'message') into.push(readNested(field.T as unknown as MessageTypeLike, item));
    else if (field.kind === 'enum') {
      const number = readEnum(field.T, item);
      if (number !== UNKNOWN_ENUM) into.push(number);
    } else if (field.kind === 'scalar') into.push(readScalar(field.T, field.L, item));
    else throw GIVE_UP;
  }
}

function readMap(field: FieldInfo, value: unknown, into: MutableMessage): void {
  if (field.kind !== 'map' || field.K !== STRING) throw GIVE_UP;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw GIVE_UP;
  const valueInfo = field.V;
  for (const key in value as JsonObject) {
    const item = (value as JsonObject)[key];
    if (item === null || !wellFormed(key)) throw GIVE_UP;
    if (valueInfo.kind === 'message') into[key] = readNested(valueInfo.T as unknown as MessageTypeLike, item);
    else if (valueInfo.kind === 'enum') {
      const number = readEnum(valueInfo.T, item);
      if (number !== UNKNOWN_ENUM) into[key] = number;
    } else into[key] = readScalar(valueInfo.T, LONG_AS_BIGINT, item);
  }
}

function readNested(type: MessageTypeLike, value: unknown): object {
  if (value === null || type.fieldWrapper !== undefined) throw GIVE_UP;
  // Well-known types (Timestamp, Struct, …) have their own JSON forms: their own reader.
  if (type.typeName.startsWith('google.protobuf.')) return type.fromJson(value as never, OPTIONS);
  return readMessage(type, value);
}

function readEnum(type: { typeName: string; findName(name: string): { no: number } | undefined }, value: unknown): number | typeof UNKNOWN_ENUM {
  if (type.typeName === 'google.protobuf.NullValue') throw GIVE_UP;
  if (typeof value === 'string') return type.findName(value)?.no ?? UNKNOWN_ENUM;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw GIVE_UP;
}

function readScalar(type: number, longType: number | undefined, value: unknown): unknown {
  switch (type) {
    case STRING:
      if (typeof value === 'string' && wellFormed(value)) return value;
      break;
    case BOOL:
      if (typeof value === 'boolean') return value;
      break;
    case INT32:
    case SINT32:
    case SFIXED32:
      if (typeof value === 'number' && Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff) return value;
      break;
    case UINT32:
    case FIXED32:
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff) return value;
      break;
    case INT64:
    case SINT64:
    case SFIXED64:
      if ((longType ?? LONG_AS_BIGINT) === LONG_AS_BIGINT && typeof value === 'string' && SIGNED_DECIMAL.test(value)) {
        const long = BigInt(value);
        if (BigInt.asIntN(64, long) === long) return long;
      }
      break;
    case UINT64:
    case FIXED64:
      if ((longType ?? LONG_AS_BIGINT) === LONG_AS_BIGINT && typeof value === 'string' && UNSIGNED_DECIMAL.test(value)) {
        const long = BigInt(value);
        if (BigInt.asUintN(64, long) === long) return long;
      }
      break;
    case DOUBLE:
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      break;
    case FLOAT:
      if (typeof value === 'number' && Number.isFinite(value) && value <= FLOAT32_MAX && value >= -FLOAT32_MAX) return value;
      break;
  }
  throw GIVE_UP;
}

/** Whether a string is valid UTF-16 (no lone surrogate), as fromJson requires. */
function wellFormed(text: string): boolean {
  const native = (text as { isWellFormed?: () => boolean }).isWellFormed;
  return typeof native === 'function' ? native.call(text) : !LONE_SURROGATE.test(text);
}
