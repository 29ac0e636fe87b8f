// Every service table the clients are built on, for the conformance tests and tools that
// walk all methods. A new service adds its table here.
import { ROOM_SERVICE } from './room-service.js';
import { INGRESS } from './ingress.js';
import { AGENT_DISPATCH } from './agent-dispatch.js';
import type { ServiceTable } from '../rpc/service.js';

/**
 * The declared services, in the order LiveKitAPI lists its clients. Typed as tables of any
 * methods (each has its own), so that `methodsOf` walks a mixed list.
 */
export const SERVICE_TABLES: readonly ServiceTable<object>[] = [ROOM_SERVICE, INGRESS, AGENT_DISPATCH];
