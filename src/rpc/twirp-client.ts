// The Twirp client every service client shares: builds the request, sends it with retries and
// region failover, reads the answer in either encoding, and turns every failure into one of
// the typed errors of ./errors.ts. A service is a table of methods (./service.ts) and its
// client a list of thin wrappers that call `invoke` — see src/services/egress.ts.
import { runtime } from '#runtime';
import { resolveCredentials } from '../internal/env.js';
import { SigningAuthorizer, StaticTokenAuthorizer } from './auth.js';
import type { Authorizer, CallGrants } from './auth.js';
import { defaultTransport } from './default-transport.js';
import { parseErrorBody } from './error-body.js';
import { ConnectionError, RequestAbortedError, RequestTimeoutError, ResponseTooLargeError, ServerError } from './errors.js';
import type { RpcErrorContext } from './errors.js';
import { failoverDelayMs, isCloudHost, MIN_FAILOVER_TIMEOUT_MS, RegionDirectory } from './failover.js';
import { fetchTransport } from './http-fetch.js';
import { buildMessage } from './message-init.js';
import { ResponseTooLarge, TransportFailure } from './http.js';
import type { HttpRequest, HttpResponse, HttpTransport } from './http.js';
import { CLIENT_DEFAULTS, checkByteCount, checkHeaders, checkRetries, checkTimeoutMs, MAX_TIMEOUT_MS, show } from './options.js';
import type { ClientOptions, RequestOptions, RpcEncoding } from './options.js';
import { sleep as defaultSleep } from '../internal/sleep.js';
import type { ServerErrorHook, ServiceMethod } from './service.js';
import { backoffDelayMs, MAX_RETRY_AFTER_MS, parseRetryAfterMs, RETRYABLE_STATUSES } from './retry.js';

/** A request message: any `@livekit/protocol` message class instance. */
export interface RequestMessage {
  toBinary(): Uint8Array;
  toJsonString(): string;
}

/** A response message class of `@livekit/protocol` (structurally, so no protobuf types leak). */
export interface ResponseType<O> {
  readonly typeName: string;
  fromBinary(bytes: Uint8Array, options?: { readUnknownFields?: boolean }): O;
  fromJsonString(json: string, options: { ignoreUnknownFields: boolean }): O;
}

/** One Twirp method: where it lives, what it answers, and whether repeating it is harmless. */
export interface RpcMethod<O> {
  /** The service without its package, e.g. `RoomService`. */
  readonly service: string;
  readonly method: string;
  /** `/twirp/livekit.RoomService/CreateRoom`. */
  readonly path: string;
  readonly output: ResponseType<O>;
  /**
   * Whether sending the request twice has the effect of sending it once. Calls that are not
   * are retried only when the request surely never reached the server.
   */
  readonly idempotent: boolean;
  /** Builds a more specific error for some error answers; see {@link ServerErrorHook}. */
  readonly serverError?: ServerErrorHook;
  /**
   * Whether the very same request may be sent again although the method is not idempotent,
   * because the server de-duplicates it: SendData, whose nonce is the receivers' duplicate
   * key. Such a request is re-sent only when it failed on a stale keep-alive connection.
   */
  readonly replaySafe?: boolean;
}

/**
 * Describes a method of a `livekit.*` Twirp service.
 *
 * @example
 * ```ts
 * const ListRooms = rpcMethod('RoomService', 'ListRooms', ListRoomsResponse, { idempotent: true });
 * ```
 */
export function rpcMethod<O>(
  service: string,
  method: string,
  output: ResponseType<O>,
  options: { idempotent: boolean; replaySafe?: boolean },
): RpcMethod<O> {
  const path = `/twirp/livekit.${service}/${method}`;
  return { service, method, path, output, idempotent: options.idempotent, replaySafe: options.replaySafe === true };
}

/** Test hooks: a clock, a random source and a sleep that need not wait. */
export interface TwirpClientHooks {
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Used instead of the default transport when no `fetch` option is given. */
  transport?: HttpTransport;
}

interface ServerUrl {
  /** Scheme, host and path prefix, no trailing slash: `https://proxy.example.com/livekit`. */
  base: string;
  origin: string;
  hostname: string;
}

const decoder = new TextDecoder();
const SKIP_UNKNOWN_FIELDS = Object.freeze({ readUnknownFields: false });

/**
 * Parses a server URL: `ws://` and `wss://` become `http://` and `https://`, and a path prefix
 * (a server behind a reverse proxy) is kept.
 */
