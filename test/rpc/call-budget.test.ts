// What bounds a whole call: its overall budget, its abort signal, its headers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RequestAbortedError, RequestTimeoutError, ServerError } from '../../src/rpc/errors.js';
import { RoomServiceClient } from '../../src/services/room-service.js';
import { startLocalServer } from './local-server.js';
import type { LocalServer } from './local-server.js';

const KEY = 'APIkey123';
const SECRET = 'a-secret-long-enough-for-hs256-signing-0123';

describe('a call', () => {
  let server: LocalServer;
  beforeEach(async () => {
    server = await startLocalServer();
  });
  afterEach(() => server.close());

  it('fails at once with the server answer when Retry-After is longer than the budget left', async () => {
    server.handle(() => ({
      status: 503,
      headers: { 'content-type': 'application/json', 'retry-after': '30' },
      body: JSON.stringify({ code: 'unavailable', msg: 'busy' }),
    }));
    const rooms = new RoomServiceClient(server.url, KEY, SECRET, { totalTimeoutMs: 5_000 });
    const error = await rooms.listRooms().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 503, code: 'unavailable', attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('gives its last attempt only what is left of the budget, and sends that as the deadline', async () => {
    server.handle(() => 'hang');
    const rooms = new RoomServiceClient(server.url, KEY, SECRET, { timeoutMs: 10_000 });
    const error = await rooms.listRooms(undefined, { totalTimeoutMs: 300 }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 300, attempts: 1 });
    expect(server.requests[0]?.headers['x-twirp-timeout-ms']).toBe('300');
  });

  it('refuses a budget that is not a positive number of milliseconds, before any request', async () => {
    const rooms = new RoomServiceClient(server.url, KEY, SECRET);
    await expect(rooms.listRooms(undefined, { totalTimeoutMs: 0 })).rejects.toThrow(RangeError);
    expect(() => new RoomServiceClient(server.url, KEY, SECRET, { maxResponseBytes: -1 })).toThrow(RangeError);
    expect(server.requests).toHaveLength(0);
  });

  it('adds no listener per call to a signal shared by many calls', async () => {
    server.handle(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { status: 200, headers: { 'content-type': 'application/protobuf' }, body: new Uint8Array() };
    });
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning.name);
    };
    process.on('warning', onWarning);
    try {
      const rooms = new RoomServiceClient(server.url, KEY, SECRET);
      const controller = new AbortController();
      await Promise.all(Array.from({ length: 20 }, () => rooms.listRooms(undefined, { signal: controller.signal })));
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('still aborts through the shared signal', async () => {
    server.handle(() => 'hang');
    const rooms = new RoomServiceClient(server.url, KEY, SECRET);
    const controller = new AbortController();
    const pending = Promise.all([1, 2, 3].map(() => rooms.listRooms(undefined, { signal: controller.signal })));
    await expect.poll(() => server.requests.length).toBe(3);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(RequestAbortedError);
  });

  it('refuses header names and values HTTP cannot carry as a TypeError, before any request', async () => {
    const rooms = new RoomServiceClient(server.url, KEY, SECRET);
    await expect(rooms.listRooms(undefined, { headers: { 'x-trace': 'a\r\nx-injected: 1' } })).rejects.toThrow(
      /header 1 .* line break/,
    );
    await expect(rooms.listRooms(undefined, { headers: { 'bad name': 'v' } })).rejects.toThrow(TypeError);
    expect(() => new RoomServiceClient(server.url, KEY, SECRET, { headers: { 'x-ü': 'v' } })).toThrow(TypeError);
    expect(server.requests).toHaveLength(0);
  });

  it('never quotes a header name or value in its error, since either may be a pasted secret', async () => {
    const rooms = new RoomServiceClient(server.url, KEY, SECRET);
    const secret = 'sk_live_0123456789abcdefghij';
    const error = (await rooms.listRooms(undefined, { headers: { [secret]: 1 as unknown as string } }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).not.toContain(secret.slice(0, 8));
  });
});
