// Connector (LiveKit Cloud only): WhatsApp and Twilio calls brought into rooms. Drop-in for
// livekit-server-sdk's ConnectorClient, plus per-call options last. A self-hosted server has
// no Connector service and answers a plain-text 404: that becomes a MethodNotOfferedError
// saying so, instead of a bare "bad_route".
import {
  AcceptWhatsAppCallRequest,
  AcceptWhatsAppCallResponse,
  ConnectTwilioCallRequest,
  ConnectTwilioCallResponse,
  ConnectWhatsAppCallRequest,
  ConnectWhatsAppCallResponse,
  DialWhatsAppCallRequest,
  DialWhatsAppCallResponse,
  DisconnectWhatsAppCallRequest,
  DisconnectWhatsAppCallResponse,
} from '@livekit/protocol';
import type {
  ConnectTwilioCallRequest_TwilioCallDirection,
  DisconnectWhatsAppCallRequest_DisconnectReason,
  RoomAgentDispatch,
  SessionDescription,
} from '@livekit/protocol';
import type { CallGrants } from '../rpc/auth.js';
import type { MessageInit } from '../rpc/message-init.js';
import { show } from '../rpc/options.js';
import type { ClientOptions, RequestOptions } from '../rpc/options.js';
import { defineService, method } from '../rpc/service.js';
import type { TwirpClient } from '../rpc/twirp-client.js';
import { requireName, requireObject, requireString } from '../rpc/validate.js';
import { DEFAULT_RINGING_TIMEOUT_SECONDS, wholeSeconds } from './sip.js';
import { notOfferedOn404 } from './telephony-errors.js';
import { transportFor } from './transport.js';

// The grant the peer signs every Connector call with (the calls create rooms).
const ROOM_CREATE: CallGrants = { video: { roomCreate: true } };
const CLOUD_ONLY = notOfferedOn404(
  'the Connector service exists only on LiveKit Cloud; point the client at your project URL (https://<project>.livekit.cloud)',
);
/** How much longer than the ring window an answered-call wait lasts. */
const ANSWER_MARGIN_MS = 5_000;

const connectorMethod = { idempotent: false, grants: () => ROOM_CREATE, serverError: CLOUD_ONLY } as const;

/** The Connector service. Every call starts, joins or ends a call: none is idempotent. */
export const CONNECTOR_SERVICE = defineService('Connector', {
  DialWhatsAppCall: method({ input: DialWhatsAppCallRequest, output: DialWhatsAppCallResponse, ...connectorMethod }),
  AcceptWhatsAppCall: method({
    input: AcceptWhatsAppCallRequest,
    output: AcceptWhatsAppCallResponse,
    ...connectorMethod,
    // Waiting for the media to connect, the server holds the call while it rings.
    timeoutMs: (request, clientTimeoutMs) =>
      request.waitUntilAnswered ? Math.max(clientTimeoutMs, DEFAULT_RINGING_TIMEOUT_SECONDS * 1000 + ANSWER_MARGIN_MS) : clientTimeoutMs,
  }),
  ConnectWhatsAppCall: method({ input: ConnectWhatsAppCallRequest, output: ConnectWhatsAppCallResponse, ...connectorMethod }),
  DisconnectWhatsAppCall: method({ input: DisconnectWhatsAppCallRequest, output: DisconnectWhatsAppCallResponse, ...connectorMethod }),
  ConnectTwilioCall: method({ input: ConnectTwilioCallRequest, output: ConnectTwilioCallResponse, ...connectorMethod }),
});
const M = CONNECTOR_SERVICE;

type StringMap = Readonly<Record<string, string>>;
type Agents = ReadonlyArray<RoomAgentDispatch | MessageInit<RoomAgentDispatch>>;

/**
 * The room and participant a Connector call brings the caller in as; every Connector call
 * takes these.
 *
 * @example
 * ```ts
 * const joining: ConnectorParticipantOptions = { roomName: 'support', participantIdentity: 'caller', agents: [{ agentName: 'helper' }] };
 * ```
 */
