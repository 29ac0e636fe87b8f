// The AgentDispatchService of the test server: dispatches live in their room (created when
// missing, as a livekit-server does, and gone with it), checked in the order of
// pkg/service/agent_dispatch_service.go. No agent workers run here: dispatches have no jobs.
import {
  AgentDispatch,
  AgentDispatchState,
  CreateAgentDispatchRequest,
  DeleteAgentDispatchRequest,
  ListAgentDispatchRequest,
  ListAgentDispatchResponse,
} from '@livekit/protocol';
import { newId } from '../../internal/ids.js';
import type { EventBus } from '../events.js';
import { canAdminRoom, serviceOf, utf8Length, type MethodContext, type MethodTable, type TestService } from '../service.js';
import { TestServerTwirpError } from '../twirp.js';

/**
 * The request message of each AgentDispatchService method.
 *
 * @example
 * ```ts
 * import type { AgentDispatchRequests } from 'livekit-server-api/testing';
 * type Create = AgentDispatchRequests['CreateDispatch']; // CreateAgentDispatchRequest
 * ```
 */
export interface AgentDispatchRequests {
  CreateDispatch: CreateAgentDispatchRequest;
  DeleteDispatch: DeleteAgentDispatchRequest;
  ListDispatch: ListAgentDispatchRequest;
}

/**
 * The agent dispatches of a test server, by room.
 *
 * @example
 * ```ts
 * await dispatchClient.createDispatch('support', 'helper');
 * lk.agentDispatch.list('support').map((d) => d.agentName); // ['helper']
 * ```
 */
export interface TestServerAgentDispatch {
  /** The dispatches of one room, or of every room, in creation order (copies). */
  list(room?: string): AgentDispatch[];
}

/** A server's default `limit.max_attributes_size`: keys and values together, in bytes. */
const MAX_ATTRIBUTES_BYTES = 64 * 1024;
/** The protocol's longest deployment name, in bytes. */
const MAX_DEPLOYMENT_BYTES = 64;

interface DispatchContext extends MethodContext {
  readonly dispatches: Map<string, Map<string, AgentDispatch>>;
}

const invalid = (msg: string): TestServerTwirpError => new TestServerTwirpError('invalid_argument', msg);
const roomNotFound = (): TestServerTwirpError => new TestServerTwirpError('not_found', 'requested room does not exist');

/** The protocol's ValidateDeployment. */
function checkDeployment(deployment: string): void {
  if (utf8Length(deployment) > MAX_DEPLOYMENT_BYTES) throw invalid(`deployment exceeds ${MAX_DEPLOYMENT_BYTES} bytes`);
  const bytes = new TextEncoder().encode(deployment);
  bytes.forEach((byte, i) => {
    if (byte === 0x5f) throw invalid(`deployment contains reserved character '_'`);
    if (byte <= 0x20 || byte === 0x7f) throw invalid(`deployment contains whitespace or control byte at position ${i}`);
  });
}

/**
 * The dispatches of an existing room. A server routes these calls to the node hosting the
 * room; without one there is no room to answer.
 */
function roomDispatches({ rooms, dispatches }: DispatchContext, room: string): Map<string, AgentDispatch> {
  if (!rooms.hasRoom(room)) throw roomNotFound();
  let found = dispatches.get(room);
  if (found === undefined) dispatches.set(room, (found = new Map()));
  return found;
}

const METHODS: MethodTable<AgentDispatchRequests, DispatchContext> = {
  CreateDispatch: {
    request: CreateAgentDispatchRequest,
    allowed: (claims, request) => canAdminRoom(claims, request.room),
    handle: (request, context) => {
      const { rooms, limits, now } = context;
      checkDeployment(request.deployment);
      if (utf8Length(request.metadata) > limits.maxMetadataBytes) throw invalid('metadata size exceeds limits');
      const attributeBytes = Object.entries(request.attributes).reduce((sum, [k, v]) => sum + utf8Length(k) + utf8Length(v), 0);
      if (attributeBytes > MAX_ATTRIBUTES_BYTES) throw invalid('attribute size exceeds limits');
      if (request.room === '') throw invalid('no room name');
      if (!rooms.hasRoom(request.room)) rooms.createRoom({ name: request.room });
      const dispatch = new AgentDispatch({
        id: newId('AD_'),
        agentName: request.agentName,
        room: request.room,
        metadata: request.metadata,
        restartPolicy: request.restartPolicy,
        deployment: request.deployment,
        attributes: request.attributes,
        // Dispatch timestamps are Unix nanoseconds.
        state: new AgentDispatchState({ createdAt: BigInt(Math.floor(now())) * 1_000_000n }),
      });
      roomDispatches(context, request.room).set(dispatch.id, dispatch);
      return dispatch.clone();
    },
  },
  DeleteDispatch: {
    request: DeleteAgentDispatchRequest,
    allowed: (claims, request) => canAdminRoom(claims, request.room),
    handle: (request, context) => {
      const inRoom = roomDispatches(context, request.room);
      const dispatch = inRoom.get(request.dispatchId);
      if (dispatch === undefined) throw new TestServerTwirpError('not_found', 'dispatch ID not found');
      inRoom.delete(request.dispatchId);
      return dispatch;
    },
  },
  ListDispatch: {
    request: ListAgentDispatchRequest,
    allowed: (claims, request) => canAdminRoom(claims, request.room),
    handle: (request, context) => {
      const inRoom = [...roomDispatches(context, request.room).values()];
      const agentDispatches = inRoom.filter((d) => request.dispatchId === '' || d.id === request.dispatchId).map((d) => d.clone());
      return new ListAgentDispatchResponse({ agentDispatches });
    },
  },
};

/**
 * The AgentDispatchService of one test server, and its view for `lk.agentDispatch`. A room's
 * dispatches end with the room. Internal.
 */
export function createAgentDispatchService(events: EventBus): TestService & { view: TestServerAgentDispatch } {
  const dispatches = new Map<string, Map<string, AgentDispatch>>();
  events.subscribe((event) => {
    if (event.event === 'room_finished' && event.room !== undefined) dispatches.delete(event.room.name);
  });
  const service = serviceOf('AgentDispatchService', METHODS, (context) => ({ ...context, dispatches }), () => dispatches.clear());
  const view: TestServerAgentDispatch = {
    list: (room) =>
      [...dispatches.entries()].filter(([name]) => room === undefined || name === room).flatMap(([, inRoom]) => [...inRoom.values()].map((d) => d.clone())),
  };
  return { ...service, view };
}
