import { describe, expect, it } from 'vitest';
import { backoffDelayMs, parseRetryAfterMs, RETRY_MAX_DELAY_MS } from '../../src/rpc/retry.js';

describe('backoffDelayMs', () => {
  it('doubles from 200 ms, with jitter between half and all of the step', () => {
    expect(backoffDelayMs(1, () => 0)).toBe(100);
    expect(backoffDelayMs(1, () => 1)).toBe(200);
    expect(backoffDelayMs(2, () => 1)).toBe(400);
    expect(backoffDelayMs(3, () => 0.5)).toBe(600);
  });

  it('never exceeds the cap however many retries', () => {
    for (let retry = 1; retry < 40; retry++) {
      expect(backoffDelayMs(retry, () => 1)).toBeLessThanOrEqual(RETRY_MAX_DELAY_MS);
    }
    expect(backoffDelayMs(30, () => 0)).toBe(RETRY_MAX_DELAY_MS / 2);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfterMs('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfterMs('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
  });

  it('ignores a missing or unreadable header', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs('-1', now)).toBeUndefined();
  });
});
