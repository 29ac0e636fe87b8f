// The server side of LiveKit's standard token endpoint: livekit-client's
// `TokenSource.endpoint(url)` POSTs a JSON TokenSourceRequest and expects 2xx with
// `{ server_url, participant_token }`. A Fetch API handler, so it runs unchanged in every
// runtime; node-listener.ts adapts it to node:http. Lives with /token (no protocol code).
import { readEnv, resolveCredentials } from '../internal/env.js';
import { newId } from '../internal/ids.js';
import { AccessToken } from './access-token.js';
import { InvalidTokenRequest, parseTokenRequest, type TokenRequest } from './endpoint-request.js';
import { formatValue, type AgentGrant, type RoomConfigurationInput, type SIPGrant, type VideoGrant } from './grants.js';
import { ttlToSeconds, type Ttl } from './ttl.js';

/**
 * What a token policy decides a request gets: exactly what goes into the token, nothing
 * taken from the request unless the policy put it here.
 *
 * @example
 * ```ts
 * const result: TokenPolicyResult = {
 *   identity: user.id,
 *   name: user.name,
 *   grant: { roomJoin: true, room: 'lobby' },
 *   ttl: '15m',
 * };
 * ```
 */
export interface TokenPolicyResult {
  /** The participant identity (`sub`). Required: the token joins a room. */
  identity: string;
  name?: string | undefined;
  metadata?: string | undefined;
  attributes?: Readonly<Record<string, string>> | undefined;
  /** Room permissions (the `video` claim), usually `{ roomJoin: true, room }`. */
  grant?: VideoGrant | undefined;
  sipGrant?: SIPGrant | undefined;
  agentGrant?: AgentGrant | undefined;
  /** Lifetime, over one minute (the client refetches a minute before expiry). Default: the handler's `ttl`. */
  ttl?: Ttl | undefined;
  /** Room configuration (agent dispatch, timeouts) if this participant creates the room. */
  roomConfig?: RoomConfigurationInput | undefined;
}

/**
 * Decides who gets which token. Receives the request (read its cookies or
 * `Authorization` header) and the parsed body; returns the token's contents, `null` or
 * `false` to refuse with 403, or a `Response` to answer with instead (e.g. a 401). A
 * throw answers 500 and reaches `onError`.
 *
 * @example
 * ```ts
 * const authorize: TokenPolicy = async (request, body) => {
 *   const user = await sessionUser(request);
 *   if (user === undefined) return new Response('sign in first', { status: 401 });
 *   if (body.roomName !== undefined && !user.rooms.includes(body.roomName)) return null; // 403
 *   return { identity: user.id, name: user.name, grant: { roomJoin: true, room: body.roomName ?? 'lobby' } };
 * };
 * ```
 */
export type TokenPolicy = (
  request: Request,
  body: TokenRequest,
) => TokenPolicyResult | Response | null | false | Promise<TokenPolicyResult | Response | null | false>;

/**
 * Which browser origins may call the endpoint across origins.
 *
 * @example
 * ```ts
 * const cors: TokenHandlerCors = { origins: ['https://app.example.com'], credentials: true };
 * ```
 */
export interface TokenHandlerCors {
  /** Allowed origins, e.g. `['https://app.example.com']`, or `'*'` for any (not with `credentials`). */
  origins: readonly string[] | '*';
  /** Allow cookies (`fetch(..., { credentials: 'include' })`). Default false. */
  credentials?: boolean;
  /** Request headers the preflight allows besides `content-type` and `authorization`. */
  allowHeaders?: readonly string[];
  /** How long a browser may cache the preflight, in seconds. Default 600. */
  maxAgeSeconds?: number;
}

/**
 * Options for {@link createTokenHandler}. One of `authorize` or `dev: true` is required.
 *
 * @example
 * ```ts
 * const options: TokenHandlerOptions = {
 *   authorize: (request, body) => ({ identity: 'alice', grant: { roomJoin: true, room: 'lobby' } }),
 *   serverUrl: 'wss://my-project.livekit.cloud',
 *   cors: { origins: ['https://app.example.com'] },
 * };
 * ```
 */
