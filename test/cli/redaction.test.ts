// A secret typed into the wrong place on the command line must not be printed back, and the
// secret the CLI signs with is redacted from everything it prints.
import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

const SECRET = 'Zx81sEcReTvAlUe4u7Qm2LkP9wNbVcXz0aSdFgHjKl';
const ENV = { LIVEKIT_API_KEY: 'APIkey123', LIVEKIT_API_SECRET: 'the-env-secret-0123456789abcdef', LIVEKIT_URL: 'http://127.0.0.1:9' };

const misplaced: Array<[string, string[]]> = [
  ['--ttl', ['token', '--room', 'r', '--identity', 'a', '--ttl', SECRET]],
  ['--kind', ['token', '--room', 'r', '--identity', 'a', '--kind', SECRET]],
  ['--attributes', ['token', '--room', 'r', '--identity', 'a', '--attributes', SECRET]],
  ['--attributes as broken JSON', ['token', '--room', 'r', '--identity', 'a', '--attributes', `{${SECRET}`]],
  ['--leeway', ['verify', 'a.b.c', '--leeway', SECRET]],
  ['--url', ['rooms', 'list', '--url', SECRET]],
  ['--empty-timeout', ['rooms', 'create', 'x', '--empty-timeout', SECRET]],
  ['a positional argument', ['verify', 'a.b.c', SECRET]],
  ['an unknown flag', ['token', `-${SECRET}`]],
  ['an unknown command', [SECRET]],
  ['a switch value', ['token', '--room', 'r', '--identity', 'a', `--can-publish=${SECRET}`]],
];

describe('a secret typed into the wrong place', () => {
  it.each(misplaced)('in %s is described, not printed', async (_name, argv) => {
    const result = await cli(argv, { env: ENV });
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).not.toContain(SECRET.slice(0, 8));
  });
});

describe('the secret the CLI signs with', () => {
  it('is redacted from everything printed, from --api-secret and from LIVEKIT_API_SECRET', async () => {
    const viaFlag = await cli(['verify', SECRET, '--api-key', 'k', '--api-secret', SECRET], { env: {} });
    expect(viaFlag.stdout + viaFlag.stderr).not.toContain(SECRET);
    const viaEnv = await cli(['verify', ENV.LIVEKIT_API_SECRET], { env: ENV });
    expect(viaEnv.stdout + viaEnv.stderr).not.toContain(ENV.LIVEKIT_API_SECRET);
    // An identity equal to the secret is printed in the --json claims: redacted there too.
    const inline = await cli(['token', '--room', 'r', '--identity', SECRET, '--api-key', 'k', `--api-secret=${SECRET}`, '--json'], {
      env: {},
    });
    expect(inline.code).toBe(0);
    expect(inline.stdout).toContain('"sub": "[redacted]"');
    expect(inline.stdout + inline.stderr).not.toContain(SECRET);
  });
});
