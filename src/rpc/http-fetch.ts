import { mayHaveReachedServer, TransportFailure } from './http.js';
import type { HttpResponse, HttpTransport } from './http.js';

/**
 * The shape of `fetch` the client needs: the global one, undici's, or a test double.
 *
 * @example
 * ```ts
 * import { RoomServiceClient, type FetchLike } from 'livekit-server-api';
 * const logged: FetchLike = (url, init) => {
 *   console.log(init.method, url);
 *   return fetch(url, init);
 * };
 * const rooms = new RoomServiceClient('https://my.livekit.cloud', key, secret, { fetch: logged });
 * ```
 */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** A transport over `fetch` (the global one or an injected one). */
export function fetchTransport(fetchImpl: FetchLike): HttpTransport {
  return async (request) => {
    const { signal } = request;
    // Twirp clients do not follow redirects (fetch would replay a 302 as a GET): a 3xx is
    // returned as an error carrying its Location, as node:http does.
    const init: RequestInit = { method: request.method, headers: request.headers, signal, redirect: 'manual' };
    if (request.body !== undefined) init.body = request.body as BodyInit;
    let response: Response;
    try {
      response = await fetchImpl(request.url, init);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw new TransportFailure(mayHaveReachedServer(err), err);
    }
    let body: Uint8Array;
    try {
      body = new Uint8Array(await response.arrayBuffer());
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw new TransportFailure(true, err);
    }
    const headers = response.headers;
    const result: HttpResponse = {
      status: response.status,
      header: (name) => headers.get(name) ?? undefined,
      body,
    };
    return result;
  };
}

/** A transport over the global `fetch`, resolved at each call so that polyfills set later apply. */
export function globalFetchTransport(): HttpTransport {
  return fetchTransport((url, init) => globalThis.fetch(url, init));
}
