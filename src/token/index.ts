// `livekit-server-api/token`: the token API alone, for serverless token endpoints where
// cold start matters. Loads no @livekit/protocol code. Re-exports only.
export { AccessToken } from './access-token.js';
export type { AccessTokenOptions } from './access-token.js';
export { TokenVerifier, DEFAULT_LEEWAY_SECONDS, DEFAULT_MAX_TOKEN_LENGTH } from './verifier.js';
export type { VerifyOptions, TokenVerifierOptions, ApiKeySecrets } from './verifier.js';
export { createTokenHandler } from './endpoint.js';
export type { TokenHandler, TokenHandlerOptions, TokenHandlerCors, TokenPolicy, TokenPolicyResult } from './endpoint.js';
export type { TokenRequest, TokenRequestRoomConfig, TokenRequestAgent } from './endpoint-request.js';
export { toNodeListener } from './node-listener.js';
export type { NodeListener, NodeRequestLike, NodeResponseLike } from './node-listener.js';
export { TokenVerificationError } from './errors.js';
export type { TokenVerificationErrorCode } from './errors.js';
export { LiveKitError } from '../errors.js';
export { DEFAULT_TTL_SECONDS } from './ttl.js';
export type { Ttl } from './ttl.js';
export { trackSourceName } from './grants.js';
export { claimsToJwtPayload, trackSourceToString } from './jwt-payload.js';
export type {
  VideoGrant,
  VideoGrantClaims,
  SIPGrant,
  AgentGrant,
  InferenceGrant,
  ObservabilityGrant,
  ClaimGrants,
  TrackSourceName,
  TrackSourceInput,
  ParticipantKindName,
  ParticipantKindInput,
  ParticipantKindDetailName,
  ParticipantKindDetailInput,
  RoomConfigurationInput,
} from './grants.js';
