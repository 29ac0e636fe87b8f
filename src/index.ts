// The package root: the drop-in surface for livekit-server-sdk users. Re-exports only.

// Errors
export { LiveKitError } from './errors.js';

// Access tokens
export * from './token/index.js';

// Twirp transport and service clients

// Webhooks

// @livekit/protocol classes and enums users pass in or get back, as the peer re-exports them.
