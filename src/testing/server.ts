// startTestServer: an in-process LiveKit server that speaks the RoomService Twirp API over
// real HTTP on loopback, the way CONTRACT.md §2 describes a livekit-server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ParticipantInfo, Room, SendDataRequest, TrackInfo } from '@livekit/protocol';
import { newId } from '../internal/ids.js';
import { signHs256, verifyHs256 } from '../token/jwt.js';
import { TokenVerificationError } from '../token/errors.js';
import { EventBus, type TestServerEvent, type TestServerEventListener } from './events.js';
import { FaultQueue, type TestServerFault } from './faults.js';
import { CLOUD_ONLY, registry, type TestServerRequest, type TestServerRequests } from './registry.js';
import { createRoomService, type PerformRpcHandler, type RoomServiceMethod, type RoomServiceRequests } from './rooms/service.js';
import { RoomState, type SeedParticipant, type SeedRoom, type SeedTrack } from './rooms/state.js';
import { createTestEgress, type TestServerEgress, type TestServerEgressOptions } from './egress/control.js';
import { createIngressService } from './ingress/service.js';
import { IngressStore, type TestServerIngress, type TestServerIngressOptions } from './ingress/state.js';
import { createAgentDispatchService, type TestServerAgentDispatch } from './agent-dispatch/service.js';
import { createSipService, type TestServerSip } from './sip/service.js';
import { createConnectorService } from './connector/service.js';
import {
  permissionDenied,
  type MessageClass,
  type MethodContext,
  type ResponseMessage,
  type TestMethod,
  type TestServerClaims,
  type TestServerLimits,
} from './service.js';
import { TestServerTwirpError, type TwirpErrorCode } from './twirp.js';
import { recordedBody, RequestLog, requestLogLimits, type RequestLogOptions } from './request-log.js';
import { WebhookDispatcher, type WebhookDelivery } from '../webhook/dispatcher.js';
import type { WebhookFetch } from '../webhook/deliver.js';

/**
 * Options of {@link startTestServer}. Every one is optional.
 *
 * @example
 * ```ts
 * import { startTestServer } from 'livekit-server-api/testing';
 * const lk = await startTestServer({
 *   keys: { devkey: 'secret-of-at-least-32-characters-long' },
 *   remoteUnmute: true,
 *   performRpc: (request) => request.payload.toUpperCase(),
 * });
 * ```
 */
export interface TestServerOptions {
  /**
   * API keys the server accepts, key → secret. The first becomes `apiKey`/`apiSecret`.
   * Default: one generated pair.
   */
  keys?: Readonly<Record<string, string>>;
  /** Port on 127.0.0.1. Default 0: a free port chosen by the system. */
  port?: number;
  /** Limits to enforce instead of a livekit-server's defaults. */
  limits?: Partial<TestServerLimits>;
  /**
   * Whether `MutePublishedTrack` may unmute. Default `false`, as a livekit-server without
   * `room.enable_remote_unmute`: unmuting fails with `failed_precondition`.
   */
  remoteUnmute?: boolean;
  /** Answers `PerformRpc`. Default: the request payload, echoed. */
  performRpc?: PerformRpcHandler;
  /**
   * Called for every state change (room_started, participant_joined…), synchronously, with
   * the `WebhookEvent` a server would send. The hook webhook delivery builds on.
   */
  onEvent?: TestServerEventListener;
  /**
   * POST every event, signed, to these URLs as a livekit-server's webhooks do; await
   * delivery with `lk.webhooks.flush()`.
   */
  webhooks?: TestServerWebhookOptions;
  /** The clock, in milliseconds since the epoch, for token checks and timestamps. Default `Date.now`. */
  now?: () => number;
  /** Clock leeway for token `exp`/`nbf`, in seconds. Default 60, as a livekit-server. */
  leewaySeconds?: number;
  /** The Egress service: connected or not, ListEgress page size, timers that move egresses on. */
  egress?: TestServerEgressOptions;
  /** How much of its traffic `lk.requests` keeps: the last 1000 requests, bodies cut at 64 KiB. */
  requestLog?: RequestLogOptions;
  /** How the Ingress service behaves: `notConnected`, `pageSize`, the RTMP and WHIP URLs. */
  ingress?: TestServerIngressOptions;
  /**
   * Behave as LiveKit Cloud: serve the Connector service too. Default `false`, as a
   * self-hosted server, which answers Connector calls with a plain-text 404.
   */
  cloud?: boolean;
}

