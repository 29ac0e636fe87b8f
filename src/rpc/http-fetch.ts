import { readAtMost } from '../internal/bytes.js';
import { DEFAULT_MAX_RESPONSE_BYTES, mayHaveReachedServer, parseContentLength, ResponseTooLarge, TransportFailure } from './http.js';
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
      body = await readBody(response, request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    } catch (err) {
      if (err instanceof ResponseTooLarge) throw err;
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

/**
 * Reads a body up to `limit` bytes: refused on its `Content-Length` before reading, and
 * cancelled (the connection dropped) as soon as it grows past the limit while streaming.
 */
async function readBody(response: Response, limit: number): Promise<Uint8Array> {
  const announced = parseContentLength(response.headers.get('content-length'));
  if (announced !== undefined && announced > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw new ResponseTooLarge(limit, announced);
  }
  const stream = response.body;
  // A test double's Response may carry no stream; its whole body is already in memory.
  if (stream === null) return new Uint8Array(0);
  // With a Content-Length under the cap and no content coding, HTTP framing already bounds
  // the body, and arrayBuffer() is faster than reading chunks. A coded (gzip…) body is
  // measured after decoding, as it is read: its Content-Length says nothing of that size.
  if (announced !== undefined && response.headers.get('content-encoding') === null) {
    return new Uint8Array(await response.arrayBuffer());
  }
  const body = await readAtMost(stream, limit);
  if (body === undefined) throw new ResponseTooLarge(limit);
  return body;
}

/** A transport over the global `fetch`, resolved at each call so that polyfills set later apply. */
export function globalFetchTransport(): HttpTransport {
  return fetchTransport((url, init) => globalThis.fetch(url, init));
}
