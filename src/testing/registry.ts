// The services of the test server, by name, and the request types of every method they serve
// (for `lk.requestsFor('Egress.ListEgress')`). A new service is a folder with its method table
// and state, plus one line in each list below.
import type { RoomServiceRequests } from './rooms/service.js';
import type { TestService } from './service.js';
import type { IngressRequests } from './ingress/service.js';
import type { AgentDispatchRequests } from './agent-dispatch/service.js';

type Qualified<Service extends string, Requests> = {
  [M in keyof Requests & string as `${Service}.${M}`]: Requests[M];
};

/**
 * The request message of every method the test server serves, by `Service.Method`.
 *
 * @example
 * ```ts
 * import type { TestServerRequests } from 'livekit-server-api/testing';
 * type Create = TestServerRequests['RoomService.CreateRoom']; // CreateRoomRequest
 * ```
 */
export type TestServerRequests = Qualified<'RoomService', RoomServiceRequests> &
  Qualified<'Ingress', IngressRequests> &
  Qualified<'AgentDispatchService', AgentDispatchRequests>;

/**
 * Any request message the test server decodes.
 *
 * @example
 * ```ts
 * import type { TestServerRequest } from 'livekit-server-api/testing';
 * const messages: TestServerRequest[] = lk.requests.flatMap((r) => (r.message ? [r.message] : []));
 * ```
 */
export type TestServerRequest = TestServerRequests[keyof TestServerRequests];

/** Services a self-hosted livekit-server registers that the test server does not serve yet: they answer `unimplemented` after their grant check. */
export const SELF_HOSTED_UNSERVED: Readonly<Record<string, (claims: { video?: Record<string, unknown>; sip?: Record<string, unknown> } | undefined) => boolean>> = {
  Egress: (claims) => claims?.video?.['roomRecord'] === true,
  SIP: (claims) => claims?.sip?.['admin'] === true || claims?.sip?.['call'] === true,
};

/** Services only LiveKit Cloud has: a self-hosted server answers them with a plain 404. */
export const CLOUD_ONLY = new Set(['Connector', 'PhoneNumberService']);

/** A registry of services by name. */
export function registry(services: readonly TestService[]): ReadonlyMap<string, TestService> {
  return new Map(services.map((service) => [service.name, service]));
}