/**
 * Where and how the test server sends webhooks.
 *
 * @example
 * ```ts
 * const lk = await startTestServer({ webhooks: { urls: ['http://127.0.0.1:3000/livekit/webhook'] } });
 * ```
 */
export interface TestServerWebhookOptions {
  /** The endpoints every event is POSTed to, in order per endpoint. */
  urls: readonly (string | URL)[];
  /** The key events are signed with; one of the server's keys. Default: the first. */
  apiKey?: string;
  /** Further attempts after a transport error, 408, 429 or 5xx. Default 3. */
  retries?: number;
  /** Delay before the first retry, doubled before each next one. Default 50 ms. */
  backoffMs?: number;
  /** Time allowed for each attempt. Default 5000 ms. */
  timeoutMs?: number;
  /** The fetch to send with. Default: the global one. */
  fetch?: WebhookFetch;
}

/**
 * The webhooks the test server has sent.
 *
 * @example
 * ```ts
 * lk.seed.participant('standup', { identity: 'alice' });
 * await lk.webhooks.flush(); // room_started, then participant_joined, delivered
 * ```
 */
export interface TestServerWebhooks {
  /** The endpoints events go to (empty when webhooks are not configured). */
  readonly urls: readonly string[];
  /** Every delivery settled since the last reset, in the order they settled. */
  readonly deliveries: readonly WebhookDelivery[];
  /**
   * Waits until every event so far has been delivered (2xx) or has failed for good; resolves
   * to the deliveries settled since the previous flush, and rejects with a
   * `WebhookDeliveryError` when one of them failed.
   */
  flush(): Promise<WebhookDelivery[]>;
}

/**
 * The encoding of a request: from its `Content-Type` (`application/json` or
 * `application/protobuf`, parameters ignored).
 *
 * @example
 * ```ts
 * import type { TestServerEncoding } from 'livekit-server-api/testing';
 * const encodings: TestServerEncoding[] = lk.requests.flatMap((r) => (r.encoding ? [r.encoding] : []));
 * ```
 */
export type TestServerEncoding = 'json' | 'protobuf';

/**
 * A request the test server received, in arrival order. Recorded for every request, whatever
 * its answer, once its body has been read.
 *
 * @example
 * ```ts
 * const [call] = lk.requestsFor('CreateRoom');
 * call?.message?.name;            // 'standup'
 * call?.encoding;                 // 'json' or 'protobuf'
 * call?.claims?.video?.roomCreate // true
 * call?.status;                   // 200
 * ```
 */
export interface RecordedRequest<Req = TestServerRequest> {
  /** The service without the package (`'RoomService'`), or `''` when the path is not a Twirp route. */
  readonly service: string;
  /** The method (`'CreateRoom'`), or `''` when the path is not a Twirp route. */
  readonly method: string;
  /** The HTTP method (`'POST'`). */
  readonly httpMethod: string;
  /** The request path, e.g. `/twirp/livekit.RoomService/CreateRoom`. */
  readonly path: string;
  /** The raw `Content-Type` header. */
  readonly contentType: string | undefined;
  /** The encoding, when the content type is one the server speaks. */
  readonly encoding: TestServerEncoding | undefined;
  /** Request headers, names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body (empty when it was over the size limit; cut at `requestLog.maxBodyBytes`). */
  readonly body: Uint8Array;
  /** The size of the body received, in bytes; more than `body` holds when the log cut it. */
  readonly bodyLength: number;
  /** The decoded request message, for a method the server serves whose body decoded (not kept for a cut body). */
  readonly message: Req | undefined;
  /** The claims of a valid token; `undefined` without a token or with a rejected one. */
  readonly claims: TestServerClaims | undefined;
  /**
   * Why the token was rejected: a `TokenVerificationError` code (`'token_expired'`…) or
   * `'missing_bearer_prefix'`; `undefined` when it was not.
   */
  readonly authError: string | undefined;
  /** The `X-Twirp-Timeout-Ms` deadline, when sent. */
  readonly timeoutMs: number | undefined;
  /** The HTTP status answered; `undefined` while pending or when the connection was dropped. */
  readonly status: number | undefined;
  /** The Twirp error code answered, if any. */
  readonly twirpCode: TwirpErrorCode | undefined;
}

