import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ServerError } from '../../src/rpc/errors.js';
import { LiveKitAPI } from '../../src/services/livekit-api.js';
import { RoomServiceClient } from '../../src/services/room-service.js';
import { startTestServer, type TestServer } from '../../src/testing/index.js';

const ENV = ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET', 'LIVEKIT_TOKEN'] as const;
const saved = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));

let lk: TestServer;
beforeAll(async () => {
  lk = await startTestServer();
});
afterAll(() => lk.close());
afterEach(() => {
  lk.reset();
  for (const name of ENV) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const authorizations = () => lk.requests.map((r) => r.headers['authorization']);

describe('LiveKitAPI', () => {
  it('reaches every service of the server with the given host, key and secret', async () => {
    const api = new LiveKitAPI({ host: lk.url, apiKey: lk.apiKey, secret: lk.apiSecret });
    expect(api.room).toBeInstanceOf(RoomServiceClient);
    await api.room.createRoom({ name: 'standup' });
    expect((await api.room.listRooms()).map((r) => r.name)).toEqual(['standup']);
  });

  it('falls back to LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET, read when constructed', async () => {
    process.env.LIVEKIT_URL = lk.url;
    process.env.LIVEKIT_API_KEY = lk.apiKey;
    process.env.LIVEKIT_API_SECRET = lk.apiSecret;
    const api = new LiveKitAPI();
    delete process.env.LIVEKIT_URL;
    await expect(api.room.listRooms()).resolves.toEqual([]);
  });

  it('uses LIVEKIT_TOKEN when no key or secret is given', async () => {
    const token = lk.token({ video: { roomList: true } });
    process.env.LIVEKIT_TOKEN = token;
    process.env.LIVEKIT_API_KEY = 'ignored-key';
    process.env.LIVEKIT_API_SECRET = 'ignored-secret';
    await new LiveKitAPI({ host: lk.url }).room.listRooms();
    expect(authorizations()).toEqual([`Bearer ${token}`]);
  });

  it('never lets an ambient LIVEKIT_TOKEN override explicit credentials', async () => {
    process.env.LIVEKIT_TOKEN = lk.token({ video: { roomCreate: true } });
    await new LiveKitAPI({ host: lk.url, apiKey: lk.apiKey, secret: lk.apiSecret }).room.listRooms();
    expect(authorizations()[0]).not.toBe(`Bearer ${process.env.LIVEKIT_TOKEN}`);
  });

  it('prefers an explicit token to key and secret', async () => {
    const token = lk.token({ video: { roomCreate: true } });
    const api = new LiveKitAPI({ host: lk.url, apiKey: lk.apiKey, secret: 'wrong', token });
    await expect(api.room.listRooms()).rejects.toBeInstanceOf(ServerError);
    expect(authorizations()).toEqual([`Bearer ${token}`]);
  });

  it('takes ClientOptions for all its clients', async () => {
    const api = new LiveKitAPI({ host: lk.url, apiKey: lk.apiKey, secret: lk.apiSecret, encoding: 'json', headers: { 'x-team': 'a' } });
    await api.room.listRooms();
    expect(lk.requests[0]?.encoding).toBe('json');
    expect(lk.requests[0]?.headers['x-team']).toBe('a');
  });

  it('shares one token cache between calls of its clients', async () => {
    const api = new LiveKitAPI({ host: lk.url, apiKey: lk.apiKey, secret: lk.apiSecret });
    await api.room.listRooms();
    await api.room.listRooms(['a']);
    const [first, second] = authorizations();
    expect(first).toBeDefined();
    expect(second).toBe(first);
  });

  it.each<[string, () => unknown, RegExp]>([
    ['no host and no LIVEKIT_URL', () => new LiveKitAPI({ apiKey: 'k', secret: 's' }), /needs the server URL.*LIVEKIT_URL/],
    ['no credentials at all', () => new LiveKitAPI({ host: 'http://127.0.0.1:1' }), /LIVEKIT_API_KEY and LIVEKIT_API_SECRET/],
    ['options that are not an object', () => new LiveKitAPI('http://x' as never), /options must be an object/],
  ])('refuses %s with a TypeError that says what to pass', (_name, build, message) => {
    for (const name of ENV) delete process.env[name];
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });

  it('shows no secret in util.inspect or JSON', async () => {
    const { inspect } = await import('node:util');
    const api = new LiveKitAPI({ host: lk.url, apiKey: lk.apiKey, secret: lk.apiSecret });
    expect(inspect(api, { depth: 10, showHidden: true })).not.toContain(lk.apiSecret);
    expect(JSON.stringify(api)).not.toContain(lk.apiSecret);
  });
});
