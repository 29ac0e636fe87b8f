// Client options, per-call options, their defaults and their validation. Everything here
// throws TypeError / RangeError for a caller's mistake, before any request is made.
import { formatValue } from '../token/grants.js';
import type { FetchLike } from './http-fetch.js';

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
}

/** The defaults every service client starts from. */
export const CLIENT_DEFAULTS = Object.freeze({
  timeoutMs: 10_000,
  retries: 2,
  failover: true,
  encoding: 'protobuf' as RpcEncoding,
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

/** Checks a header record and returns it with lower-case names. */
export function checkHeaders(value: unknown, name: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object of header names to string values, got ${show(value)}`);
  }
  const headers: Record<string, string> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item !== 'string') {
      throw new TypeError(`${name}[${JSON.stringify(key)}] must be a string, got ${show(item)}`);
    }
    headers[key.toLowerCase()] = item;
  }
  return headers;
}

/** A short, secret-free description of a value for error messages: strings are not shown. */
export function show(value: unknown): string {
  return formatValue(value, { hideStrings: true });
}