/**
 * Adds state to the test server as if clients had joined and published, emitting the same
 * events. Names of rooms and participants are not length-checked here: seed what you need.
 *
 * @example
 * ```ts
 * lk.seed.room({ name: 'standup', metadata: '{"topic":"daily"}' });
 * const alice = lk.seed.participant('standup', {
 *   identity: 'alice',
 *   tracks: [{ source: 'microphone' }, { source: 'camera', width: 1280, height: 720 }],
 * });
 * const screen = lk.seed.track('standup', 'alice', { source: 'screen_share' });
 * lk.seed.unpublish('standup', 'alice', screen.sid);
 * lk.seed.leave('standup', 'alice');
 * ```
 */
export interface TestServerSeeder {
  /** Creates a room (or updates the one of that name, as CreateRoom does) and returns it. */
  room(init: SeedRoom | string): Room;
  /** Adds a participant with its tracks, creating the room if needed, and returns it. */
  participant(room: string, init: SeedParticipant): ParticipantInfo;
  /** Publishes one more track for a participant and returns it. */
  track(room: string, identity: string, track: SeedTrack): TrackInfo;
  /** Unpublishes a track. Throws RangeError when there is no such track. */
  unpublish(room: string, identity: string, trackSid: string): void;
  /** Makes a participant leave. Throws RangeError when there is no such participant. */
  leave(room: string, identity: string): void;
  /** Closes a room: its participants leave, then it finishes. Throws RangeError when there is no such room. */
  deleteRoom(name: string): void;
}

/**
 * A running test server. Use `url`, `apiKey` and `apiSecret` to build clients; seed and read
 * state, inspect requests and inject failures between calls; `reset()` between tests and
 * `close()` at the end.
 *
 * @example
 * ```ts
 * import { startTestServer } from 'livekit-server-api/testing';
 * import { afterAll, afterEach, beforeAll } from 'vitest';
 *
 * let lk: TestServer;
 * beforeAll(async () => { lk = await startTestServer(); });
 * afterEach(() => lk.reset());
 * afterAll(() => lk.close());
 * ```
 */
export interface TestServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  /** The first API key the server accepts. */
  readonly apiKey: string;
  /** The secret of {@link TestServer.apiKey}. */
  readonly apiSecret: string;
  /** Every key → secret the server accepts. */
  readonly keys: Readonly<Record<string, string>>;
  /** Adds rooms, participants and tracks. */
  readonly seed: TestServerSeeder;
  /** Every request received since the last reset, oldest first (a copy). */
  readonly requests: readonly RecordedRequest[];
  /**
   * The requests received for one method, with the message typed: a RoomService method by
   * its name (`'CreateRoom'`), any method as `Service.Method` (`'Egress.ListEgress'`).
   */
  requestsFor<M extends RoomServiceMethod>(method: M): RecordedRequest<RoomServiceRequests[M]>[];
  requestsFor<M extends keyof TestServerRequests>(method: M): RecordedRequest<TestServerRequests[M]>[];
  /** The rooms, in creation order (copies). */
  rooms(): Room[];
  /** One room, or `undefined`. */
  room(name: string): Room | undefined;
  /** The participants of a room (empty when there is no such room). */
  participants(room: string): ParticipantInfo[];
  /** One participant, or `undefined`. */
  participant(room: string, identity: string): ParticipantInfo | undefined;
  /**
   * The SendData requests accepted, oldest first, optionally for one room. A request whose
   * 16-byte nonce was already seen in that room is a retry and is recorded once, as a server
   * delivers it once.
   */
  sentData(room?: string): SendDataRequest[];
  /** Events emitted since the last reset, oldest first. */
  events(): TestServerEvent[];
  /** Subscribes to events; returns the function that unsubscribes. */
  onEvent(listener: TestServerEventListener): () => void;
  /** The webhooks sent for the events, when `webhooks` was configured. */
  readonly webhooks: TestServerWebhooks;
  /** Makes the next matching call(s) fail; faults queue up and are used in order. */
  failNext(fault: TestServerFault): void;
  /** How many injected failures are still to be used. */
  readonly pendingFaults: number;
  /** Replaces the PerformRpc handler; `undefined` restores the one from the options. */
  handlePerformRpc(handler: PerformRpcHandler | undefined): void;
  /** SIP: script the next calls and transfers, read trunks and dispatch rules. */
  readonly sip: TestServerSip;
  /**
   * Signs a token for this server (HS256, `iss` = the key, `exp` = now + `ttlSeconds`,
   * default 600), with the claims given (`video`, `sip`, `sub`…).
   */
  token(claims: Record<string, unknown>, options?: { apiKey?: string; ttlSeconds?: number }): string;
  /**
   * Forgets rooms, participants, requests, data, events and pending faults, and restores the
   * PerformRpc handler; keeps the URL, keys and event listeners.
   */
  reset(): void;
  /** Stops the server: open connections and hanging calls are dropped. Idempotent. */
  close(): Promise<void>;
  /** The egresses: read them, move them through their states, switch egress off. */
  readonly egress: TestServerEgress;
  /** The ingresses: read them, start and end their streams, switch the service off. */
  readonly ingress: TestServerIngress;
  /** The agent dispatches, by room. */
  readonly agentDispatch: TestServerAgentDispatch;
}

