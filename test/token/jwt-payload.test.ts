import { TrackSource } from '@livekit/protocol';
import { claimsToJwtPayload as peerClaimsToJwtPayload, trackSourceToString as peerTrackSourceToString } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { claimsToJwtPayload, trackSourceToString } from '../../src/token/jwt-payload.js';

describe('trackSourceToString', () => {
  it.each([TrackSource.CAMERA, TrackSource.MICROPHONE, TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO])(
    'names source %i as the peer does',
    (source) => {
      expect(trackSourceToString(source)).toBe(peerTrackSourceToString(source));
    },
  );

  it.each([TrackSource.UNKNOWN, 99, 1.5, Number.NaN])('refuses %s with a TypeError, as the peer does', (source) => {
    expect(() => trackSourceToString(source)).toThrow(TypeError);
    expect(() => peerTrackSourceToString(source as TrackSource)).toThrow(TypeError);
  });
});

describe('claimsToJwtPayload', () => {
  it('gives the payload the peer gives, without modifying its argument', () => {
    const make = () => ({
      name: 'Alice',
      metadata: '{}',
      video: { roomJoin: true, room: 'r', canPublishSources: [TrackSource.CAMERA, TrackSource.SCREEN_SHARE_AUDIO] },
      sip: { call: true },
    });
    const grant = make();
    const ours = claimsToJwtPayload(grant as never);
    expect(ours).toEqual(peerClaimsToJwtPayload(make() as never));
    expect(ours.video?.canPublishSources).toEqual(['camera', 'screen_share_audio']);
    expect(grant).toEqual(make());
  });

  it('leaves claims without track sources as they are', () => {
    const grant = { video: { roomAdmin: true, room: 'r' }, kind: 'agent' };
    expect(claimsToJwtPayload(grant as never)).toEqual(grant);
  });
});
