// How a service client gets its transport: its own TwirpClient from (host, key, secret,
// options), as livekit-server-sdk's constructors take them, or one that LiveKitAPI shares
// between all its clients (one connection pool, one token cache). The shared one travels
// through the public `host` parameter as an opaque handle, so no internal type shows in the
// clients' public signatures.
import type { ClientOptions } from '../rpc/options.js';
import { TwirpClient } from '../rpc/twirp-client.js';

const shared = new WeakMap<object, TwirpClient>();

/**
 * A handle that makes a service client constructor reuse `rpc` instead of building its own.
 *
 * @example
 * ```ts
 * const egress = new EgressClient(sharedTransport(rpc));
 * ```
 */
export function sharedTransport(rpc: TwirpClient): string {
  const handle = Object.freeze({});
  shared.set(handle, rpc);
  return handle as unknown as string;
}

/**
 * The transport of a service client: the shared one behind a {@link sharedTransport} handle,
 * else a new TwirpClient. `who` names the client in constructor errors.
 *
 * @example
 * ```ts
 * this.#rpc = transportFor('EgressClient', host, apiKey, apiSecret, options);
 * ```
 */
export function transportFor(
  who: string,
  host: unknown,
  apiKey: string | undefined,
  apiSecret: string | undefined,
  options: ClientOptions | undefined,
): TwirpClient {
  const reused = typeof host === 'object' && host !== null ? shared.get(host) : undefined;
  return reused ?? new TwirpClient(who, host, apiKey, apiSecret, options);
}