const DEFAULT_LIMITS: TestServerLimits = {
  maxRoomNameLength: 256,
  maxParticipantNameLength: 256,
  maxMetadataBytes: 512 * 1024,
  maxBodyBytes: 10 * 1024 * 1024,
};
const DEFAULT_LEEWAY_SECONDS = 60;
const MAX_TOKEN_LENGTH = 64 * 1024;
const TWIRP_PREFIX = '/twirp/';
const JSON_WRITE = { useProtoFieldName: true, emitDefaultValues: true } as const;
const echoPayload: PerformRpcHandler = (request) => request.payload;

interface MutableRecord {
  service: string;
  method: string;
  httpMethod: string;
  path: string;
  contentType: string | undefined;
  encoding: TestServerEncoding | undefined;
  headers: Record<string, string>;
  body: Uint8Array;
  bodyLength: number;
  message: TestServerRequest | undefined;
  claims: TestServerClaims | undefined;
  authError: string | undefined;
  timeoutMs: number | undefined;
  status: number | undefined;
  twirpCode: TwirpErrorCode | undefined;
}

type AuthResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'verified'; readonly claims: TestServerClaims }
  | { readonly kind: 'rejected'; readonly reason: string; readonly text: string };

/**
 * Starts a LiveKit test server on 127.0.0.1 and resolves once it listens. It speaks the
 * RoomService, Egress, Ingress, AgentDispatchService and SIP Twirp APIs (JSON and protobuf)
 * with real token checks, the grants each method needs, and the server-side checks of a
 * livekit-server (SIP calls scripted with `lk.sip.nextCall`); the Cloud-only Connector answers
 * a plain 404 unless `cloud` is set. Node.js only.
 *
 * @example
 * ```ts
 * import { startTestServer } from 'livekit-server-api/testing';
 * import { RoomServiceClient } from 'livekit-server-api';
 *
 * const lk = await startTestServer();
 * try {
 *   lk.seed.participant('standup', { identity: 'alice', tracks: [{ source: 'microphone' }] });
 *   const client = new RoomServiceClient(lk.url, lk.apiKey, lk.apiSecret);
 *   await client.listParticipants('standup'); // [alice]
 *
 *   lk.failNext({ method: 'CreateRoom', twirp: { code: 'unavailable', msg: 'overloaded' } });
 *   await client.createRoom({ name: 'x' }).catch((err) => err.code); // 'unavailable'
 * } finally {
 *   await lk.close();
 * }
 * ```
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const keys = resolveKeys(options.keys);
  const [firstKey] = keys.keys();
  if (firstKey === undefined) throw new RangeError('startTestServer: keys must hold at least one API key');
  const limits: TestServerLimits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(options.limits ?? {})) {
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new RangeError(`startTestServer: limits.${name} must be a non-negative integer, got ${String(value)}`);
    }
    limits[name as keyof TestServerLimits] = value;
  }
  const now = options.now ?? Date.now;
  const leewaySeconds = options.leewaySeconds ?? DEFAULT_LEEWAY_SECONDS;
  if (!Number.isFinite(leewaySeconds) || leewaySeconds < 0) {
    throw new RangeError(`startTestServer: leewaySeconds must be a non-negative number, got ${String(leewaySeconds)}`);
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`startTestServer: port must be an integer in 0-65535, got ${String(port)}`);
  }

  // Every state change goes through `state`, which emits the events a server would send as
  // webhooks. Webhook delivery (issue 4) is one more subscriber here.
  const events = new EventBus(now);
  if (options.onEvent !== undefined) events.subscribe(options.onEvent);
  const webhooks = startWebhooks(options.webhooks, keys, firstKey, now);
  if (webhooks !== undefined) events.subscribe((event) => webhooks.send(event));
  const state = new RoomState(now, events);
  const faults = new FaultQueue();
  const logLimits = requestLogLimits(options.requestLog);
  const requests = new RequestLog<MutableRecord>(logLimits.maxRequests);
  const inFlight = new Set<AbortController>();
  let performRpc = options.performRpc ?? echoPayload;
  let closing: Promise<void> | undefined;

  const roomService = createRoomService({
    remoteUnmute: options.remoteUnmute ?? false,
    performRpc: () => performRpc,
    dataLogSize: logLimits.maxRequests,
  });
  const egress = createTestEgress(options.egress, now, events, (room, recording) => state.setActiveRecording(room, recording));
  const ingressStore = new IngressStore(options.ingress ?? {}, state, events, now);
  const agentDispatchService = createAgentDispatchService(events);
  const sip = createSipService(now);
  const cloud = options.cloud === true;
  let baseUrl = '';
  const services = registry([
    roomService,
    egress.service,
    createIngressService(ingressStore),
    agentDispatchService,
    sip.service,
    ...(cloud ? [createConnectorService(() => baseUrl)] : []),
  ]);

  const authenticate = (req: IncomingMessage, url: URL): AuthResult => {
    const header = req.headers.authorization;
    let token: string;
    if (header !== undefined && header !== '') {
      if (!header.startsWith('Bearer ')) {
        return {
          kind: 'rejected',
          reason: 'missing_bearer_prefix',
          text: 'invalid authorization header. Must start with Bearer ',
        };
      }
      token = header.slice('Bearer '.length);
    } else {
      // A livekit-server also takes the token from the access_token query parameter.
      token = url.searchParams.get('access_token') ?? '';
    }
    if (token === '') return { kind: 'none' };
    try {
      const payload = verifyHs256(token, {
        secretFor: (apiKey) => keys.get(apiKey),
        leewaySeconds,
        nowSeconds: now() / 1000,
        maxTokenLength: MAX_TOKEN_LENGTH,
      });
      return { kind: 'verified', claims: payload as TestServerClaims };
    } catch (error) {
      if (error instanceof TokenVerificationError) {
        return { kind: 'rejected', reason: error.code, text: `invalid authorization token: ${describeRejection(error)}` };
      }
      throw error;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const controller = new AbortController();
    inFlight.add(controller);
    res.on('close', () => {
      controller.abort();
      inFlight.delete(controller);
    });

    const { bytes, tooLarge } = await readBody(req, limits.maxBodyBytes);
    if (controller.signal.aborted) return;
    const route = parseRoute(url.pathname);
    const contentType = req.headers['content-type'];
    const encoding = encodingOf(contentType);
    const auth = authenticate(req, url);
    const timeoutMs = parseTimeout(req.headers['x-twirp-timeout-ms']);

    const spec = route === undefined ? undefined : methodOf(services.get(route.service), route.method);
    let message: TestServerRequest | undefined;
    let malformed = false;
    if (!tooLarge && spec !== undefined && encoding !== undefined) {
      try {
        message = decode(spec.request as MessageClass<TestServerRequest>, bytes, encoding);
      } catch {
        malformed = true;
      }
    }
    const record: MutableRecord = {
      service: route?.service ?? '',
      method: route?.method ?? '',
      httpMethod: req.method ?? '',
      path: url.pathname,
      contentType,
      encoding,
      headers: flattenHeaders(req),
      ...recordedBody(tooLarge ? new Uint8Array(0) : bytes, message, logLimits.maxBodyBytes),
      claims: auth.kind === 'verified' ? auth.claims : undefined,
      authError: auth.kind === 'rejected' ? auth.reason : undefined,
      timeoutMs,
      status: undefined,
      twirpCode: undefined,
    };
    requests.push(record);

    const reply = new Reply(res, record);
    if (tooLarge) {
      reply.text(413, `request body too large: more than ${limits.maxBodyBytes} bytes`);
      return;
    }

    if (url.pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
      // A livekit-server answers its health check here.
      reply.raw(200, 'OK', 'text/plain; charset=utf-8', {});
      return;
    }

    const deadline = timeoutMs === undefined ? undefined : deadlineSignal(timeoutMs, controller.signal);
    try {
      const fault = faults.take(record.service, record.method);
      if (fault !== undefined) {
        await applyFault(fault, reply, req, controller.signal, deadline);
        return;
      }
      if (auth.kind === 'rejected') {
        reply.text(401, auth.text);
        return;
      }
      const claims = auth.kind === 'verified' ? auth.claims : undefined;
      if (route === undefined) {
        reply.text(404, '404 page not found');
        return;
      }
      if (CLOUD_ONLY.has(route.service) && !services.has(route.service)) {
        reply.text(404, '404 page not found');
        return;
      }
      const routeMeta = { twirp_invalid_route: `${req.method ?? ''} ${url.pathname}` };
      if (req.method !== 'POST') {
        throw new TestServerTwirpError('bad_route', `unsupported method "${req.method ?? ''}" (only POST is allowed)`, routeMeta);
      }
      if (spec === undefined) {
        throw new TestServerTwirpError('bad_route', `no handler for path "${url.pathname}"`, routeMeta);
      }
      if (encoding === undefined) {
        throw new TestServerTwirpError('bad_route', `unexpected Content-Type: ${JSON.stringify(contentType ?? '')}`, routeMeta);
      }
      if (malformed || message === undefined) {
        throw new TestServerTwirpError('malformed', `the ${encoding} request could not be decoded`);
      }
      const methodContext = context(deadline ?? controller.signal);
      const response = await runWithDeadline(() => dispatch(spec, message, claims, methodContext), deadline);
      reply.message(response, encoding);
    } catch (error) {
      if (controller.signal.aborted && deadline?.aborted !== true) return;
      reply.twirpError(
        error instanceof TestServerTwirpError
          ? error
          : new TestServerTwirpError('internal', error instanceof Error ? error.message : String(error)),
      );
    } finally {
      deadline?.dispose();
    }
  };

  const context = (signal: AbortSignal): MethodContext => ({ rooms: state, events, limits, signal, now });

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // Only a bug can get here; answer rather than leave the client hanging.
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('test server failure');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${address.port}`;

  const seed: TestServerSeeder = {
    room: (init) => {
      const spec = typeof init === 'string' ? { name: init } : init;
      requireName(spec.name, 'room name');
      return state.createRoom(spec).room;
    },
    participant: (room, init) => {
      requireName(room, 'room name');
      requireName(init.identity, 'identity');
      return state.addParticipant(room, init);
    },
    track: (room, identity, track) => {
      const published = state.publishTrack(room, identity, track);
      if (published === undefined) throw new RangeError(`seed.track: no participant ${JSON.stringify(identity)} in room ${JSON.stringify(room)}`);
      return published;
    },
    unpublish: (room, identity, trackSid) => {
      if (!state.unpublishTrack(room, identity, trackSid)) {
        throw new RangeError(`seed.unpublish: no track ${JSON.stringify(trackSid)} of ${JSON.stringify(identity)} in room ${JSON.stringify(room)}`);
      }
    },
    leave: (room, identity) => {
      if (!state.removeParticipant(room, identity)) {
        throw new RangeError(`seed.leave: no participant ${JSON.stringify(identity)} in room ${JSON.stringify(room)}`);
      }
    },
    deleteRoom: (name) => {
      if (!state.deleteRoom(name)) throw new RangeError(`seed.deleteRoom: no room ${JSON.stringify(name)}`);
    },
  };

  const snapshot = (record: MutableRecord): RecordedRequest => ({
    ...record,
    headers: { ...record.headers },
    body: record.body.slice(),
    message: record.message?.clone() as TestServerRequest | undefined,
  });

  return {
    url: baseUrl,
    apiKey: firstKey,
    apiSecret: keys.get(firstKey) ?? '',
    keys: Object.freeze(Object.fromEntries(keys)),
    seed,
    get requests() {
      return requests.toArray().map(snapshot);
    },
    requestsFor(method: string) {
      const dot = method.indexOf('.');
      const [service, name] = dot < 0 ? ['RoomService', method] : [method.slice(0, dot), method.slice(dot + 1)];
      return requests.toArray().filter((r) => r.service === service && r.method === name).map(snapshot) as never;
    },
    rooms: () => state.listRooms(),
    room: (name) => state.getRoom(name),
    participants: (room) => state.listParticipants(room),
    participant: (room, identity) => state.getParticipant(room, identity),
    sentData: (room) => roomService.sentData(room),
    events: () => events.events(),
    onEvent: (listener) => events.subscribe(listener),
    webhooks: {
      urls: webhooks?.urls ?? [],
      get deliveries() {
        return webhooks?.deliveries ?? [];
      },
      flush: async () => (webhooks === undefined ? [] : webhooks.flush()),
    },
    failNext: (fault) => faults.add(fault),
    get pendingFaults() {
      return faults.size;
    },
    handlePerformRpc: (handler) => {
      performRpc = handler ?? options.performRpc ?? echoPayload;
    },
    sip: sip.control,
    token: (claims, tokenOptions = {}) => {
      const apiKey = tokenOptions.apiKey ?? firstKey;
      const secret = keys.get(apiKey);
      if (secret === undefined) throw new RangeError(`token: the server holds no API key ${JSON.stringify(apiKey)}`);
      const ttlSeconds = tokenOptions.ttlSeconds ?? 600;
      const nowSeconds = Math.floor(now() / 1000);
      return signHs256({ ...claims, iss: apiKey, nbf: nowSeconds, exp: nowSeconds + ttlSeconds }, secret);
    },
    reset: () => {
      state.reset();
      for (const service of services.values()) service.reset();
      events.clear();
      faults.clear();
      requests.clear();
      webhooks?.clearLog();
      performRpc = options.performRpc ?? echoPayload;
    },
    egress: egress.control,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        egress.dispose();
        for (const controller of inFlight) controller.abort();
        webhooks?.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
    ingress: ingressStore.handle(),
    agentDispatch: agentDispatchService.view,
  };
}

function startWebhooks(
  options: TestServerWebhookOptions | undefined,
  keys: ReadonlyMap<string, string>,
  firstKey: string,
  now: () => number,
): WebhookDispatcher | undefined {
  if (options === undefined) return undefined;
  const apiKey = options.apiKey ?? firstKey;
  const apiSecret = keys.get(apiKey);
  if (apiSecret === undefined) {
    throw new RangeError(`startTestServer: webhooks.apiKey ${JSON.stringify(apiKey)} is not one of the server's keys`);
  }
  return new WebhookDispatcher({
    urls: options.urls,
    apiKey,
    apiSecret,
    now,
    retries: options.retries ?? 3,
    backoffMs: options.backoffMs ?? 50,
    maxBackoffMs: 1000,
    timeoutMs: options.timeoutMs ?? 5000,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
}

// ---- request handling ------------------------------------------------------------------

function methodOf(service: { methods: Readonly<Record<string, TestMethod<never>>> } | undefined, method: string): TestMethod<never> | undefined {
  return service !== undefined && Object.prototype.hasOwnProperty.call(service.methods, method) ? service.methods[method] : undefined;
}

/** The checks in a livekit-server's order: before the grant, the grant, then the method. */
function dispatch(
  spec: TestMethod<never>,
  message: TestServerRequest,
  claims: TestServerClaims | undefined,
  context: MethodContext,
): ReturnType<TestMethod<never>['handle']> {
  const request = message as never;
  spec.precheck?.(request, context);
  if (!spec.allowed(claims, request)) throw permissionDenied();
  return spec.handle(request, context);
}

