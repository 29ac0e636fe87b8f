// A server (or load balancer) that closes keep-alive connections: the request written into a
// connection it has just closed must be re-sent on a fresh one when that cannot duplicate it,
// and otherwise fail saying so. The server is raw TCP so that each case happens every time.
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DataPacket_Kind, SendDataRequest } from '@livekit/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/rpc/errors.js';
import { RoomServiceClient } from '../../src/services/room-service.js';

const KEY = 'APIkey123';
const SECRET = 'a-secret-long-enough-for-hs256-signing-0123';

interface Received {
  connection: number;
  path: string;
  body: Buffer;
}

interface ClosingServer {
  url: string;
  /** Every request read, answered or not. */
  received: Received[];
  /** How many requests were answered. */
  answered: number;
  close(): Promise<void>;
}

/**
 * Answers the first request of each connection (keep-alive, empty protobuf), then closes
 * the connection on the next request read from it without answering: a server whose idle
 * timeout fired as the client wrote into the pooled connection.
 */
async function startClosingServer(): Promise<ClosingServer> {
  const received: Received[] = [];
  const state = { answered: 0 };
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const connection = ++connections;
    let onThisConnection = 0;
    let buffer = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      buffer = Buffer.concat([buffer, data]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const body = buffer.subarray(end + 4, end + 4 + length);
        buffer = buffer.subarray(end + 4 + length);
        received.push({ connection, path: head.split(' ')[1] ?? '', body: Buffer.from(body) });
        if (++onThisConnection > 1) {
          socket.destroy();
          return;
        }
        state.answered++;
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/protobuf\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get answered() {
      return state.answered;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a request written into a keep-alive connection the server closed', () => {
  let server: ClosingServer;
  beforeEach(async () => {
    server = await startClosingServer();
  });
  afterEach(() => server.close());

  // retries: 0 throughout: the re-send on a fresh connection is not a retry.
  const rooms = () => new RoomServiceClient(server.url, KEY, SECRET, { retries: 0 });

  it('is re-sent at once on a fresh connection for a call safe to repeat', async () => {
    const client = rooms();
    await client.listRooms();
    await expect(client.listRooms()).resolves.toEqual([]);
    expect(server.received.map((r) => r.connection)).toEqual([1, 1, 2]);
    expect(server.answered).toBe(2);
  });

  it('is re-sent with the same nonce for sendData, which the server de-duplicates on', async () => {
    const client = rooms();
    const data = new TextEncoder().encode('hi');
    await client.sendData('standup', data, DataPacket_Kind.RELIABLE);
    await expect(client.sendData('standup', data, DataPacket_Kind.RELIABLE)).resolves.toBeUndefined();
    expect(server.received.map((r) => r.connection)).toEqual([1, 1, 2]);
    const [, lost, resent] = server.received.map((r) => SendDataRequest.fromBinary(r.body));
    expect(resent?.nonce).toEqual(lost?.nonce);
    expect(resent?.nonce).toHaveLength(16);
  });

  it('fails a call not safe to repeat with an error saying the server closed the idle connection', async () => {
    const client = rooms();
    await client.removeParticipant('standup', 'alice');
    const error = await client.removeParticipant('standup', 'bob').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ closedWhileIdle: true, mayHaveReachedServer: true, attempts: 1 });
    expect((error as Error).message).toMatch(/closed the idle keep-alive connection/);
    expect(server.received).toHaveLength(2);
  });
});

describe("a server's Keep-Alive: timeout= hint", () => {
  // node:http applies the hint; this guards that the transport's agent still lets it.
  it('keeps a pooled connection no longer than the hint minus a second, and not at all when that is nothing', async () => {
    const { startLocalServer } = await import('./local-server.js');
    let hint = 'timeout=1';
    const server = await startLocalServer(() => ({
      status: 200,
      headers: { 'content-type': 'application/protobuf', 'keep-alive': hint },
      body: new Uint8Array(),
    }));
    try {
      const client = new RoomServiceClient(server.url, KEY, SECRET, { retries: 0 });
      await client.listRooms();
      await client.listRooms();
      // A one-second hint leaves no safe idle time: the second call needed a new connection.
      expect(server.requests[1]?.remotePort).not.toBe(server.requests[0]?.remotePort);
      hint = 'timeout=5';
      await client.listRooms();
      await client.listRooms();
      expect(server.requests[3]?.remotePort).toBe(server.requests[2]?.remotePort);
    } finally {
      await server.close();
    }
  });
});