export interface ConnectorParticipantOptions {
  roomName?: string | undefined;
  /** Agents to dispatch to the room. */
  agents?: Agents | undefined;
  participantIdentity?: string | undefined;
  participantName?: string | undefined;
  participantMetadata?: string | undefined;
  participantAttributes?: StringMap | undefined;
  destinationCountry?: string | undefined;
}

/**
 * The WhatsApp Business account a WhatsApp call is made or taken on.
 *
 * @example
 * ```ts
 * const account: WhatsAppBusinessOptions = { whatsappPhoneNumberId: '1234567890', whatsappApiKey: token, whatsappCloudApiVersion: 'v23.0' };
 * ```
 */
export interface WhatsAppBusinessOptions {
  /** The business phone number id the call is made from or taken on. */
  whatsappPhoneNumberId: string;
  /** The business's WhatsApp Cloud API access token. */
  whatsappApiKey: string;
  whatsappCloudApiVersion: string;
  whatsappBizOpaqueCallbackData?: string | undefined;
}

/**
 * Options of {@link ConnectorClient.dialWhatsAppCall}.
 *
 * @example
 * ```ts
 * const options: DialWhatsAppCallOptions = {
 *   whatsappPhoneNumberId: '1234567890',
 *   whatsappToPhoneNumber: '+15550199',
 *   whatsappApiKey: process.env.WHATSAPP_TOKEN ?? '',
 *   whatsappCloudApiVersion: 'v23.0',
 *   roomName: 'support',
 * };
 * ```
 */
export interface DialWhatsAppCallOptions extends WhatsAppBusinessOptions, ConnectorParticipantOptions {
  /** The number called. */
  whatsappToPhoneNumber: string;
  /** How long the call may ring, in whole seconds. */
  ringingTimeout?: number | undefined;
}

/**
 * Options of {@link ConnectorClient.acceptWhatsAppCall}.
 *
 * @example
 * ```ts
 * const options: AcceptWhatsAppCallOptions = {
 *   whatsappPhoneNumberId: '1234567890',
 *   whatsappApiKey: process.env.WHATSAPP_TOKEN ?? '',
 *   whatsappCloudApiVersion: 'v23.0',
 *   whatsappCallId: 'wacid.abc',
 *   sdp: { type: 'offer', sdp: offerFromMeta },
 * };
 * ```
 */
export interface AcceptWhatsAppCallOptions extends WhatsAppBusinessOptions, ConnectorParticipantOptions {
  /** The call id Meta sent in its webhook. */
  whatsappCallId: string;
  /** The SDP offer Meta sent. */
  sdp: SessionDescription | MessageInit<SessionDescription>;
  /** Resolve once the media is connected; the client then waits at least 35 s. */
  waitUntilAnswered?: boolean | undefined;
  /** The peer's request timeout, in seconds (30 with `waitUntilAnswered`). */
  timeout?: number | undefined;
}

/**
 * Options of {@link ConnectorClient.connectTwilioCall}.
 *
 * @example
 * ```ts
 * import { ConnectTwilioCallRequest_TwilioCallDirection as Direction } from 'livekit-server-api';
 * const options: ConnectTwilioCallOptions = { twilioCallDirection: Direction.INBOUND, roomName: 'support' };
 * ```
 */
export interface ConnectTwilioCallOptions extends ConnectorParticipantOptions {
  twilioCallDirection: ConnectTwilioCallRequest_TwilioCallDirection;
  roomName: string;
}

/**
 * Brings WhatsApp and Twilio calls into LiveKit rooms (LiveKit Cloud only).
 *
 * A drop-in for `livekit-server-sdk`'s `ConnectorClient`: the same constructor, method names,
 * arguments and results, plus per-call {@link RequestOptions} last. Against a self-hosted
 * server every call rejects with a {@link MethodNotOfferedError} that says the service exists
 * only on LiveKit Cloud.
 *
 * @example
 * ```ts
 * import { ConnectorClient } from 'livekit-server-api';
 *
 * const connector = new ConnectorClient('https://my-project.livekit.cloud');
 * const { whatsappCallId, roomName } = await connector.dialWhatsAppCall({
 *   whatsappPhoneNumberId: '1234567890',
 *   whatsappToPhoneNumber: '+15550199',
 *   whatsappApiKey: process.env.WHATSAPP_TOKEN ?? '',
 *   whatsappCloudApiVersion: 'v23.0',
 * });
 * ```
 */
