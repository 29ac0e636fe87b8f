import { describe, expect, it } from 'vitest';
import { recordedBody, RequestLog, requestLogLimits } from '../../src/testing/request-log.js';

describe('RequestLog', () => {
  it('keeps the items in order while under capacity', () => {
    const log = new RequestLog<number>(3);
    log.push(1);
    log.push(2);
    expect(log.toArray()).toEqual([1, 2]);
    expect(log.dropped).toBe(0);
  });

  it('keeps only the most recent items past capacity, oldest first, counting the forgotten', () => {
    const log = new RequestLog<number>(3);
    for (let i = 1; i <= 10; i++) log.push(i);
    expect(log.toArray()).toEqual([8, 9, 10]);
    expect(log.size).toBe(3);
    expect(log.dropped).toBe(7);
  });

  it('starts over after clear()', () => {
    const log = new RequestLog<number>(2);
    for (let i = 1; i <= 5; i++) log.push(i);
    log.clear();
    log.push(6);
    expect(log.toArray()).toEqual([6]);
    expect(log.dropped).toBe(0);
  });

  it('keeps nothing with a capacity of 0', () => {
    const log = new RequestLog<number>(0);
    log.push(1);
    expect(log.toArray()).toEqual([]);
    expect(log.dropped).toBe(1);
  });

  it('refuses a capacity that is not a non-negative integer', () => {
    expect(() => new RequestLog(-1)).toThrow(RangeError);
    expect(() => new RequestLog(1.5)).toThrow(RangeError);
  });
});

describe('recordedBody', () => {
  it('keeps a body within the limit and its message as they are', () => {
    const small = new Uint8Array([1, 2]);
    expect(recordedBody(small, 'message', 2)).toEqual({ body: small, bodyLength: 2, message: 'message' });
  });

  it('cuts a longer body to a copy of its start and drops its message', () => {
    const big = new Uint8Array([1, 2, 3, 4]);
    const kept = recordedBody(big, 'message', 2);
    expect(kept).toEqual({ body: new Uint8Array([1, 2]), bodyLength: 4, message: undefined });
    expect(kept.body.buffer).not.toBe(big.buffer);
  });
});

describe('requestLogLimits', () => {
  it('fills in the defaults and refuses negative limits', () => {
    expect(requestLogLimits(undefined)).toEqual({ maxRequests: 1000, maxBodyBytes: 64 * 1024 });
    expect(requestLogLimits({ maxRequests: 5 })).toEqual({ maxRequests: 5, maxBodyBytes: 64 * 1024 });
    expect(() => requestLogLimits({ maxBodyBytes: -1 })).toThrow(RangeError);
  });
});

describe("the test server's request log", () => {
  it('keeps only the most recent requests, bodies cut at the limit', async () => {
    const { startTestServer } = await import('../../src/testing/index.js');
    const { RoomServiceClient } = await import('../../src/services/room-service.js');
    const lk = await startTestServer({ requestLog: { maxRequests: 5, maxBodyBytes: 1024 } });
    try {
      const rooms = new RoomServiceClient(lk.url, lk.apiKey, lk.apiSecret);
      for (let i = 0; i < 20; i++) await rooms.listRooms();
      // 2 MB from someone without a token: refused, and only 1 KiB of it remembered.
      const answer = await fetch(`${lk.url}/twirp/livekit.RoomService/ListRooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/protobuf' },
        body: new Uint8Array(2 * 1024 * 1024),
      });
      expect(answer.status).toBeGreaterThanOrEqual(400);
      const requests = lk.requests;
      expect(requests).toHaveLength(5);
      const last = requests[4]!;
      expect(last.body.byteLength).toBe(1024);
      expect(last.bodyLength).toBe(2 * 1024 * 1024);
      expect(last.message).toBeUndefined();
      expect(requests.slice(0, 4).every((r) => r.method === 'ListRooms' && r.status === 200)).toBe(true);
    } finally {
      await lk.close();
    }
  });
});
