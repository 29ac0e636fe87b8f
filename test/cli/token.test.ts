// `livekit-server-api token`, run in-process: what it mints for each flag, which keys it
// signs with, and how it refuses a wrong command line.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as peer from 'livekit-server-sdk';
import { TrackSource } from '@livekit/protocol';
import { TokenVerifier } from '../../src/token/index.js';
import { cli, decodePayload } from './helpers.js';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const NOW_S = NOW / 1000;
const ENV = { LIVEKIT_API_KEY: 'env-key', LIVEKIT_API_SECRET: 'env-secret-0123456789abcdefghijklmnop' };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs `token` with the env keys and returns the payload of what it printed. */
async function mint(...argv: string[]): Promise<Record<string, unknown>> {
  const result = await cli(['token', ...argv], { env: ENV });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return decodePayload(result.stdout.trim());
}

describe('token: the everyday join token', () => {
  it('prints only the token and a newline, signed with the dev keys when none are set, and says so on stderr', async () => {
    const result = await cli(['token', '--room', 'demo', '--identity', 'alice']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(result.stderr).toContain('devkey');
    expect(result.stderr).toContain('livekit-server --dev');
    const claims = new TokenVerifier('devkey', 'secret').verifySync(result.stdout.trim());
    expect(claims.iss).toBe('devkey');
    expect(claims.sub).toBe('alice');
    expect(claims.video).toEqual({ room: 'demo', roomJoin: true });
    expect(claims.exp).toBe(NOW_S + 6 * 3600);
    expect(claims.nbf).toBe(NOW_S);
  });

  it('signs with LIVEKIT_API_KEY / LIVEKIT_API_SECRET without a notice', async () => {
    const result = await cli(['token', '--room', 'demo', '--identity', 'alice'], { env: ENV });
    expect(result.stderr).toBe('');
    const claims = new TokenVerifier(ENV.LIVEKIT_API_KEY, ENV.LIVEKIT_API_SECRET).verifySync(result.stdout.trim());
    expect(claims.iss).toBe('env-key');
  });

  it('prefers --api-key / --api-secret over the environment', async () => {
    const secret = 'flag-secret-0123456789abcdefghijklmnop';
    const result = await cli(['token', '--room', 'r', '--identity', 'i', '--api-key', 'flag-key', '--api-secret', secret], {
      env: ENV,
    });
    expect(result.code).toBe(0);
    expect(new TokenVerifier('flag-key', secret).verifySync(result.stdout.trim()).iss).toBe('flag-key');
  });

  it('takes the key from a flag and the secret from the environment', async () => {
    const result = await cli(['token', '--room', 'r', '--identity', 'i', '--api-key', 'flag-key'], {
      env: { LIVEKIT_API_SECRET: ENV.LIVEKIT_API_SECRET },
    });
    expect(result.code).toBe(0);
    expect(new TokenVerifier('flag-key', ENV.LIVEKIT_API_SECRET).verifySync(result.stdout.trim()).iss).toBe('flag-key');
  });

  it('refuses half a key pair instead of mixing it with the dev keys, without echoing the secret', async () => {
    const secret = 'half-pair-secret-0123456789abcdefghij';
    const noKey = await cli(['token', '--room', 'r', '--identity', 'i', '--api-secret', secret]);
    expect(noKey.code).toBe(2);
    expect(noKey.stdout).toBe('');
    expect(noKey.stderr).toContain('--api-key');
    expect(noKey.stderr).toContain('LIVEKIT_API_KEY');
    expect(noKey.stderr).not.toContain(secret);
    const noSecret = await cli(['token', '--room', 'r', '--identity', 'i'], { env: { LIVEKIT_API_KEY: 'k' } });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('LIVEKIT_API_SECRET');
  });

  it('never prints the secret, in the token output or with --json', async () => {
    const secret = 'do-not-print-me-0123456789abcdefghij';
    for (const extra of [[], ['--json']]) {
      const result = await cli(['token', '--room', 'r', '--identity', 'i', '--api-key', 'k', '--api-secret', secret, ...extra]);
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr).not.toContain(secret);
    }
  });

  it('with --json prints the token and exactly the claims it carries', async () => {
    const result = await cli(['token', '--room', 'demo', '--identity', 'alice', '--name', 'Alice', '--json'], { env: ENV });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { token: string; claims: Record<string, unknown> };
    expect(Object.keys(printed).sort()).toEqual(['claims', 'token']);
    expect(printed.claims).toEqual(decodePayload(printed.token));
    expect(printed.claims).toMatchObject({ sub: 'alice', name: 'Alice', iss: 'env-key', video: { roomJoin: true, room: 'demo' } });
  });
});

