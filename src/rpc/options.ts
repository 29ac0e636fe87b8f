// Client options, per-call options, their defaults and their validation. Everything here
// throws TypeError / RangeError for a caller's mistake, before any request is made.
import { formatValue } from '../token/grants.js';
import type { FetchLike } from './http-fetch.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from './http.js';

/**
 * Which body encoding requests use. Answers are read in whichever one the server sends.
 *
 * @example
 * ```ts
 * import { RoomServiceClient, type RpcEncoding } from 'livekit-server-api';
 * const encoding: RpcEncoding = 'json'; // readable in a proxy's logs
 * const rooms = new RoomServiceClient(url, key, secret, { encoding });
 * ```
 */
export type RpcEncoding = 'protobuf' | 'json';

/**
 * Options of a service client such as `RoomServiceClient`: how to authenticate and the
 * defaults for every call.
 *
 * @example
 * ```ts
 * import { RoomServiceClient } from 'livekit-server-api';
 * const rooms = new RoomServiceClient('https://my-project.livekit.cloud', apiKey, apiSecret, {
 *   timeoutMs: 5_000,
 *   retries: 3,
 *   encoding: 'json',
 * });
 * ```
 */
export interface ClientOptions {
  /**
   * A pre-signed access token sent with every call instead of tokens signed from an API key
   * and secret. It must carry the grants of the calls it is used for.
   */
  token?: string | undefined;
  /** Per-attempt timeout in milliseconds, also sent as `X-Twirp-Timeout-Ms`. Default 10 000. */
  timeoutMs?: number | undefined;
  /**
   * Per-attempt timeout in **seconds**, as `livekit-server-sdk` spells it; 0 means no
   * timeout, as there.
   * @deprecated Use `timeoutMs`; when both are set, `timeoutMs` wins.
   */
  requestTimeout?: number | undefined;
  /**
   * How many times a failed call may be retried. Default 2. Retried: connection failures,
   * timeouts, HTTP 502/503/504 and Twirp `unavailable`, honouring `Retry-After` (up to a
   * minute). Never other 4xx/5xx. Calls that are not safe to repeat (`sendData`,
   * `performRpc`, `removeParticipant`, `deleteRoom`, `forwardParticipant`,
   * `moveParticipant`) are retried only when the connection was refused or the host did not
   * resolve, i.e. when the request surely never reached the server.
   */
  retries?: number | undefined;
  /** Fail over to other regions of a `*.livekit.cloud` project on network errors and 5xx. Default true. */
  failover?: boolean | undefined;
  /** Request body encoding: `'protobuf'` (default, as the Go, Python and Rust SDKs) or `'json'`. */
  encoding?: RpcEncoding | undefined;
  /**
   * The `fetch` to send requests with. By default the client uses `node:http` with keep-alive
   * where the runtime provides it and the global `fetch` elsewhere.
   */
  fetch?: FetchLike | undefined;
  /**
   * Headers added to every request. `Content-Type` and `X-Twirp-Timeout-Ms` are always the
   * client's own; an `Authorization` given here replaces the signed token.
   */
  headers?: Readonly<Record<string, string>> | undefined;
  /**
   * The largest answer a call reads, in bytes. Default 32 MiB: a ListRooms or ListEgress of
   * thousands of items fits well under it. A larger answer fails the call with
   * `ResponseTooLargeError` and the connection is dropped, so no server, proxy or
   * man-in-the-middle can make the process buffer without limit.
   */
  maxResponseBytes?: number | undefined;
  /**
   * The most a call may take in all, in milliseconds: every attempt, back-off and
   * `Retry-After` wait included. An attempt gets what is left when that is less than
   * `timeoutMs`; a `Retry-After` longer than what is left fails the call at once with the
   * server's answer. Default 60 000, and never less than one `timeoutMs`.
   */
  totalTimeoutMs?: number | undefined;
}

