import { inspect } from 'node:util';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AccessToken, TokenVerificationError, TokenVerifier } from '../../src/token/index.js';
import type { TokenVerificationErrorCode } from '../../src/token/index.js';
import { EXPIRED_SERVER_TOKEN } from '../fixtures/vectors.js';

const KEY = 'api-key';
const SECRET = 'a-secret-of-reasonable-length-0123456789';
const NOW_MS = Date.UTC(2026, 10, 27, 12, 0, 0);
const NOW = NOW_MS / 1000;

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Builds a token by hand, so tests can make any header, payload or algorithm. */
function handMade(
  payload: unknown,
  { header = { alg: 'HS256', typ: 'JWT' }, secret = SECRET, hash = 'sha256' }: { header?: unknown; secret?: string; hash?: string } = {},
): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
}

function codeOf(action: () => unknown): TokenVerificationErrorCode | 'no error' {
  try {
    action();
    return 'no error';
  } catch (error) {
    if (error instanceof TokenVerificationError) return error.code;
    throw error;
  }
}

const verifier = new TokenVerifier(KEY, SECRET);
const at = (options: { now?: number; leewaySeconds?: number } = {}) => ({ now: NOW_MS, ...options });

describe('TokenVerifier', () => {
  it('verifies a token AccessToken minted and resolves to its claims', async () => {
    const token = new AccessToken(KEY, SECRET, { identity: 'alice', name: 'Alice' });
    token.addGrant({ roomJoin: true, room: 'r' });
    const claims = await verifier.verify(token.toJwt());
    expect(claims).toMatchObject({ iss: KEY, sub: 'alice', name: 'Alice', video: { roomJoin: true, room: 'r' } });
  });

  it('rejects the expired server token vector as expired, not as a bad signature', async () => {
    const server = new TokenVerifier(EXPIRED_SERVER_TOKEN.apiKey, EXPIRED_SERVER_TOKEN.apiSecret);
    await expect(server.verify(EXPIRED_SERVER_TOKEN.token)).rejects.toMatchObject({ code: 'token_expired' });
    // ...and it is otherwise valid: at a time inside its lifetime it verifies.
    const claims = server.verifySync(EXPIRED_SERVER_TOKEN.token, { now: (EXPIRED_SERVER_TOKEN.exp - 10) * 1000 });
    expect(claims.exp).toBe(EXPIRED_SERVER_TOKEN.exp);
  });

  it('rejects with a TokenVerificationError, as a rejected promise, never a throw', async () => {
    const promise = verifier.verify('not a token');
    await expect(promise).rejects.toBeInstanceOf(TokenVerificationError);
  });

  it('allows 60 seconds of clock leeway on exp by default, as the server does', () => {
    const token = handMade({ iss: KEY, exp: NOW - 60 });
    expect(codeOf(() => verifier.verifySync(token, at()))).toBe('no error');
    expect(codeOf(() => verifier.verifySync(handMade({ iss: KEY, exp: NOW - 61 }), at()))).toBe('token_expired');
  });

  it('checks nbf with the same leeway', () => {
    expect(codeOf(() => verifier.verifySync(handMade({ iss: KEY, exp: NOW + 600, nbf: NOW + 60 }), at()))).toBe('no error');
    expect(codeOf(() => verifier.verifySync(handMade({ iss: KEY, exp: NOW + 600, nbf: NOW + 61 }), at()))).toBe(
      'token_not_yet_valid',
    );
  });

  it('takes the leeway from options, and the peer-style number or duration string', () => {
    const token = handMade({ iss: KEY, exp: NOW - 30 });
    expect(codeOf(() => verifier.verifySync(token, at({ leewaySeconds: 10 })))).toBe('token_expired');
    const fixedVerifier = new TokenVerifier(KEY, SECRET, { leewaySeconds: 10 });
    expect(codeOf(() => fixedVerifier.verifySync(token, { now: NOW_MS }))).toBe('token_expired');
    const fresh = handMade({ iss: KEY, exp: Math.floor(Date.now() / 1000) - 30 });
    expect(codeOf(() => verifier.verifySync(fresh, 10))).toBe('token_expired');
    expect(codeOf(() => verifier.verifySync(fresh, '45s'))).toBe('no error');
  });

  it('requires exp, as current servers do', () => {
    expect(codeOf(() => verifier.verifySync(handMade({ iss: KEY }), at()))).toBe('token_missing_claim');
    expect(codeOf(() => verifier.verifySync(handMade({ iss: KEY, exp: '2030' }), at()))).toBe('token_missing_claim');
  });

  it.each(['HS384', 'HS512'])('rejects a token signed with %s, which the server does not accept', (alg) => {
    const token = handMade({ iss: KEY, exp: NOW + 60 }, { header: { alg }, hash: alg.replace('HS', 'sha') });
    expect(codeOf(() => verifier.verifySync(token, at()))).toBe('token_unsupported_algorithm');
  });

  it.each(['none', 'RS256', 'ES256', 'hs256', undefined])('rejects alg %j', (alg) => {
    const token = handMade({ iss: KEY, exp: NOW + 60 }, { header: alg === undefined ? {} : { alg } });
    expect(codeOf(() => verifier.verifySync(token, at()))).toBe('token_unsupported_algorithm');
  });

  it('rejects an unsigned alg none token with an empty signature part', () => {
    const token = `${b64url('{"alg":"none"}')}.${b64url(JSON.stringify({ iss: KEY, exp: NOW + 60 }))}.`;
    expect(codeOf(() => verifier.verifySync(token, at()))).toBe('token_malformed');
  });

  it('rejects a token signed with another secret as a bad signature', () => {
    const token = handMade({ iss: KEY, exp: NOW + 60 }, { secret: 'other' });
    expect(codeOf(() => verifier.verifySync(token, at()))).toBe('token_bad_signature');
  });

  it('checks the signature before the time claims', () => {
    const token = handMade({ iss: KEY, exp: NOW - 3600 }, { secret: 'other' });
    expect(codeOf(() => verifier.verifySync(token, at()))).toBe('token_bad_signature');
  });

  it('rejects a token for an API key it does not hold', () => {
    expect(codeOf(() => verifier.verifySync(handMade({ iss: 'someone-else', exp: NOW + 60 }), at()))).toBe(
      'token_unknown_key',
    );
    expect(codeOf(() => verifier.verifySync(handMade({ exp: NOW + 60 }), at()))).toBe('token_unknown_key');
  });

  it('does not treat inherited object properties as keys', () => {
    const multi = new TokenVerifier({ [KEY]: SECRET });
    for (const iss of ['__proto__', 'constructor', 'toString']) {
      expect(codeOf(() => multi.verifySync(handMade({ iss, exp: NOW + 60 }), at()))).toBe('token_unknown_key');
    }
  });

  it('holds several keys and picks the secret by iss, for key rotation', () => {
    const rotating = new TokenVerifier({ old: 'old-secret', new: 'new-secret' });
    const oldToken = new AccessToken('old', 'old-secret').toJwt();
    const newToken = new AccessToken('new', 'new-secret').toJwt();
    expect(rotating.verifySync(oldToken).iss).toBe('old');
    expect(rotating.verifySync(newToken).iss).toBe('new');
    const swapped = new AccessToken('old', 'new-secret').toJwt();
    expect(codeOf(() => rotating.verifySync(swapped))).toBe('token_bad_signature');
    const fromMap = new TokenVerifier(new Map([['m', 'map-secret']]));
    expect(fromMap.verifySync(new AccessToken('m', 'map-secret').toJwt()).iss).toBe('m');
  });

  it('refuses an oversized token before decoding it', () => {
    const huge = `${'a'.repeat(70_000)}.b.c`;
    expect(codeOf(() => verifier.verifySync(huge))).toBe('token_too_large');
    const small = new TokenVerifier(KEY, SECRET, { maxTokenLength: 100 });
    const token = new AccessToken(KEY, SECRET, { identity: 'x'.repeat(200) }).toJwt();
    expect(codeOf(() => small.verifySync(token))).toBe('token_too_large');
  });

  it.each([
    ['an empty string', ''],
    ['three dots', '...'],
    ['two parts', 'abc.def'],
    ['four parts', 'a.b.c.d'],
    ['non-base64url characters', 'a+b.c/d.e=f'],
    ['base64 of non-JSON', `${b64url('hello')}.${b64url('world')}.sig`],
    ['a JSON array payload', `${b64url('{"alg":"HS256"}')}.${b64url('[1,2]')}.sig`],
    ['a JSON null header', `${b64url('null')}.${b64url('{}')}.sig`],
  ])('rejects %s as malformed', (_label, token) => {
    expect(codeOf(() => verifier.verifySync(token))).toBe('token_malformed');
  });

  // The verifier checks each part's alphabet as it decodes or compares it, not in a pass of
  // its own; these tamper with a correctly signed token in ways a lenient base64url decoder
  // would let through, and each must still come out as malformed, not as a bad signature.
  describe('a correctly signed token with one part no longer base64url', () => {
    const good = handMade({ iss: KEY, exp: NOW + 600, sub: 'alice' });
    const [header, payload, signature] = good.split('.') as [string, string, string];
    it.each([
      ['a skipped character in the payload', `${header}.${payload.slice(0, 8)}$${payload.slice(8)}.${signature}`],
      ['a non-ASCII twin of an alphabet character in the payload', `${header}.${payload.slice(0, 8)}\u012d${payload.slice(8)}.${signature}`],
      ['padding on the payload', `${header}.${payload}==.${signature}`],
      ['standard base64 in the signature', `${header}.${payload}.${signature.slice(0, -1)}+`],
      ['whitespace in the signature', `${header}.${payload}.${signature.slice(0, 20)} ${signature.slice(20)}`],
      ['a foreign character in a known header', `${header.slice(0, 4)}*${header.slice(4)}.${payload}.${signature}`],
      ['an empty signature', `${header}.${payload}.`],
    ])('%s', (_label, token) => {
      expect(codeOf(() => verifier.verifySync(good, at()))).toBe('no error');
      expect(codeOf(() => verifier.verifySync(token, at()))).toBe('token_malformed');
    });

    it('tells a wrong signature made of base64url apart from a malformed one', () => {
      const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
      expect(codeOf(() => verifier.verifySync(`${header}.${payload}.${flipped}`, at()))).toBe('token_bad_signature');
    });
  });

  it('rejects a non-string token with a typed error', () => {
    expect(codeOf(() => verifier.verifySync(undefined as unknown as string))).toBe('token_malformed');
    expect(codeOf(() => verifier.verifySync({} as unknown as string))).toBe('token_malformed');
  });

  it('rejects a crit header it cannot honour', () => {
    const token = handMade({ iss: KEY, exp: NOW + 60 }, { header: { alg: 'HS256', crit: ['b64'], b64: false } });
    expect(codeOf(() => verifier.verifySync(token, at()))).toBe('token_malformed');
  });

  it('never puts the token or a secret in its messages', () => {
    const token = handMade({ iss: KEY, exp: NOW - 3600 });
    try {
      verifier.verifySync(token, at());
      expect.unreachable();
    } catch (error) {
      const text = inspect(error);
      expect(text).not.toContain(token);
      expect(text).not.toContain(token.split('.')[2]);
      expect(text).not.toContain(SECRET);
      expect((error as Error).message).toMatch(/expired at 2026-11-27T11:00:00Z/);
    }
  });

  it('keeps secrets out of util.inspect and JSON.stringify', () => {
    const multi = new TokenVerifier({ k1: 'secret-one', k2: 'secret-two' });
    for (const text of [inspect(multi, { showHidden: true }), JSON.stringify(multi)]) {
      expect(text).not.toMatch(/secret-one|secret-two/);
      expect(text).toContain('k1');
    }
  });

  it('refuses bad constructor arguments with TypeError and bad numbers with RangeError', () => {
    expect(() => new TokenVerifier('', SECRET)).toThrow(TypeError);
    expect(() => new TokenVerifier(KEY, '')).toThrow(TypeError);
    expect(() => new TokenVerifier({})).toThrow(TypeError);
    expect(() => new TokenVerifier(KEY, SECRET, { leewaySeconds: -1 })).toThrow(RangeError);
    expect(() => new TokenVerifier(KEY, SECRET, { maxTokenLength: 0 })).toThrow(RangeError);
  });
});