export class ConnectorClient {
  readonly #rpc: TwirpClient;

  /**
   * @param host - the server URL, e.g. `https://my-project.livekit.cloud`
   * @param apiKey - the API key; defaults to `LIVEKIT_API_KEY`
   * @param secret - the API secret; defaults to `LIVEKIT_API_SECRET`
   * @param options - timeouts, retries, encoding, a pre-signed `token`…
   *
   * @example
   * ```ts
   * const connector = new ConnectorClient('https://my-project.livekit.cloud', 'APIkey', 'secret');
   * ```
   */
  constructor(host: string, apiKey?: string, secret?: string, options?: ClientOptions) {
    this.#rpc = transportFor('ConnectorClient', host, apiKey, secret, options);
  }

  /**
   * Places an outbound WhatsApp call and resolves to its call id and room.
   *
   * @example
   * ```ts
   * const { whatsappCallId } = await connector.dialWhatsAppCall({ whatsappPhoneNumberId, whatsappToPhoneNumber: '+15550199', whatsappApiKey, whatsappCloudApiVersion: 'v23.0' });
   * ```
   */
  async dialWhatsAppCall(options: DialWhatsAppCallOptions, requestOptions?: RequestOptions): Promise<DialWhatsAppCallResponse> {
    const what = 'Connector.DialWhatsAppCall';
    const o = requireObject(options, `${what}: options`, "{ whatsappPhoneNumberId, whatsappToPhoneNumber, whatsappApiKey, whatsappCloudApiVersion }");
    const request = {
      ...participant(o),
      ...whatsappBusiness(o, what),
      whatsappToPhoneNumber: requireName(o.whatsappToPhoneNumber, `${what}: options.whatsappToPhoneNumber`),
      whatsappBizOpaqueCallbackData: o.whatsappBizOpaqueCallbackData,
      ringingTimeout: wholeSeconds(o.ringingTimeout, `${what}: options.ringingTimeout`),
    };
    return this.#rpc.invoke(M.DialWhatsAppCall, request, requestOptions, 'options');
  }

  /**
   * Accepts an inbound WhatsApp call into a room and resolves to the room's name.
   *
   * @example
   * ```ts
   * const { roomName } = await connector.acceptWhatsAppCall({ whatsappPhoneNumberId, whatsappApiKey, whatsappCloudApiVersion: 'v23.0', whatsappCallId, sdp });
   * ```
   */
  async acceptWhatsAppCall(options: AcceptWhatsAppCallOptions, requestOptions?: RequestOptions): Promise<AcceptWhatsAppCallResponse> {
    const what = 'Connector.AcceptWhatsAppCall';
    const o = requireObject(options, `${what}: options`, '{ whatsappPhoneNumberId, whatsappApiKey, whatsappCloudApiVersion, whatsappCallId, sdp }');
    const request = {
      ...participant(o),
      ...whatsappBusiness(o, what),
      whatsappCallId: requireName(o.whatsappCallId, `${what}: options.whatsappCallId`),
      whatsappBizOpaqueCallbackData: o.whatsappBizOpaqueCallbackData,
      sdp: requireObject(o.sdp, `${what}: options.sdp`, "{ type: 'offer', sdp: '…' }"),
      waitUntilAnswered: o.waitUntilAnswered,
    };
    let effective = requestOptions;
    if (o.timeout !== undefined && (requestOptions === undefined || requestOptions.timeoutMs === undefined)) {
      if (typeof o.timeout !== 'number' || !Number.isFinite(o.timeout) || o.timeout <= 0) {
        throw new RangeError(`${what}: options.timeout is in seconds and must be a positive number, got ${show(o.timeout)}`);
      }
      effective = { ...requestOptions, timeoutMs: Math.ceil(o.timeout * 1000) };
    }
    return this.#rpc.invoke(M.AcceptWhatsAppCall, request, effective, 'options');
  }