export function parseServerUrl(host: unknown, who: string): ServerUrl {
  if (typeof host !== 'string' || host === '') {
    throw new TypeError(
      `${who} needs the server URL as its first argument, e.g. 'https://my-project.livekit.cloud' or 'http://localhost:7880'; got ${show(host)}`,
    );
  }
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new TypeError(`${who}: the server URL is not a valid absolute URL; pass e.g. 'https://my-project.livekit.cloud'`);
  }
  const protocol = { 'http:': 'http:', 'https:': 'https:', 'ws:': 'http:', 'wss:': 'https:' }[url.protocol];
  if (protocol === undefined) {
    throw new TypeError(`${who}: the server URL must start with http://, https://, ws:// or wss://`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new TypeError(`${who}: the server URL must not contain credentials; pass the API key and secret instead`);
  }
  const origin = `${protocol}//${url.host}`;
  return { base: `${origin}${url.pathname.replace(/\/+$/, '')}`, origin, hostname: url.hostname };
}

/**
 * Sends Twirp calls to one LiveKit server. Shared by every service client; not part of the
 * public API.
 */
export class TwirpClient {
  readonly #url: ServerUrl;
  readonly #authorizer: Authorizer;
  readonly #transport: HttpTransport;
  readonly #regions: RegionDirectory;
  readonly #encoding: RpcEncoding;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #failover: boolean;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #maxResponseBytes: number;
  /** Undefined: the default, 60 s but never less than one attempt's timeout. */
  readonly #totalTimeoutMs: number | undefined;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  /**
   * Validates everything a service client constructor receives. `who` names the client in
   * error messages (`RoomServiceClient`).
   */
  constructor(
    who: string,
    host: unknown,
    apiKey: string | undefined,
    apiSecret: string | undefined,
    options: ClientOptions | undefined,
    hooks: TwirpClientHooks = {},
  ) {
    this.#url = parseServerUrl(host, who);
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new TypeError(`${who}: options must be an object, got ${show(options)}`);
    }
    const opts: ClientOptions = options ?? {};
    this.#now = hooks.now ?? Date.now;
    this.#random = hooks.random ?? Math.random;
    this.#sleep = hooks.sleep ?? defaultSleep;

    if (opts.token !== undefined) {
      if (typeof opts.token !== 'string' || opts.token === '') {
        throw new TypeError(`${who}: options.token must be a non-empty string, got ${show(opts.token)}`);
      }
      this.#authorizer = new StaticTokenAuthorizer(opts.token);
    } else {
      const { apiKey: key, apiSecret: secret } = resolveCredentials(apiKey, apiSecret, who);
      this.#authorizer = new SigningAuthorizer(key, secret, this.#now);
    }