/**
 * Options of one call, passed as the last argument of every service method; they override
 * the client's defaults for that call.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const rooms = await client.listRooms(undefined, {
 *   signal: controller.signal,
 *   timeoutMs: 2_000,
 *   retries: 0,
 *   headers: { 'x-trace-id': traceId },
 * });
 * ```
 */
export interface RequestOptions {
  /** Aborts the call, including a retry it is waiting for. */
  signal?: AbortSignal | undefined;
  /** Per-attempt timeout in milliseconds, also sent as `X-Twirp-Timeout-Ms`. */
  timeoutMs?: number | undefined;
  /** How many times this call may be retried. */
  retries?: number | undefined;
  /** Headers added to this request, over the client's (`Content-Type` and `X-Twirp-Timeout-Ms` excepted). */
  headers?: Readonly<Record<string, string>> | undefined;
  /** The largest answer this call reads, in bytes (see {@link ClientOptions.maxResponseBytes}). */
  maxResponseBytes?: number | undefined;
  /** The most this call may take in all, retries and waits included, in milliseconds. */
  totalTimeoutMs?: number | undefined;
}

/** The fields of {@link RequestOptions}, to recognise one passed in the wrong argument. */
export const REQUEST_OPTION_KEYS: readonly (keyof RequestOptions)[] = [
  'signal',
  'timeoutMs',
  'retries',
  'headers',
  'maxResponseBytes',
  'totalTimeoutMs',
];

/** The defaults every service client starts from. */
export const CLIENT_DEFAULTS = Object.freeze({
  timeoutMs: 10_000,
  retries: 2,
  failover: true,
  encoding: 'protobuf' as RpcEncoding,
  maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
  totalTimeoutMs: 60_000,
});

/** The largest delay setTimeout can wait (about 24.8 days). */
export const MAX_TIMEOUT_MS = 2_147_483_647;
const MAX_RETRIES = 10;

/** Checks a timeout in milliseconds: a positive number setTimeout can wait for. */
export function checkTimeoutMs(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number of milliseconds, got ${show(value)}`);
  if (!Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
    throw new RangeError(`${name} must be a number of milliseconds between 1 and ${MAX_TIMEOUT_MS}, got ${show(value)}`);
  }
  return Math.ceil(value);
}

/** Checks a retry count: an integer from 0 to 10. */
export function checkRetries(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${show(value)}`);
  if (!Number.isInteger(value) || value < 0 || value > MAX_RETRIES) {
    throw new RangeError(`${name} must be an integer from 0 to ${MAX_RETRIES}, got ${show(value)}`);
  }
  return value;
}

/** Checks a size in bytes: a positive integer. */
export function checkByteCount(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number of bytes, got ${show(value)}`);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive whole number of bytes, got ${show(value)}`);
  }
  return value;
}

// RFC 9110 field names are tokens; values are visible ASCII, Latin-1 and inner spaces or
// tabs, never CR, LF or NUL (which would split or end the header block).
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Checks a header record and returns it with lower-case names. Names and values are never
 * quoted in the message: a secret pasted into the wrong place must not end up in a log.
 */
export function checkHeaders(value: unknown, name: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object of header names to string values, got ${show(value)}`);
  }
  const headers: Record<string, string> = {};
  let position = 0;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    position++;
    const which = `${name}: header ${position} (in insertion order)`;
    if (!HEADER_NAME.test(key)) {
      throw new TypeError(
        `${which} has a name that is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_\`|~ only, no spaces or colons)`,
      );
    }
    if (typeof item !== 'string') throw new TypeError(`${which} must have a string value, got ${show(item)}`);
    if (!HEADER_VALUE.test(item)) {
      throw new TypeError(`${which} has a value with a line break, a control character or a character beyond Latin-1; encode it first (e.g. encodeURIComponent)`);
    }
    headers[key.toLowerCase()] = item;
  }
  return headers;
}

/** A short, secret-free description of a value for error messages: strings are not shown. */
export function show(value: unknown): string {
  return formatValue(value);
}
