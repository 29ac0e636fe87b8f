// What the built `livekit-server-api/token` file holds: the public token API (./index.js)
// and, under the same roof, the token internals and runtime primitives that the package's
// other entry points use. Internal: the build makes this one file per runtime provider,
// and the other entries import it (through package.json `imports`, `#token`) instead of
// carrying copies, so every class exists once and `instanceof` works across entries. Its
// declarations are src/token/index.ts's; the extra names here are not part of the API.
export * from './index.js';
export { signHs256, verifyHs256, constantTimeEqual } from './jwt.js';
export { formatValue, videoGrantToClaims, VIDEO_GRANT_FIELD_TYPES, TRACK_SOURCES, PARTICIPANT_KINDS } from './grants.js';
export { ttlToSeconds } from './ttl.js';
export { readEnv, resolveCredentials } from '../internal/env.js';
export { toSecretMap } from './verifier.js';
export { runtime } from '#runtime';
export { closest } from '../internal/closest.js';
export { newId } from '../internal/ids.js';