async function applyFault(
  fault: TestServerFault,
  reply: Reply,
  req: IncomingMessage,
  signal: AbortSignal,
  deadline: DeadlineSignal | undefined,
): Promise<void> {
  if (fault.twirp !== undefined) {
    reply.twirpError(
      new TestServerTwirpError(fault.twirp.code, fault.twirp.msg ?? `injected ${fault.twirp.code} error`, fault.twirp.meta ?? {}),
    );
  } else if (fault.http !== undefined) {
    reply.raw(fault.http.status, fault.http.body ?? '', fault.http.contentType ?? 'text/plain; charset=utf-8', fault.http.headers ?? {});
  } else if (fault.disconnect === true) {
    reply.drop();
    req.socket.destroy();
  } else {
    // Hang: wait for the client to go away, the server to close, or the deadline.
    const wait = deadline ?? signal;
    if (!wait.aborted) await new Promise<void>((resolve) => wait.addEventListener('abort', () => resolve(), { once: true }));
    if (deadline?.aborted === true && !signal.aborted) {
      reply.twirpError(new TestServerTwirpError('deadline_exceeded', 'context deadline exceeded'));
    }
  }
}

async function runWithDeadline<T>(work: () => T | Promise<T>, deadline: DeadlineSignal | undefined): Promise<T> {
  if (deadline === undefined) return work();
  const expired = new Promise<never>((_, reject) => {
    const fail = (): void => reject(new TestServerTwirpError('deadline_exceeded', 'context deadline exceeded'));
    if (deadline.aborted) fail();
    else deadline.addEventListener('abort', fail, { once: true });
  });
  expired.catch(() => undefined);
  return Promise.race([Promise.resolve().then(work), expired]);
}

