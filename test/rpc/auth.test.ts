import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  SERVICE_TOKEN_MIN_REMAINING_SECONDS,
  SERVICE_TOKEN_TTL_SECONDS,
  SigningAuthorizer,
  StaticTokenAuthorizer,
} from '../../src/rpc/auth.js';

const KEY = 'APIkey123';
const SECRET = 'a-secret-long-enough-for-hs256-signing-0123';

async function verify(header: string) {
  expect(header.startsWith('Bearer ')).toBe(true);
  const { payload, protectedHeader } = await jwtVerify(header.slice(7), new TextEncoder().encode(SECRET), {
    algorithms: ['HS256'],
    currentDate: new Date(Date.parse('2025-06-01T12:00:30Z')),
  });
  return { payload, protectedHeader };
}

describe('SigningAuthorizer', () => {
  const start = Date.parse('2025-06-01T12:00:00Z');

  it('signs an HS256 token jose accepts, with iss, nbf, exp and exactly the given grants', async () => {
    const auth = new SigningAuthorizer(KEY, SECRET, () => start);
    const { payload, protectedHeader } = await verify(auth.authorization({ video: { roomAdmin: true, room: 'r1' } }));
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toEqual({
      iss: KEY,
      nbf: start / 1000,
      exp: start / 1000 + SERVICE_TOKEN_TTL_SECONDS,
      video: { roomAdmin: true, room: 'r1' },
    });
  });

  it('reuses the token for the same grants and signs another for other grants', () => {
    const auth = new SigningAuthorizer(KEY, SECRET, () => start);
    const a = auth.authorization({ video: { roomList: true } });
    expect(auth.authorization({ video: { roomList: true } })).toBe(a);
    expect(auth.authorization({ video: { roomAdmin: true, room: 'r1' } })).not.toBe(a);
    expect(auth.authorization({ video: { roomAdmin: true, room: 'r2' } })).not.toBe(
      auth.authorization({ video: { roomAdmin: true, room: 'r1' } }),
    );
  });

  it('re-mints a cached token before less than five minutes of it are left', () => {
    let now = start;
    const auth = new SigningAuthorizer(KEY, SECRET, () => now);
    const first = auth.authorization({ video: { roomList: true } });
    now = start + (SERVICE_TOKEN_TTL_SECONDS - SERVICE_TOKEN_MIN_REMAINING_SECONDS) * 1000;
    expect(auth.authorization({ video: { roomList: true } })).toBe(first);
    now += 1000;
    const second = auth.authorization({ video: { roomList: true } });
    expect(second).not.toBe(first);
    expect(auth.authorization({ video: { roomList: true } })).toBe(second);
  });

  it('evicts the oldest token past its cache bound and keeps the recent ones (many rooms)', () => {
    let now = start;
    const auth = new SigningAuthorizer(KEY, SECRET, () => now);
    const firstRoom = auth.authorization({ video: { roomAdmin: true, room: 'room-0' } });
    let lastRoom = '';
    for (let i = 1; i < 600; i++) lastRoom = auth.authorization({ video: { roomAdmin: true, room: `room-${i}` } });
    // One second on, a re-signed token differs from the first (its nbf moved): only an
    // evicted entry is re-signed, a cached one comes back unchanged.
    now += 1000;
    expect(auth.authorization({ video: { roomAdmin: true, room: 'room-599' } })).toBe(lastRoom);
    const resigned = auth.authorization({ video: { roomAdmin: true, room: 'room-0' } });
    expect(resigned).not.toBe(firstRoom);
    expect(resigned).toMatch(/^Bearer /);
  });
});

describe('StaticTokenAuthorizer', () => {
  it('sends the pre-signed token whatever the grants', () => {
    const auth = new StaticTokenAuthorizer('pre.signed.token');
    expect(auth.authorization()).toBe('Bearer pre.signed.token');
  });
});