export interface TokenHandlerOptions {
  /** The policy: who gets which token. Required unless `dev`. */
  authorize?: TokenPolicy;
  /**
   * Development only: sign any request with a join grant for the room and identity it
   * asks for (a random one when it names none; `room` sets the default room), with its
   * name, metadata, attributes and room configuration. Warns once; refused when
   * `NODE_ENV` is `production`.
   */
  dev?: boolean | { room?: string };
  /** The `server_url` clients connect to. Default `LIVEKIT_URL`. */
  serverUrl?: string;
  /** Default `LIVEKIT_API_KEY`. */
  apiKey?: string;
  /** Default `LIVEKIT_API_SECRET`. */
  apiSecret?: string;
  /** Cross-origin access. Default: none (same-origin only). */
  cors?: TokenHandlerCors;
  /** Largest body read, in bytes; larger answers 413. Default 64 KiB. */
  maxBodyBytes?: number;
  /** Token lifetime when the policy returns none, over one minute. Default 15 minutes. */
  ttl?: Ttl;
  /** Called with the error behind every 500 (a policy that threw or returned a bad value). */
  onError?: (error: unknown, request: Request) => void;
  /** Where the dev-mode warning goes. Default: standard error. */
  onWarning?: (message: string) => void;
}

/**
 * A Fetch API request handler: `Request` in, `Response` out. Never rejects.
 *
 * @example
 * ```ts
 * const handler: TokenHandler = createTokenHandler({ authorize });
 * export const POST = handler; // Next.js route handler
 * ```
 */
export type TokenHandler = (request: Request) => Promise<Response>;

const DEFAULTS = {
  maxBodyBytes: 64 * 1024,
  ttlSeconds: 15 * 60,
  corsMaxAgeSeconds: 600,
} as const;

// livekit-client reuses a token until one minute before its `exp`: anything shorter
// would be fetched anew for every connection.
const CLIENT_REFRESH_MARGIN_SECONDS = 60;
const CORS_BASE_HEADERS = ['content-type', 'authorization'];

/**
 * Creates LiveKit's standard token endpoint: the server side of livekit-client's
 * `TokenSource.endpoint(url)`. Answers a POSTed TokenSourceRequest with **201**
 * `{ server_url, participant_token }`, signing exactly what `authorize` returns.
 *
 * Secure by default: there is no default policy (the constructor throws without
 * `authorize`, unless `dev: true`). Every other answer is a JSON `{ code, message }`:
 * 405 for a method other than POST (OPTIONS is the CORS preflight when `cors` is set),
 * 415 unless the body is `application/json`, 413 over `maxBodyBytes`, 400 for malformed
 * JSON or a field of the wrong type (named), 403 when `authorize` refuses, 500 when it
 * throws. Every answer carries `Cache-Control: no-store`.
 *
 * @throws TypeError without `authorize` (and not `dev`), with `dev` under
 *   `NODE_ENV=production`, without a server URL or API key/secret, or for a bad option;
 *   RangeError for a `ttl` of a minute or less or a bad `maxBodyBytes`.
 * @example
 * ```ts
 * import { createTokenHandler } from 'livekit-server-api/token';
 *
 * export const POST = createTokenHandler({
 *   authorize: async (request, body) => {
 *     const user = await sessionUser(request);
 *     if (user === undefined) return null; // 403
 *     return { identity: user.id, name: user.name, grant: { roomJoin: true, room: body.roomName ?? 'lobby' }, ttl: '15m' };
 *   },
 * });
 * ```
 */