interface DeadlineSignal extends AbortSignal {
  dispose(): void;
}

/** An AbortSignal that fires after `ms` or when `parent` does. */
function deadlineSignal(ms: number, parent: AbortSignal): DeadlineSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  const onParent = (): void => controller.abort();
  parent.addEventListener('abort', onParent, { once: true });
  return Object.assign(controller.signal, {
    dispose: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
    },
  });
}

/** Writes one answer per request and records its status. */
class Reply {
  constructor(
    private readonly res: ServerResponse,
    private readonly record: MutableRecord,
  ) {}

  private writable(): boolean {
    return !this.res.headersSent && !this.res.destroyed;
  }

  text(status: number, text: string): void {
    // As Go's http.Error: plain text, newline-terminated.
    this.raw(status, `${text}\n`, 'text/plain; charset=utf-8', { 'X-Content-Type-Options': 'nosniff' });
  }

  raw(status: number, body: string | Uint8Array, contentType: string, headers: Record<string, string>): void {
    if (!this.writable()) return;
    this.record.status = status;
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    this.res.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': String(bytes.length) });
    this.res.end(bytes);
  }

  twirpError(error: TestServerTwirpError): void {
    if (!this.writable()) return;
    this.record.twirpCode = error.code;
    this.raw(error.status, error.toBody(), 'application/json', {});
  }

