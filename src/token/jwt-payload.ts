// livekit-server-sdk's two grant helpers, under its names: a track source's claim name, and
// claims made ready for a JWT payload (track sources as names). Unlike the peer's, neither
// modifies what it is given.
import type { ClaimGrants } from './grants.js';
import { TRACK_SOURCES, videoGrantToClaims } from './grants.js';

/**
 * The claim name of a `TrackSource` enum value (`TrackSource.CAMERA` → `'camera'`), as
 * `livekit-server-sdk` exports it; a TypeError for any other value (UNKNOWN included).
 *
 * @example
 * ```ts
 * import { trackSourceToString } from 'livekit-server-api';
 * import { TrackSource } from '@livekit/protocol';
 * trackSourceToString(TrackSource.SCREEN_SHARE); // 'screen_share'
 * ```
 */
export function trackSourceToString(source: number): string {
  const name = Number.isInteger(source) ? TRACK_SOURCES[source - 1] : undefined;
  if (name === undefined) throw new TypeError(`Cannot convert TrackSource ${String(source).slice(0, 20)} to string: use TrackSource.CAMERA, MICROPHONE, SCREEN_SHARE or SCREEN_SHARE_AUDIO`);
  return name;
}

/**
 * Claims as they go into a token's payload: a copy of `grant` whose `video.canPublishSources`
 * holds claim names (`'camera'`) instead of `TrackSource` values. The argument is not
 * modified (the peer's version rewrote the caller's `video` object).
 *
 * @example
 * ```ts
 * import { claimsToJwtPayload } from 'livekit-server-api';
 * const payload = claimsToJwtPayload({ video: { roomJoin: true, canPublishSources: [TrackSource.CAMERA] } });
 * payload.video?.canPublishSources; // ['camera']
 * ```
 */
export function claimsToJwtPayload(grant: ClaimGrants): ClaimGrants {
  const claims: ClaimGrants = { ...grant };
  if (grant.video !== undefined && Array.isArray(grant.video.canPublishSources)) {
    claims.video = videoGrantToClaims(grant.video);
  }
  return claims;
}
