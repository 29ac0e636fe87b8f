// The errors of the telephony services: a SIP call the far end refused (SipCallError, a drop-in
// name of livekit-server-sdk), and a method the server does not offer at all (the deleted
// CreateSIPTrunk, the Cloud-only Connector service). Both are ServerErrors, built by the
// `serverError` hook of their method specs.
import { ServerError } from '../rpc/errors.js';
import type { RpcErrorContext } from '../rpc/errors.js';

/**
 * A SIP call (a dial or a transfer) failed at the far end: busy, declined, no answer, or a SIP
 * server error. `sipStatusCode` and `sipStatus` are the SIP response the server relayed in the
 * Twirp metadata; `code` stays the Twirp code (486/480 → `resource_exhausted`, 408 →
 * `deadline_exceeded`, 403/603 → `permission_denied`, 5xx → `failed_precondition`).
 *
 * Drop-in for `livekit-server-sdk`'s `SipCallError`, and an instance of {@link ServerError}.
 *
 * @example
 * ```ts
 * import { SipCallError } from 'livekit-server-api';
 * try {
 *   await sip.createSipParticipant('ST_abc', '+15550100', 'support', { waitUntilAnswered: true });
 * } catch (err) {
 *   if (err instanceof SipCallError && err.sipStatusCode === 486) console.log('busy, try later');
 *   else throw err;
 * }
 * ```
 */
export class SipCallError extends ServerError {
  /** The SIP response code of the failed call, e.g. 486 (Busy Here); 0 when the server sent none. */
  readonly sipStatusCode: number;
  /** The SIP reason phrase, e.g. `Busy Here` (empty when the server sent none). */
  readonly sipStatus: string;

  constructor(code: string, status: number, msg: string, meta: Readonly<Record<string, string>>, context: RpcErrorContext) {
    super(code, status, msg, meta, context);
    const sipCode = meta['sip_status_code'];
    this.sipStatusCode = sipCode !== undefined && /^\d{3}$/.test(sipCode) ? Number(sipCode) : 0;
    this.sipStatus = meta['sip_status'] ?? '';
    const where = `(${context.service}.${context.method}: ${code}, HTTP ${status})`;
    this.message =
      this.sipStatusCode === 0
        ? `SIP call failed ${where}${msg === '' ? '' : `: ${msg}`}`
        : `SIP call failed: ${this.sipStatusCode}${this.sipStatus === '' ? '' : ` ${this.sipStatus}`} ${where}`;
  }

  /**
   * The SipCallError of any {@link ServerError}, keeping its code, status, message, metadata
   * and call context, as `livekit-server-sdk`'s `SipCallError.fromServerError`.
   *
   * @example
   * ```ts
   * if (err instanceof ServerError && 'sip_status_code' in err.meta) throw SipCallError.fromServerError(err);
   * ```
   */
  static fromServerError(err: ServerError): SipCallError {
    const context = { service: err.service, method: err.method, requestId: err.requestId, attempts: err.attempts, cause: err.cause };
    return new SipCallError(err.code, err.status, err.msg, err.meta, context);
  }

  /**
   * The SipCallError of a server's error answer when it carries a SIP status, else
   * `undefined`: the `serverError` hook of the SIP call methods.
   *
   * @example
   * ```ts
   * const error = SipCallError.fromAnswer('resource_exhausted', 429, 'busy', { sip_status_code: '486' }, context);
   * ```
   */
  static fromAnswer(
    code: string,
    status: number,
    msg: string,
    meta: Readonly<Record<string, string>>,
    context: RpcErrorContext,
  ): SipCallError | undefined {
    const sipCode = meta['sip_status_code'];
    if (sipCode === undefined || !/^\d{3}$/.test(sipCode)) return undefined;
    return new SipCallError(code, status, msg, meta, context);
  }
}

/**
 * The server does not offer the method called: a current livekit-server answers the deleted
 * `CreateSIPTrunk` with `bad_route`, and a self-hosted server answers the LiveKit Cloud-only
 * Connector service with a plain 404. `code` and `status` are the server's; the message says
 * what to use instead.
 *
 * @example
 * ```ts
 * import { MethodNotOfferedError } from 'livekit-server-api';
 * try {
 *   await connector.dialWhatsAppCall(options);
 * } catch (err) {
 *   if (err instanceof MethodNotOfferedError) console.error(err.message); // "… exists only on LiveKit Cloud …"
 *   else throw err;
 * }
 * ```
 */
export class MethodNotOfferedError extends ServerError {
  constructor(
    code: string,
    status: number,
    msg: string,
    meta: Readonly<Record<string, string>>,
    context: RpcErrorContext,
    advice: string,
  ) {
    super(code, status, msg, meta, context);
    this.message = `${context.service}.${context.method} is not offered by this server (${code}, HTTP ${status}): ${advice}`;
  }
}

/**
 * A `serverError` hook: a 404 (`bad_route`, or a plain-text 404) becomes a
 * {@link MethodNotOfferedError} with `advice`.
 *
 * @example
 * ```ts
 * const serverError = notOfferedOn404('use createSipInboundTrunk or createSipOutboundTrunk');
 * ```
 */
export function notOfferedOn404(advice: string) {
  return (
    code: string,
    status: number,
    msg: string,
    meta: Readonly<Record<string, string>>,
    context: RpcErrorContext,
  ): MethodNotOfferedError | undefined =>
    status === 404 && code === 'bad_route' ? new MethodNotOfferedError(code, status, msg, meta, context, advice) : undefined;
}
