// Authentication and grants, both failure styles exactly as CONTRACT.md §2 describes them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AccessToken } from 'livekit-server-sdk';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { call, KEY, SECRET, signJwt } from './helpers.js';

const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const NOW = NOW_MS / 1000;
const OTHER_KEY = 'APIotherkey';
const OTHER_SECRET = 'another-secret-of-reasonable-length-98765';

let lk: TestServer;
beforeAll(async () => {
  lk = await startTestServer({ keys: { [KEY]: SECRET, [OTHER_KEY]: OTHER_SECRET }, now: () => NOW_MS });
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

const listRooms = (authorization?: string | null) =>
  call(lk, 'ListRooms', '{}', authorization === null ? { token: null } : authorization === undefined ? {} : { authorization });

function expectTwirpDenied(answer: Awaited<ReturnType<typeof call>>): void {
  expect(answer.status).toBe(401);
  expect(answer.contentType).toBe('application/json');
  expect(answer.json()).toEqual({ code: 'unauthenticated', msg: 'permissions denied' });
}

function expectPlain401(answer: Awaited<ReturnType<typeof call>>, pattern: RegExp): void {
  expect(answer.status).toBe(401);
  expect(answer.contentType).toMatch(/^text\/plain/);
  expect(answer.text).toMatch(pattern);
  expect(() => JSON.parse(answer.text)).toThrow();
}

describe('Twirp JSON 401 "permissions denied"', () => {
  it('answers a call without a token', async () => {
    expectTwirpDenied(await listRooms(null));
  });


  it('answers a valid token that lacks the grant', async () => {
    const token = signJwt({ iss: KEY, exp: NOW + 60, video: { roomCreate: true } }, SECRET);
    expectTwirpDenied(await listRooms(`Bearer ${token}`));
    expect(lk.requests[0]?.claims?.video?.roomCreate).toBe(true);
    expect(lk.requests[0]?.authError).toBeUndefined();
  });

  it('requires the grant to be exactly true, not truthy', async () => {
    const token = signJwt({ iss: KEY, exp: NOW + 60, video: { roomList: 'yes' } }, SECRET);
    expectTwirpDenied(await listRooms(`Bearer ${token}`));
  });
});

describe('plain-text 401 for a bad token', () => {
  it('answers a header without "Bearer "', async () => {
    const token = signJwt({ iss: KEY, exp: NOW + 60, video: { roomList: true } }, SECRET);
    expectPlain401(await listRooms(token), /^invalid authorization header\. Must start with Bearer \n$/);
    expectPlain401(await listRooms(`bearer ${token}`), /Must start with Bearer/);
    expect(lk.requests[0]?.authError).toBe('missing_bearer_prefix');
  });

  it('answers "Bearer " with nothing after it as a bad header (HTTP trims the trailing space)', async () => {
    expectPlain401(await listRooms('Bearer '), /Must start with Bearer/);
  });

  it.each([
    ['an unparsable token', 'Bearer not-a-jwt', 'token_malformed'],
    ['three garbage parts', 'Bearer a.b.c', 'token_malformed'],
  ])('answers %s', async (_what, header, code) => {
    expectPlain401(await listRooms(header), /^invalid authorization token: /);
    expect(lk.requests[0]?.authError).toBe(code);
  });

  it('answers a bad signature', async () => {
    const token = signJwt({ iss: KEY, exp: NOW + 60, video: { roomList: true } }, 'some-other-secret');
    expectPlain401(await listRooms(`Bearer ${token}`), /^invalid authorization token: .*signature is invalid/);
    expect(lk.requests[0]?.authError).toBe('token_bad_signature');
  });

  it('answers an expired token with the server wording', async () => {
    const token = signJwt({ iss: KEY, exp: NOW - 61, video: { roomList: true } }, SECRET);
    expectPlain401(
      await listRooms(`Bearer ${token}`),
      /^invalid authorization token: token has invalid claims: token is expired\n$/,
    );
    expect(lk.requests[0]?.authError).toBe('token_expired');
  });

  it('allows 60 s of leeway on exp and nbf', async () => {
    const late = signJwt({ iss: KEY, exp: NOW - 59, video: { roomList: true } }, SECRET);
    const early = signJwt({ iss: KEY, nbf: NOW + 59, exp: NOW + 600, video: { roomList: true } }, SECRET);
    expect((await listRooms(`Bearer ${late}`)).status).toBe(200);
    expect((await listRooms(`Bearer ${early}`)).status).toBe(200);
  });

  it('answers a token whose nbf is in the future', async () => {
    const token = signJwt({ iss: KEY, nbf: NOW + 120, exp: NOW + 600, video: { roomList: true } }, SECRET);
    expectPlain401(await listRooms(`Bearer ${token}`), /not valid yet/);
    expect(lk.requests[0]?.authError).toBe('token_not_yet_valid');
  });

  it('answers a token without exp', async () => {
    const token = signJwt({ iss: KEY, video: { roomList: true } }, SECRET);
    expectPlain401(await listRooms(`Bearer ${token}`), /exp/);
    expect(lk.requests[0]?.authError).toBe('token_missing_claim');
  });

  it('answers a token for an unknown API key', async () => {
    const token = signJwt({ iss: 'APIunknown', exp: NOW + 60, video: { roomList: true } }, SECRET);
    expectPlain401(await listRooms(`Bearer ${token}`), /^invalid authorization token: .*APIunknown/);
    expect(lk.requests[0]?.authError).toBe('token_unknown_key');
  });

  it.each(['HS384', 'HS512', 'none'])('answers a token signed with %s', async (alg) => {
    const token = signJwt({ iss: KEY, exp: NOW + 60, video: { roomList: true } }, SECRET, { alg, typ: 'JWT' });
    expectPlain401(await listRooms(`Bearer ${token}`), /^invalid authorization token: /);
    expect(lk.requests[0]?.authError).toBe('token_unsupported_algorithm');
  });

  it('rejects the CONTRACT.md expired vector as expired, not as a bad signature', async () => {
    const vectorServer = await startTestServer({
      keys: { APID3B67uxk4Nj2GKiRPibAZ9: 'YHC-CUhbQhGeVCaYgn1BNA++' },
      now: () => NOW_MS,
    });
    try {
      const token = signJwt(
        { iss: 'APID3B67uxk4Nj2GKiRPibAZ9', exp: 1608930308, video: { roomList: true } },
        'YHC-CUhbQhGeVCaYgn1BNA++',
      );
      expectPlain401(await call(vectorServer, 'ListRooms', '{}', { token }), /token is expired/);
      expect(vectorServer.requests[0]?.authError).toBe('token_expired');
    } finally {
      await vectorServer.close();
    }
  });

  it('checks the token before routing: a bad token on an unknown method is a plain 401', async () => {
    expectPlain401(await call(lk, 'NoSuchMethod', '{}', { authorization: 'Bearer x.y.z' }), /^invalid authorization token/);
  });

  it('never echoes the token in the answer', async () => {
    const token = signJwt({ iss: KEY, exp: NOW - 3600, video: { roomList: true } }, SECRET);
    const answer = await listRooms(`Bearer ${token}`);
    expect(answer.text).not.toContain(token.split('.')[2]);
  });
});

describe('keys', () => {
  it('accepts a token from any of its keys and picks the secret by iss', async () => {
    const a = signJwt({ iss: KEY, exp: NOW + 60, video: { roomList: true } }, SECRET);
    const b = signJwt({ iss: OTHER_KEY, exp: NOW + 60, video: { roomList: true } }, OTHER_SECRET);
    const crossed = signJwt({ iss: OTHER_KEY, exp: NOW + 60, video: { roomList: true } }, SECRET);
    expect((await listRooms(`Bearer ${a}`)).status).toBe(200);
    expect((await listRooms(`Bearer ${b}`)).status).toBe(200);
    expect((await listRooms(`Bearer ${crossed}`)).status).toBe(401);
    expect(lk.requests.map((r) => r.claims?.iss)).toEqual([KEY, OTHER_KEY, undefined]);
  });

  it('exposes the first key as apiKey/apiSecret', () => {
    expect([lk.apiKey, lk.apiSecret]).toEqual([KEY, SECRET]);
    expect(lk.keys).toEqual({ [KEY]: SECRET, [OTHER_KEY]: OTHER_SECRET });
  });

  it('generates a key pair by default, which tokens of livekit-server-sdk pass', async () => {
    const fresh = await startTestServer();
    try {
      expect(fresh.apiKey).toMatch(/^API\w+$/);
      expect(fresh.apiSecret.length).toBeGreaterThanOrEqual(32);
      const at = new AccessToken(fresh.apiKey, fresh.apiSecret, { ttl: '1m' });
      at.addGrant({ roomList: true });
      expect((await call(fresh, 'ListRooms', '{}', { token: await at.toJwt() })).status).toBe(200);
    } finally {
      await fresh.close();
    }
  });

  it('takes the token from the access_token query parameter too, as a server does', async () => {
    const token = signJwt({ iss: KEY, exp: NOW + 60, video: { roomList: true } }, SECRET);
    const answer = await call(lk, `/twirp/livekit.RoomService/ListRooms?access_token=${token}`, '{}', { token: null });
    expect(answer.status).toBe(200);
  });

  it('refuses keys without secrets', async () => {
    await expect(startTestServer({ keys: { k: '' } })).rejects.toThrow(TypeError);
    await expect(startTestServer({ keys: {} })).rejects.toThrow(RangeError);
  });
});

describe('grants per method (CONTRACT.md table)', () => {
  const token = (video: Record<string, unknown>) => signJwt({ iss: KEY, exp: NOW + 60, video }, SECRET);

  it.each([
    ['CreateRoom', '{"name":"r"}', { roomCreate: true }, { roomList: true, roomAdmin: true, room: 'r' }],
    ['DeleteRoom', '{"room":"r"}', { roomCreate: true }, { roomAdmin: true, room: 'r' }],
    ['ListRooms', '{}', { roomList: true }, { roomCreate: true, roomAdmin: true }],
  ])('%s needs exactly its grant', async (method, body, enough, notEnough) => {
    lk.seed.room('r');
    expectTwirpDenied(await call(lk, method, body, { token: token(notEnough) }));
    expect((await call(lk, method, body, { token: token(enough) })).status).toBe(200);
  });

  const adminMethods: [string, string][] = [
    ['ListParticipants', '{"room":"r"}'],
    ['GetParticipant', '{"room":"r","identity":"alice"}'],
    ['MutePublishedTrack', '{"room":"r","identity":"alice","track_sid":"TR_x","muted":true}'],
    ['UpdateParticipant', '{"room":"r","identity":"alice","metadata":"m"}'],
    ['UpdateSubscriptions', '{"room":"r","identity":"alice","track_sids":[],"subscribe":true}'],
    ['SendData', '{"room":"r","data":"AQ=="}'],
    ['UpdateRoomMetadata', '{"room":"r","metadata":"m"}'],
    ['PerformRpc', '{"room":"r","destination_identity":"alice","method":"m","payload":"p"}'],
    ['RemoveParticipant', '{"room":"r","identity":"alice"}'],
  ];

  it.each(adminMethods)('%s needs roomAdmin for the very room of the request', async (method, body) => {
    lk.seed.participant('r', { identity: 'alice', tracks: [{ sid: 'TR_x', source: 'microphone' }] });
    expectTwirpDenied(await call(lk, method, body, { token: token({ roomAdmin: true, room: 'other' }) }));
    expectTwirpDenied(await call(lk, method, body, { token: token({ roomAdmin: true }) }));
    expectTwirpDenied(await call(lk, method, body, { token: token({ room: 'r', roomCreate: true, roomList: true }) }));
    expectTwirpDenied(await call(lk, method, body, { token: null }));
    const allowed = await call(lk, method, body, { token: token({ roomAdmin: true, room: 'r' }) });
    expect(allowed.status, allowed.text).toBe(200);
  });

  it.each(['ForwardParticipant', 'MoveParticipant'])(
    '%s needs roomAdmin for the room and destinationRoom for the destination',
    async (method) => {
      const body = '{"room":"r","identity":"alice","destination_room":"d"}';
      lk.seed.participant('r', { identity: 'alice' });
      expectTwirpDenied(await call(lk, method, body, { token: token({ roomAdmin: true, room: 'r' }) }));
      expectTwirpDenied(
        await call(lk, method, body, { token: token({ roomAdmin: true, room: 'r', destinationRoom: 'elsewhere' }) }),
      );
      expectTwirpDenied(
        await call(lk, method, body, { token: token({ roomAdmin: true, room: 'x', destinationRoom: 'd' }) }),
      );
      const allowed = await call(lk, method, body, { token: token({ roomAdmin: true, room: 'r', destinationRoom: 'd' }) });
      expect(allowed.status, allowed.text).toBe(200);
    },
  );

  it('checks grants before looking at the state: not_found is never leaked to an unauthorised caller', async () => {
    expectTwirpDenied(await call(lk, 'DeleteRoom', '{"room":"missing"}', { token: token({ roomList: true }) }));
  });
});