describe('token: claims from flags', () => {
  it('sets name, metadata, kind and attributes (key=value repeated, or a JSON object)', async () => {
    const claims = await mint(
      '--room', 'r', '--identity', 'bot', '--name', 'Bot', '--metadata', '{"v":1}', '--kind', 'agent',
      '--attributes', 'team=blue', '--attributes', 'expr=a=b', '--attribute', '{"role":"host"}',
    );
    expect(claims).toMatchObject({ name: 'Bot', metadata: '{"v":1}', kind: 'agent' });
    expect(claims['attributes']).toEqual({ team: 'blue', expr: 'a=b', role: 'host' });
  });

  it('reads --ttl as seconds when bare and as a duration otherwise', async () => {
    const seconds = await mint('--room', 'r', '--identity', 'i', '--ttl', '90');
    expect((seconds['exp'] as number) - (seconds['nbf'] as number)).toBe(90);
    const duration = await mint('--room', 'r', '--identity', 'i', '--ttl', '30m');
    expect((duration['exp'] as number) - (duration['nbf'] as number)).toBe(1800);
    const words = await mint('--room', 'r', '--identity', 'i', '--ttl', '2 days');
    expect((words['exp'] as number) - (words['nbf'] as number)).toBe(2 * 86400);
  });

  it('shapes the join token with participant permissions, negated with --no- or =false', async () => {
    const claims = await mint(
      '--room', 'r', '--identity', 'viewer', '--no-can-publish', '--can-subscribe', '--can-publish-data=false',
      '--can-update-metadata', '--hidden',
    );
    expect(claims['video']).toEqual({
      room: 'r',
      roomJoin: true,
      canPublish: false,
      canSubscribe: true,
      canPublishData: false,
      canUpdateOwnMetadata: true,
      hidden: true,
    });
  });

  it('lists --sources by name, comma-separated or repeated, deduplicated', async () => {
    const claims = await mint('--room', 'r', '--identity', 'i', '--sources', 'camera,microphone', '--sources', 'screen-share,camera');
    expect((claims['video'] as Record<string, unknown>)['canPublishSources']).toEqual(['camera', 'microphone', 'screen_share']);
  });

  it('mints an API token without a join for --room-admin, and needs no identity for it', async () => {
    const claims = await mint('--room', 'demo', '--room-admin');
    expect(claims['video']).toEqual({ room: 'demo', roomAdmin: true });
    expect(claims['sub']).toBeUndefined();
  });

  it('keeps the join when --room-join is asked for next to an API permission', async () => {
    const claims = await mint('--room', 'demo', '--identity', 'mod', '--room-join', '--room-admin');
    expect(claims['video']).toEqual({ room: 'demo', roomJoin: true, roomAdmin: true });
  });

  it('grants room creation, listing, recording and ingress without a room', async () => {
    const claims = await mint('--room-create', '--room-list', '--room-record', '--ingress-admin');
    expect(claims['video']).toEqual({ roomCreate: true, roomList: true, roomRecord: true, ingressAdmin: true });
  });

  it('puts --sip-admin/--sip-call, --agent-admin, --inference and --observability in their own claims', async () => {
    const claims = await mint('--sip-admin', '--sip-call', '--agent-admin', '--inference', '--observability');
    expect(claims['sip']).toEqual({ admin: true, call: true });
    expect(claims['agent']).toEqual({ admin: true });
    expect(claims['inference']).toEqual({ perform: true });
    expect(claims['observability']).toEqual({ write: true });
    expect(claims['video']).toBeUndefined();
  });

  it('takes a whole video grant from --grant, with flags overriding it and --room filling its room', async () => {
    const claims = await mint('--grant', '{"roomAdmin":true,"canPublish":true}', '--room', 'demo', '--no-can-publish');
    expect(claims['video']).toEqual({ roomAdmin: true, canPublish: false, room: 'demo' });
  });

  it('passes --room-config through as the roomConfig claim', async () => {
    const claims = await mint('--room', 'r', '--identity', 'i', '--room-config', '{"agents":[{"agentName":"helper"}]}');
    expect(claims['roomConfig']).toEqual({ agents: [{ agentName: 'helper' }] });
  });

  it('mints the same claims as livekit-server-sdk for the same inputs (time claims aside)', async () => {
    const cases: { argv: string[]; build: (at: peer.AccessToken) => void; options: peer.AccessTokenOptions }[] = [
      {
        argv: ['--room', 'r1', '--identity', 'alice'],
        options: { identity: 'alice' },
        build: (at) => at.addGrant({ roomJoin: true, room: 'r1' }),
      },
      {
        argv: ['--room', 'r1', '--identity', 'v', '--name', 'V', '--no-can-publish', '--sources', 'camera,microphone', '--attributes', 'k=v'],
        options: { identity: 'v', name: 'V', attributes: { k: 'v' } },
        build: (at) => at.addGrant({ roomJoin: true, room: 'r1', canPublish: false, canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE] }),
      },
      {
        argv: ['--room', 'r2', '--room-admin', '--room-list', '--sip-call'],
        options: {},
        build: (at) => {
          at.addGrant({ roomAdmin: true, roomList: true, room: 'r2' });
          at.addSIPGrant({ call: true });
        },
      },
    ];
    for (const c of cases) {
      const ours = await mint(...c.argv);
      const at = new peer.AccessToken(ENV.LIVEKIT_API_KEY, ENV.LIVEKIT_API_SECRET, c.options);
      c.build(at);
      const theirs = decodePayload(await at.toJwt());
      const strip = ({ exp: _e, nbf: _n, iat: _i, jti: _j, ...rest }: Record<string, unknown>) => rest;
      expect(strip(ours)).toEqual(strip(theirs));
    }
  });
});

