// The package root: the drop-in surface for livekit-server-sdk users. Re-exports only.

// Errors
export { LiveKitError } from './errors.js';

// Access tokens
export {
  AccessToken,
  TokenVerifier,
  TokenVerificationError,
  DEFAULT_LEEWAY_SECONDS,
  DEFAULT_MAX_TOKEN_LENGTH,
  DEFAULT_TTL_SECONDS,
  trackSourceName,
} from './token/index.js';
export type {
  AccessTokenOptions,
  VerifyOptions,
  TokenVerifierOptions,
  ApiKeySecrets,
  TokenVerificationErrorCode,
  Ttl,
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
} from './token/index.js';

// Twirp transport and service clients

// Webhooks
export {
  WebhookReceiver,
  WebhookEvent,
  WebhookVerificationError,
  WebhookDeliveryError,
  WEBHOOK_EVENT_NAMES,
  WEBHOOK_CONTENT_TYPE,
  authorizeHeader,
  signWebhook,
  deliverWebhook,
} from './webhook/index.js';
export type {
  ReceiveOptions,
  WebhookReceiverOptions,
  WebhookBody,
  WebhookRequest,
  WebhookEventName,
  WebhookEventNames,
  WebhookEventInit,
  WebhookVerificationErrorCode,
  SignWebhookOptions,
  SignedWebhook,
  SignableWebhookEvent,
  WebhookHeaders,
  DeliverWebhookOptions,
  WebhookDeliveryResult,
  WebhookFetch,
} from './webhook/index.js';

// @livekit/protocol classes and enums users pass in or get back, as the peer re-exports them.
