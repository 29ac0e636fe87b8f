// `livekit-server-api/testing`: a LiveKit server in one line, for users' own test suites.
// Node.js only (node:http). Re-exports only.
//
//   const lk = await startTestServer();            // { url, apiKey, apiSecret, close() }
//   lk.seed.participant('room', { identity: 'a' }); // state, as if clients had joined
//   lk.failNext({ method: 'CreateRoom', twirp: { code: 'unavailable' } });
//   lk.requestsFor('CreateRoom');                   // what the code under test sent
//   lk.reset(); await lk.close();

export { startTestServer } from './server.js';
export type {
  RecordedRequest,
  TestServer,
  TestServerEncoding,
  TestServerOptions,
  TestServerSeeder,
  TestServerWebhookOptions,
  TestServerWebhooks,
} from './server.js';
export type { WebhookDelivery } from '../webhook/dispatcher.js';
export type { RequestLogOptions } from './request-log.js';

export type { FaultMatch, HttpFault, TestServerFault, TwirpFault } from './faults.js';

export type { TestServerClaims, TestServerLimits } from './service.js';
export type { TestServerRequest, TestServerRequests } from './registry.js';
export type { TestServerEvent, TestServerEventListener, TestServerEventName } from './events.js';

export type { PerformRpcHandler, RoomServiceMethod, RoomServiceRequest, RoomServiceRequests } from './rooms/service.js';
export { DEFAULT_DEPARTURE_TIMEOUT, DEFAULT_EMPTY_TIMEOUT } from './rooms/state.js';
export type { SeedParticipant, SeedRoom, SeedTrack } from './rooms/state.js';

export { TestServerTwirpError, TWIRP_HTTP_STATUS } from './twirp.js';
export type { TwirpErrorCode } from './twirp.js';

export type { TestServerEgress, TestServerEgressOptions } from './egress/control.js';
export type { EgressRequests } from './egress/service.js';
export type { EgressFilter, EgressStatusInput } from './egress/state.js';
export type { IngressRequests } from './ingress/service.js';
export type { TestServerIngress, TestServerIngressOptions } from './ingress/state.js';
export type { AgentDispatchRequests, TestServerAgentDispatch } from './agent-dispatch/service.js';
export type { SipServiceRequests, TestServerSip } from './sip/service.js';
export type { SipCallScript } from './sip/state.js';
export type { ConnectorServiceRequests } from './connector/service.js';
