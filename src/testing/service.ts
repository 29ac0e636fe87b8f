// What a service of the test server is: a name, a table of methods (request class, the
// checks a livekit-server makes before and for the grant, the handler), and its own state.
// server.ts listens, records, injects faults, authenticates and routes through a registry of
// these; each service lives in its own folder (rooms/, egress/, ingress/, agent-dispatch/).
// The grant checks here are the test server's own, written from the server's behaviour and
// never imported from the client: two independent tables that agree are the evidence.
import type { RoomState } from './rooms/state.js';
import type { EventBus } from './events.js';
import { TestServerTwirpError } from './twirp.js';

/**
 * The claims of a verified token, as the test server read them. `video` and `sip` hold the
 * grants (camelCase, as in the token); everything else the token carried is kept too.
 *
 * @example
 * ```ts
 * import type { TestServerClaims } from 'livekit-server-api/testing';
 * const canAdmin = (claims: TestServerClaims, room: string) =>
 *   claims.video?.roomAdmin === true && claims.video.room === room;
 * ```
 */
export interface TestServerClaims {
  /** The API key the token was signed with. */
  readonly iss: string;
  /** The identity, when the token has one. */
  readonly sub?: string;
  readonly exp: number;
  readonly nbf?: number;
  readonly video?: Readonly<Record<string, unknown>> & {
    readonly roomCreate?: unknown;
    readonly roomList?: unknown;
    readonly roomAdmin?: unknown;
    readonly roomRecord?: unknown;
    readonly ingressAdmin?: unknown;
    readonly room?: unknown;
    readonly destinationRoom?: unknown;
  };
  readonly sip?: Readonly<Record<string, unknown>> & { readonly admin?: unknown; readonly call?: unknown };
  readonly [claim: string]: unknown;
}

/**
 * Limits the server enforces, with a livekit-server's defaults; override some with the
 * `limits` option of `startTestServer`.
 *
 * @example
 * ```ts
 * import { startTestServer } from 'livekit-server-api/testing';
 * const lk = await startTestServer({ limits: { maxMetadataBytes: 64_000, maxBodyBytes: 1024 * 1024 } });
 * ```
 */
export interface TestServerLimits {
  /** Longest room name, in UTF-8 bytes. Default 256. */
  maxRoomNameLength: number;
  /** Longest participant name, in UTF-8 bytes. Default 256. */
  maxParticipantNameLength: number;
  /** Largest room or participant metadata, in UTF-8 bytes. Default 512 KiB. */
  maxMetadataBytes: number;
  /** Largest request body, in bytes; beyond it the answer is a plain-text 413. Default 10 MiB. */
  maxBodyBytes: number;
}

/** A message class of @livekit/protocol, as far as the server needs it. Internal. */
export interface MessageClass<T> {
  readonly typeName: string;
  fromBinary(bytes: Uint8Array): T;
  fromJsonString(json: string, options?: { ignoreUnknownFields?: boolean }): T;
}

/** What every response message can do. Internal. */
export interface ResponseMessage {
  toBinary(): Uint8Array;
  toJsonString(options?: { useProtoFieldName?: boolean; emitDefaultValues?: boolean }): string;
}

/** What a method handler may use besides the request. Internal. */
export interface MethodContext {
  /** The rooms and participants, which several services read and change. */
  readonly rooms: RoomState;
  readonly events: EventBus;
  readonly limits: TestServerLimits;
  /** Aborts when the caller goes away or the `X-Twirp-Timeout-Ms` deadline passes. */
  readonly signal: AbortSignal;
  readonly now: () => number;
}

/** One method of a test-server service. Internal. */
export interface TestMethod<Req, Context extends MethodContext = MethodContext> {
  readonly request: MessageClass<Req>;
  /** Checks a livekit-server makes before the grant check (sizes, an unknown input type). */
  readonly precheck?: (request: Req, context: Context) => void;
  /** The grant check: whether these claims may make this request. */
  readonly allowed: (claims: TestServerClaims | undefined, request: Req) => boolean;
  readonly handle: (request: Req, context: Context) => ResponseMessage | Promise<ResponseMessage>;
}

/** A method table, typed by the request message of each method. Internal. */
export type MethodTable<Requests, Context extends MethodContext = MethodContext> = {
  readonly [M in keyof Requests]: TestMethod<Requests[M], Context>;
};

/**
 * A service from its method table, with handlers given `extend(context)`: the service's own
 * state and settings on top of what every handler gets.
 */
export function serviceOf<Requests, Context extends MethodContext>(
  name: string,
  methods: MethodTable<Requests, Context>,
  extend: (context: MethodContext) => Context,
  reset: () => void,
): TestService {
  const bound: Record<string, TestMethod<never>> = {};
  for (const [method, spec] of Object.entries(methods) as [string, TestMethod<never, Context>][]) {
    bound[method] = {
      request: spec.request,
      allowed: spec.allowed,
      handle: (request, context) => spec.handle(request, extend(context)),
      ...(spec.precheck === undefined ? {} : { precheck: (request: never, context: MethodContext) => spec.precheck?.(request, extend(context)) }),
    };
  }
  return { name, methods: bound, reset };
}

/** One Twirp service of the test server. Internal. */
export interface TestService {
  /** The service name without the package, as in the URL: `Egress`. */
  readonly name: string;
  readonly methods: Readonly<Record<string, TestMethod<never>>>;
  /** Forgets the service's state (`lk.reset()`). */
  reset(): void;
}

/** The message of a Twirp 401 for a token without the needed grant. */
export const PERMISSION_DENIED = 'permissions denied';

/** The 401 a livekit-server answers when a token lacks the grant a method needs. */
export function permissionDenied(): TestServerTwirpError {
  return new TestServerTwirpError('unauthenticated', PERMISSION_DENIED);
}

/** Whether the token carries `video.<grant>: true`. */
export function hasVideoGrant(claims: TestServerClaims | undefined, grant: string): boolean {
  return claims?.video?.[grant] === true;
}

/** Whether the token may administer `room` (`roomAdmin` and `room` equal to it). */
export function canAdminRoom(claims: TestServerClaims | undefined, room: string): boolean {
  return claims?.video?.roomAdmin === true && (claims.video.room ?? '') === room;
}

const encoder = new TextEncoder();
/** The length of `text` in UTF-8 bytes, as a Go server measures strings. */
export const utf8Length = (text: string): number => encoder.encode(text).length;
