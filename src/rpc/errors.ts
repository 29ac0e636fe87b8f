import { LiveKitError } from '../errors.js';

/**
 * The error codes of the Twirp protocol, as a LiveKit server sends them in the `code` member
 * of an error body. A {@link ServerError} built from a non-Twirp answer (a plain-text 401, an
 * HTML page from a proxy) carries the code a Twirp client derives from the HTTP status.
 *
 * @example
 * ```ts
 * import { ServerError, type TwirpErrorCode } from 'livekit-server-api';
 * const gone: TwirpErrorCode = 'not_found';
 * if (err instanceof ServerError && err.code === gone) return;
 * ```
 */
export type TwirpErrorCode =
  | 'canceled'
  | 'unknown'
  | 'invalid_argument'
  | 'malformed'
  | 'deadline_exceeded'
  | 'not_found'
  | 'bad_route'
  | 'already_exists'
  | 'permission_denied'
  | 'unauthenticated'
  | 'resource_exhausted'
  | 'failed_precondition'
  | 'aborted'
  | 'out_of_range'
  | 'unimplemented'
  | 'internal'
  | 'unavailable'
  | 'dataloss';

/**
 * Where an RPC error came from: the Twirp service and method, e.g. `RoomService` / `CreateRoom`.
 *
 * @example
 * ```ts
 * const context: RpcErrorContext = { service: 'RoomService', method: 'CreateRoom', attempts: 3 };
 * ```
 */
export interface RpcErrorContext {
  /** The Twirp service without its package, e.g. `RoomService`. */
  service: string;
  /** The Twirp method, e.g. `CreateRoom`. */
  method: string;
  /** The `X-Livekit-Request-Id` sent with the call, for matching server logs. */
  requestId?: string | undefined;
  /** How many HTTP attempts were made before giving up (1 when no retry happened). */
  attempts?: number | undefined;
  cause?: unknown;
}

function suffix(context: RpcErrorContext): string {
  return context.attempts !== undefined && context.attempts > 1 ? ` (after ${context.attempts} attempts)` : '';
}

/**
 * The base of every error an RPC call ends with: {@link ServerError}, {@link ConnectionError},
 * {@link RequestTimeoutError} and {@link RequestAbortedError}. It says which call failed
 * (`service`, `method`), how often it was tried (`attempts`) and the request id to look for in
 * the server's logs.
 *
 * @example
 * ```ts
 * import { RpcError } from 'livekit-server-api';
 * try {
 *   await rooms.listRooms();
 * } catch (err) {
 *   if (err instanceof RpcError) console.error(err.code, `${err.service}.${err.method}`, err.requestId, err.attempts);
 * }
 * ```
 */
export abstract class RpcError extends LiveKitError {
  /** The Twirp service, e.g. `RoomService`. */
  readonly service: string;
  /** The Twirp method, e.g. `CreateRoom`. */
  readonly method: string;
  /** The `X-Livekit-Request-Id` the call was sent with. */
  readonly requestId: string | undefined;
  /** How many HTTP attempts were made (0 when the call was aborted before the first). */
  readonly attempts: number;

  /** `detail` follows `Service.Method`; `hint`, what to do about it, follows the attempt count. */
  protected constructor(code: string, detail: string, context: RpcErrorContext, hint = '') {
    super(code, `${context.service}.${context.method} ${detail}${suffix(context)}${hint}`, { cause: context.cause });
    this.service = context.service;
    this.method = context.method;
    this.requestId = context.requestId;
    this.attempts = context.attempts ?? 1;
  }
}

/**
 * The server (or a proxy in front of it) answered an RPC with an error.
 *
 * `code` is the Twirp error code (`not_found`, `invalid_argument`, `unauthenticated`, …),
 * `status` the HTTP status, `msg` the server's own message and `meta` its metadata. Answers
 * that are not Twirp JSON get a code derived from the status the way Twirp clients do it: a
 * plain-text 401 (bad, expired or unknown-key token) becomes `unauthenticated`, a 502/503/504
 * HTML page from a proxy becomes `unavailable` with a short excerpt of the page as `msg` and
 * `meta.http_error_from_intermediary` set to `"true"`.
 *
 * Drop-in for `livekit-server-sdk`'s `ServerError` / `TwirpError`: `status`, `code` and
 * `metadata` mean the same there.
 *
 * @example
 * ```ts
 * import { RoomServiceClient, ServerError } from 'livekit-server-api';
 * try {
 *   await rooms.deleteRoom('standup');
 * } catch (err) {
 *   if (err instanceof ServerError && err.code === 'not_found') {
 *     // already gone
 *   } else {
 *     throw err;
 *   }
 * }
 * ```
 */
export class ServerError extends RpcError {
  declare readonly code: TwirpErrorCode | (string & {});
  /** The HTTP status of the answer. */
  readonly status: number;
  /** The server's message, without the `Service.Method failed:` prefix of `message`. */
  readonly msg: string;
  /** The Twirp error metadata (`argument`, `error_details`, `sip_status_code`, …); empty when none. */
  readonly meta: Readonly<Record<string, string>>;

