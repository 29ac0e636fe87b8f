// Two independent implementations that agree are evidence: jose (pinned to HS256) and
// the official livekit-server-sdk check what we mint, and we check what they mint.
import { describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import * as peer from 'livekit-server-sdk';
import { RoomAgentDispatch, RoomConfiguration, TrackSource } from '@livekit/protocol';
import { AccessToken, TokenVerifier } from '../../src/token/index.js';
import type { AccessTokenOptions, InferenceGrant, ObservabilityGrant, SIPGrant, VideoGrant } from '../../src/token/index.js';

const KEY = 'cross-key';
const SECRET = 'cross-secret-0123456789abcdefghijklmnop';
const secretBytes = new TextEncoder().encode(SECRET);

interface Case {
  name: string;
  options?: AccessTokenOptions & { ttl?: string | number };
  video?: VideoGrant;
  sip?: SIPGrant;
  inference?: InferenceGrant;
  observability?: ObservabilityGrant;
  extra?: { metadata?: string; sha256?: string; roomPreset?: string; kind?: string; roomConfig?: () => RoomConfiguration };
}

const CASES: Case[] = [
  { name: 'a plain join token', options: { identity: 'alice' }, video: { roomJoin: true, room: 'r1' } },
  {
    name: 'a subscriber-only join token',
    options: { identity: 'viewer', name: 'Viewer', ttl: '10h' },
    video: { roomJoin: true, room: 'r1', canPublish: false, canSubscribe: true },
  },
  {
    name: 'publish sources as TrackSource enum values',
    options: { identity: 'cam' },
    video: {
      roomJoin: true,
      room: 'r',
      canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE, TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO],
    },
  },
  { name: 'a server API token without identity', video: { roomCreate: true, roomList: true, roomRecord: true } },
  { name: 'a room admin token', video: { roomAdmin: true, room: 'r', destinationRoom: 'r2' } },
  { name: 'an ingress admin token', video: { ingressAdmin: true } },
  { name: 'SIP grants', sip: { admin: true, call: true } },
  { name: 'inference and observability grants', inference: { perform: true }, observability: { write: true } },
  {
    name: 'metadata, attributes and a hidden recorder',
    options: { identity: 'rec', metadata: '{"a":1}', attributes: { k: 'v', empty: '' }, ttl: 120 },
    video: { roomJoin: true, room: 'r', hidden: true, recorder: true, canUpdateOwnMetadata: true },
  },
  {
    name: 'an agent token with kind, sha256 and preset',
    options: { identity: 'agent-1' },
    video: { roomJoin: true, room: 'r', agent: true, canSubscribeMetrics: true, canManageAgentSession: true },
    extra: { kind: 'agent', sha256: 'CoEQz1chqJ9bnZRcORddjplkvpjmPujmLTR42DbefYI=', roomPreset: 'p1' },
  },
  {
    name: 'a room configuration message',
    options: { identity: 'creator' },
    video: { roomJoin: true, room: 'cfg' },
    extra: {
      roomConfig: () =>
        new RoomConfiguration({
          name: 'cfg',
          emptyTimeout: 600,
          departureTimeout: 20,
          maxParticipants: 5,
          agents: [new RoomAgentDispatch({ agentName: 'helper', metadata: '{}' })],
        }),
    },
  },
];

function mintOurs(c: Case): string {
  const at = new AccessToken(KEY, SECRET, c.options);
  if (c.video) at.addGrant(c.video);
  if (c.sip) at.addSIPGrant(c.sip);
  if (c.inference) at.addInferenceGrant(c.inference);
  if (c.observability) at.addObservabilityGrant(c.observability);
  if (c.extra?.metadata !== undefined) at.metadata = c.extra.metadata;
  if (c.extra?.sha256 !== undefined) at.sha256 = c.extra.sha256;
  if (c.extra?.roomPreset !== undefined) at.roomPreset = c.extra.roomPreset;
  if (c.extra?.kind !== undefined) at.kind = c.extra.kind as 'agent';
  if (c.extra?.roomConfig) at.roomConfig = c.extra.roomConfig();
  return at.toJwt();
}

async function mintPeer(c: Case): Promise<string> {
  const at = new peer.AccessToken(KEY, SECRET, c.options);
  if (c.video) at.addGrant({ ...c.video, canPublishSources: c.video.canPublishSources as TrackSource[] | undefined } as never);
  if (c.sip) at.addSIPGrant(c.sip);
  if (c.inference) at.addInferenceGrant(c.inference);
  if (c.observability) at.addObservabilityGrant(c.observability);
  if (c.extra?.metadata !== undefined) at.metadata = c.extra.metadata;
  if (c.extra?.sha256 !== undefined) at.sha256 = c.extra.sha256;
  if (c.extra?.roomPreset !== undefined) at.roomPreset = c.extra.roomPreset;
  if (c.extra?.kind !== undefined) at.kind = c.extra.kind;
  if (c.extra?.roomConfig) at.roomConfig = c.extra.roomConfig();
  return at.toJwt();
}

function withoutTime(claims: Record<string, unknown>): Record<string, unknown> {
  const { exp, nbf, iat, ...rest } = claims;
  void iat;
  return { ...rest, lifetime: (exp as number) - (nbf as number) };
}

describe('cross-checks with jose and livekit-server-sdk', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('mints the same claims as livekit-server-sdk for %s', async (_name, c) => {
    const ours = decodeJwt(mintOurs(c));
    const theirs = decodeJwt(await mintPeer(c));
    expect(withoutTime(ours)).toEqual(withoutTime(theirs));
  });

  it.each(CASES.map((c) => [c.name, c] as const))('mints %s that jose verifies with HS256 pinned', async (_name, c) => {
    const token = mintOurs(c);
    const { payload, protectedHeader } = await jwtVerify(token, secretBytes, { algorithms: ['HS256'], issuer: KEY, requiredClaims: ['exp', 'nbf'] });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.iss).toBe(KEY);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('mints %s that livekit-server-sdk TokenVerifier accepts', async (_name, c) => {
    const claims = await new peer.TokenVerifier(KEY, SECRET).verify(mintOurs(c));
    expect(claims.iss).toBe(KEY);
    expect(claims.video).toEqual(decodeJwt(mintOurs(c))['video']);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('verifies %s minted by livekit-server-sdk', async (_name, c) => {
    const token = await mintPeer(c);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256' });
    const claims = await new TokenVerifier(KEY, SECRET).verify(token);
    expect(claims).toEqual(decodeJwt(token));
  });

  it('rejects an HS512 token that livekit-server-sdk would accept', async () => {
    const token = await new SignJWT({ video: { roomJoin: true } })
      .setProtectedHeader({ alg: 'HS512' })
      .setIssuer(KEY)
      .setExpirationTime('1h')
      .sign(secretBytes);
    await expect(new peer.TokenVerifier(KEY, SECRET).verify(token)).resolves.toBeDefined();
    await expect(new TokenVerifier(KEY, SECRET).verify(token)).rejects.toMatchObject({ code: 'token_unsupported_algorithm' });
  });

  it('agrees with jose that tampered tokens are invalid', async () => {
    const token = mintOurs(CASES[0]!);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const forged = Buffer.from(payload, 'base64url').toString('utf8').replace('"r1"', '"r2"');
    const tampered = `${header}.${Buffer.from(forged).toString('base64url')}.${signature}`;
    await expect(jwtVerify(tampered, secretBytes, { algorithms: ['HS256'] })).rejects.toThrow();
    await expect(new TokenVerifier(KEY, SECRET).verify(tampered)).rejects.toMatchObject({ code: 'token_bad_signature' });
  });
});
