import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RoomConfiguration, RoomAgentDispatch, TrackSource, ParticipantInfo_Kind } from '@livekit/protocol';
import fc from 'fast-check';
import { AccessToken, TokenVerifier } from '../../src/token/index.js';
import { TRACK_SOURCES, VIDEO_GRANT_FIELD_TYPES } from '../../src/token/grants.js';

const KEY = 'api-key';
const SECRET = 'a-secret-of-reasonable-length-0123456789';
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

function decodePayload(token: string): Record<string, unknown> {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function decodeHeader(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('AccessToken', () => {
  it('returns the token as a string synchronously, and await still works', async () => {
    const at = new AccessToken(KEY, SECRET, { identity: 'alice' });
    const token = at.toJwt();
    expect(typeof token).toBe('string');
    expect(token.split('.')).toHaveLength(3);
    const awaited = await at.toJwt();
    expect(typeof awaited).toBe('string');
  });

  it('signs HS256 with iss = key, sub = identity and a 6 hour default lifetime', () => {
    const token = new AccessToken(KEY, SECRET, { identity: 'alice' }).toJwt();
    expect(decodeHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const payload = decodePayload(token);
    const now = NOW / 1000;
    expect(payload).toEqual({ iss: KEY, sub: 'alice', nbf: now, exp: now + 6 * 3600 });
  });

  it.each([
    ['10h', 36_000],
    ['2 days', 172_800],
    ['90s', 90],
    [3600, 3600],
    [1.9, 1],
  ] as const)('reads ttl %j as %d seconds', (ttl, seconds) => {
    const payload = decodePayload(new AccessToken(KEY, SECRET, { ttl }).toJwt());
    expect((payload['exp'] as number) - (payload['nbf'] as number)).toBe(seconds);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 0.5, '-1h', '500ms'])('refuses ttl %j with a RangeError', (ttl) => {
    expect(() => new AccessToken(KEY, SECRET, { ttl })).toThrow(RangeError);
  });

  it.each(['soon', '', '3600', 'h10'])('refuses the ttl string %j with a TypeError that suggests a form', (ttl) => {
    expect(() => new AccessToken(KEY, SECRET, { ttl })).toThrow(TypeError);
    expect(() => new AccessToken(KEY, SECRET, { ttl })).toThrow(/seconds|duration/);
  });

  it('explains that a unit-less ttl string needs a unit instead of reading it as milliseconds', () => {
    expect(() => new AccessToken(KEY, SECRET, { ttl: '3600' })).toThrow("'3600s'");
  });

  it('checks a ttl assigned after construction', () => {
    const at = new AccessToken(KEY, SECRET);
    expect(() => {
      at.ttl = -5;
    }).toThrow(RangeError);
    at.ttl = '1m';
    expect(at.ttl).toBe('1m');
  });

  it('falls back to LIVEKIT_API_KEY and LIVEKIT_API_SECRET, read at construction', () => {
    vi.stubEnv('LIVEKIT_API_KEY', 'env-key');
    vi.stubEnv('LIVEKIT_API_SECRET', 'env-secret');
    const token = new AccessToken(undefined, undefined, { identity: 'a' }).toJwt();
    expect(decodePayload(token)['iss']).toBe('env-key');
    expect(new TokenVerifier('env-key', 'env-secret').verifySync(token).sub).toBe('a');
  });

  it('names both environment variables when no key or secret is available', () => {
    vi.stubEnv('LIVEKIT_API_KEY', '');
    vi.stubEnv('LIVEKIT_API_SECRET', '');
    expect(() => new AccessToken()).toThrow(/LIVEKIT_API_KEY and LIVEKIT_API_SECRET/);
    expect(() => new AccessToken('only-key')).toThrow(/API secret/);
  });

  it('refuses a join grant without identity before signing', () => {
    const at = new AccessToken(KEY, SECRET);
    at.addGrant({ roomJoin: true, room: 'r' });
    expect(() => at.toJwt()).toThrow(TypeError);
    expect(() => at.toJwt()).toThrow(/identity/);
  });

  it('allows a token without identity when it does not join (server API tokens)', () => {
    const at = new AccessToken(KEY, SECRET);
    at.addGrant({ roomCreate: true, roomList: true });
    expect(decodePayload(at.toJwt())).not.toHaveProperty('sub');
  });

  it('writes every grant claim under its exact JSON name', () => {
    const at = new AccessToken(KEY, SECRET, {
      identity: 'bob',
      name: 'Bob',
      metadata: '{"role":"host"}',
      attributes: { team: 'blue' },
      kind: 'agent',
    });
    at.addGrant({
      roomCreate: true,
      roomList: true,
      roomRecord: true,
      roomAdmin: true,
      roomJoin: true,
      room: 'r1',
      canPublish: true,
      canSubscribe: false,
      canPublishData: true,
      canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE, TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO],
      canUpdateOwnMetadata: true,
      ingressAdmin: true,
      hidden: false,
      recorder: true,
      agent: true,
      canSubscribeMetrics: true,
      canManageAgentSession: true,
      destinationRoom: 'r2',
    });
    at.addSIPGrant({ admin: true, call: true });
    at.addAgentGrant({ admin: true });
    at.addInferenceGrant({ perform: true });
    at.addObservabilityGrant({ write: true });
    at.kindDetails = ['cloud_agent', 1];
    at.sha256 = 'abc=';
    at.roomPreset = 'preset-1';
    const payload = decodePayload(at.toJwt());
    expect(payload).toMatchObject({
      name: 'Bob',
      metadata: '{"role":"host"}',
      attributes: { team: 'blue' },
      kind: 'agent',
      kindDetails: ['cloud_agent', 'forwarded'],
      sha256: 'abc=',
      roomPreset: 'preset-1',
      sip: { admin: true, call: true },
      agent: { admin: true },
      inference: { perform: true },
      observability: { write: true },
      video: {
        roomCreate: true,
        roomList: true,
        roomRecord: true,
        roomAdmin: true,
        roomJoin: true,
        room: 'r1',
        canPublish: true,
        canSubscribe: false,
        canPublishData: true,
        canPublishSources: ['camera', 'microphone', 'screen_share', 'screen_share_audio'],
        canUpdateOwnMetadata: true,
        ingressAdmin: true,
        hidden: false,
        recorder: true,
        agent: true,
        canSubscribeMetrics: true,
        canManageAgentSession: true,
        destinationRoom: 'r2',
      },
    });
  });

  it('accepts track sources by name and emits names', () => {
    const at = new AccessToken(KEY, SECRET, { identity: 'a' });
    at.addGrant({ canPublishSources: ['camera', 'SCREEN_SHARE' as 'screen_share'] });
    expect((decodePayload(at.toJwt())['video'] as Record<string, unknown>)['canPublishSources']).toEqual([
      'camera',
      'screen_share',
    ]);
  });

  it.each([0, 5, 'webcam', 1.5])('refuses the unknown track source %j', (source) => {
    const at = new AccessToken(KEY, SECRET);
    expect(() => at.addGrant({ canPublishSources: [source as TrackSource] })).toThrow(TypeError);
  });

  it('maps ParticipantInfo_Kind numbers to lower-case kind names', () => {
    expect(new AccessToken(KEY, SECRET, { kind: ParticipantInfo_Kind.SIP }).kind).toBe('sip');
    expect(new AccessToken(KEY, SECRET, { kind: ParticipantInfo_Kind.BRIDGE }).kind).toBe('bridge');
    expect(new AccessToken(KEY, SECRET, { kind: 'EGRESS' as 'egress' }).kind).toBe('egress');
    expect(() => new AccessToken(KEY, SECRET, { kind: 5 })).toThrow(TypeError);
  });

  it('never mutates the grant objects it is given, and signs twice alike', () => {
    const grant = { roomJoin: true, room: 'r', canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE] };
    const snapshot = structuredClone(grant);
    const at = new AccessToken(KEY, SECRET, { identity: 'a' });
    at.addGrant(grant);
    const first = at.toJwt();
    const second = at.toJwt();
    expect(grant).toEqual(snapshot);
    expect(decodePayload(first)).toEqual(decodePayload(second));
    const verifier = new TokenVerifier(KEY, SECRET);
    expect(verifier.verifySync(first).video?.canPublishSources).toEqual(['camera', 'microphone']);
    expect(verifier.verifySync(second).video?.canPublishSources).toEqual(['camera', 'microphone']);
  });

  it('copies a grant at addGrant: later changes to the caller object do not reach the token', () => {
    const grant: Record<string, unknown> = { roomJoin: true, room: 'r' };
    const at = new AccessToken(KEY, SECRET, { identity: 'a' });
    at.addGrant(grant);
    grant['room'] = 'other';
    grant['roomAdmin'] = true;
    expect(decodePayload(at.toJwt())['video']).toEqual({ roomJoin: true, room: 'r' });
  });

  it('refuses a "__proto__" member of a parsed grant as an unknown field, never reading it as a prototype', () => {
    const grant = JSON.parse('{"room":"r","__proto__":{"roomAdmin":true}}') as Record<string, unknown>;
    const at = new AccessToken(KEY, SECRET, { identity: 'a' });
    expect(() => at.addGrant(grant)).toThrow('video grant has an unknown field "__proto__"');
    expect(decodePayload(at.toJwt())['video']).toBeUndefined();
  });

  it.each([
    ['canPublsh', () => new AccessToken(KEY, SECRET).addGrant({ canPublsh: true } as never), 'did you mean canPublish?'],
    ['roomadmin', () => new AccessToken(KEY, SECRET).addGrant({ roomadmin: true } as never), 'did you mean roomAdmin?'],
    ['toString', () => new AccessToken(KEY, SECRET).addGrant({ toString: true } as never), 'unknown field "toString"'],
    ['sip.admn', () => new AccessToken(KEY, SECRET).addSIPGrant({ admn: true } as never), 'did you mean admin?'],
    ['agent.bogus', () => new AccessToken(KEY, SECRET).addAgentGrant({ bogus: true } as never), 'its fields are admin, createSimulation'],
  ])('refuses the unknown grant field %s from JavaScript before signing, with a hint', (_name, add, hint) => {
    expect(add).toThrow(TypeError);
    expect(add).toThrow(hint);
  });

  it('does not let later changes to the caller objects leak into the token', () => {
    const attributes: Record<string, string> = { a: '1' };
    const at = new AccessToken(KEY, SECRET, { identity: 'a', attributes });
    attributes['b'] = '2';
    expect(decodePayload(at.toJwt())['attributes']).toEqual({ a: '1' });
  });

  it('merges grants added in several calls', () => {
    const at = new AccessToken(KEY, SECRET, { identity: 'a' });
    at.addGrant({ roomJoin: true, room: 'r' });
    at.addGrant({ canPublish: false });
    at.addSIPGrant({ admin: true });
    at.addSIPGrant({ call: true });
    const payload = decodePayload(at.toJwt());
    expect(payload['video']).toEqual({ roomJoin: true, room: 'r', canPublish: false });
    expect(payload['sip']).toEqual({ admin: true, call: true });
  });

  it('refuses a non-string attribute value, naming the attribute', () => {
    expect(() => new AccessToken(KEY, SECRET, { attributes: { age: 42 as unknown as string } })).toThrow(/"age"/);
  });

  it.each([
    [{ roomJoin: 'yes' }, /roomJoin must be true or false/],
    [{ room: 42 }, /room must be a string/],
    [{ canPublishSources: 'camera' }, /must be an array/],
  ])('refuses a video grant with a wrongly typed field %j', (grant, message) => {
    const at = new AccessToken(KEY, SECRET);
    expect(() => at.addGrant(grant as never)).toThrow(message);
  });

  it('serialises a RoomConfiguration message as camelCase protojson', () => {
    const at = new AccessToken(KEY, SECRET, { identity: 'a' });
    at.roomConfig = new RoomConfiguration({
      name: 'cfg',
      emptyTimeout: 600,
      maxParticipants: 20,
      agents: [new RoomAgentDispatch({ agentName: 'helper', metadata: 'm' })],
    });
    const roomConfig = decodePayload(at.toJwt())['roomConfig'] as Record<string, unknown>;
    expect(roomConfig).toMatchObject({ name: 'cfg', emptyTimeout: 600, maxParticipants: 20 });
    expect(roomConfig['agents']).toEqual([expect.objectContaining({ agentName: 'helper', metadata: 'm' })]);
    expect(Object.keys(roomConfig).every((key) => !key.includes('_'))).toBe(true);
  });

  it('passes a plain protojson roomConfig through unchanged', () => {
    const at = new AccessToken(KEY, SECRET, { identity: 'a' });
    const config = { name: 'cfg', emptyTimeout: 600, agents: [{ agentName: 'helper' }] };
    at.roomConfig = config;
    expect(decodePayload(at.toJwt())['roomConfig']).toEqual(config);
  });

  it('keeps the secret out of util.inspect and JSON.stringify', () => {
    const at = new AccessToken(KEY, SECRET, { identity: 'alice' });
    at.addGrant({ roomJoin: true, room: 'r' });
    const token = at.toJwt();
    for (const text of [inspect(at, { depth: 10, showHidden: true }), JSON.stringify(at), String(at)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(token);
    }
    expect(inspect(at)).toContain('alice');
  });

  it('keeps the secret out of every error it throws', () => {
    const at = new AccessToken(KEY, SECRET);
    at.addGrant({ roomJoin: true });
    const errors: unknown[] = [];
    for (const action of [
      () => at.toJwt(),
      () => at.addGrant({ canPublishSources: ['webcam' as never] }),
      () => new AccessToken(KEY, SECRET, { ttl: 'forever' }),
    ]) {
      try {
        action();
      } catch (error) {
        errors.push(error);
      }
    }
    expect(errors).toHaveLength(3);
    for (const error of errors) expect(inspect(error)).not.toContain(SECRET);
  });

  it('exposes what it will sign through toClaims without signing', () => {
    const at = new AccessToken(KEY, SECRET, { identity: 'a', ttl: 60 });
    expect(at.toClaims(1000)).toEqual({ iss: KEY, sub: 'a', nbf: 1000, exp: 1060 });
  });
});

// toJwt() writes its claims to JSON by hand (toClaims() parses that same JSON, so it cannot
// be the oracle): the bytes signed must be exactly JSON.stringify of the claims built here,
// independently, from the generated inputs, whatever they hold: escapes, numbers, member order.
describe('the payload toJwt signs', () => {
  const text = fc.string({ unit: 'binary', maxLength: 12 });
  const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
  const grantFields = Object.keys(VIDEO_GRANT_FIELD_TYPES) as (keyof typeof VIDEO_GRANT_FIELD_TYPES)[];
  const videoGrant = fc.record(
    Object.fromEntries(
      grantFields.map((field) => [
        field,
        field === 'canPublishSources'
          ? fc.subarray([...TRACK_SOURCES])
          : VIDEO_GRANT_FIELD_TYPES[field] === 'boolean'
            ? fc.boolean()
            : text,
      ]),
    ),
    { requiredKeys: [] },
  );
  const tokenSetup = fc.record({
    identity: optional(text.filter((identity) => identity !== '')),
    name: optional(text),
    metadata: optional(text),
    attributes: optional(fc.dictionary(text, text, { maxKeys: 4 })),
    kind: optional(fc.constantFrom('standard', 'agent', 'sip', 'egress', 'ingress')),
    video: optional(videoGrant),
    sip: optional(fc.record({ admin: fc.boolean(), call: fc.boolean() }, { requiredKeys: [] })),
    agent: optional(fc.record({ admin: fc.boolean() }, { requiredKeys: [] })),
    sha256: optional(text),
    roomPreset: optional(text),
    roomConfig: optional(fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 })),
  });

  it('is JSON.stringify of the claims the inputs call for, for any token', () => {
    fc.assert(
      fc.property(tokenSetup, (setup) => {
        const at = new AccessToken(KEY, SECRET, {
          ...(setup.identity !== undefined && { identity: setup.identity }),
          ...(setup.name !== undefined && { name: setup.name }),
          ...(setup.metadata !== undefined && { metadata: setup.metadata }),
          ...(setup.attributes !== undefined && { attributes: setup.attributes }),
          ...(setup.kind !== undefined && { kind: setup.kind }),
        });
        const video = setup.video === undefined ? undefined : { ...setup.video, ...(setup.identity === undefined && { roomJoin: false }) };
        if (video !== undefined) at.addGrant(video);
        if (setup.sip !== undefined) at.addSIPGrant(setup.sip);
        if (setup.agent !== undefined) at.addAgentGrant(setup.agent);
        if (setup.sha256 !== undefined) at.sha256 = setup.sha256;
        if (setup.roomPreset !== undefined) at.roomPreset = setup.roomPreset;
        if (setup.roomConfig !== undefined) at.roomConfig = setup.roomConfig;
        const nowSeconds = NOW / 1000;
        // The member order of livekit-server-sdk's tokens; absent inputs are absent claims.
        const expected = {
          ...(setup.name !== undefined && { name: setup.name }),
          ...(setup.metadata !== undefined && { metadata: setup.metadata }),
          ...(setup.attributes !== undefined && { attributes: setup.attributes }),
          ...(setup.kind !== undefined && { kind: setup.kind }),
          ...(video !== undefined && { video }),
          ...(setup.sip !== undefined && { sip: setup.sip }),
          ...(setup.agent !== undefined && { agent: setup.agent }),
          ...(setup.sha256 !== undefined && { sha256: setup.sha256 }),
          ...(setup.roomPreset !== undefined && { roomPreset: setup.roomPreset }),
          ...(setup.roomConfig !== undefined && { roomConfig: setup.roomConfig }),
          iss: KEY,
          exp: nowSeconds + 6 * 3600,
          nbf: nowSeconds,
          ...(setup.identity !== undefined && { sub: setup.identity }),
        };
        const [, payload] = at.toJwt().split('.');
        expect(Buffer.from(payload!, 'base64url').toString('utf8')).toBe(JSON.stringify(expected));
      }),
      { numRuns: 1500 },
    );
  });

  it('is JSON.stringify(toClaims()) for a RoomConfiguration message and kind details', () => {
    const at = new AccessToken(KEY, SECRET, { identity: 'agent-1', kind: ParticipantInfo_Kind.AGENT });
    at.kindDetails = ['cloud_agent', 'forwarded'];
    at.roomConfig = new RoomConfiguration({ name: 'r', emptyTimeout: 30, agents: [new RoomAgentDispatch({ agentName: 'a' })] });
    at.addInferenceGrant({ perform: true });
    at.addObservabilityGrant({ write: true });
    const [, payload] = at.toJwt().split('.');
    expect(Buffer.from(payload!, 'base64url').toString('utf8')).toBe(JSON.stringify(at.toClaims(NOW / 1000)));
  });
});
