import type { WebhookEvent as ProtoWebhookEvent } from '@livekit/protocol';
import { runtime } from '#runtime';
import { resolveCredentials } from '../internal/env.js';
import { AccessToken } from '../token/access-token.js';
import { formatValue } from '../token/grants.js';
import { signHs256 } from '../token/jwt.js';
import type { Ttl } from '../token/ttl.js';
import { newId } from '../internal/ids.js';
import { WebhookEvent, type WebhookEventInit, type WebhookEventName } from './event.js';

/**
 * The content type a LiveKit server sends webhooks with.
 *
 * @example
 * ```ts
 * app.post('/livekit/webhook', express.raw({ type: WEBHOOK_CONTENT_TYPE }), handler);
 * ```
 */
export const WEBHOOK_CONTENT_TYPE = 'application/webhook+json';

/**
 * The header a LiveKit server puts the webhook token in: `Authorization`.
 *
 * `livekit-server-sdk` exports this name with the value `'Authorize'`, a header no server
 * sends, so code reading `req.get(authorizeHeader)` never found the token; here it holds the
 * header servers do send.
 *
 * @example
 * ```ts
 * const event = await receiver.receive(req.body, req.get(authorizeHeader));
 * ```
 */
export const authorizeHeader = 'Authorization';

/**
 * Options for {@link signWebhook}.
 *
 * @example
 * ```ts
 * const options: SignWebhookOptions = { apiKey: 'devkey', apiSecret: 'secret', now: new Date('2030-01-01') };
 * ```
 */
export interface SignWebhookOptions {
  /** The API key the server signs webhooks with. Default: `LIVEKIT_API_KEY`. */
  apiKey?: string;
  /** Its secret. Default: `LIVEKIT_API_SECRET`. */
  apiSecret?: string;
  /**
   * The signing time (a Date or epoch milliseconds): the token's `nbf`, and the event's
   * `createdAt` when it has none. Default: the clock.
   */
  now?: Date | number;
  /** Token lifetime. Default 5 minutes, as a LiveKit server. */
  ttl?: Ttl;
}

// A type alias, not an interface: only an alias is assignable to `Record<string, string>`
// (fetch's `HeadersInit`), so `fetch(url, { headers: signed.headers })` compiles.
/**
 * The headers a LiveKit server sends with a webhook.
 *
 * @example
 * ```ts
 * await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
 * ```
 */
export type WebhookHeaders = {
  /** `application/webhook+json`. */
  readonly 'Content-Type': typeof WEBHOOK_CONTENT_TYPE;
  /** The raw JWT, without `Bearer `. */
  readonly Authorization: string;
  /** `LiveKit`. */
  readonly 'User-Agent': 'LiveKit';
};

/**
 * A webhook request exactly as a LiveKit server would send it.
 *
 * @example
 * ```ts
 * const { body, headers, event } = signWebhook({ event: 'room_started', room: { name: 'standup' } }, { apiKey, apiSecret });
 * ```
 */
export interface SignedWebhook {
  /** The event that was signed, with `id` and `createdAt` filled in. A copy: the input is left untouched. */
  readonly event: WebhookEvent;
  /** The body: the event's protojson in UTF-8, the bytes the token's `sha256` covers. */
  readonly body: Uint8Array<ArrayBuffer>;
  /** The same body as text. */
  readonly text: string;
  /** `Content-Type`, `Authorization` (the raw token) and `User-Agent`. */
  readonly headers: WebhookHeaders;
}

/**
 * A webhook event to sign: a `WebhookEvent` message, or its fields with the event name.
 *
 * @example
 * ```ts
 * const event: SignableWebhookEvent = { event: 'participant_joined', room: { name: 'standup' }, participant: { identity: 'alice' } };
 * const signed = signWebhook(event, { apiKey, apiSecret });
 * ```
 */
export type SignableWebhookEvent = ProtoWebhookEvent | (WebhookEventInit & { event: WebhookEventName });

const encoder = new TextEncoder();
const WEBHOOK_TTL_SECONDS = 5 * 60;

/**
 * Produces exactly what a LiveKit server sends for `event`: the body (protojson, camelCase,
 * defaults omitted, int64 as strings) and the headers, with an `Authorization` token that
 * is HS256, signed with the given key, valid 5 minutes and carrying the body's SHA-256.
 * Fills in an `EV_…` `id` and `createdAt` when the event has none.
 *
 * For tests of your own webhook endpoint, and anything else that must act like a server.
 *
 * @throws TypeError when the event has no name or no key and secret can be found.
 * @example
 * ```ts
 * import { signWebhook } from 'livekit-server-api';
 *
 * const signed = signWebhook(
 *   { event: 'participant_joined', room: { name: 'standup' }, participant: { identity: 'alice' } },
 *   { apiKey: 'devkey', apiSecret: 'secret' },
 * );
 * const response = await fetch('http://127.0.0.1:3000/livekit/webhook', {
 *   method: 'POST',
 *   headers: signed.headers,
 *   body: signed.body,
 * });
 * ```
 */
export function signWebhook(event: SignableWebhookEvent, options: SignWebhookOptions = {}): SignedWebhook {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`signWebhook options must be an object such as { apiKey, apiSecret }, got ${formatValue(options)}`);
  }
  const { apiKey, apiSecret } = resolveCredentials(options.apiKey, options.apiSecret, 'signWebhook');
  const nowMs = options.now === undefined ? Date.now() : options.now instanceof Date ? options.now.getTime() : options.now;
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) {
    throw new TypeError(`now must be a Date or epoch milliseconds, got ${formatValue(options.now)}`);
  }
  const nowSeconds = Math.floor(nowMs / 1000);

  const copy = toEvent(event);
  if (copy.id === '') copy.id = newId('EV_');
  if (copy.createdAt === 0n) copy.createdAt = BigInt(nowSeconds);

  const text = copy.toJsonString();
  const body = encoder.encode(text);
  const token = new AccessToken(apiKey, apiSecret, { ttl: options.ttl ?? WEBHOOK_TTL_SECONDS });
  token.sha256 = runtime.sha256Base64(body);
  const authorization = signHs256(token.toClaims(nowSeconds), apiSecret);
  return {
    event: copy,
    body,
    text,
    headers: { 'Content-Type': WEBHOOK_CONTENT_TYPE, Authorization: authorization, 'User-Agent': 'LiveKit' },
  };
}

function toEvent(event: SignableWebhookEvent): WebhookEvent {
  if (typeof event !== 'object' || event === null) {
    throw new TypeError(
      `signWebhook expects a WebhookEvent or its fields, such as { event: 'room_started', room: { name: 'standup' } }, got ${formatValue(event)}`,
    );
  }
  // The constructor copies fields shallowly (nested messages would be shared): clone deeply.
  const copy = new WebhookEvent(event as WebhookEventInit).clone() as WebhookEvent;
  if (typeof copy.event !== 'string' || (copy.event as string) === '') {
    throw new TypeError("signWebhook needs an event name, such as { event: 'room_started', … }");
  }
  return copy;
}