describe('token: a wrong command line exits 2 and says what to pass', () => {
  const cases: [string, string[], RegExp][] = [
    ['nothing to grant', [], /--room <name> --identity <id>/],
    ['a room without identity', ['--room', 'demo'], /needs --identity/],
    ['an identity without room', ['--identity', 'alice'], /needs --room/],
    ['--room-admin without a room', ['--room-admin'], /--room-admin applies to one room: add --room/],
    ['a misspelled flag', ['--romo', 'demo', '--identity', 'a'], /unknown flag --romo for 'token'; did you mean --room\?/],
    ['a flag without its value at the end', ['--identity', 'a', '--room'], /--room needs a value <name>/],
    ['a flag followed by another flag', ['--room', '--identity', 'a'], /--room needs a value.*--room=<value>/],
    ['a switch with a value after a space', ['--room', 'r', '--identity', 'a', '--can-publish', 'false'], /--can-publish=false/],
    ['a switch with a bad value', ['--room', 'r', '--identity', 'a', '--can-publish=maybe'], /--can-publish is a switch/],
    ['a ttl that is not a duration', ['--room', 'r', '--identity', 'a', '--ttl', 'soon'], /--ttl \(a value of 4 characters \(not shown\)\) is not a lifetime.*30m/],
    ['a zero ttl', ['--room', 'r', '--identity', 'a', '--ttl', '0'], /--ttl \(a value of 1 character/],
    ['an unknown track source', ['--room', 'r', '--identity', 'a', '--sources', 'camera,webcam'], /a value of 6 characters \(not shown\) is not a track source; use .*screen_share_audio/],
    ['an unknown kind', ['--room', 'r', '--identity', 'a', '--kind', 'robot'], /--kind \(a value of 5 characters \(not shown\)\) is not a participant kind; use one of standard, agent/],
    ['an attribute without =', ['--room', 'r', '--identity', 'a', '--attributes', 'team'], /--attributes takes key=value/],
    ['an attribute JSON with a number', ['--room', 'r', '--identity', 'a', '--attributes', '{"n":1}'], /"n" must be a string/],
    ['--grant that is not JSON', ['--grant', '{roomAdmin:true}'], /--grant is not valid JSON/],
    ['--grant that is an array', ['--grant', '[]'], /--grant must be a JSON object/],
    ['--grant with a misspelled field', ['--grant', '{"roomadmin":true,"room":"r"}'], /unknown field "roomadmin"; did you mean "roomAdmin"\?/],
    ['--grant given the whole claims', ['--grant', '{"video":{"roomAdmin":true}}'], /takes the video grant itself/],
    ['--grant with a wrong type', ['--grant', '{"roomAdmin":"yes","room":"r"}'], /roomAdmin must be true or false/],
    ['--room that contradicts --grant', ['--grant', '{"roomAdmin":true,"room":"a"}', '--room', 'b'], /differ/],
    ['a positional argument', ['demo'], /'token' takes no arguments/],
  ];
  for (const [name, argv, message] of cases) {
    it(`refuses ${name}`, async () => {
      // No keys set: a wrong command line gets the error alone, not the dev-key notice too.
      const result = await cli(['token', ...argv]);
      expect(result.stderr).not.toContain('devkey');
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain("Run 'livekit-server-api token --help' for usage.");
    });
  }
});

describe('token --help', () => {
  it('prints usage, every grant flag and examples on stdout and exits 0', async () => {
    for (const argv of [['token', '--help'], ['token', '-h'], ['help', 'token']]) {
      const result = await cli(argv);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain('Usage: livekit-server-api token --room <name> --identity <id>');
      for (const flag of ['--[no-]can-publish', '--[no-]room-admin', '--sources <list>', '--grant <json>', '--api-key <key>', '--json']) {
        expect(result.stdout).toContain(flag);
      }
      expect(result.stdout).toContain('$ livekit-server-api token --room demo --identity alice');
    }
  });

  it('fits help lines in 80 columns, examples aside', async () => {
    const { stdout } = await cli(['token', '--help']);
    const long = stdout.split('\n').filter((line) => line.length > 80 && !line.startsWith('  $ '));
    expect(long).toEqual([]);
  });
});