  message(message: ResponseMessage, encoding: TestServerEncoding): void {
    if (encoding === 'json') this.raw(200, message.toJsonString(JSON_WRITE), 'application/json', {});
    else this.raw(200, message.toBinary(), 'application/protobuf', {});
  }

  drop(): void {
    this.record.status = undefined;
  }
}

// ---- helpers -----------------------------------------------------------------------------

function resolveKeys(keys: Readonly<Record<string, string>> | undefined): Map<string, string> {
  if (keys === undefined) return new Map([[newId('API'), newId('', 40)]]);
  if (typeof keys !== 'object' || keys === null) {
    throw new TypeError('startTestServer: keys must be an object mapping API keys to secrets');
  }
  const map = new Map<string, string>();
  for (const [key, secret] of Object.entries(keys)) {
    if (key === '' || typeof secret !== 'string' || secret === '') {
      throw new TypeError('startTestServer: every key in keys needs a non-empty string secret');
    }
    map.set(key, secret);
  }
  return map;
}

function requireName(value: unknown, what: string): void {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`seed: ${what} must be a non-empty string`);
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<{ bytes: Uint8Array; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      // Keep reading past the limit (and drop the bytes) so the client gets to read the 413.
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
      } else if (!tooLarge) {
        chunks.push(chunk);
      }
    }
  } catch {
    // The client went away mid-body; the caller sees the aborted signal.
  }
  return { bytes: tooLarge ? new Uint8Array(0) : new Uint8Array(Buffer.concat(chunks)), tooLarge };
}

