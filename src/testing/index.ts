// `livekit-server-api/testing`: a LiveKit server in one line, for users' own test suites.
// Node.js only (node:http). Re-exports only.

export { startTestServer } from './server.js';
export type {
  RecordedRequest,
  TestServer,
  TestServerEncoding,
  TestServerOptions,
  TestServerSeeder,
} from './server.js';

export type { FaultMatch, HttpFault, TestServerFault, TwirpFault } from './faults.js';

export type {
  PerformRpcHandler,
  RoomServiceMethod,
  RoomServiceRequest,
  RoomServiceRequests,
  TestServerClaims,
  TestServerLimits,
} from './room-service.js';

export { DEFAULT_DEPARTURE_TIMEOUT, DEFAULT_EMPTY_TIMEOUT } from './state.js';
export type {
  SeedParticipant,
  SeedRoom,
  SeedTrack,
  TestServerEvent,
  TestServerEventListener,
  TestServerEventName,
} from './state.js';

export { TestServerTwirpError, TWIRP_HTTP_STATUS } from './twirp.js';
export type { TwirpErrorCode } from './twirp.js';
