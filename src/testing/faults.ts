// Injected failures: "make the next N calls (to this method) fail like this".
import type { TwirpErrorCode } from './twirp.js';

/**
 * Answer with a Twirp error: `{"code","msg","meta"}` and the HTTP status of `code`.
 * `msg` defaults to a text naming the injected code.
 *
 * @example
 * ```ts
 * lk.failNext({ twirp: { code: 'resource_exhausted', msg: 'quota', meta: { limit: '10' } } });
 * ```
 */
export interface TwirpFault {
  code: TwirpErrorCode;
  msg?: string;
  meta?: Record<string, string>;
}

/**
 * Answer with a raw HTTP response, e.g. the HTML 502 of a proxy or a 503 with `Retry-After`.
 * `body` defaults to empty, `contentType` to `text/plain; charset=utf-8`.
 *
 * @example
 * ```ts
 * lk.failNext({ http: { status: 503, body: 'busy', headers: { 'Retry-After': '1' } }, times: 2 });
 * ```
 */
export interface HttpFault {
  status: number;
  body?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

/**
 * Which calls a fault applies to and how many times. `method` is a method name
 * (`'CreateRoom'`) or `Service.Method` (`'RoomService.CreateRoom'`); `service` a service name
 * (`'RoomService'`). Without either, any call matches. `times` defaults to 1.
 *
 * @example
 * ```ts
 * lk.failNext({ method: 'RoomService.SendData', disconnect: true });
 * lk.failNext({ service: 'RoomService', twirp: { code: 'internal' }, times: 3 });
 * ```
 */
export interface FaultMatch {
  method?: string;
  service?: string;
  times?: number;
}

/**
 * A failure for {@link TestServer.failNext}: exactly one of
 * - `twirp`: a Twirp error;
 * - `http`: a raw HTTP answer;
 * - `hang: true`: no answer until the client gives up, the `X-Twirp-Timeout-Ms` deadline passes
 *   (then `deadline_exceeded`, as a server does) or the server closes;
 * - `disconnect: true`: the connection is destroyed without an answer.
 *
 * Faults apply after the body is read and the request recorded, before authentication,
 * as a proxy or an overloaded server would.
 *
 * @example
 * ```ts
 * import type { TestServerFault } from 'livekit-server-api/testing';
 * const faults: TestServerFault[] = [
 *   { method: 'CreateRoom', twirp: { code: 'unavailable', msg: 'try later' }, times: 2 },
 *   { http: { status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' } },
 *   { http: { status: 503, headers: { 'Retry-After': '1' } } },
 *   { method: 'ListRooms', hang: true },
 *   { disconnect: true },
 * ];
 * ```
 */
export type TestServerFault = FaultMatch &
  (
    | { twirp: TwirpFault; http?: never; hang?: never; disconnect?: never }
    | { http: HttpFault; twirp?: never; hang?: never; disconnect?: never }
    | { hang: true; twirp?: never; http?: never; disconnect?: never }
    | { disconnect: true; twirp?: never; http?: never; hang?: never }
  );

interface PendingFault {
  readonly fault: TestServerFault;
  remaining: number;
}

/** The queue of injected failures. Internal. */
export class FaultQueue {
  private readonly pending: PendingFault[] = [];

  add(fault: TestServerFault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`failNext: times must be a positive integer, got ${String(times)}`);
    }
    const kinds = [fault.twirp, fault.http, fault.hang, fault.disconnect].filter((k) => k !== undefined);
    if (kinds.length !== 1) {
      throw new TypeError('failNext: pass exactly one of twirp, http, hang: true or disconnect: true');
    }
    if (fault.http !== undefined && (!Number.isInteger(fault.http.status) || fault.http.status < 100 || fault.http.status > 599)) {
      throw new RangeError(`failNext: http.status must be an HTTP status (100-599), got ${String(fault.http.status)}`);
    }
    this.pending.push({ fault, remaining: times });
  }

  /** Consumes one use of the first fault matching the call, if any. */
  take(service: string, method: string): TestServerFault | undefined {
    const index = this.pending.findIndex((p) => matches(p.fault, service, method));
    const entry = this.pending[index];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.pending.splice(index, 1);
    return entry.fault;
  }

  get size(): number {
    return this.pending.reduce((sum, p) => sum + p.remaining, 0);
  }

  clear(): void {
    this.pending.length = 0;
  }
}

function matches(fault: TestServerFault, service: string, method: string): boolean {
  if (fault.service !== undefined && fault.service !== service && fault.service !== `livekit.${service}`) return false;
  if (fault.method === undefined) return true;
  const dot = fault.method.lastIndexOf('.');
  if (dot < 0) return fault.method === method;
  const wantedService = fault.method.slice(0, dot);
  return fault.method.slice(dot + 1) === method && (wantedService === service || wantedService === `livekit.${service}`);
}
