// A tiny loopback HTTP server for the transport and client tests: every request is recorded,
// and a handler decides each answer (or to hang, or to drop the connection).
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/twirp/livekit.RoomService/ListRooms`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The client's port: equal for two requests that shared a keep-alive connection. */
  remotePort: number;
}

export type Reply =
  | { status?: number; headers?: Record<string, string>; body?: string | Uint8Array }
  | 'hang'
  | 'destroy'
  | 'destroy-mid-body';

export type Handler = (request: RecordedRequest, index: number) => Reply | Promise<Reply>;

export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Replaces the handler for the requests that follow. */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export const ok: Handler = () => ({ status: 200, headers: { 'content-type': 'application/protobuf' }, body: new Uint8Array() });

export async function startLocalServer(handler: Handler = ok, port = 0): Promise<LocalServer> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
        remotePort: req.socket.remotePort ?? 0,
      };
      requests.push(recorded);
      void Promise.resolve(current(recorded, requests.length - 1)).then((reply) => {
        if (reply === 'hang') {
          hanging.add(res);
          return;
        }
        if (reply === 'destroy') {
          req.socket.destroy();
          return;
        }
        if (reply === 'destroy-mid-body') {
          res.writeHead(200, { 'content-type': 'application/protobuf', 'content-length': '1000' });
          res.write(Buffer.alloc(10));
          setTimeout(() => req.socket.destroy(), 5);
          return;
        }
        res.writeHead(reply.status ?? 200, reply.headers ?? {});
        res.end(reply.body === undefined ? undefined : Buffer.from(reply.body));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    requests,
    handle(next) {
      current = next;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: bound, read, then released. */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The claims of the bearer token a request carried. */
export function tokenClaims(request: RecordedRequest): Record<string, unknown> {
  const header = request.headers['authorization'];
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) throw new Error('no bearer token');
  return decodeJwt(header.slice('Bearer '.length)) as Record<string, unknown>;
}

/** A Twirp error answer as a LiveKit server writes it. */
export function twirpError(status: number, code: string, msg: string, meta?: Record<string, string>): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(meta === undefined ? { code, msg } : { code, msg, meta }),
  };
}
