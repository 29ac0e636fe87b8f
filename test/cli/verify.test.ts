// `livekit-server-api verify`, run in-process: claims on success, the typed error's code and
// exit 1 on refusal, exit 2 on a wrong command line.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AccessToken } from '../../src/token/index.js';
import { signHs256 } from '../../src/token/jwt.js';
import { EXPIRED_SERVER_TOKEN } from '../fixtures/vectors.js';
import { cli } from './helpers.js';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const NOW_S = NOW / 1000;
const KEY = 'verify-key';
const SECRET = 'verify-secret-0123456789abcdefghijklmnop';
const ENV = { LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

function joinToken(key = KEY, secret = SECRET): string {
  const at = new AccessToken(key, secret, { identity: 'alice', name: 'Alice' });
  at.addGrant({ roomJoin: true, room: 'demo' });
  return at.toJwt();
}

describe('verify', () => {
  it('prints the verified claims as JSON on stdout and exits 0', async () => {
    const result = await cli(['verify', joinToken()], { env: ENV });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      name: 'Alice',
      video: { roomJoin: true, room: 'demo' },
      iss: KEY,
      sub: 'alice',
      nbf: NOW_S,
      exp: NOW_S + 6 * 3600,
    });
  });

  it('accepts a token pasted with its "Bearer " prefix', async () => {
    const result = await cli(['verify', `Bearer ${joinToken()}`], { env: ENV });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ sub: 'alice' });
  });

  it('checks what `token` minted with the dev keys, both falling back the same way', async () => {
    const minted = await cli(['token', '--room', 'demo', '--identity', 'alice']);
    const result = await cli(['verify', minted.stdout.trim()]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('devkey');
    expect(JSON.parse(result.stdout)).toMatchObject({ iss: 'devkey', sub: 'alice' });
  });

  it('reads the token from stdin when given -', async () => {
    const result = await cli(['verify', '-'], { env: ENV, stdin: `${joinToken()}\n` });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ sub: 'alice' });
  });

  it('takes the keys from --api-key / --api-secret', async () => {
    const secret = 'other-secret-0123456789abcdefghijklmnop';
    const result = await cli(['verify', joinToken('other', secret), '--api-key', 'other', '--api-secret', secret], { env: ENV });
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('reports the server test vector as token_expired, exit 1, nothing on stdout', async () => {
    const { apiKey, apiSecret, token } = EXPIRED_SERVER_TOKEN;
    const result = await cli(['verify', token, '--api-key', apiKey, '--api-secret', apiSecret]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^livekit-server-api: token_expired: token expired at 2020-12-25T21:05:08Z/);
    expect(result.stderr).not.toContain(apiSecret);
  });

  it('allows 60 s of clock leeway by default and what --leeway says otherwise', async () => {
    const token = signHs256({ iss: KEY, sub: 'a', nbf: NOW_S - 600, exp: NOW_S - 30 }, SECRET);
    expect((await cli(['verify', token], { env: ENV })).code).toBe(0);
    const strict = await cli(['verify', token, '--leeway', '0'], { env: ENV });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('token_expired');
  });

  it('reports a token signed with another secret as token_bad_signature', async () => {
    const result = await cli(['verify', joinToken(KEY, 'a-different-secret-0123456789abcdefghij')], { env: ENV });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^livekit-server-api: token_bad_signature: /);
  });

  it('reports a token for another key as token_unknown_key, with a hint when the dev key was used', async () => {
    const result = await cli(['verify', joinToken()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('token_unknown_key: token was issued for API key "verify-key"');
    expect(result.stderr).toContain('checked against the development key');
    expect(result.stderr).toContain('LIVEKIT_API_KEY');
  });

  it('reports garbage as token_malformed without echoing it', async () => {
    const result = await cli(['verify', 'not-a-token-at-all'], { env: ENV });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('token_malformed');
    expect(result.stderr).not.toContain('not-a-token-at-all');
  });

  it('reports an HS512 token as token_unsupported_algorithm', async () => {
    const header = Buffer.from('{"alg":"HS512","typ":"JWT"}').toString('base64url');
    const payload = Buffer.from(JSON.stringify({ iss: KEY, exp: NOW_S + 60 })).toString('base64url');
    const result = await cli(['verify', `${header}.${payload}.c2ln`], { env: ENV });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('token_unsupported_algorithm');
  });

  it('exits 2 when the token is missing, doubled, or --leeway is not a number', async () => {
    const missing = await cli(['verify'], { env: ENV });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('verify needs a token: verify <token>, or verify - to read it from stdin');
    const doubled = await cli(['verify', 'a', 'b'], { env: ENV });
    expect(doubled.code).toBe(2);
    expect(doubled.stderr).toContain('unexpected argument: a value of 1 character (not shown)');
    const leeway = await cli(['verify', joinToken(), '--leeway', 'lots'], { env: ENV });
    expect(leeway.code).toBe(2);
    expect(leeway.stderr).toContain('--leeway takes a number of seconds');
  });

  it('prints its help with --help', async () => {
    const result = await cli(['verify', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: livekit-server-api verify <token> [flags]');
    expect(result.stdout).toContain('--leeway <seconds>');
  });
});
