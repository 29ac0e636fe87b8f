import { LiveKitError } from '../errors.js';
import type { TokenVerificationErrorCode } from '../token/errors.js';

/**
 * Why a webhook request was refused. Stable: safe to switch on.
 *
 * - `webhook_body_not_raw`: the body is not the raw request (a parsed object, `undefined`,
 *   or a `Request` whose body was already read). The hash covers the exact bytes the server
 *   sent, so the receiver needs them untouched: `express.raw()`, a Fastify content-type
 *   parser with `parseAs: 'buffer'`, or `await request.arrayBuffer()` / `request.text()`.
 * - `webhook_missing_authorization`: no `Authorization` header, or an empty one.
 * - `webhook_expired`: the token expired (beyond the leeway): clock skew between this machine
 *   and the server, or a request held in a queue for over 5 minutes. `tokenCode` is `token_expired`.
 * - `webhook_bad_signature`: the token's signature does not match the secret held for its API
 *   key: the receiver and the server disagree on the secret. `tokenCode` is `token_bad_signature`.
 * - `webhook_bad_token`: the token failed verification otherwise (see `tokenCode` and `cause`:
 *   malformed, unknown key, not yet valid…), or it is a valid token that carries no `sha256`
 *   claim, so not a webhook token.
 * - `webhook_hash_mismatch`: the body's SHA-256 differs from the token's `sha256` claim: the
 *   body was altered, or re-serialised by a framework before it reached the receiver.
 * - `webhook_body_too_large`: the body is larger than `maxBodyBytes` (1 MiB by default);
 *   `receiveRequest` stops reading at that size.
 * - `webhook_malformed_body`: the body is authentic but not a `WebhookEvent` in protojson.
 * - `webhook_too_old`: the event's `createdAt` is older than `maxAgeSeconds` (or absent
 *   while `maxAgeSeconds` is set): a replay, or a retry that came too late.
 *
 * @example
 * ```ts
 * function statusFor(code: WebhookVerificationErrorCode): number {
 *   return code === 'webhook_body_not_raw' ? 500 : 401; // a server bug, or a bad request
 * }
 * ```
 */
export type WebhookVerificationErrorCode =
  | 'webhook_body_not_raw'
  | 'webhook_missing_authorization'
  | 'webhook_expired'
  | 'webhook_bad_signature'
  | 'webhook_bad_token'
  | 'webhook_hash_mismatch'
  | 'webhook_body_too_large'
  | 'webhook_malformed_body'
  | 'webhook_too_old';

/**
 * A webhook request was refused by {@link WebhookReceiver}. `code` says why; answer such
 * requests with 401 (or 400 for `webhook_malformed_body`) and log the message, which never
 * contains the token or the secret.
 *
 * @example
 * ```ts
 * import { WebhookVerificationError } from 'livekit-server-api';
 * try {
 *   const event = await receiver.receive(req.body, req.get('Authorization'));
 * } catch (err) {
 *   if (err instanceof WebhookVerificationError) return res.status(401).send(err.code);
 *   throw err;
 * }
 * ```
 */
export class WebhookVerificationError extends LiveKitError {
  declare readonly code: WebhookVerificationErrorCode;
  /**
   * For a refusal caused by the token check: the {@link TokenVerificationError}'s
   * code (`token_expired`, `token_bad_signature`, …), also reachable as `cause.code`.
   */
  readonly tokenCode: TokenVerificationErrorCode | undefined;

  constructor(
    code: WebhookVerificationErrorCode,
    message: string,
    options?: { cause?: unknown; tokenCode?: TokenVerificationErrorCode },
  ) {
    super(code, message, options);
    this.tokenCode = options?.tokenCode;
  }
}

/**
 * A webhook could not be delivered by {@link deliverWebhook}: every attempt failed with a
 * transport error or an answer other than 2xx. `status` is the last HTTP status (absent
 * when the last attempt got no answer), `cause` the last transport error.
 *
 * @example
 * ```ts
 * import { deliverWebhook, WebhookDeliveryError } from 'livekit-server-api';
 * try {
 *   await deliverWebhook('http://127.0.0.1:3000/livekit/webhook', signed);
 * } catch (err) {
 *   if (err instanceof WebhookDeliveryError) console.log(err.status, err.attempts);
 * }
 * ```
 */
export class WebhookDeliveryError extends LiveKitError {
  declare readonly code: 'webhook_delivery_failed';
  /** Where the webhook was sent. */
  readonly url: string;
  /** How many requests were made. */
  readonly attempts: number;
  /** The HTTP status of the last answer, if the last attempt got one. */
  readonly status: number | undefined;

  constructor(message: string, details: { url: string; attempts: number; status?: number; cause?: unknown }) {
    super('webhook_delivery_failed', message, { cause: details.cause });
    this.url = details.url;
    this.attempts = details.attempts;
    this.status = details.status;
  }
}
