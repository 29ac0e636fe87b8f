// Region failover of LiveKit Cloud hosts, with an injected fetch standing in for the network:
// no request leaves the process.
import { DeleteRoomResponse, ListRoomsRequest, ListRoomsResponse, Room } from '@livekit/protocol';
import { describe, expect, it } from 'vitest';
import { ConnectionError, ServerError } from '../../src/rpc/errors.js';
import type { FetchLike } from '../../src/rpc/http-fetch.js';
import { rpcMethod, TwirpClient } from '../../src/rpc/twirp-client.js';
import type { ClientOptions } from '../../src/rpc/options.js';

const LIST = rpcMethod('RoomService', 'ListRooms', ListRoomsResponse, { idempotent: true });
const DELETE = rpcMethod('RoomService', 'DeleteRoom', DeleteRoomResponse, { idempotent: false });
const GRANTS = { video: { roomList: true } };
const PRIMARY = 'https://proj.livekit.cloud';
const REGIONS = {
  regions: [
    { region: 'home', url: 'wss://proj.livekit.cloud' },
    { region: 'eu', url: 'wss://proj-eu.livekit.cloud' },
    { region: 'us', url: 'wss://proj-us.livekit.cloud' },
  ],
};

type Behaviour = 'ok' | 'refused' | 'reset' | number;

function fakeNetwork(hosts: Record<string, Behaviour>, regions: unknown = REGIONS) {
  const calls: Array<{ method: string; url: string; authorization: string | null }> = [];
  const fetchImpl: FetchLike = async (url, init) => {
    const headers = new Headers(init.headers);
    calls.push({ method: init.method ?? 'GET', url, authorization: headers.get('authorization') });
    const { origin, pathname } = new URL(url);
    if (pathname === '/settings/regions') {
      if (regions === 'fail') return new Response('nope', { status: 500 });
      return Response.json(regions, { headers: { 'cache-control': 'max-age=60' } });
    }
    const behaviour = hosts[origin] ?? 'refused';
    if (behaviour === 'refused') {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    }
    if (behaviour === 'reset') {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    }
    if (typeof behaviour === 'number') return new Response('<html>down</html>', { status: behaviour, headers: { 'content-type': 'text/html' } });
    const body = new ListRoomsResponse({ rooms: [new Room({ name: origin })] }).toBinary();
    return new Response(body as BodyInit, { status: 200, headers: { 'content-type': 'application/protobuf' } });
  };
  return { calls, fetchImpl };
}

function cloudClient(fetchImpl: FetchLike, delays: number[], options: ClientOptions = {}, host = PRIMARY) {
  return new TwirpClient('RoomServiceClient', host, 'key', 'secret', { fetch: fetchImpl, ...options }, {
    sleep: async (ms) => void delays.push(ms),
  });
}

describe('LiveKit Cloud region failover', () => {
  it('moves to the next untried region after a 5xx, backing off 200 ms then 400 ms', async () => {
    const { calls, fetchImpl } = fakeNetwork({ [PRIMARY]: 503, 'https://proj-eu.livekit.cloud': 500, 'https://proj-us.livekit.cloud': 'ok' });
    const delays: number[] = [];
    const result = await cloudClient(fetchImpl, delays).call(LIST, new ListRoomsRequest(), GRANTS);
    expect(result.rooms[0]?.name).toBe('https://proj-us.livekit.cloud');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      `POST ${PRIMARY}/twirp/livekit.RoomService/ListRooms`,
      `GET ${PRIMARY}/settings/regions`,
      'POST https://proj-eu.livekit.cloud/twirp/livekit.RoomService/ListRooms',
      'POST https://proj-us.livekit.cloud/twirp/livekit.RoomService/ListRooms',
    ]);
    expect(delays).toEqual([200, 400]);
  });

  it('authenticates region discovery with the call token', async () => {
    const { calls, fetchImpl } = fakeNetwork({ [PRIMARY]: 'reset', 'https://proj-eu.livekit.cloud': 'ok' });
    await cloudClient(fetchImpl, []).call(LIST, new ListRoomsRequest(), GRANTS);
    expect(calls[1]?.authorization).toBe(calls[0]?.authorization);
    expect(calls[1]?.authorization).toMatch(/^Bearer ey/);
  });

  it('fails over on a refused connection even for a call that is not safe to repeat', async () => {
    const { calls, fetchImpl } = fakeNetwork({ [PRIMARY]: 'refused', 'https://proj-eu.livekit.cloud': 'ok' });
    await cloudClient(fetchImpl, []).call(DELETE, new ListRoomsRequest(), GRANTS);
    expect(calls.at(-1)?.url).toBe('https://proj-eu.livekit.cloud/twirp/livekit.RoomService/DeleteRoom');
  });

  it('does not fail over a 5xx for a call that is not safe to repeat', async () => {
    const { calls, fetchImpl } = fakeNetwork({ [PRIMARY]: 500 });
    await expect(cloudClient(fetchImpl, []).call(DELETE, new ListRoomsRequest(), GRANTS)).rejects.toBeInstanceOf(ServerError);
    expect(calls).toHaveLength(1);
  });

  it('stays on the host when the timeout is under 5 s', async () => {
    const { calls, fetchImpl } = fakeNetwork({ [PRIMARY]: 503 });
    await expect(
      cloudClient(fetchImpl, []).call(LIST, new ListRoomsRequest(), GRANTS, { timeoutMs: 4_999 }),
    ).rejects.toMatchObject({ status: 503 });
    expect(calls.map((c) => c.url)).toEqual(Array(3).fill(`${PRIMARY}/twirp/livekit.RoomService/ListRooms`));
  });

  it('stays on the host when failover is turned off', async () => {
    const { calls, fetchImpl } = fakeNetwork({ [PRIMARY]: 503 });
    await expect(cloudClient(fetchImpl, [], { failover: false }).call(LIST, new ListRoomsRequest(), GRANTS)).rejects.toBeInstanceOf(ServerError);
    expect(calls.every((c) => c.url.startsWith(PRIMARY) && c.method === 'POST')).toBe(true);
  });

  it('never asks for regions on a host outside livekit.cloud', async () => {
    const { calls, fetchImpl } = fakeNetwork({ 'https://livekit.example.com': 503 });
    await expect(
      cloudClient(fetchImpl, [], {}, 'https://livekit.example.com').call(LIST, new ListRoomsRequest(), GRANTS),
    ).rejects.toBeInstanceOf(ServerError);
    expect(calls.some((c) => c.url.includes('/settings/regions'))).toBe(false);
  });

  it('retries the same host with the usual back-off when discovery fails', async () => {
    const { calls, fetchImpl } = fakeNetwork({ [PRIMARY]: 'reset' }, 'fail');
    const delays: number[] = [];
    const err = await cloudClient(fetchImpl, delays).call(LIST, new ListRoomsRequest(), GRANTS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual(
      Array(3).fill(`${PRIMARY}/twirp/livekit.RoomService/ListRooms`),
    );
    expect(calls.filter((c) => c.method === 'GET')).toHaveLength(1);
    expect(delays).toHaveLength(2);
  });

  it('makes at most 1 + retries attempts across regions', async () => {
    const { calls, fetchImpl } = fakeNetwork({ [PRIMARY]: 502, 'https://proj-eu.livekit.cloud': 502, 'https://proj-us.livekit.cloud': 502 });
    await expect(cloudClient(fetchImpl, []).call(LIST, new ListRoomsRequest(), GRANTS)).rejects.toMatchObject({
      status: 502,
      message: expect.stringContaining('after 3 attempts'),
    });
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(3);
  });
});
