import { runtime } from '#runtime';
import { resolveCredentials } from '../internal/env.js';
import { readAtMost } from '../internal/bytes.js';
import { parseContentLength } from '../rpc/http.js';
import { TokenVerificationError, type TokenVerificationErrorCode } from '../token/errors.js';
import { formatValue } from '../token/grants.js';
import { constantTimeEqual } from '../token/jwt.js';
import { toSecretMap, TokenVerifier, type ApiKeySecrets } from '../token/verifier.js';
import { WebhookVerificationError, type WebhookVerificationErrorCode } from './errors.js';
import { WebhookEvent } from './event.js';
import { readProtoJson } from './protojson.js';

/**
 * A webhook request body as it arrived: the exact bytes (a `Uint8Array` or Node `Buffer`,
 * an `ArrayBuffer`) or the text (a string). Never the parsed JSON.
 *
 * @example
 * ```ts
 * const body: WebhookBody = await request.arrayBuffer();
 * ```
 */
export type WebhookBody = string | Uint8Array | ArrayBuffer;

/**
 * Options for {@link WebhookReceiver.receive}; the same keys set defaults for every call when
 * given to the constructor.
 *
 * @example
 * ```ts
 * const event = await receiver.receive(body, auth, { maxAgeSeconds: 300 });
 * ```
 */
export interface ReceiveOptions {
  /** Clock leeway on the token's `exp`/`nbf`, in seconds. Default 60, as a LiveKit server. */
  leewaySeconds?: number;
  /** The current time (a Date or epoch milliseconds). Default: the clock. For tests. */
  now?: Date | number;
  /**
   * Refuse events whose `createdAt` is more than this many seconds before `now`
   * (`webhook_too_old`): replay protection on top of the token's 5-minute lifetime. Off by
   * default. The server keeps `createdAt` when it retries, so a retry that arrives later
   * than this is refused too; leave room for your clock skew and the server's retries.
   */
  maxAgeSeconds?: number;
  /**
   * The largest body accepted, in bytes (`webhook_body_too_large` above it). Default 1 MiB;
   * webhook bodies are a few KB. `receiveRequest` stops reading at this size.
   */
  maxBodyBytes?: number;
}

/**
 * Options for the {@link WebhookReceiver} constructor: defaults for every `receive` call.
 *
 * @example
 * ```ts
 * const receiver = new WebhookReceiver('api-key', 'secret', { maxAgeSeconds: 600 });
 * ```
 */
export interface WebhookReceiverOptions {
  /** Default clock leeway on the token, in seconds (60). */
  leewaySeconds?: number;
  /** Default for {@link ReceiveOptions.maxAgeSeconds} (off). */
  maxAgeSeconds?: number;
  /** Default for {@link ReceiveOptions.maxBodyBytes} (1 MiB). */
  maxBodyBytes?: number;
}

