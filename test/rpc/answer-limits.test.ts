// Answers a client must survive: huge, endless, or not Twirp at all. Each case is served by a
// loopback server and checked on both transports.
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Room } from '@livekit/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResponseTooLargeError, ServerError } from '../../src/rpc/errors.js';
import type { ClientOptions } from '../../src/rpc/options.js';
import { RoomServiceClient } from '../../src/services/room-service.js';

const KEY = 'APIkey123';
const SECRET = 'a-secret-long-enough-for-hs256-signing-0123';
const MiB = 1024 * 1024;

type Answer = (res: ServerResponse) => void;

interface AnswerServer {
  url: string;
  /** How many connections the server saw closed by the client while it was still answering. */
  droppedByClient: number;
  answer(next: Answer): void;
  close(): Promise<void>;
}

async function startAnswerServer(): Promise<AnswerServer> {
  let current: Answer = (res) => res.end();
  const state = { droppedByClient: 0 };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.on('close', () => {
        if (!res.writableFinished) state.droppedByClient++;
      });
      current(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get droppedByClient() {
      return state.droppedByClient;
    },
    answer(next) {
      current = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Writes 64 KiB chunks for as long as the client reads them. */
function endless(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/protobuf' });
  const chunk = Buffer.alloc(64 * 1024, 0x0a);
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  for (let n = value; ; n >>>= 7) {
    if (n < 0x80) {
      bytes.push(n);
      return Buffer.from(bytes);
    }
    bytes.push((n & 0x7f) | 0x80);
  }
}

/** Protobuf field 999, length-delimited: a field no LiveKit message has. */
function unknownField(size: number): Buffer {
  return Buffer.concat([varint((999 << 3) | 2), varint(size), Buffer.alloc(size, 0x61)]);
}

const transports: Array<[string, ClientOptions]> = [
  ['node:http', {}],
  ['fetch', { fetch: (url, init) => fetch(url, init) }],
];

describe.each(transports)('answers over %s', (_name, transportOptions) => {
  let server: AnswerServer;
  beforeEach(async () => {
    server = await startAnswerServer();
  });
  afterEach(() => server.close());

  const rooms = (options: ClientOptions = {}) =>
    new RoomServiceClient(server.url, KEY, SECRET, { retries: 0, ...transportOptions, ...options });

  it('refuses an answer whose Content-Length is over the cap before reading it, and drops the connection', async () => {
    server.answer((res) => {
      res.writeHead(200, { 'content-type': 'application/protobuf', 'content-length': String(64 * MiB) });
      res.write(Buffer.alloc(1024));
    });
    const error = await rooms({ maxResponseBytes: MiB }).listRooms().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ code: 'response_too_large', limitBytes: MiB, attempts: 1 });
    expect((error as Error).message).toMatch(/maxResponseBytes/);
    await expect.poll(() => server.droppedByClient, { timeout: 2000 }).toBe(1);
  });

  it('stops reading an endless answer at the cap with a typed error instead of buffering it', async () => {
    server.answer(endless);
    const error = await rooms({ timeoutMs: 30_000 })
      .listRooms(undefined, { maxResponseBytes: 2 * MiB })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ limitBytes: 2 * MiB });
    await expect.poll(() => server.droppedByClient, { timeout: 2000 }).toBe(1);
  });

  it('does not retry an answer that was too large', async () => {
    let calls = 0;
    server.answer((res) => {
      calls++;
      endless(res);
    });
    await expect(rooms({ retries: 2 }).listRooms(undefined, { maxResponseBytes: MiB })).rejects.toBeInstanceOf(
      ResponseTooLargeError,
    );
    expect(calls).toBe(1);
  });

  it('keeps none of the unknown fields of an answer', async () => {
    // A room carrying 512 KiB of a field no Room has, inside a ListRoomsResponse (field 1).
    const room = Buffer.concat([Buffer.from(new Room({ name: 'a' }).toBinary()), unknownField(512 * 1024)]);
    const answer = Buffer.concat([Buffer.from([0x0a]), varint(room.length), room]);
    server.answer((res) => res.writeHead(200, { 'content-type': 'application/protobuf' }).end(answer));
    const [decoded, ...rest] = await rooms().listRooms();
    expect(rest).toEqual([]);
    expect(decoded?.name).toBe('a');
    // protobuf-es keeps what it reads of unknown fields under a symbol-keyed property.
    expect(Object.getOwnPropertySymbols(decoded)).toEqual([]);
  });

  it('refuses a 200 answer that is neither protobuf nor JSON', async () => {
    server.answer((res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('hello, this is a captive portal'));
    const error = await rooms().listRooms().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ code: 'internal', status: 200 });
    expect((error as Error).message).toMatch(/content type is "text\/plain", not application\/protobuf or application\/json/);
  });

  it('measures a compressed answer after decoding, whatever its Content-Length says', async () => {
    const bomb = gzipSync(Buffer.alloc(8 * MiB));
    server.answer((res) =>
      res
        .writeHead(200, { 'content-type': 'application/protobuf', 'content-encoding': 'gzip', 'content-length': String(bomb.length) })
        .end(bomb),
    );
    const result = await rooms({ maxResponseBytes: MiB }).listRooms().catch((err: unknown) => err);
    // node:http asks for no compression and reads the bytes as sent; fetch inflates them.
    if (transportOptions.fetch === undefined) expect(result).toBeInstanceOf(ServerError);
    else expect(result).toBeInstanceOf(ResponseTooLargeError);
  });

  it('reads a JSON answer with a charset parameter', async () => {
    server.answer((res) =>
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end('{"rooms":[{"name":"j"}]}'),
    );
    expect((await rooms().listRooms()).map((room) => room.name)).toEqual(['j']);
  });
});
