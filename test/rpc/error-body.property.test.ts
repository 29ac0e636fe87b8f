import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseErrorBody } from '../../src/rpc/error-body.js';
import { backoffDelayMs, RETRY_MAX_DELAY_MS } from '../../src/rpc/retry.js';

const contentTypes = fc.constantFrom(undefined, 'application/json', 'text/plain', 'text/html', 'application/protobuf');

describe('parseErrorBody (properties)', () => {
  it('never throws and always yields a code, for any status, content type and bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), contentTypes, fc.uint8Array({ maxLength: 512 }), (status, type, body) => {
        const parsed = parseErrorBody(status, type, body);
        expect(typeof parsed.code).toBe('string');
        expect(parsed.code.length).toBeGreaterThan(0);
        expect(typeof parsed.msg).toBe('string');
      }),
    );
  });

  it('keeps a non-Twirp excerpt to 200 characters and never repeats a token found in the body', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9_-]{4,40}$/);
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), segment, segment, fc.string({ maxLength: 300 }), (before, payload, signature, after) => {
        const token = `eyJhbGciOiJIUzI1NiJ9.${payload}.${signature}`;
        const body = new TextEncoder().encode(`<p>${before}${token}${after}</p>`);
        const parsed = parseErrorBody(502, 'text/html', body);
        expect(parsed.msg.length).toBeLessThanOrEqual(200);
        expect(parsed.msg).not.toContain(token);
      }),
    );
  });
});

describe('backoffDelayMs (properties)', () => {
  it('stays within half and all of the capped exponential step', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (retry, random) => {
        const ceiling = Math.min(RETRY_MAX_DELAY_MS, 200 * 2 ** (retry - 1));
        const delay = backoffDelayMs(retry, () => random);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(delay).toBeLessThanOrEqual(ceiling);
      }),
    );
  });
});
