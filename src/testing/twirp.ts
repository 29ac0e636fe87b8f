// Twirp wire details the test server shares: error codes, their HTTP statuses, and the
// error a handler throws to answer with a Twirp error.
import { LiveKitError } from '../errors.js';

// One list of Twirp codes for the client and the test server.
import type { TwirpErrorCode } from '../rpc/errors.js';
export type { TwirpErrorCode };

/**
 * The HTTP status a Twirp server answers with for each error code.
 *
 * @example
 * ```ts
 * import { TWIRP_HTTP_STATUS } from 'livekit-server-api/testing';
 * TWIRP_HTTP_STATUS.not_found; // 404
 * ```
 */
export const TWIRP_HTTP_STATUS: Readonly<Record<TwirpErrorCode, number>> = Object.freeze({
  canceled: 408,
  unknown: 500,
  invalid_argument: 400,
  malformed: 400,
  deadline_exceeded: 408,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  permission_denied: 403,
  unauthenticated: 401,
  resource_exhausted: 429,
  failed_precondition: 412,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  dataloss: 500,
});

/** Tells whether `value` is one of the Twirp error codes. */
export function isTwirpErrorCode(value: unknown): value is TwirpErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(TWIRP_HTTP_STATUS, value);
}

/**
 * A Twirp error, as the test server writes it: `{"code","msg","meta"}` with the HTTP status
 * of its code. Throw it from a `performRpc` handler to make the call fail the way you choose;
 * the server also uses it for its own errors.
 *
 * @example
 * ```ts
 * import { startTestServer, TestServerTwirpError } from 'livekit-server-api/testing';
 * const lk = await startTestServer({
 *   performRpc: () => {
 *     throw new TestServerTwirpError('unavailable', 'agent is busy', { retry: 'later' });
 *   },
 * });
 * ```
 */
export class TestServerTwirpError extends LiveKitError {
  declare readonly code: TwirpErrorCode;
  /** The `msg` member of the error body. */
  readonly msg: string;
  /** The `meta` member of the error body (strings only, as Twirp requires). */
  readonly meta: Readonly<Record<string, string>>;

  constructor(code: TwirpErrorCode, msg: string, meta: Record<string, string> = {}) {
    super(code, msg);
    this.msg = msg;
    this.meta = { ...meta };
  }

  /** The HTTP status this error is written with. */
  get status(): number {
    return TWIRP_HTTP_STATUS[this.code];
  }

  /** The JSON error body, exactly as written on the wire. */
  toBody(): string {
    const body: { code: string; msg: string; meta?: Record<string, string> } = { code: this.code, msg: this.msg };
    if (Object.keys(this.meta).length > 0) body.meta = { ...this.meta };
    return JSON.stringify(body);
  }
}

/** `twirp.InvalidArgumentError(argument, validationMsg)` of the Go twirp package. */
export function invalidArgument(argument: string, validationMsg: string): TestServerTwirpError {
  return new TestServerTwirpError('invalid_argument', `${argument} ${validationMsg}`, { argument });
}
