// Every service table the clients are built on, for the conformance tests and tools that
// walk all methods. A new service adds its table here.
import { ROOM_SERVICE } from './room-service.js';

/** The declared services, in the order LiveKitAPI lists its clients. */
export const SERVICE_TABLES = [ROOM_SERVICE] as const;