export function createTokenHandler(options: TokenHandlerOptions): TokenHandler {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`createTokenHandler takes an options object such as { authorize }, got ${formatValue(options)}`);
  }
  const authorize = resolvePolicy(options);
  const serverUrl = resolveServerUrl(options.serverUrl);
  const { apiKey, apiSecret } = resolveCredentials(options.apiKey, options.apiSecret, 'createTokenHandler');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 2) {
    throw new RangeError(`maxBodyBytes must be a whole number of bytes of at least 2, got ${formatValue(options.maxBodyBytes)}`);
  }
  const defaultTtl = options.ttl ?? DEFAULTS.ttlSeconds;
  checkTtl(defaultTtl, 'createTokenHandler ttl');
  const cors = options.cors === undefined ? undefined : resolveCors(options.cors);
  const { onError } = options;
  if (onError !== undefined && typeof onError !== 'function') {
    throw new TypeError(`onError must be a function, got ${formatValue(onError)}`);
  }

  const reportError = (error: unknown, request: Request) => {
    try {
      onError?.(error, request);
    } catch {
      // A failing error hook must not turn a 500 into a rejected promise.
    }
  };

  const sign = (result: TokenPolicyResult): string => {
    if (typeof result !== 'object' || result === null) {
      throw new TypeError(`authorize must return { identity, grant, ... }, null, false or a Response, got ${formatValue(result)}`);
    }
    if (typeof result.identity !== 'string' || result.identity === '') {
      throw new TypeError(`authorize returned no identity: return { identity: user.id, ... }`);
    }
    const ttl = result.ttl ?? defaultTtl;
    if (result.ttl !== undefined) checkTtl(result.ttl, 'the ttl authorize returned');
    const at = new AccessToken(apiKey, apiSecret, { identity: result.identity, ttl });
    at.name = result.name;
    at.metadata = result.metadata;
    at.attributes = result.attributes;
    at.roomConfig = result.roomConfig;
    if (result.grant !== undefined) at.addGrant(result.grant);
    if (result.sipGrant !== undefined) at.addSIPGrant(result.sipGrant);
    if (result.agentGrant !== undefined) at.addAgentGrant(result.agentGrant);
    return at.toJwt();
  };

  return async function tokenHandler(request: Request): Promise<Response> {
    const answer = new Answer(cors, request.headers.get('origin'));
    try {
      if (request.method === 'OPTIONS' && cors !== undefined) return answer.preflight(request);
      if (request.method !== 'POST') {
        return answer.error(405, 'method_not_allowed', `use POST to ask for a token, not ${request.method.slice(0, 16)}`, {
          allow: cors === undefined ? 'POST' : 'POST, OPTIONS',
        });
      }
      if (!isJsonContentType(request.headers.get('content-type'))) {
        return answer.error(415, 'unsupported_media_type', 'send the request as JSON, with Content-Type: application/json');
      }
      const text = await readBody(request, maxBodyBytes);
      if (text === TOO_LARGE) {
        return answer.error(413, 'payload_too_large', `the request body is over ${maxBodyBytes} bytes`);
      }
      if (text === UNREADABLE) return answer.error(400, 'invalid_body', 'the request body could not be read as UTF-8 text');
      let body: TokenRequest;
      try {
        body = parseTokenRequest(JSON.parse(text) as unknown);
      } catch (error) {
        if (error instanceof InvalidTokenRequest) return answer.error(400, 'invalid_field', error.message);
        return answer.error(400, 'invalid_json', text.trim() === '' ? 'the body is empty; send a JSON object such as {}' : 'the body is not valid JSON');
      }

      let decision: Awaited<ReturnType<TokenPolicy>>;
      let token: string;
      try {
        decision = await authorize(request, body);
        if (decision === null || decision === false) {
          return answer.error(403, 'forbidden', 'this request for a token is not allowed');
        }
        if (decision instanceof Response) return answer.passThrough(decision);
        token = sign(decision);
      } catch (error) {
        reportError(error, request);
        return answer.error(500, 'internal', 'the token could not be issued');
      }
      return answer.json(201, { server_url: serverUrl, participant_token: token });
    } catch (error) {
      // Not reachable by any request we know of; answered rather than rejected all the same.
      reportError(error, request);
      return answer.error(500, 'internal', 'the token could not be issued');
    }
  };
}

