// Argument checks shared by the service clients. Each throws TypeError or RangeError with a
// message that names the call and says what to pass, before any request is made.
import { REQUEST_OPTION_KEYS, show } from './options.js';

const MAX_UINT32 = 4_294_967_295;

/** A non-empty string: a room name, an identity, a track sid. */
export function requireName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${what} must be a non-empty string, got ${show(value)}`);
  }
  return value;
}

/** Any string, or undefined. */
export function optionalString(value: unknown, what: string): string | undefined {
  if (value !== undefined && typeof value !== 'string') {
    throw new TypeError(`${what} must be a string, got ${show(value)}`);
  }
  return value;
}

/** A string, the empty one included. */
export function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string, got ${show(value)}`);
  return value;
}

/** A boolean. */
export function requireBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${what} must be true or false, got ${show(value)}`);
  return value;
}

/** A boolean, or undefined. */
export function optionalBoolean(value: unknown, what: string): boolean | undefined {
  return value === undefined ? undefined : requireBoolean(value, what);
}

/** An unsigned 32-bit integer (a protobuf uint32), or undefined. */
export function optionalUint32(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_UINT32) {
    throw new RangeError(`${what} must be an integer from 0 to ${MAX_UINT32}, got ${show(value)}`);
  }
  return value;
}

/** An array of non-empty strings, or undefined (null counts as undefined). */
export function optionalNameList(value: unknown, what: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new TypeError(`${what} must be an array of strings, got ${show(value)}`);
  value.forEach((item: unknown, index) => requireName(item, `${what}[${index}]`));
  return value as string[];
}

/** An object of string values (attributes, tags), or undefined. */
export function optionalStringRecord(value: unknown, what: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${what} must be an object of string values, got ${show(value)}`);
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw new TypeError(`${what}[${JSON.stringify(key)}] must be a string, got ${show(item)}`);
  }
  return value as Record<string, string>;
}

/** A plain object (an options argument or a message initialiser), or undefined. */
export function optionalObject<T extends object>(value: T | undefined | null, what: string): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${what} must be an object, got ${show(value)}`);
  }
  return value;
}

/**
 * Throws a TypeError when `value`, given in a positional argument that is not the last, is a
 * per-call options object (it has `signal`, `timeoutMs`, `retries`…): such a call would
 * otherwise run without them, e.g. send a message despite an aborted signal. `what` names the
 * argument (`RoomService.ListRooms: names`), `example` shows the right call
 * (`listRooms(undefined, { retries: 0 })`).
 */
export function rejectRequestOptions(value: unknown, what: string, example: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) return;
  const found = REQUEST_OPTION_KEYS.filter((key) => Object.hasOwn(value, key));
  if (found.length === 0) return;
  throw new TypeError(
    `${what} got request options ({ ${found.join(', ')} }); pass request options last: ${example}`,
  );
}

/** An object (not null, not an array): an options argument. `example` shows what to pass. */
export function requireObject<T>(value: T, what: string, example: string): NonNullable<T> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${what} must be an object, e.g. ${example}; got ${show(value)}`);
  }
  return value as NonNullable<T>;
}
