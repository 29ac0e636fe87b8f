// A Twirp service declared as data: per method, its request and response messages, whether
// repeating it is harmless, the grants it needs as a function of the request, and an optional
// deadline rule. Service clients are thin typed wrappers over these tables, and the conformance
// tests are generated from them.
import type { CallGrants } from './auth.js';
import type { RpcErrorContext, ServerError } from './errors.js';
import type { MessageTypeLike } from './message-init.js';
import type { ResponseType, RpcMethod } from './twirp-client.js';

/**
 * One method of a service, as declared in its table.
 *
 * @example
 * ```ts
 * const ListEgress = method({
 *   input: ListEgressRequest,
 *   output: ListEgressResponse,
 *   idempotent: true,
 *   grants: () => ({ video: { roomRecord: true } }),
 * });
 * ```
 */
export interface MethodSpec<I extends object, O> {
  /** The request message class. */
  readonly input: MessageTypeLike<I>;
  /** The response message class. */
  readonly output: ResponseType<O>;
  /**
   * Whether sending the request twice has the effect of sending it once. Calls that are not
   * are retried only when the request surely never reached the server.
   */
  readonly idempotent: boolean;
  /**
   * Whether the very same request may be sent again although the method is not idempotent,
   * because the server de-duplicates it (SendData, by its nonce): such a request is re-sent
   * when it failed on a keep-alive connection the server had closed while idle.
   */
  readonly replaySafe?: boolean;
  /** Exactly the grants the server checks for this request, no more. */
  grants(request: NoInfer<I>): CallGrants;
  /**
   * The per-attempt timeout when the caller sets none, given the client's default: for calls
   * the server holds open on purpose (an RPC's answer window, a phone ringing).
   */
  timeoutMs?(request: NoInfer<I>, clientTimeoutMs: number): number;
  /**
   * A more specific error for some of the server's error answers (a failed SIP call becomes a
   * `SipCallError`); `undefined` keeps the plain {@link ServerError}.
   */
  readonly serverError?: ServerErrorHook;
}

/**
 * Builds the error of a server's error answer from its parts, or returns `undefined` for the
 * plain {@link ServerError}.
 *
 * @example
 * ```ts
 * const serverError: ServerErrorHook = (code, status, msg, meta, context) =>
 *   meta['sip_status_code'] === undefined ? undefined : new SipCallError(code, status, msg, meta, context);
 * ```
 */
export type ServerErrorHook = (
  code: string,
  status: number,
  msg: string,
  meta: Readonly<Record<string, string>>,
  context: RpcErrorContext,
) => ServerError | undefined;

/**
 * A method of a declared service: its spec plus where it lives.
 *
 * @example
 * ```ts
 * EGRESS.ListEgress.path; // '/twirp/livekit.Egress/ListEgress'
 * ```
 */
export interface ServiceMethod<I extends object, O> extends MethodSpec<I, O>, RpcMethod<O> {}

/** What every method spec is assignable to, whatever its messages. */
interface AnyMethodSpec {
  readonly input: MessageTypeLike;
  readonly output: ResponseType<unknown>;
  readonly idempotent: boolean;
  readonly replaySafe?: boolean;
  grants(request: never): CallGrants;
  timeoutMs?(request: never, clientTimeoutMs: number): number;
  readonly serverError?: ServerErrorHook;
}
type SpecInput<S> = S extends { readonly input: MessageTypeLike<infer I> } ? I : never;
type SpecOutput<S> = S extends { readonly output: ResponseType<infer O> } ? O : never;

/**
 * The methods of one service, by Twirp method name.
 *
 * @example
 * ```ts
 * type Egress = ServiceTable<typeof EGRESS_SPECS>;
 * ```
 */
export type ServiceTable<S> = { readonly [K in keyof S]: ServiceMethod<SpecInput<S[K]>, SpecOutput<S[K]>> };

/**
 * Declares one method, inferring its request and response types from the classes.
 *
 * @example
 * ```ts
 * const DeleteRoom = method({
 *   input: DeleteRoomRequest,
 *   output: DeleteRoomResponse,
 *   idempotent: false,
 *   grants: () => ({ video: { roomCreate: true } }),
 * });
 * ```
 */
// Marked free of side effects so that bundlers drop the tables of services an app never uses.
/*#__NO_SIDE_EFFECTS__*/
export function method<I extends object, O>(spec: MethodSpec<I, O>): MethodSpec<I, O> {
  return spec;
}

/**
 * Declares a `livekit.*` Twirp service from its method specs.
 *
 * @example
 * ```ts
 * export const EGRESS = defineService('Egress', {
 *   ListEgress: method({ input: ListEgressRequest, output: ListEgressResponse, idempotent: true, grants: recordGrant }),
 * });
 * ```
 */
/*#__NO_SIDE_EFFECTS__*/
export function defineService<S extends Record<string, AnyMethodSpec>>(service: string, specs: S): ServiceTable<S> {
  const table: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    table[name] = Object.freeze({ ...spec, service, method: name, path: `/twirp/livekit.${service}/${name}` });
  }
  return Object.freeze(table) as ServiceTable<S>;
}

/**
 * The methods of a declared service, in declaration order (for conformance tests and tools).
 *
 * @example
 * ```ts
 * for (const m of methodsOf(EGRESS)) console.log(m.method, m.idempotent);
 * ```
 */
export function methodsOf<S>(table: ServiceTable<S>): ServiceMethod<object, unknown>[] {
  return Object.values(table) as ServiceMethod<object, unknown>[];
}