function resolvePolicy(options: TokenHandlerOptions): TokenPolicy {
  const { authorize, dev } = options;
  if (authorize !== undefined) {
    if (typeof authorize !== 'function') throw new TypeError(`authorize must be a function, got ${formatValue(authorize)}`);
    if (dev !== undefined && dev !== false) {
      throw new TypeError('createTokenHandler takes authorize or dev, not both: dev signs whatever is asked, authorize decides');
    }
    return authorize;
  }
  if (dev === undefined || dev === false) {
    throw new TypeError(
      'createTokenHandler needs an authorize policy, e.g. authorize: (request, body) => ({ identity: user.id, grant: { roomJoin: true, room: "lobby" } }); ' +
        'for local development only, pass dev: true',
    );
  }
  if (dev !== true && (typeof dev !== 'object' || dev === null)) {
    throw new TypeError(`dev must be true or { room }, got ${formatValue(dev)}`);
  }
  if (readEnv('NODE_ENV') === 'production') {
    throw new TypeError(
      'createTokenHandler: dev: true signs any room and identity a client asks for and is refused when NODE_ENV is "production"; pass an authorize policy',
    );
  }
  const defaultRoom = dev === true ? undefined : dev.room;
  if (defaultRoom !== undefined && (typeof defaultRoom !== 'string' || defaultRoom === '')) {
    throw new TypeError(`dev.room must be a non-empty string, got ${formatValue(defaultRoom)}`);
  }
  warnOnce(
    options.onWarning ?? writeToStderr,
    'livekit-server-api: createTokenHandler({ dev: true }) signs a token for any room and identity a client asks for. ' +
      'Development only: give it an authorize policy before deploying.',
  );
  return (_request, body) => ({
    identity: body.participantIdentity ?? newId('user-', 8),
    name: body.participantName,
    metadata: body.participantMetadata,
    attributes: body.participantAttributes,
    grant: { roomJoin: true, room: body.roomName ?? defaultRoom ?? newId('room-', 8) },
    roomConfig: body.roomConfig,
  });
}

// Once per sink: the default one (stderr) warns once per process, however many handlers.
let warnedSinks: WeakSet<(message: string) => void> | undefined;
function warnOnce(sink: (message: string) => void, message: string): void {
  warnedSinks ??= new WeakSet();
  if (warnedSinks.has(sink)) return;
  warnedSinks.add(sink);
  sink(message);
}

// The one write to standard error this library makes: the dev-mode warning. Where the
// runtime has no process.stderr (a Worker without Node compatibility) it is dropped.
function writeToStderr(message: string): void {
  const stderr = (globalThis as { process?: { stderr?: { write?: (text: string) => unknown } } }).process?.stderr;
  if (typeof stderr?.write === 'function') stderr.write(`${message}\n`);
}

function resolveServerUrl(given: string | undefined): string {
  const url = given ?? readEnv('LIVEKIT_URL');
  if (url === undefined || url === '') {
    throw new TypeError('createTokenHandler needs the server clients connect to: pass serverUrl or set LIVEKIT_URL, e.g. wss://my-project.livekit.cloud');
  }
  if (typeof url !== 'string' || !/^(wss?|https?):\/\/[^/]/i.test(url)) {
    throw new TypeError(`serverUrl must be a ws(s):// or http(s):// URL such as wss://my-project.livekit.cloud, got ${formatValue(url)}`);
  }
  return url;
}

function checkTtl(ttl: Ttl, what: string): void {
  const seconds = ttlToSeconds(ttl, what);
  if (seconds <= CLIENT_REFRESH_MARGIN_SECONDS) {
    throw new RangeError(
      `${what} is ${seconds} s: livekit-client refetches a token a minute before it expires, so a ttl of a minute or less means a fetch for every connection; use at least '2m'`,
    );
  }
}

interface ResolvedCors {
  readonly origins: ReadonlySet<string> | '*';
  readonly credentials: boolean;
  readonly allowHeaders: string;
  readonly maxAgeSeconds: number;
}

