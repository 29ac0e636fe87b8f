// A secret passed where another argument belongs must not come back in the error message:
// messages go to logs. Each case is a habit from another library or a slip of the fingers.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccessToken, TokenVerifier } from '../../src/token/index.js';
import { signWebhook, WebhookReceiver } from '../../src/webhook/index.js';

const KEY = 'APIkey123';
const SECRET = 'Zx81sEcReTvAlUe4u7Qm2LkP9wNbVcXz0aSdFgHjKl';

/** The message of what `run` throws or rejects with. */
async function messageOf(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a failure');
}

const slips: Array<[string, () => unknown]> = [
  ['verify(token, secret), the jsonwebtoken habit', () => new TokenVerifier(KEY, 'other-secret-0123456789').verify('x.y.z', SECRET)],
  ['receive(body, auth, secret)', () => new WebhookReceiver(KEY, 'other-secret-0123456789').receive('{}', 'x.y.z', SECRET as never)],
  ['new AccessToken(key, secret, secret)', () => new AccessToken(KEY, SECRET, SECRET as never)],
  ['{ ttl: secret }', () => new AccessToken(KEY, SECRET, { ttl: SECRET })],
  ['signWebhook(event, secret)', () => signWebhook({ event: 'room_started' }, SECRET as never)],
  ['new WebhookReceiver(key, secret, secret)', () => new WebhookReceiver(KEY, SECRET, SECRET as never)],
  ['new TokenVerifier(key, secret, { leewaySeconds: secret })', () => new TokenVerifier(KEY, SECRET, { leewaySeconds: SECRET as never })],
];

describe('a secret in the wrong argument', () => {
  it.each(slips)('%s: fails without echoing any of it', async (_name, run) => {
    const message = await messageOf(run);
    expect(message).not.toContain(SECRET.slice(0, 6));
    expect(message).toMatch(/string of 42 characters/);
  });
});

describe('TokenVerifier and WebhookReceiver without arguments', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('fall back to LIVEKIT_API_KEY and LIVEKIT_API_SECRET, as AccessToken does', async () => {
    vi.stubEnv('LIVEKIT_API_KEY', KEY);
    vi.stubEnv('LIVEKIT_API_SECRET', SECRET);
    const token = new AccessToken(undefined, undefined, { identity: 'alice' }).toJwt();
    expect(new TokenVerifier().apiKeys).toEqual([KEY]);
    expect((await new TokenVerifier().verify(token)).sub).toBe('alice');
    expect(new WebhookReceiver().apiKeys).toEqual([KEY]);
  });

  it('name the class that was constructed and the variables when the key is missing', () => {
    vi.stubEnv('LIVEKIT_API_KEY', '');
    vi.stubEnv('LIVEKIT_API_SECRET', '');
    expect(() => new WebhookReceiver(undefined, 'secret')).toThrow(
      /^WebhookReceiver needs an API key: .*LIVEKIT_API_KEY and LIVEKIT_API_SECRET/,
    );
    expect(() => new TokenVerifier()).toThrow(/^TokenVerifier needs an API key and API secret/);
    expect(() => new WebhookReceiver(null as never)).toThrow(/^WebhookReceiver expects/);
  });
});

describe('TokenVerifier.verify', () => {
  it('accepts a whole "Bearer <token>" header value', async () => {
    const token = new AccessToken(KEY, SECRET, { identity: 'bob' }).toJwt();
    const verifier = new TokenVerifier(KEY, SECRET);
    expect((await verifier.verify(`Bearer ${token}`)).sub).toBe('bob');
    expect(verifier.verifySync(`bearer   ${token}`).sub).toBe('bob');
  });
});
