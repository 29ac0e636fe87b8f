// A transport on node:http / node:https with keep-alive agents. On Node it is several times
// faster than fetch for small Twirp calls and starts ~60 ms sooner in a fresh process (no
// undici to load); bench/rooms.mjs measures both. The modules are passed in, not imported, so
// that this file never makes a bundler for an edge runtime look for node:http.
import type * as NodeHttp from 'node:http';
import type * as NodeHttps from 'node:https';
import { concatBytes } from '../internal/bytes.js';
import { DEFAULT_MAX_RESPONSE_BYTES, mayHaveReachedServer, parseContentLength, ResponseTooLarge, TransportFailure } from './http.js';
import type { HttpResponse, HttpTransport } from './http.js';

/**
 * The two built-in modules the transport runs on. `https` is a function: node:https (and TLS
 * with it) costs 5-30 ms to load, so it is loaded on the first https:// request only.
 */
export interface NodeHttpModules {
  http: typeof NodeHttp;
  https: () => typeof NodeHttps;
}

/**
 * Idle keep-alive sockets are closed after this long: below the 5 s keep-alive timeout of a
 * Node server and the 60 s of common load balancers, so the client does not write into a
 * socket the other side is closing. The same figure undici uses. A shorter
 * `Keep-Alive: timeout=N` hint from the server wins: node:http keeps the socket N - 1 s.
 */
const IDLE_SOCKET_TIMEOUT_MS = 4_000;
const encoder = new TextEncoder();

/** A transport on node:http / node:https, with one keep-alive agent per protocol. */
export function nodeHttpTransport(modules: NodeHttpModules): HttpTransport {
  let httpAgent: NodeHttp.Agent | undefined;
  let httpsAgent: NodeHttps.Agent | undefined;
  let https: typeof NodeHttps | undefined;

  return (request) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const { signal } = request;
      const maxResponseBytes = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const secure = request.url.startsWith('https:');
      if (secure) https ??= modules.https();
      const pooled =
        secure && https !== undefined
          ? (httpsAgent ??= new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS }))
          : (httpAgent ??= new modules.http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS }));
      // `agent: false` makes node:http open a connection for this one request.
      const agent = request.freshConnection === true ? false : pooled;
      const headers: Record<string, string | number> = { ...request.headers };
      const body = typeof request.body === 'string' ? encoder.encode(request.body) : request.body;
      if (body !== undefined) headers['content-length'] = body.byteLength;

      let settled = false;
      let answered = false;
      const settle = (action: () => void): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        action();
      };
      const fail = (err: unknown, reached: boolean, stale = false): void =>
        settle(() => reject(signal.aborted ? signal.reason : new TransportFailure(reached, err, stale)));
      const tooLarge = (contentLength?: number): void => {
        settle(() => reject(new ResponseTooLarge(maxResponseBytes, contentLength)));
        // Dropping the connection is the only way to stop a server that keeps sending.
        req.destroy();
      };

      let req: NodeHttp.ClientRequest;
      try {
        req = (secure && https !== undefined ? https : modules.http).request(
          request.url,
          { method: request.method, headers, agent },
          (res) => {
            answered = true;
            const contentLength = parseContentLength(res.headers['content-length']);
            if (contentLength !== undefined && contentLength > maxResponseBytes) {
              tooLarge(contentLength);
              return;
            }
            const chunks: Uint8Array[] = [];
            let length = 0;
            res.on('data', (chunk: Uint8Array) => {
              length += chunk.byteLength;
              if (length > maxResponseBytes) {
                chunks.length = 0;
                tooLarge();
                return;
              }
              chunks.push(chunk);
            });
            res.on('end', () => {
              if (settled) return;
              let body: Uint8Array;
              try {
                body = concatBytes(chunks, length);
              } catch (err) {
                // Only an allocation can fail here (a cap set beyond what one array holds): a
                // throw in this listener would be uncaught and take the process down.
                fail(err, true);
                return;
              }
              const status = res.statusCode ?? 0;
              const responseHeaders = res.headers;
              settle(() =>
                resolve({
                  status,
                  header: (name) => {
                    const value = responseHeaders[name];
                    return Array.isArray(value) ? value.join(', ') : value;
                  },
                  body,
                }),
              );
            });
            res.on('error', (err) => fail(err, true));
            res.on('close', () => {
              if (!res.complete) fail(new Error('the connection closed before the answer was complete'), true);
            });
          },
        );
      } catch (err) {
        // node:http checks header names and values as it builds the request: nothing was sent.
        reject(new TransportFailure(false, err));
        return;
      }
      req.on('error', (err) =>
        fail(err, mayHaveReachedServer(err), !answered && req.reusedSocket && isConnectionDrop(err)),
      );
      const onAbort = (): void => {
        req.destroy();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      req.end(body);
    });
}

// How a connection the server closed shows up when a request is written into it: a reset, a
// broken pipe, or node:http's "socket hang up" (code ECONNRESET) when the FIN comes first.
const CONNECTION_DROP_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function isConnectionDrop(err: unknown): boolean {
  return CONNECTION_DROP_CODES.has((err as { code?: unknown } | null)?.code as string);
}