/** The largest webhook body accepted by default: 1 MiB, hundreds of times a real event. */
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The part of a Fetch-API `Request` that {@link WebhookReceiver.receiveRequest} reads: any
 * standard `Request` (Node 18+, Next.js, Hono's `c.req.raw`, Cloudflare Workers, Bun, Deno).
 *
 * @example
 * ```ts
 * const request: WebhookRequest = new Request(url, { method: 'POST', body, headers });
 * ```
 */
export interface WebhookRequest {
  readonly headers: { get(name: string): string | null };
  readonly bodyUsed?: boolean;
  /** The body as a stream: read chunk by chunk, and no further than the size cap. */
  readonly body?: ReadableStream<Uint8Array> | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

const RAW_BODY_HELP =
  'the hash in the token covers the exact bytes the server sent, so pass the raw body: ' +
  "express.raw({ type: 'application/webhook+json' }) in Express, a content-type parser with " +
  "{ parseAs: 'buffer' } in Fastify, await request.arrayBuffer() or request.text() with the Fetch API " +
  '(or receiver.receiveRequest(request))';

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Verifies and parses the webhooks a LiveKit server POSTs: checks the `Authorization`
 * token the way a server checks tokens (HS256 only, 60 s leeway, the secret chosen by the
 * token's `iss`), compares the SHA-256 of the exact body bytes with the token's `sha256`
 * claim in constant time, and reads the body as a {@link WebhookEvent}.
 *
 * A drop-in for `livekit-server-sdk`'s receiver, safer: options instead of a positional
 * `skipAuth`, a `Bearer ` prefix accepted, bytes accepted, `maxAgeSeconds` against replays,
 * and every refusal a {@link WebhookVerificationError} with a stable `code`.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { WebhookReceiver } from 'livekit-server-api';
 *
 * const receiver = new WebhookReceiver(process.env.LIVEKIT_API_KEY!, process.env.LIVEKIT_API_SECRET!);
 * const app = express();
 * app.post('/livekit/webhook', express.raw({ type: 'application/webhook+json' }), async (req, res) => {
 *   const event = await receiver.receive(req.body, req.get('Authorization'));
 *   console.log(event.event, event.room?.name);
 *   res.sendStatus(200);
 * });
 *
 * // Key rotation: several keys, the secret chosen by the token's `iss`.
 * const rotating = new WebhookReceiver({ 'old-key': oldSecret, 'new-key': newSecret });
 * ```
 */
export class WebhookReceiver {
  readonly #verifier: TokenVerifier;
  readonly #leewaySeconds: number | undefined;
  readonly #maxAgeSeconds: number | undefined;
  readonly #maxBodyBytes: number;

  /**
   * One key and its secret (what the server's `webhook.api_key` names); they default to
   * `LIVEKIT_API_KEY` and `LIVEKIT_API_SECRET`.
   */
  constructor(apiKey?: string, apiSecret?: string, options?: WebhookReceiverOptions);
  /** Several keys: an object or Map from API key to secret. */
  constructor(keys: ApiKeySecrets, options?: WebhookReceiverOptions);
  constructor(
    keyOrKeys?: string | ApiKeySecrets,
    secretOrOptions?: string | WebhookReceiverOptions,
    maybeOptions?: WebhookReceiverOptions,
  ) {
    let options: WebhookReceiverOptions | undefined;
    if (keyOrKeys === undefined || typeof keyOrKeys === 'string') {
      const secret = typeof secretOrOptions === 'string' ? secretOrOptions : undefined;
      const { apiKey, apiSecret } = resolveCredentials(keyOrKeys, secret, 'WebhookReceiver');
      this.#verifier = new TokenVerifier(apiKey, apiSecret);
      options = maybeOptions ?? (typeof secretOrOptions === 'object' ? secretOrOptions : undefined);
    } else {
      this.#verifier = new TokenVerifier(toSecretMap(keyOrKeys, 'WebhookReceiver'));
      options = typeof secretOrOptions === 'object' ? secretOrOptions : undefined;
    }
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new TypeError(`WebhookReceiver options must be an object such as { maxAgeSeconds: 300 }, got ${formatValue(options)}`);
    }
    this.#leewaySeconds = checkSeconds(options?.leewaySeconds, 'leewaySeconds');
    this.#maxAgeSeconds = checkSeconds(options?.maxAgeSeconds, 'maxAgeSeconds');
    this.#maxBodyBytes = checkBodyBytes(options?.maxBodyBytes) ?? DEFAULT_MAX_BODY_BYTES;
  }

  /** The API keys this receiver accepts (never their secrets). */
  get apiKeys(): string[] {
    return this.#verifier.apiKeys;
  }

  /**
   * Verifies a webhook request and resolves to its event.
   *
   * @param body - the raw body: a string, `Uint8Array`/`Buffer` or `ArrayBuffer`.
   * @param authHeader - the `Authorization` header: the raw token (what a server sends) or
   *   `Bearer <token>`.
   * @param options - {@link ReceiveOptions}. `livekit-server-sdk`'s positional `skipAuth`
   *   is understood as far as it is safe: `false` (its default, common in copied code) means
   *   "verify" and works; `true` throws a TypeError, since skipping verification silently is
   *   how forged events get in.
   * @throws WebhookVerificationError (as a rejected promise) when the request is refused;
   *   TypeError / RangeError for invalid options.
   * @example
   * ```ts
   * try {
   *   const event = await receiver.receive(req.body, req.get('Authorization'), { maxAgeSeconds: 300 });
   *   if (event.event === 'room_finished') await archive(event.room!.name);
   * } catch (err) {
   *   if (err instanceof WebhookVerificationError) return res.status(401).send(err.code);
   *   throw err;
   * }
   * ```
   */
  async receive(body: WebhookBody, authHeader: string | null | undefined, options?: ReceiveOptions): Promise<WebhookEvent> {
    // Checked inside the async function, so misuse fails as a rejection of this promise
    // like every other failure. A fourth argument is livekit-server-sdk's clockTolerance.
    if (arguments.length > 3) rejectExtraArguments(arguments.length);
    return this.receiveSync(body, authHeader, options);
  }

  /**
   * {@link WebhookReceiver.receive}, synchronously: returns the event or throws.
   *
   * @example
   * ```ts
   * const event = receiver.receiveSync(rawBody, authorization);
   * ```
   */
  receiveSync(body: WebhookBody, authHeader: string | null | undefined, options?: ReceiveOptions): WebhookEvent {
    const resolved = checkOptions(options);
    const bytesOrText = rawBody(body);
    const claimed = this.#verifyToken(authHeader, resolved);
    // A string has at least as many bytes as characters: no need to encode it to know.
    const size = typeof bytesOrText === 'string' ? bytesOrText.length : bytesOrText.byteLength;
    const limit = resolved.maxBodyBytes ?? this.#maxBodyBytes;
    if (size > limit) throw bodyTooLarge(limit);
    return this.#readEvent(bytesOrText, claimed, resolved);
  }

  /**
   * Checks the `Authorization` token and returns its `sha256` claim: who sent the request,
   * before anything looks at the body. Expired tokens and bad signatures get codes of their
   * own, so that clock skew and a wrong secret can be told apart.
   */
  #verifyToken(authHeader: unknown, resolved: ReceiveOptions): string {
    const token = tokenFromHeader(authHeader);
    const leewaySeconds = resolved.leewaySeconds ?? this.#leewaySeconds;
    let claims: { sha256?: unknown };
    try {
      claims = this.#verifier.verifySync(token, {
        ...(leewaySeconds === undefined ? {} : { leewaySeconds }),
        ...(resolved.now === undefined ? {} : { now: resolved.now }),
      });
    } catch (cause) {
      if (cause instanceof TokenVerificationError) {
        const [code, hint] = TOKEN_REFUSALS[cause.code] ?? ['webhook_bad_token', ''];
        throw new WebhookVerificationError(code, `webhook token refused: ${cause.message}${hint}`, {
          cause,
          tokenCode: cause.code,
        });
      }
      throw cause;
    }
    const claimed = claims.sha256;
    if (typeof claimed !== 'string' || claimed === '') {
      throw new WebhookVerificationError(
        'webhook_bad_token',
        'the token is valid but has no sha256 claim, so it is not a webhook token: check that this endpoint receives LiveKit webhooks',
      );
    }
    return claimed;
  }

  /** Compares the body with the token's hash, then parses and age-checks the event. */
  #readEvent(bytesOrText: string | Uint8Array, claimed: string, resolved: ReceiveOptions): WebhookEvent {
    const actual = runtime.sha256Base64(bytesOrText);
    if (!constantTimeEqual(actual, claimed)) {
      throw new WebhookVerificationError(
        'webhook_hash_mismatch',
        `the body's SHA-256 does not match the token's sha256 claim: the body was altered, or parsed and re-serialised before it reached the receiver (${RAW_BODY_HELP})`,
      );
    }
    const event = parseEvent(bytesOrText);
    const maxAgeSeconds = resolved.maxAgeSeconds ?? this.#maxAgeSeconds;
    if (maxAgeSeconds !== undefined) checkAge(event, maxAgeSeconds, resolved.now);
    return event;
  }

  /**
   * Verifies a Fetch-API `Request` (Next.js route handlers, Hono, Cloudflare Workers, Bun,
   * Deno): checks its `Authorization` header first, then reads its raw body, streaming and
   * no further than `maxBodyBytes`, so an unauthenticated sender cannot make it read
   * anything. Call it before anything else reads the body.
   *
   * @throws WebhookVerificationError (as a rejected promise) when the request is refused,
   *   `webhook_body_not_raw` when its body was already read.
   * @example
   * ```ts
   * // app/api/livekit/webhook/route.ts (Next.js)
   * export async function POST(request: Request) {
   *   const event = await receiver.receiveRequest(request);
   *   return new Response(null, { status: 200 });
   * }
   * ```
   */
  async receiveRequest(request: WebhookRequest, options?: ReceiveOptions): Promise<WebhookEvent> {
    if (
      typeof request !== 'object' ||
      request === null ||
      typeof request.arrayBuffer !== 'function' ||
      typeof request.headers?.get !== 'function'
    ) {
      throw new TypeError(
        `receiveRequest expects a Fetch-API Request (with headers.get and arrayBuffer), got ${formatValue(request)}; for other frameworks use receive(rawBody, authorizationHeader)`,
      );
    }
    const resolved = checkOptions(options);
    if (request.bodyUsed === true) {
      throw new WebhookVerificationError(
        'webhook_body_not_raw',
        'the request body was already read (request.json() or request.text() was called before receiveRequest); call receiveRequest first, it returns the parsed event',
      );
    }
    const claimed = this.#verifyToken(request.headers.get('authorization'), resolved);
    const body = await readBody(request, resolved.maxBodyBytes ?? this.#maxBodyBytes);
    return this.#readEvent(body, claimed, resolved);
  }

  /** A summary without secrets, for `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `WebhookReceiver { apiKeys: ${JSON.stringify(this.apiKeys)} }`;
  }

  /** A summary without secrets, for `JSON.stringify`. */
  toJSON(): { apiKeys: string[] } {
    return { apiKeys: this.apiKeys };
  }
}

function rejectExtraArguments(count: number): never {
  throw new TypeError(
    `receive() takes (body, authHeader, options?), got ${count} arguments: livekit-server-sdk's (body, authHeader, skipAuth, clockTolerance) ` +
      'becomes receive(body, authHeader, { leewaySeconds })',
  );
}

function checkOptions(options: unknown): ReceiveOptions {
  // false is livekit-server-sdk's skipAuth default: "do verify", which is all this does.
  if (options === undefined || options === null || options === false) return {};
  if (options === true) {
    throw new TypeError(
      'receive() does not take livekit-server-sdk\'s positional skipAuth: verification cannot be switched off by a boolean. ' +
        'In tests, send correctly signed requests made with signWebhook(event, { apiKey, apiSecret }); ' +
        'to read a body you have verified another way, use WebhookEvent.fromJsonString(body, { ignoreUnknownFields: true })',
    );
  }
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(
      `receive() options must be an object such as { leewaySeconds: 60, maxAgeSeconds: 300 }, got ${formatValue(options)}`,
    );
  }
  const { leewaySeconds, now, maxAgeSeconds, maxBodyBytes } = options as ReceiveOptions;
  const checked: ReceiveOptions = {};
  const bodyBytes = checkBodyBytes(maxBodyBytes);
  if (bodyBytes !== undefined) checked.maxBodyBytes = bodyBytes;
  const leeway = checkSeconds(leewaySeconds, 'leewaySeconds');
  if (leeway !== undefined) checked.leewaySeconds = leeway;
  const maxAge = checkSeconds(maxAgeSeconds, 'maxAgeSeconds');
  if (maxAge !== undefined) checked.maxAgeSeconds = maxAge;
  if (now !== undefined) {
    const millis = now instanceof Date ? now.getTime() : now;
    if (typeof millis !== 'number' || !Number.isFinite(millis)) {
      throw new TypeError(`now must be a Date or epoch milliseconds, got ${formatValue(now)}`);
    }
    checked.now = millis;
  }
  return checked;
}

