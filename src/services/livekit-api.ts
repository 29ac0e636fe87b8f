// LiveKitAPI: every service client of one server behind one object, sharing one transport —
// one connection pool, one token cache, one set of defaults. Drop-in for livekit-server-sdk's
// LiveKitAPI (same options, same environment fallbacks, same getters).
import { readEnv } from '../internal/env.js';
import type { ClientOptions } from '../rpc/options.js';
import { show } from '../rpc/options.js';
import { TwirpClient } from '../rpc/twirp-client.js';
import { RoomServiceClient } from './room-service.js';
import { IngressClient } from './ingress.js';
import { AgentDispatchClient } from './agent-dispatch.js';
import { sharedTransport } from './transport.js';

/**
 * Options of {@link LiveKitAPI}: `livekit-server-sdk`'s `LiveKitAPIOptions` (`host`, `apiKey`,
 * `secret`, `token`, `requestTimeout` in seconds, `failover`) plus every {@link ClientOptions}
 * field (`timeoutMs`, `retries`, `encoding`, `fetch`, `headers`).
 *
 * @example
 * ```ts
 * const options: LiveKitAPIOptions = { host: 'https://my-project.livekit.cloud', apiKey, secret, timeoutMs: 5_000 };
 * ```
 */
export interface LiveKitAPIOptions extends ClientOptions {
  /** The server URL; defaults to `LIVEKIT_URL`. */
  host?: string | undefined;
  /** The API key; defaults to `LIVEKIT_API_KEY`. */
  apiKey?: string | undefined;
  /** The API secret; defaults to `LIVEKIT_API_SECRET`. */
  secret?: string | undefined;
}

/**
 * Every service of one LiveKit server: `room`, and the other clients as they are added. All of
 * them share one transport, so they share keep-alive connections and cached tokens.
 *
 * Credentials: `token`, else `apiKey`/`secret`, else `LIVEKIT_TOKEN` — but only when neither
 * `apiKey` nor `secret` was given, so an ambient token never overrides explicit credentials —
 * else `LIVEKIT_API_KEY`/`LIVEKIT_API_SECRET`.
 *
 * @example
 * ```ts
 * import { LiveKitAPI } from 'livekit-server-api';
 *
 * // host, key and secret from LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET
 * const lk = new LiveKitAPI();
 * const rooms = await lk.room.listRooms();
 * ```
 */
export class LiveKitAPI {
  readonly #room: RoomServiceClient;
  readonly #ingress: IngressClient;
  readonly #agentDispatch: AgentDispatchClient;

  constructor(options: LiveKitAPIOptions = {}) {
    const who = 'LiveKitAPI';
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`${who}: options must be an object such as { host, apiKey, secret }, got ${show(options)}`);
    }
    const host = options.host ?? readEnv('LIVEKIT_URL');
    if (host === undefined || host === '') {
      throw new TypeError(`${who} needs the server URL: pass { host: 'https://my-project.livekit.cloud' } or set LIVEKIT_URL`);
    }
    const { apiKey, secret } = options;
    const explicitKeys = apiKey !== undefined || secret !== undefined;
    const token = options.token ?? (explicitKeys ? undefined : readEnv('LIVEKIT_TOKEN'));
    // The client reads only ClientOptions' fields; host, apiKey and secret are passed apart.
    const rpc = new TwirpClient(who, host, apiKey, secret, { ...options, token });
    const transport = sharedTransport(rpc);
    this.#room = new RoomServiceClient(transport);
    this.#ingress = new IngressClient(transport);
    this.#agentDispatch = new AgentDispatchClient(transport);
  }

  /** Rooms, participants, data messages and RPC. */
  get room(): RoomServiceClient {
    return this.#room;
  }

  /** Ingress: RTMP and WHIP endpoints, and URL pulls. */
  get ingress(): IngressClient {
    return this.#ingress;
  }

  /** Explicit agent dispatch to rooms. */
  get agentDispatch(): AgentDispatchClient {
    return this.#agentDispatch;
  }
}