function resolveCors(cors: TokenHandlerCors): ResolvedCors {
  if (typeof cors !== 'object' || cors === null) {
    throw new TypeError(`cors must be { origins: ['https://app.example.com'] }, got ${formatValue(cors)}`);
  }
  const credentials = cors.credentials ?? false;
  if (typeof credentials !== 'boolean') throw new TypeError(`cors.credentials must be true or false, got ${formatValue(credentials)}`);
  let origins: ReadonlySet<string> | '*';
  if (cors.origins === '*') {
    if (credentials) {
      throw new TypeError("cors: origins '*' cannot be combined with credentials: true (browsers refuse it); list the origins");
    }
    origins = '*';
  } else if (Array.isArray(cors.origins)) {
    origins = new Set((cors.origins as readonly unknown[]).map(checkOrigin));
  } else {
    throw new TypeError(`cors.origins must be a list of origins such as ['https://app.example.com'] or '*', got ${formatValue(cors.origins)}`);
  }
  const extra = cors.allowHeaders ?? [];
  if (!Array.isArray(extra) || extra.some((header) => typeof header !== 'string' || !/^[!#$%&'*+.^`|~\w-]+$/.test(header))) {
    throw new TypeError(`cors.allowHeaders must be a list of header names, got ${formatValue(extra)}`);
  }
  const maxAgeSeconds = cors.maxAgeSeconds ?? DEFAULTS.corsMaxAgeSeconds;
  if (!Number.isSafeInteger(maxAgeSeconds) || maxAgeSeconds < 0) {
    throw new RangeError(`cors.maxAgeSeconds must be a whole number of seconds ≥ 0, got ${formatValue(cors.maxAgeSeconds)}`);
  }
  const headers = [...new Set([...CORS_BASE_HEADERS, ...extra.map((header: string) => header.toLowerCase())])];
  return { origins, credentials, allowHeaders: headers.join(', '), maxAgeSeconds };
}

// An origin is scheme://host[:port], exactly as a browser sends it in the Origin header.
function checkOrigin(origin: unknown): string {
  if (typeof origin === 'string') {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (parsed !== undefined && parsed.origin === origin) return origin;
    if (parsed !== undefined && parsed.origin !== 'null') {
      throw new TypeError(`cors origin ${formatValue(origin)} is not an origin as browsers send it; use ${JSON.stringify(parsed.origin)}`);
    }
  }
  throw new TypeError(`cors origin ${formatValue(origin)} is not an origin; use scheme://host[:port], e.g. 'https://app.example.com'`);
}

/** Builds the answers of one request, each with the headers every answer carries. */
class Answer {
  readonly #headers: Record<string, string> = { 'cache-control': 'no-store' };
  readonly #cors: ResolvedCors | undefined;
  readonly #originAllowed: boolean;

  constructor(cors: ResolvedCors | undefined, origin: string | null) {
    this.#cors = cors;
    this.#originAllowed = cors !== undefined && origin !== null && (cors.origins === '*' || cors.origins.has(origin));
    if (cors === undefined) return;
    // The answer depends on the Origin: caches must key on it.
    this.#headers['vary'] = 'Origin';
    if (!this.#originAllowed) return;
    this.#headers['access-control-allow-origin'] = cors.origins === '*' ? '*' : (origin as string);
    if (cors.credentials) this.#headers['access-control-allow-credentials'] = 'true';
  }

  json(status: number, body: unknown, extraHeaders: Record<string, string> = {}): Response {
    return new Response(JSON.stringify(body), {
      status,
      headers: { ...this.#headers, 'content-type': 'application/json', ...extraHeaders },
    });
  }

  error(status: number, code: string, message: string, extraHeaders?: Record<string, string>): Response {
    return this.json(status, { code, message }, extraHeaders);
  }

  preflight(request: Request): Response {
    if (!this.#originAllowed) {
      const origin = request.headers.get('origin');
      return this.error(403, 'origin_not_allowed', origin === null ? 'a CORS preflight needs an Origin header' : 'this origin may not ask for tokens');
    }
    const cors = this.#cors as ResolvedCors;
    return new Response(null, {
      status: 204,
      headers: {
        ...this.#headers,
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': cors.allowHeaders,
        'access-control-max-age': String(cors.maxAgeSeconds),
      },
    });
  }

  /** A Response the policy made: sent as is, with no-store and the CORS headers added. */
  passThrough(response: Response): Response {
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(this.#headers)) headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

function isJsonContentType(header: string | null): boolean {
  if (header === null) return false;
  const mediaType = header.split(';', 1)[0]!.trim().toLowerCase();
  return mediaType === 'application/json';
}

const TOO_LARGE = Symbol('too large');
const UNREADABLE = Symbol('unreadable');

// Reads the body as UTF-8 text, at most `limit` bytes: a declared Content-Length over it
// is refused before reading, and a stream that grows past it is cancelled there.
async function readBody(request: Request, limit: number): Promise<string | typeof TOO_LARGE | typeof UNREADABLE> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) return TOO_LARGE;
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        void reader.cancel().catch(() => {});
        return TOO_LARGE;
      }
      chunks.push(value);
    }
  } catch {
    return UNREADABLE;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return UNREADABLE;
  }
}