    if (opts.timeoutMs !== undefined) this.#timeoutMs = checkTimeoutMs(opts.timeoutMs, `${who}: options.timeoutMs`);
    else if (opts.requestTimeout !== undefined) {
      if (typeof opts.requestTimeout !== 'number') {
        throw new TypeError(`${who}: options.requestTimeout is in seconds and must be a number, got ${show(opts.requestTimeout)}`);
      }
      // 0 meant "no timeout" to livekit-server-sdk: the longest wait a timer allows.
      this.#timeoutMs =
        opts.requestTimeout === 0
          ? MAX_TIMEOUT_MS
          : checkTimeoutMs(opts.requestTimeout * 1000, `${who}: options.requestTimeout (in seconds) * 1000`);
    } else this.#timeoutMs = CLIENT_DEFAULTS.timeoutMs;
    this.#retries = opts.retries === undefined ? CLIENT_DEFAULTS.retries : checkRetries(opts.retries, `${who}: options.retries`);
    if (opts.failover !== undefined && typeof opts.failover !== 'boolean') {
      throw new TypeError(`${who}: options.failover must be a boolean, got ${show(opts.failover)}`);
    }
    this.#failover = opts.failover ?? CLIENT_DEFAULTS.failover;
    const encoding = opts.encoding ?? CLIENT_DEFAULTS.encoding;
    if (encoding !== 'protobuf' && encoding !== 'json') {
      throw new TypeError(`${who}: options.encoding must be 'protobuf' or 'json', got ${show(encoding)}`);
    }
    this.#encoding = encoding;
    this.#headers = opts.headers === undefined ? {} : checkHeaders(opts.headers, `${who}: options.headers`);
    this.#maxResponseBytes =
      opts.maxResponseBytes === undefined
        ? CLIENT_DEFAULTS.maxResponseBytes
        : checkByteCount(opts.maxResponseBytes, `${who}: options.maxResponseBytes`);
    this.#totalTimeoutMs =
      opts.totalTimeoutMs === undefined ? undefined : checkTimeoutMs(opts.totalTimeoutMs, `${who}: options.totalTimeoutMs`);
    if (opts.fetch !== undefined && typeof opts.fetch !== 'function') {
      throw new TypeError(`${who}: options.fetch must be a function like the global fetch, got ${show(opts.fetch)}`);
    }
    this.#transport =
      opts.fetch !== undefined ? fetchTransport(opts.fetch) : (hooks.transport ?? defaultTransport());
    this.#regions = new RegionDirectory(this.#transport, this.#now);
  }

  /** The encoding requests are sent in. */
  get encoding(): RpcEncoding {
    return this.#encoding;
  }

  /** The default per-attempt timeout, in milliseconds. */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /**
   * Calls a declared service method: builds the request from `init` (an instance or a plain
   * object, checked against the message's fields; `arg` names it in error messages), signs it
   * with the grants the method needs for that request, and applies the method's deadline rule
   * when the caller sets no `timeoutMs`. Caller mistakes reject with TypeError / RangeError
   * before any I/O.
   */
  async invoke<I extends object, O>(
    method: ServiceMethod<I, O>,
    init: unknown,
    options?: RequestOptions,
    arg = 'request',
  ): Promise<O> {
    const request = buildMessage(method.input, init, `${method.service}.${method.method}: ${arg}`);
    let effective = options;
    // Options that are not an object are left for call() to refuse.
    if (method.timeoutMs !== undefined && (options === undefined || (typeof options === 'object' && options !== null && options.timeoutMs === undefined))) {
      effective = { ...options, timeoutMs: method.timeoutMs(request, this.#timeoutMs) };
    }
    return this.call(method, request as I & RequestMessage, method.grants(request), effective);
  }

  /**
   * Calls `method` with `request`, authorised for `grants`. Rejects only with ServerError,
   * ConnectionError, RequestTimeoutError or RequestAbortedError (and with TypeError /
   * RangeError for invalid `options`, before any I/O).
   */
  async call<O>(method: RpcMethod<O>, request: RequestMessage, grants: CallGrants, options?: RequestOptions): Promise<O> {
    const what = `${method.service}.${method.method}`;
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new TypeError(`${what}: request options must be an object, got ${show(options)}`);
    }
    const timeoutMs =
      options?.timeoutMs === undefined ? this.#timeoutMs : checkTimeoutMs(options.timeoutMs, `${what}: timeoutMs`);
    const retries = options?.retries === undefined ? this.#retries : checkRetries(options.retries, `${what}: retries`);
    const signal = options?.signal;
    if (signal !== undefined && !isAbortSignal(signal)) {
      throw new TypeError(`${what}: signal must be an AbortSignal, got ${show(signal)}`);
    }
    const callHeaders = options?.headers === undefined ? undefined : checkHeaders(options.headers, `${what}: headers`);
    const maxResponseBytes =
      options?.maxResponseBytes === undefined
        ? this.#maxResponseBytes
        : checkByteCount(options.maxResponseBytes, `${what}: maxResponseBytes`);
    const totalTimeoutMs =
      options?.totalTimeoutMs === undefined
        ? (this.#totalTimeoutMs ?? Math.max(CLIENT_DEFAULTS.totalTimeoutMs, timeoutMs))
        : checkTimeoutMs(options.totalTimeoutMs, `${what}: totalTimeoutMs`);

    const requestId = newRequestId();
    let sent = 0;
    const context = (cause?: unknown): RpcErrorContext => ({
      service: method.service,
      method: method.method,
      requestId,
      attempts: sent,
      cause,
    });
    if (signal?.aborted) throw new RequestAbortedError(context(signal.reason));

    const json = this.#encoding === 'json';
    const body = json ? request.toJsonString() : request.toBinary();
    const authorization = this.#authorizer.authorization(grants);
    const headers: Record<string, string> = {
      authorization,
      'x-livekit-request-id': requestId,
      ...this.#headers,
      ...callHeaders,
      'content-type': json ? 'application/json' : 'application/protobuf',
      'x-twirp-timeout-ms': String(timeoutMs),
    };

    const failover = this.#failover && timeoutMs >= MIN_FAILOVER_TIMEOUT_MS && isCloudHost(this.#url.hostname);
    const tried = new Set<string>([this.#url.origin]);
    let regions: string[] | undefined;
    let url = this.#url.base + method.path;
    let failoverHops = 0;
    const startedAt = this.#now();
    const remainingMs = (): number => totalTimeoutMs - (this.#now() - startedAt);
    // Every listener this call needs goes on its own follower of the caller's signal, so any
    // number of calls can share one signal without piling listeners onto it.
    const follower = followSignal(signal);
    const callSignal = follower?.signal;

    try {
      for (let attempt = 1; ; attempt++) {
        const send = (freshConnection: boolean): Promise<AttemptOutcome> => {
          sent++;
          // The last attempt gets what is left of the budget, and tells the server so.
          const attemptTimeoutMs = Math.max(1, Math.min(timeoutMs, remainingMs()));
          headers['x-twirp-timeout-ms'] = String(attemptTimeoutMs);
          return this.#attempt(
            { url, method: 'POST', headers, body, maxResponseBytes, freshConnection },
            attemptTimeoutMs,
            callSignal,
          );
        };
        let outcome = await send(false);
        // A request that broke on a reused keep-alive connection before any answer arrived is
        // re-sent at once on a fresh one when sending it twice cannot do harm. This is Go's
        // net/http rule (Transport.shouldRetryRequest: the connection was reused, nothing of the
        // answer was read, and Request.isReplayable, which counts a POST with an
        // Idempotency-Key as replayable the way SendData's nonce is here). undici fails the
        // request that was in flight on the socket and re-sends only through its opt-in
        // RetryAgent (idempotent methods, with back-off); Go's rule re-sends at once and stays
        // safe for writes, which is what a pooled connection closed by a load balancer calls
        // for. A fresh connection cannot be stale, so this happens at most once per attempt
        // and does not use up a retry.
        if (
          outcome.kind === 'failure' &&
          outcome.failure.staleConnection &&
          (method.idempotent || method.replaySafe === true)
        ) {
          outcome = await send(true);
        }

        let error: Error;
        let retryable: boolean;
        let retryAfterMs: number | undefined;
        if (outcome.kind === 'response') {
          const { response } = outcome;
          if (response.status >= 200 && response.status < 300) {
            return decode(method, response, context());
          }
          const parsed = parseErrorBody(
            response.status,
            response.header('content-type'),
            response.body,
            response.header('location'),
          );
          const errorContext = context();
          error =
            method.serverError?.(parsed.code, response.status, parsed.msg, parsed.meta, errorContext) ??
            new ServerError(parsed.code, response.status, parsed.msg, parsed.meta, errorContext);
          retryable =
            method.idempotent &&
            (RETRYABLE_STATUSES.has(response.status) ||
              parsed.code === 'unavailable' ||
              (failover && response.status >= 500));
          retryAfterMs = parseRetryAfterMs(response.header('retry-after'), this.#now());
        } else if (outcome.kind === 'timeout') {
          error = new RequestTimeoutError(outcome.timeoutMs, context(outcome.cause));
          retryable = method.idempotent;
        } else if (outcome.kind === 'aborted') {
          throw new RequestAbortedError(context(outcome.cause));
        } else if (outcome.kind === 'too-large') {
          throw new ResponseTooLargeError(outcome.tooLarge.limitBytes, outcome.tooLarge.message, context(outcome.tooLarge));
        } else {
          const { failure } = outcome;
          error = failure.staleConnection
            ? new ConnectionError(
                `the server closed the idle keep-alive connection as the request was sent (${failure.message}); ` +
                  'it was not re-sent because this call is not safe to repeat and the server may have acted on it',
                true,
                context(failure.cause),
                true,
              )
            : new ConnectionError(
                `${failure.mayHaveReachedServer ? 'connection failed' : 'could not connect'} (${failure.message})`,
                failure.mayHaveReachedServer,
                context(failure.cause),
              );
          retryable = !failure.mayHaveReachedServer || method.idempotent;
        }

        if (!retryable || attempt > retries) throw error;
        if (retryAfterMs !== undefined && (retryAfterMs > MAX_RETRY_AFTER_MS || retryAfterMs >= remainingMs())) throw error;

        let delayMs = backoffDelayMs(attempt, this.#random);
        if (failover) {
          regions ??= await this.#regions.origins(this.#url.origin, authorization, callSignal);
          const next = regions.find((origin) => !tried.has(origin));
          if (next !== undefined) {
            tried.add(next);
            failoverHops++;
            url = next + method.path;
            delayMs = failoverDelayMs(failoverHops);
          }
        }
        if (retryAfterMs !== undefined) delayMs = Math.max(delayMs, retryAfterMs);
        // No time left for another attempt after the wait: the answer we have is the result.
        if (delayMs >= remainingMs()) throw error;
        try {
          await this.#sleep(delayMs, callSignal);
        } catch (cause) {
          throw new RequestAbortedError(context(cause));
        }
      }
    } finally {
      follower?.dispose();
    }
  }

  async #attempt(
    request: Omit<HttpRequest, 'signal'>,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<AttemptOutcome> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal?.aborted) return { kind: 'aborted', cause: signal.reason };
      const response = await this.#transport({ ...request, signal: controller.signal });
      return { kind: 'response', response };
    } catch (err) {
      if (signal?.aborted) return { kind: 'aborted', cause: signal.reason };
      if (timedOut) return { kind: 'timeout', timeoutMs, cause: err };
      if (err instanceof ResponseTooLarge) return { kind: 'too-large', tooLarge: err };
      if (err instanceof TransportFailure) return { kind: 'failure', failure: err };
      // A transport that broke its contract (an injected fetch throwing something odd).
      return { kind: 'failure', failure: new TransportFailure(true, err) };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/**
 * A signal that aborts when `signal` does, to hang this call's listeners on: AbortSignal.any
 * adds no listener to its source, so a signal shared by many calls never collects one per call
 * (Node warns past 10). Where AbortSignal.any is missing, one listener per call, removed at its end.
 */
function followSignal(signal: AbortSignal | undefined): { signal: AbortSignal; dispose(): void } | undefined {
  if (signal === undefined) return undefined;
  const any = (AbortSignal as { any?: (signals: AbortSignal[]) => AbortSignal }).any;
  if (typeof any === 'function') return { signal: any([signal]), dispose: () => undefined };
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, dispose: () => signal.removeEventListener('abort', onAbort) };
}

type AttemptOutcome =
  | { kind: 'response'; response: HttpResponse }
  | { kind: 'timeout'; timeoutMs: number; cause: unknown }
  | { kind: 'too-large'; tooLarge: ResponseTooLarge }
  | { kind: 'aborted'; cause: unknown }
  | { kind: 'failure'; failure: TransportFailure };

function decode<O>(method: RpcMethod<O>, response: HttpResponse, context: RpcErrorContext): O {
  const { body } = response;
  const encoding = answerEncoding(response.header('content-type'), body.length);
  const fail = (msg: string, cause?: unknown): ServerError =>
    new ServerError('internal', response.status, msg, {}, { ...context, cause });
  if (encoding === undefined) {
    const type = response.header('content-type');
    throw fail(
      `the answer's content type is ${type === undefined ? 'missing' : JSON.stringify(type.slice(0, 64))}, ` +
        'not application/protobuf or application/json: something other than a LiveKit server answered ' +
        '(a proxy or captive portal page, or a wrong server URL)',
    );
  }
  try {
    // Unknown fields are skipped, never kept: an answer of repeated unknown fields would
    // otherwise be held in memory many times over (10 MB of them took 771 MB of heap).
    if (encoding === 'protobuf' || body.length === 0) return method.output.fromBinary(body, SKIP_UNKNOWN_FIELDS);
    return method.output.fromJsonString(decoder.decode(body), { ignoreUnknownFields: true });
  } catch (cause) {
    throw fail(`the answer is not a valid ${method.output.typeName} in ${encoding === 'json' ? 'JSON' : 'protobuf'}`, cause);
  }
}

/**
 * How a success answer is encoded, by its media type (parameters after `;` ignored, as the
 * server does), or undefined for anything a Twirp server does not send. An empty body needs
 * no type: it is the empty protobuf message.
 */
function answerEncoding(contentType: string | undefined, length: number): RpcEncoding | undefined {
  if (contentType === undefined) return length === 0 ? 'protobuf' : undefined;
  const media = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (media === 'application/protobuf' || media === 'application/x-protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  return undefined;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function'
  );
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A random UUID v4, for `X-Livekit-Request-Id`. */
function newRequestId(): string {
  const b = runtime.randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  let out = '';
  for (let i = 0; i < 16; i++) {
    out += HEX[b[i]!]!;
    if (i === 3 || i === 5 || i === 7 || i === 9) out += '-';
  }
  return out;
}