function parseRoute(pathname: string): { service: string; method: string } | undefined {
  if (!pathname.startsWith(TWIRP_PREFIX)) return undefined;
  const rest = pathname.slice(TWIRP_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return undefined;
  const qualified = rest.slice(0, slash);
  const method = rest.slice(slash + 1);
  if (!qualified.startsWith('livekit.') || method === '' || method.includes('/')) return undefined;
  return { service: qualified.slice('livekit.'.length), method };
}

function encodingOf(contentType: string | undefined): TestServerEncoding | undefined {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'application/json') return 'json';
  if (mediaType === 'application/protobuf') return 'protobuf';
  return undefined;
}

function parseTimeout(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string' || !/^\d+$/.test(header.trim())) return undefined;
  const ms = Number(header.trim());
  return Number.isSafeInteger(ms) ? ms : undefined;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function decode<T>(
  type: MessageClass<T>,
  bytes: Uint8Array,
  encoding: TestServerEncoding,
): T {
  if (encoding === 'protobuf') return type.fromBinary(bytes);
  // An empty body is malformed JSON, as on a Twirp server: clients must send {}.
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  return type.fromJsonString(text, { ignoreUnknownFields: true });
}

/** The reason part of a plain-text 401, in the words of a livekit-server where they are known. */
function describeRejection(error: TokenVerificationError): string {
  switch (error.code) {
    case 'token_expired':
      return 'token has invalid claims: token is expired';
    case 'token_not_yet_valid':
      return 'token has invalid claims: token is not valid yet';
    case 'token_bad_signature':
      return 'token signature is invalid: signature is invalid';
    case 'token_missing_claim':
      return 'token has invalid claims: token is missing required claim: exp claim is required';
    case 'token_unsupported_algorithm':
      return 'token is unverifiable: signing method is not HS256';
    case 'token_unknown_key':
      return error.message;
    default:
      return 'token is malformed';
  }
}