function checkSeconds(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number of seconds ≥ 0, got ${formatValue(value)}`);
  }
  return value;
}

function checkBodyBytes(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`maxBodyBytes must be a positive whole number of bytes, got ${formatValue(value)}`);
  }
  return value;
}

// Token refusals an operator acts on differently get webhook codes of their own.
const TOKEN_REFUSALS: Partial<Record<TokenVerificationErrorCode, [WebhookVerificationErrorCode, string]>> = {
  token_expired: [
    'webhook_expired',
    "; a LiveKit server signs each delivery for 5 minutes, so check this machine's clock (or a queue that held the request)",
  ],
  token_bad_signature: ['webhook_bad_signature', '; the receiver holds a different secret for this API key than the server'],
};

function bodyTooLarge(limit: number): WebhookVerificationError {
  return new WebhookVerificationError(
    'webhook_body_too_large',
    `the body is larger than maxBodyBytes (${limit} bytes); LiveKit webhook bodies are a few KB, so this is not one (raise maxBodyBytes if it is)`,
  );
}

/** Reads a request body, refusing it on its Content-Length and stopping at `limit` bytes. */
async function readBody(request: WebhookRequest, limit: number): Promise<Uint8Array> {
  const announced = parseContentLength(request.headers.get('content-length'));
  const stream = request.body;
  const readable = typeof stream === 'object' && stream !== null && typeof stream.getReader === 'function';
  if (announced !== undefined && announced > limit) {
    if (readable) await stream.cancel().catch(() => undefined);
    throw bodyTooLarge(limit);
  }
  if (!readable) {
    // A Request-like object without a stream: its body is in memory already.
    const whole = new Uint8Array(await request.arrayBuffer());
    if (whole.byteLength > limit) throw bodyTooLarge(limit);
    return whole;
  }
  const body = await readAtMost(stream, limit);
  if (body === undefined) throw bodyTooLarge(limit);
  return body;
}

/** The body as bytes or text, exactly as received; refuses anything that is not raw. */
function rawBody(body: unknown): string | Uint8Array {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  // The tag check also catches ArrayBuffers from another realm (vm contexts, some test runners).
  if (body instanceof ArrayBuffer || Object.prototype.toString.call(body) === '[object ArrayBuffer]') {
    return new Uint8Array(body as ArrayBuffer);
  }
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  const what =
    body === undefined || body === null
      ? `no body (${String(body)}): nothing read the request body, or a middleware consumed it`
      : typeof body === 'object'
        ? 'an already parsed object: a JSON body parser ran before the receiver'
        : `${formatValue(body)}`;
  throw new WebhookVerificationError('webhook_body_not_raw', `receive() got ${what}; ${RAW_BODY_HELP}`);
}

function tokenFromHeader(header: unknown): string {
  if (header === undefined || header === null || header === '') {
    throw new WebhookVerificationError(
      'webhook_missing_authorization',
      'the request has no Authorization header: LiveKit signs every webhook, so this request did not come from a LiveKit server (or a proxy dropped the header)',
    );
  }
  if (typeof header !== 'string') {
    throw new TypeError(`authHeader must be the Authorization header as a string, got ${formatValue(header)}`);
  }
  let token = header.trim();
  const bearer = /^bearer(?:\s+|$)/i.exec(token);
  if (bearer !== null) token = token.slice(bearer[0].length);
  if (token === '') {
    throw new WebhookVerificationError('webhook_missing_authorization', 'the Authorization header holds no token');
  }
  return token;
}

function parseEvent(body: string | Uint8Array): WebhookEvent {
  let json: unknown;
  try {
    json = JSON.parse(typeof body === 'string' ? body : textDecoder.decode(body));
  } catch (cause) {
    throw new WebhookVerificationError('webhook_malformed_body', 'the body is signed correctly but is not UTF-8 JSON', {
      cause,
    });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new WebhookVerificationError('webhook_malformed_body', 'the body is signed correctly but is not a JSON object');
  }
  let event: WebhookEvent;
  try {
    // Servers newer than this package add fields and enum values: ignore what is unknown.
    event = readProtoJson(WebhookEvent, json);
  } catch (cause) {
    throw new WebhookVerificationError(
      'webhook_malformed_body',
      `the body is signed correctly but is not a WebhookEvent: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  if (typeof event.event !== 'string' || (event.event as string) === '') {
    throw new WebhookVerificationError('webhook_malformed_body', 'the body is signed correctly but names no event');
  }
  return event;
}

function checkAge(event: WebhookEvent, maxAgeSeconds: number, now: Date | number | undefined): void {
  const createdAt = Number(event.createdAt);
  if (createdAt <= 0) {
    throw new WebhookVerificationError(
      'webhook_too_old',
      'the event has no createdAt, so its age cannot be checked against maxAgeSeconds',
    );
  }
  const nowSeconds = Math.floor((now === undefined ? Date.now() : now instanceof Date ? now.getTime() : now) / 1000);
  const age = nowSeconds - createdAt;
  if (age > maxAgeSeconds) {
    throw new WebhookVerificationError(
      'webhook_too_old',
      `the event was created ${age} s ago, more than maxAgeSeconds (${maxAgeSeconds} s): a replayed or late request`,
    );
  }
}