  constructor(
    code: string,
    status: number,
    msg: string,
    meta: Readonly<Record<string, string>>,
    context: RpcErrorContext,
  ) {
    const detail = msg === '' ? '' : `: ${msg}`;
    super(code, `failed: ${code} (HTTP ${status})${detail}`, context);
    this.status = status;
    this.msg = msg;
    this.meta = meta;
  }

  /** The same object as {@link ServerError.meta}, under the name `livekit-server-sdk` uses. */
  get metadata(): Readonly<Record<string, string>> {
    return this.meta;
  }
}

/**
 * The name `livekit-server-sdk` gave {@link ServerError} before it was renamed; the same class.
 *
 * @example
 * ```ts
 * import { TwirpError } from 'livekit-server-api';
 * if (err instanceof TwirpError) console.log(err.status, err.code);
 * ```
 */
export const TwirpError = ServerError;
/** @see {@link ServerError} */
export type TwirpError = ServerError;

/**
 * The request could not be completed at the network level: the connection was refused or
 * reset, the host name did not resolve, the connection closed before an answer arrived.
 * `cause` holds the underlying error.
 *
 * `mayHaveReachedServer` is `false` only when the request surely never left (connection
 * refused, name resolution failed): only then is a call that is not safe to repeat retried.
 *
 * @example
 * ```ts
 * import { ConnectionError } from 'livekit-server-api';
 * try {
 *   await rooms.listRooms();
 * } catch (err) {
 *   if (err instanceof ConnectionError) console.error('LiveKit unreachable:', err.cause);
 * }
 * ```
 */
export class ConnectionError extends RpcError {
  declare readonly code: 'connection_failed';
  /** Whether the server may have received (and acted on) the request. */
  readonly mayHaveReachedServer: boolean;
  /**
   * Whether the request was written into a pooled keep-alive connection that the server (or a
   * proxy) had closed while it was idle, before any answer arrived. Calls safe to repeat are
   * re-sent at once on a fresh connection in that case; this is true only for the others.
   */
  readonly closedWhileIdle: boolean;

  constructor(detail: string, mayHaveReachedServer: boolean, context: RpcErrorContext, closedWhileIdle = false) {
    super('connection_failed', `failed: ${detail}`, context);
    this.mayHaveReachedServer = mayHaveReachedServer;
    this.closedWhileIdle = closedWhileIdle;
  }
}

/**
 * The answer was larger than the call's `maxResponseBytes` (32 MiB by default): it was
 * refused on its `Content-Length`, or the body grew past the limit while it was read. The
 * connection was dropped and the call is not retried.
 *
 * @example
 * ```ts
 * import { ResponseTooLargeError } from 'livekit-server-api';
 * try {
 *   await egress.listEgress();
 * } catch (err) {
 *   if (err instanceof ResponseTooLargeError) console.warn(`answer over ${err.limitBytes} bytes`);
 * }
 * ```
 */
export class ResponseTooLargeError extends RpcError {
  declare readonly code: 'response_too_large';
  /** The limit that was exceeded, in bytes. */
  readonly limitBytes: number;

  constructor(limitBytes: number, detail: string, context: RpcErrorContext) {
    super(
      'response_too_large',
      `failed: ${detail}`,
      context,
      '; if such answers are expected, pass a larger maxResponseBytes to the client or the call',
    );
    this.limitBytes = limitBytes;
  }
}

/**
 * No answer arrived within the call's `timeoutMs` (per attempt; the same value is sent to the
 * server as `X-Twirp-Timeout-Ms`).
 *
 * @example
 * ```ts
 * import { RequestTimeoutError } from 'livekit-server-api';
 * try {
 *   await rooms.listRooms(undefined, { timeoutMs: 2000 });
 * } catch (err) {
 *   if (err instanceof RequestTimeoutError) console.warn(`no answer in ${err.timeoutMs} ms`);
 * }
 * ```
 */
export class RequestTimeoutError extends RpcError {
  declare readonly code: 'request_timeout';
  /** The per-attempt timeout that ran out, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, context: RpcErrorContext) {
    super(
      'request_timeout',
      `failed: no answer within ${timeoutMs} ms`,
      context,
      '; pass a larger timeoutMs if the call is expected to be slow',
    );
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The caller's `AbortSignal` fired before the call finished. `cause` is the signal's reason.
 *
 * @example
 * ```ts
 * import { RequestAbortedError } from 'livekit-server-api';
 * const controller = new AbortController();
 * const pending = rooms.listRooms(undefined, { signal: controller.signal });
 * controller.abort();
 * await pending.catch((err) => {
 *   if (!(err instanceof RequestAbortedError)) throw err;
 * });
 * ```
 */
export class RequestAbortedError extends RpcError {
  declare readonly code: 'request_aborted';

  constructor(context: RpcErrorContext) {
    super('request_aborted', 'was aborted by the caller', context);
  }
}