  /**
   * Connects an established business-initiated WhatsApp call with Meta's SDP answer.
   *
   * @example
   * ```ts
   * await connector.connectWhatsAppCall(whatsappCallId, { type: 'answer', sdp: answerFromMeta });
   * ```
   */
  async connectWhatsAppCall(
    whatsappCallId: string,
    sdp: SessionDescription | MessageInit<SessionDescription>,
    requestOptions?: RequestOptions,
  ): Promise<ConnectWhatsAppCallResponse> {
    const what = 'Connector.ConnectWhatsAppCall';
    const request = {
      whatsappCallId: requireName(whatsappCallId, `${what}: whatsappCallId`),
      sdp: requireObject(sdp, `${what}: sdp`, "{ type: 'answer', sdp: '…' }"),
    };
    return this.#rpc.invoke(M.ConnectWhatsAppCall, request, requestOptions, 'sdp');
  }

  /**
   * Hangs up a WhatsApp call. `whatsappApiKey` is required for a business-initiated
   * disconnect (the default reason) and may be empty for a user-initiated one.
   *
   * @example
   * ```ts
   * await connector.disconnectWhatsAppCall(whatsappCallId, whatsappApiKey);
   * ```
   */
  async disconnectWhatsAppCall(
    whatsappCallId: string,
    whatsappApiKey: string,
    disconnectReason?: DisconnectWhatsAppCallRequest_DisconnectReason,
    requestOptions?: RequestOptions,
  ): Promise<DisconnectWhatsAppCallResponse> {
    const what = 'Connector.DisconnectWhatsAppCall';
    const request = {
      whatsappCallId: requireName(whatsappCallId, `${what}: whatsappCallId`),
      whatsappApiKey: requireString(whatsappApiKey, `${what}: whatsappApiKey`),
      disconnectReason,
    };
    return this.#rpc.invoke(M.DisconnectWhatsAppCall, request, requestOptions);
  }

  /**
   * Connects a Twilio call to a room and resolves to the WebSocket URL Twilio's media stream
   * should connect to.
   *
   * @example
   * ```ts
   * const { connectUrl } = await connector.connectTwilioCall({ twilioCallDirection: Direction.INBOUND, roomName: 'support' });
   * ```
   */
  async connectTwilioCall(options: ConnectTwilioCallOptions, requestOptions?: RequestOptions): Promise<ConnectTwilioCallResponse> {
    const what = 'Connector.ConnectTwilioCall';
    const o = requireObject(options, `${what}: options`, "{ twilioCallDirection, roomName: 'support' }");
    const request = {
      ...participant(o),
      twilioCallDirection: o.twilioCallDirection,
      roomName: requireName(o.roomName, `${what}: options.roomName`),
    };
    return this.#rpc.invoke(M.ConnectTwilioCall, request, requestOptions, 'options');
  }
}

/** The business account fields of the WhatsApp calls, each required. */
function whatsappBusiness(o: WhatsAppBusinessOptions, what: string): Omit<WhatsAppBusinessOptions, 'whatsappBizOpaqueCallbackData'> {
  return {
    whatsappPhoneNumberId: requireName(o.whatsappPhoneNumberId, `${what}: options.whatsappPhoneNumberId`),
    whatsappApiKey: requireName(o.whatsappApiKey, `${what}: options.whatsappApiKey`),
    whatsappCloudApiVersion: requireName(o.whatsappCloudApiVersion, `${what}: options.whatsappCloudApiVersion`),
  };
}

/** The room and participant fields every Connector call shares. */
function participant(o: ConnectorParticipantOptions): Record<string, unknown> {
  return {
    roomName: o.roomName,
    agents: o.agents,
    participantIdentity: o.participantIdentity,
    participantName: o.participantName,
    participantMetadata: o.participantMetadata,
    participantAttributes: o.participantAttributes,
    destinationCountry: o.destinationCountry,
  };
}

