// A transport on node:http / node:https with keep-alive agents. On Node it is several times
// faster than fetch for small Twirp calls and starts ~60 ms sooner in a fresh process (no
// undici to load); bench/rooms.mjs measures both. The modules are passed in, not imported, so
// that this file never makes a bundler for an edge runtime look for node:http.
import type * as NodeHttp from 'node:http';
import type * as NodeHttps from 'node:https';
import { mayHaveReachedServer, TransportFailure } from './http.js';
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
 * socket the other side is closing. The same figure undici uses.
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
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const secure = request.url.startsWith('https:');
      if (secure) https ??= modules.https();
      const agent =
        secure && https !== undefined
          ? (httpsAgent ??= new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS }))
          : (httpAgent ??= new modules.http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS }));
      const headers: Record<string, string | number> = { ...request.headers };
      const body = typeof request.body === 'string' ? encoder.encode(request.body) : request.body;
      if (body !== undefined) headers['content-length'] = body.byteLength;

      let settled = false;
      const settle = (action: () => void): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        action();
      };
      const fail = (err: unknown, reached: boolean): void =>
        settle(() => reject(signal.aborted ? signal.reason : new TransportFailure(reached, err)));

      const req = (secure && https !== undefined ? https : modules.http).request(
        request.url,
        { method: request.method, headers, agent },
        (res) => {
          const chunks: Uint8Array[] = [];
          let length = 0;
          res.on('data', (chunk: Uint8Array) => {
            chunks.push(chunk);
            length += chunk.byteLength;
          });
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const responseHeaders = res.headers;
            settle(() =>
              resolve({
                status,
                header: (name) => {
                  const value = responseHeaders[name];
                  return Array.isArray(value) ? value.join(', ') : value;
                },
                body: concat(chunks, length),
              }),
            );
          });
          res.on('error', (err) => fail(err, true));
          res.on('close', () => {
            if (!res.complete) fail(new Error('the connection closed before the answer was complete'), true);
          });
        },
      );
      req.on('error', (err) => fail(err, mayHaveReachedServer(err)));
      const onAbort = (): void => {
        req.destroy();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      req.end(body);
    });
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
