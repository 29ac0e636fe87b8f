// AgentDispatchService: explicit dispatch of named agents to rooms. Drop-in for
// livekit-server-sdk's AgentDispatchClient: same method names, argument order and results,
// plus per-call options last; `attributes` reach the server (the peer drops them).
import {
  AgentDispatch,
  CreateAgentDispatchRequest,
  DeleteAgentDispatchRequest,
  ListAgentDispatchRequest,
  ListAgentDispatchResponse,
} from '@livekit/protocol';
import type { JobRestartPolicy } from '@livekit/protocol';
import type { CallGrants } from '../rpc/auth.js';
import type { ClientOptions, RequestOptions } from '../rpc/options.js';
import { defineService, method } from '../rpc/service.js';
import type { TwirpClient } from '../rpc/twirp-client.js';
import { optionalObject, requireName } from '../rpc/validate.js';
import { transportFor } from './transport.js';

// The server checks `roomAdmin` for the request's room, on every method.
const roomAdmin = (request: { room: string }): CallGrants => ({ video: { roomAdmin: true, room: request.room } });

/**
 * The AgentDispatchService methods. Creating twice dispatches twice and deleting twice
 * answers not_found: those are retried only when the request surely never reached the server.
 */
export const AGENT_DISPATCH = defineService('AgentDispatchService', {
  CreateDispatch: method({ input: CreateAgentDispatchRequest, output: AgentDispatch, idempotent: false, grants: roomAdmin }),
  DeleteDispatch: method({ input: DeleteAgentDispatchRequest, output: AgentDispatch, idempotent: false, grants: roomAdmin }),
  ListDispatch: method({ input: ListAgentDispatchRequest, output: ListAgentDispatchResponse, idempotent: true, grants: roomAdmin }),
});
const M = AGENT_DISPATCH;

/**
 * Options of {@link AgentDispatchClient.createDispatch}: `livekit-server-sdk`'s
 * `CreateDispatchOptions`, plus `attributes`.
 *
 * @example
 * ```ts
 * const options: CreateDispatchOptions = { metadata: '{"user":"alice"}', attributes: { locale: 'fr' } };
 * ```
 */
export interface CreateDispatchOptions {
  /** Data for the job (not room or participant metadata). At most 512 KiB on a default server. */
  metadata?: string | undefined;
  /** Whether a failed job is restarted (LiveKit Cloud): `JobRestartPolicy.JRP_ON_FAILURE` (default) or `JRP_NEVER`. */
  restartPolicy?: JobRestartPolicy | undefined;
  /** The deployment to dispatch to (LiveKit Cloud); empty: production. At most 64 bytes, no `_` or spaces. */
  deployment?: string | undefined;
  /** Attributes of the agent's participant. At most 64 KiB in all on a default server. */
  attributes?: Readonly<Record<string, string>> | undefined;
}

/**
 * Dispatches agents to rooms, lists and cancels dispatches. Agents must be registered with
 * an `agentName` to be dispatched explicitly.
 *
 * A drop-in for `livekit-server-sdk`'s `AgentDispatchClient`: the same constructor, method
 * names, argument order and results (`@livekit/protocol` messages), plus per-call
 * {@link RequestOptions} as the last argument of every method. Tokens carry `roomAdmin` for
 * the one room each call is about.
 *
 * @example
 * ```ts
 * import { AgentDispatchClient } from 'livekit-server-api';
 *
 * const dispatch = new AgentDispatchClient('https://my-project.livekit.cloud', apiKey, apiSecret);
 * const created = await dispatch.createDispatch('support-42', 'support-agent', { metadata: '{"ticket":42}' });
 * await dispatch.deleteDispatch(created.id, 'support-42');
 * ```
 */
export class AgentDispatchClient {
  readonly #rpc: TwirpClient;

  /**
   * @param host - the server URL, e.g. `https://my-project.livekit.cloud` (`wss://` works too).
   * @param apiKey - API key; defaults to `LIVEKIT_API_KEY`. Not needed with `options.token`.
   * @param apiSecret - API secret; defaults to `LIVEKIT_API_SECRET`. Not needed with `options.token`.
   * @param options - authentication and per-call defaults.
   */
  constructor(host: string, apiKey?: string, apiSecret?: string, options?: ClientOptions) {
    this.#rpc = transportFor('AgentDispatchClient', host, apiKey, apiSecret, options);
  }

  /**
   * Dispatches an agent to a room (the server creates the room when it does not exist) and
   * returns the dispatch, with its `AD_…` id.
   *
   * @example
   * ```ts
   * const created = await dispatch.createDispatch('support-42', 'support-agent', {
   *   metadata: JSON.stringify({ ticket: 42 }),
   *   restartPolicy: JobRestartPolicy.JRP_NEVER,
   * });
   * ```
   */
  async createDispatch(
    roomName: string,
    agentName: string,
    options?: CreateDispatchOptions,
    requestOptions?: RequestOptions,
  ): Promise<AgentDispatch> {
    const what = 'AgentDispatchService.CreateDispatch';
    const room = requireName(roomName, `${what}: roomName`);
    requireName(agentName, `${what}: agentName`);
    // Passed whole, so that a misspelt option is refused with a suggestion rather than ignored.
    const request = { ...optionalObject(options, `${what}: options`), room, agentName };
    return this.#rpc.invoke(M.CreateDispatch, request, requestOptions, 'options');
  }

  /**
   * Cancels a dispatch; its running jobs are terminated. An unknown id is `not_found`.
   *
   * @example
   * ```ts
   * await dispatch.deleteDispatch('AD_abc', 'support-42');
   * ```
   */
  async deleteDispatch(dispatchId: string, roomName: string, requestOptions?: RequestOptions): Promise<void> {
    const what = 'AgentDispatchService.DeleteDispatch';
    const request = { dispatchId: requireName(dispatchId, `${what}: dispatchId`), room: requireName(roomName, `${what}: roomName`) };
    await this.#rpc.invoke(M.DeleteDispatch, request, requestOptions);
  }

  /**
   * One dispatch of a room, or `undefined` when the room has none of that id.
   *
   * @example
   * ```ts
   * const found = await dispatch.getDispatch('AD_abc', 'support-42');
   * if (found === undefined) console.log('gone');
   * ```
   */
  async getDispatch(dispatchId: string, roomName: string, requestOptions?: RequestOptions): Promise<AgentDispatch | undefined> {
    const what = 'AgentDispatchService.ListDispatch';
    // An empty id would list every dispatch of the room: say so instead of returning the first.
    const request = { dispatchId: requireName(dispatchId, `${what}: dispatchId`), room: requireName(roomName, `${what}: roomName`) };
    const response = await this.#rpc.invoke(M.ListDispatch, request, requestOptions);
    return response.agentDispatches[0];
  }

  /**
   * Every dispatch of a room.
   *
   * @example
   * ```ts
   * for (const d of await dispatch.listDispatch('support-42')) console.log(d.id, d.agentName);
   * ```
   */
  async listDispatch(roomName: string, requestOptions?: RequestOptions): Promise<AgentDispatch[]> {
    const request = { room: requireName(roomName, 'AgentDispatchService.ListDispatch: roomName') };
    return (await this.#rpc.invoke(M.ListDispatch, request, requestOptions)).agentDispatches;
  }
}
