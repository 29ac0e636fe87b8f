// SIP: trunks, dispatch rules, outbound calls and transfers on a LiveKit server. Drop-in for
// livekit-server-sdk's SipClient (same names, argument orders and results), plus per-call
// options last, getSipInboundTrunk/getSipOutboundTrunk, the transfer result, and calls that
// are never sent twice: a dial or a transfer is not retried once it may have reached the server;
// iterate… methods walk the id-paged lists.
import {
  CreateSIPDispatchRuleRequest,
  CreateSIPInboundTrunkRequest,
  CreateSIPOutboundTrunkRequest,
  CreateSIPParticipantRequest,
  CreateSIPTrunkRequest,
  DeleteSIPDispatchRuleRequest,
  DeleteSIPTrunkRequest,
  GetSIPInboundTrunkRequest,
  GetSIPInboundTrunkResponse,
  GetSIPOutboundTrunkRequest,
  GetSIPOutboundTrunkResponse,
  ListSIPDispatchRuleRequest,
  ListSIPDispatchRuleResponse,
  ListSIPInboundTrunkRequest,
  ListSIPInboundTrunkResponse,
  ListSIPOutboundTrunkRequest,
  ListSIPOutboundTrunkResponse,
  ListSIPTrunkRequest,
  ListSIPTrunkResponse,
  SIPDispatchRuleInfo,
  SIPInboundTrunkInfo,
  SIPOutboundTrunkInfo,
  SIPParticipantInfo,
  SIPTrunkInfo,
  TransferSIPParticipantRequest,
  TransferSIPParticipantResponse,
  UpdateSIPDispatchRuleRequest,
  UpdateSIPInboundTrunkRequest,
  UpdateSIPOutboundTrunkRequest,
} from '@livekit/protocol';
import type {
  ListUpdate,
  Pagination,
  RoomConfiguration,
  SIPDispatchRule,
  SIPHeaderOptions,
  SIPMediaConfig,
  SIPMediaEncryption,
  SIPOutboundConfig,
  SIPTransport,
} from '@livekit/protocol';
import type { CallGrants } from '../rpc/auth.js';
import type { MessageInit } from '../rpc/message-init.js';
import { show } from '../rpc/options.js';
import type { ClientOptions, RequestOptions } from '../rpc/options.js';
import { defineService, method } from '../rpc/service.js';
import type { TwirpClient } from '../rpc/twirp-client.js';
import { optionalObject, requireName, requireObject, requireString } from '../rpc/validate.js';
import { notOfferedOn404, SipCallError } from './telephony-errors.js';
import { transportFor } from './transport.js';

// Exactly the grants the server checks: sip.admin for trunks and rules, sip.call for calls,
// and for a transfer also the right to administer the participant's room.
const SIP_ADMIN: CallGrants = { sip: { admin: true } };
const SIP_CALL: CallGrants = { sip: { call: true } };
const sipCallInRoom = (request: { roomName: string }): CallGrants => ({
  video: { roomAdmin: true, room: request.roomName },
  sip: { call: true },
});

/** The ring window a dial or transfer gets when the caller sets none, as the peer and the server use. */
export const DEFAULT_RINGING_TIMEOUT_SECONDS = 30;
/** How much longer than the ring window the client waits for the server's answer. */
const DIAL_TIMEOUT_MARGIN_MS = 5_000;

/** The ring window a request asks for, in milliseconds. */
function ringWindowMs(request: { ringingTimeout?: { seconds: bigint; nanos: number } | undefined }): number {
  const ring = request.ringingTimeout;
  return ring === undefined ? DEFAULT_RINGING_TIMEOUT_SECONDS * 1000 : Number(ring.seconds) * 1000 + Math.ceil(ring.nanos / 1e6);
}
/** A per-attempt deadline that outlasts the ring window, whatever the client's default. */
const outlastRinging = (request: Parameters<typeof ringWindowMs>[0], clientTimeoutMs: number): number =>
  Math.max(clientTimeoutMs, ringWindowMs(request) + DIAL_TIMEOUT_MARGIN_MS);

const USE_NEW_TRUNKS = 'the server no longer has CreateSIPTrunk; use createSipInboundTrunk or createSipOutboundTrunk';

/**
 * The SIP service. Creates, deletes and dials are not idempotent (a second create makes a
 * second trunk, a second dial rings the phone again): they are retried only when the request
 * surely never left. Reads, and updates that set fields, are.
 */
export const SIP_SERVICE = defineService('SIP', {
  CreateSIPTrunk: method({
    input: CreateSIPTrunkRequest,
    output: SIPTrunkInfo,
    idempotent: false,
    grants: () => SIP_ADMIN,
    serverError: notOfferedOn404(USE_NEW_TRUNKS),
  }),
  CreateSIPInboundTrunk: method({ input: CreateSIPInboundTrunkRequest, output: SIPInboundTrunkInfo, idempotent: false, grants: () => SIP_ADMIN }),
  CreateSIPOutboundTrunk: method({ input: CreateSIPOutboundTrunkRequest, output: SIPOutboundTrunkInfo, idempotent: false, grants: () => SIP_ADMIN }),
  UpdateSIPInboundTrunk: method({ input: UpdateSIPInboundTrunkRequest, output: SIPInboundTrunkInfo, idempotent: true, grants: () => SIP_ADMIN }),
  UpdateSIPOutboundTrunk: method({ input: UpdateSIPOutboundTrunkRequest, output: SIPOutboundTrunkInfo, idempotent: true, grants: () => SIP_ADMIN }),
  GetSIPInboundTrunk: method({ input: GetSIPInboundTrunkRequest, output: GetSIPInboundTrunkResponse, idempotent: true, grants: () => SIP_ADMIN }),
  GetSIPOutboundTrunk: method({ input: GetSIPOutboundTrunkRequest, output: GetSIPOutboundTrunkResponse, idempotent: true, grants: () => SIP_ADMIN }),
  ListSIPTrunk: method({ input: ListSIPTrunkRequest, output: ListSIPTrunkResponse, idempotent: true, grants: () => SIP_ADMIN }),
  ListSIPInboundTrunk: method({ input: ListSIPInboundTrunkRequest, output: ListSIPInboundTrunkResponse, idempotent: true, grants: () => SIP_ADMIN }),
  ListSIPOutboundTrunk: method({ input: ListSIPOutboundTrunkRequest, output: ListSIPOutboundTrunkResponse, idempotent: true, grants: () => SIP_ADMIN }),
  DeleteSIPTrunk: method({ input: DeleteSIPTrunkRequest, output: SIPTrunkInfo, idempotent: false, grants: () => SIP_ADMIN }),
  CreateSIPDispatchRule: method({ input: CreateSIPDispatchRuleRequest, output: SIPDispatchRuleInfo, idempotent: false, grants: () => SIP_ADMIN }),
  UpdateSIPDispatchRule: method({ input: UpdateSIPDispatchRuleRequest, output: SIPDispatchRuleInfo, idempotent: true, grants: () => SIP_ADMIN }),
  ListSIPDispatchRule: method({ input: ListSIPDispatchRuleRequest, output: ListSIPDispatchRuleResponse, idempotent: true, grants: () => SIP_ADMIN }),
  DeleteSIPDispatchRule: method({ input: DeleteSIPDispatchRuleRequest, output: SIPDispatchRuleInfo, idempotent: false, grants: () => SIP_ADMIN }),
  CreateSIPParticipant: method({
    input: CreateSIPParticipantRequest,
    output: SIPParticipantInfo,
    idempotent: false,
    grants: () => SIP_CALL,
    // Waiting for the answer, the server holds the call for the whole ring window.
    timeoutMs: (request, clientTimeoutMs) => (request.waitUntilAnswered ? outlastRinging(request, clientTimeoutMs) : clientTimeoutMs),
    serverError: SipCallError.fromAnswer,
  }),
  TransferSIPParticipant: method({
    input: TransferSIPParticipantRequest,
    output: TransferSIPParticipantResponse,
    idempotent: false,
    grants: sipCallInRoom,
    // The server answers once the transfer target picks up, refuses, or the ring window ends.
    timeoutMs: outlastRinging,
    serverError: SipCallError.fromAnswer,
  }),
});
const M = SIP_SERVICE;

/** A string → string map, as SIP headers and attributes are. */
type StringMap = Readonly<Record<string, string>>;

/**
 * Options of {@link SipClient.createSipTrunk}, named as `livekit-server-sdk` names them.
 * @deprecated Use {@link CreateSipInboundTrunkOptions} or {@link CreateSipOutboundTrunkOptions}.
 *
 * @example
 * ```ts
 * const options: CreateSipTrunkOptions = { name: 'legacy', outbound_address: 'sip.example.com' };
 * ```
 */
export interface CreateSipTrunkOptions {
  name?: string | undefined;
  metadata?: string | undefined;
  inbound_addresses?: readonly string[] | undefined;
  inbound_numbers?: readonly string[] | undefined;
  inbound_username?: string | undefined;
  inbound_password?: string | undefined;
  outbound_address?: string | undefined;
  outbound_username?: string | undefined;
  outbound_password?: string | undefined;
}

/**
 * Options of {@link SipClient.createSipInboundTrunk}.
 *
 * @example
 * ```ts
 * const options: CreateSipInboundTrunkOptions = { allowedAddresses: ['203.0.113.0/24'], krispEnabled: true, ringingTimeout: 20 };
 * ```
 */
export interface CreateSipInboundTrunkOptions {
  metadata?: string | undefined;
  /** Source addresses (IPs or CIDRs) calls are accepted from. */
  allowedAddresses?: readonly string[] | undefined;
  /** @deprecated Use `allowedAddresses`. */
  allowed_addresses?: readonly string[] | undefined;
  /** Caller numbers calls are accepted from. */
  allowedNumbers?: readonly string[] | undefined;
  /** @deprecated Use `allowedNumbers`. */
  allowed_numbers?: readonly string[] | undefined;
  /** Digest auth the caller must present. */
  authUsername?: string | undefined;
  /** @deprecated Use `authUsername`. */
  auth_username?: string | undefined;
  authPassword?: string | undefined;
  /** @deprecated Use `authPassword`. */
  auth_password?: string | undefined;
  /** SIP headers added to every response. */
  headers?: StringMap | undefined;
  /** SIP headers mapped to participant attributes. */
  headersToAttributes?: StringMap | undefined;
  /** Which SIP headers become `sip.h.*` attributes. */
  includeHeaders?: SIPHeaderOptions | undefined;
  krispEnabled?: boolean | undefined;
  /** @deprecated Use `media.encryption`. */
  mediaEncryption?: SIPMediaEncryption | undefined;
  media?: SIPMediaConfig | MessageInit<SIPMediaConfig> | undefined;
  /** How long an incoming call may ring, in whole seconds. */
  ringingTimeout?: number | undefined;
}

/**
 * Options of {@link SipClient.createSipOutboundTrunk}.
 *
 * @example
 * ```ts
 * import { SIPTransport } from '@livekit/protocol';
 * const options: CreateSipOutboundTrunkOptions = { transport: SIPTransport.SIP_TRANSPORT_TLS, authUsername: 'lk', authPassword: 'pw' };
 * ```
 */
export interface CreateSipOutboundTrunkOptions {
  metadata?: string | undefined;
  /** UDP, TCP, TLS or automatic (the default). */
  transport?: SIPTransport | undefined;
  /** The country calls are expected to go to (ISO 3166-1 alpha-2), for routing. */
  destinationCountry?: string | undefined;
  authUsername?: string | undefined;
  /** @deprecated Use `authUsername`. */
  auth_username?: string | undefined;
  authPassword?: string | undefined;
  /** @deprecated Use `authPassword`. */
  auth_password?: string | undefined;
  headers?: StringMap | undefined;
  headersToAttributes?: StringMap | undefined;
  includeHeaders?: SIPHeaderOptions | undefined;
  /** @deprecated Use `media.encryption`. */
  mediaEncryption?: SIPMediaEncryption | undefined;
  media?: SIPMediaConfig | MessageInit<SIPMediaConfig> | undefined;
}

/**
 * A dispatch rule that puts every caller into one room.
 *
 * @example
 * ```ts
 * const rule: SipDispatchRuleDirect = { type: 'direct', roomName: 'support', pin: '1234' };
 * ```
 */
export interface SipDispatchRuleDirect {
  type: 'direct';
  roomName: string;
  pin?: string | undefined;
}

/**
 * A dispatch rule that puts each caller into a new room of their own, named from a prefix.
 *
 * @example
 * ```ts
 * const rule: SipDispatchRuleIndividual = { type: 'individual', roomPrefix: 'call-' };
 * ```
 */
export interface SipDispatchRuleIndividual {
  type: 'individual';
  roomPrefix: string;
  pin?: string | undefined;
}

/**
 * A dispatch rule that names the room from the number called.
 *
 * @example
 * ```ts
 * const rule: SipDispatchRuleCallee = { type: 'callee', roomPrefix: 'line-', randomize: true };
 * ```
 */
export interface SipDispatchRuleCallee {
  type: 'callee';
  roomPrefix: string;
  pin?: string | undefined;
  /** Append a random suffix to the room name. */
  randomize?: boolean | undefined;
}

/**
 * Options of {@link SipClient.createSipDispatchRule}.
 *
 * @example
 * ```ts
 * const options: CreateSipDispatchRuleOptions = { name: 'support line', trunkIds: ['ST_abc'], attributes: { team: 'support' } };
 * ```
 */
export interface CreateSipDispatchRuleOptions {
  name?: string | undefined;
  metadata?: string | undefined;
  /** The inbound trunks the rule applies to; every trunk when empty. */
  trunkIds?: readonly string[] | undefined;
  hidePhoneNumber?: boolean | undefined;
  /** Attributes given to the participants the rule creates. */
  attributes?: StringMap | undefined;
  roomPreset?: string | undefined;
  roomConfig?: RoomConfiguration | MessageInit<RoomConfiguration> | undefined;
}

/**
 * Options of {@link SipClient.createSipParticipant}: the peer's, with the same defaults.
 *
 * @example
 * ```ts
 * const options: CreateSipParticipantOptions = {
 *   participantIdentity: 'caller-42',
 *   waitUntilAnswered: true,
 *   ringingTimeout: 20,
 *   playDialtone: true,
 * };
 * ```
 */
export interface CreateSipParticipantOptions {
  /** The number to call from; the trunk's number when left out. */
  fromNumber?: string | undefined;
  /** Identity of the participant; `'sip-participant'` when left out or empty. */
  participantIdentity?: string | undefined;
  participantName?: string | undefined;
  /** The caller name shown to the callee. */
  displayName?: string | undefined;
  participantMetadata?: string | undefined;
  participantAttributes?: StringMap | undefined;
  /** DTMF digits to send once answered (`w` waits 0.5 s). */
  dtmf?: string | undefined;
  /** @deprecated Use `playDialtone`. */
  playRingtone?: boolean | undefined;
  /** Play a dial tone into the room until the callee answers. */
  playDialtone?: boolean | undefined;
  /** SIP headers sent with the INVITE. */
  headers?: StringMap | undefined;
  /** Which SIP response headers become `sip.h.*` attributes. */
  includeHeaders?: SIPHeaderOptions | undefined;
  hidePhoneNumber?: boolean | undefined;
  /**
   * How long the phone may ring, in whole seconds; with `waitUntilAnswered`, 30 unless given.
   * It is sent to the server, and the client waits this long plus 5 s for the answer.
   */
  ringingTimeout?: number | undefined;
  /** The longest the call may last, in whole seconds. */
  maxCallDuration?: number | undefined;
  krispEnabled?: boolean | undefined;
  /** Resolve only once the callee answers (a refusal is a {@link SipCallError}). */
  waitUntilAnswered?: boolean | undefined;
  /**
   * The peer's request timeout, in seconds; with `waitUntilAnswered` at least the ring window
   * plus 5 s. A per-call `timeoutMs` in the request options takes precedence.
   */
  timeout?: number | undefined;
  media?: SIPMediaConfig | MessageInit<SIPMediaConfig> | undefined;
}

/**
 * Filters and paging of the list calls: ids, numbers, and `page` (`afterId`, `limit`).
 *
 * @example
 * ```ts
 * const first = await sip.listSipInboundTrunk({ page: { limit: 50 } });
 * const next = await sip.listSipInboundTrunk({ page: { limit: 50, afterId: first.at(-1)?.sipTrunkId ?? '' } });
 * ```
 */
export interface ListSipTrunkOptions {
  page?: Pagination | MessageInit<Pagination> | undefined;
  /** Only these trunks, in this order. */
  trunkIds?: readonly string[] | undefined;
  /** Only trunks that have one of these numbers (and trunks without numbers). */
  numbers?: readonly string[] | undefined;
}

/**
 * Filters and paging of {@link SipClient.listSipDispatchRule}.
 *
 * @example
 * ```ts
 * const rules = await sip.listSipDispatchRule({ trunkIds: ['ST_abc'], page: { limit: 20 } });
 * ```
 */
export interface ListSipDispatchRuleOptions {
  page?: Pagination | MessageInit<Pagination> | undefined;
  /** Only these rules, in this order. */
  dispatchRuleIds?: readonly string[] | undefined;
  /** Only rules for one of these trunks (and rules for every trunk). */
  trunkIds?: readonly string[] | undefined;
}

/**
 * Fields of a dispatch rule to change with {@link SipClient.updateSipDispatchRuleFields}.
 *
 * @example
 * ```ts
 * const fields: SipDispatchRuleUpdateOptions = { name: 'after hours', trunkIds: { add: ['ST_def'] } };
 * ```
 */
export interface SipDispatchRuleUpdateOptions {
  trunkIds?: ListUpdate | MessageInit<ListUpdate> | undefined;
  rule?: SIPDispatchRule | MessageInit<SIPDispatchRule> | undefined;
  name?: string | undefined;
  metadata?: string | undefined;
  attributes?: StringMap | undefined;
}

/**
 * Fields of an inbound trunk to change with {@link SipClient.updateSipInboundTrunkFields}.
 *
 * @example
 * ```ts
 * const fields: SipInboundTrunkUpdateOptions = { numbers: { add: ['+15550100'] }, name: 'main line' };
 * ```
 */
export interface SipInboundTrunkUpdateOptions {
  numbers?: ListUpdate | MessageInit<ListUpdate> | undefined;
  allowedAddresses?: ListUpdate | MessageInit<ListUpdate> | undefined;
  allowedNumbers?: ListUpdate | MessageInit<ListUpdate> | undefined;
  authUsername?: string | undefined;
  authPassword?: string | undefined;
  name?: string | undefined;
  metadata?: string | undefined;
  /** @deprecated Use `media.encryption`. */
  mediaEncryption?: SIPMediaEncryption | undefined;
  media?: SIPMediaConfig | MessageInit<SIPMediaConfig> | undefined;
}

/**
 * Fields of an outbound trunk to change with {@link SipClient.updateSipOutboundTrunkFields}.
 *
 * @example
 * ```ts
 * const fields: SipOutboundTrunkUpdateOptions = { address: 'sip2.example.com', numbers: { set: ['+15550100'] } };
 * ```
 */
export interface SipOutboundTrunkUpdateOptions {
  address?: string | undefined;
  transport?: SIPTransport | undefined;
  numbers?: ListUpdate | MessageInit<ListUpdate> | undefined;
  authUsername?: string | undefined;
  authPassword?: string | undefined;
  destinationCountry?: string | undefined;
  name?: string | undefined;
  metadata?: string | undefined;
  /** @deprecated Use `media.encryption`. */
  mediaEncryption?: SIPMediaEncryption | undefined;
  media?: SIPMediaConfig | MessageInit<SIPMediaConfig> | undefined;
}

/**
 * Options of {@link SipClient.transferSipParticipant}.
 *
 * @example
 * ```ts
 * const options: TransferSipParticipantOptions = { playDialtone: true, ringingTimeout: 20 };
 * ```
 */
export interface TransferSipParticipantOptions {
  playDialtone?: boolean | undefined;
  /** SIP headers sent with the REFER. */
  headers?: StringMap | undefined;
  /** How long the transfer target may ring, in whole seconds; 30 unless given (sent to the server). */
  ringingTimeout?: number | undefined;
  /** The peer's request timeout, in seconds; at least the ring window plus 5 s. */
  timeout?: number | undefined;
}

/**
 * Manages SIP trunks and dispatch rules, and places and transfers phone calls.
 *
 * A drop-in for `livekit-server-sdk`'s `SipClient`: the same constructor, method names,
 * argument orders and results (`@livekit/protocol` messages). Beyond it: per-call
 * {@link RequestOptions} last; `getSipInboundTrunk`/`getSipOutboundTrunk`;
 * `transferSipParticipant` resolves to the server's transfer result; the caller's options are
 * never changed; a dial or transfer is never sent twice (no retry once it may have reached the
 * server), and its deadline always outlasts the ring window.
 *
 * @example
 * ```ts
 * import { SipClient, SipCallError } from 'livekit-server-api';
 *
 * const sip = new SipClient('https://my-project.livekit.cloud');
 * const trunk = await sip.createSipOutboundTrunk('carrier', 'sip.example.com', ['+15550100']);
 * try {
 *   await sip.createSipParticipant(trunk.sipTrunkId, '+15550199', 'support', { waitUntilAnswered: true });
 * } catch (err) {
 *   if (err instanceof SipCallError) console.log(err.sipStatusCode, err.sipStatus);
 * }
 * ```
 */
export class SipClient {
  readonly #rpc: TwirpClient;

  /**
   * @param host - the server URL, e.g. `https://my-project.livekit.cloud`
   * @param apiKey - the API key; defaults to `LIVEKIT_API_KEY`
   * @param secret - the API secret; defaults to `LIVEKIT_API_SECRET`
   * @param options - timeouts, retries, encoding, a pre-signed `token`…
   *
   * @example
   * ```ts
   * const sip = new SipClient('http://localhost:7880', 'devkey', 'secret', { timeoutMs: 5_000 });
   * ```
   */
  constructor(host: string, apiKey?: string, secret?: string, options?: ClientOptions) {
    this.#rpc = transportFor('SipClient', host, apiKey, secret, options);
  }

  /**
   * The old combined trunk. Current servers no longer have it: they answer with a
   * {@link MethodNotOfferedError} (`bad_route`, 404) saying to use inbound/outbound trunks.
   * @deprecated Use {@link SipClient.createSipInboundTrunk} or {@link SipClient.createSipOutboundTrunk}.
   *
   * @example
   * ```ts
   * await sip.createSipTrunk('+15550100', { outbound_address: 'sip.example.com' }); // rejects on current servers
   * ```
   */
  async createSipTrunk(number: string, opts?: CreateSipTrunkOptions, requestOptions?: RequestOptions): Promise<SIPTrunkInfo> {
    const what = 'SIP.CreateSIPTrunk';
    const o = optionalObject(opts, `${what}: opts`) ?? {};
    const request = {
      outboundNumber: requireString(number, `${what}: number`),
      name: o.name,
      metadata: o.metadata,
      inboundAddresses: o.inbound_addresses,
      inboundNumbers: o.inbound_numbers,
      inboundUsername: o.inbound_username,
      inboundPassword: o.inbound_password,
      outboundAddress: o.outbound_address,
      outboundUsername: o.outbound_username,
      outboundPassword: o.outbound_password,
    };
    return this.#rpc.invoke(M.CreateSIPTrunk, request, requestOptions, 'opts');
  }

  /**
   * Creates an inbound trunk: which calls LiveKit accepts, on which numbers.
   *
   * @example
   * ```ts
   * const trunk = await sip.createSipInboundTrunk('main line', ['+15550100'], { allowedAddresses: ['203.0.113.0/24'] });
   * ```
   */
  async createSipInboundTrunk(
    name: string,
    numbers: readonly string[],
    opts?: CreateSipInboundTrunkOptions,
    requestOptions?: RequestOptions,
  ): Promise<SIPInboundTrunkInfo> {
    const what = 'SIP.CreateSIPInboundTrunk';
    const o = optionalObject(opts, `${what}: opts`) ?? {};
    const trunk = {
      name: requireString(name, `${what}: name`),
      numbers: numberList(numbers, `${what}: numbers`),
      metadata: o.metadata,
      allowedAddresses: o.allowedAddresses ?? o.allowed_addresses,
      allowedNumbers: o.allowedNumbers ?? o.allowed_numbers,
      authUsername: o.authUsername ?? o.auth_username,
      authPassword: o.authPassword ?? o.auth_password,
      headers: o.headers,
      headersToAttributes: o.headersToAttributes,
      includeHeaders: o.includeHeaders,
      krispEnabled: o.krispEnabled,
      mediaEncryption: o.mediaEncryption,
      media: o.media,
      ringingTimeout: wholeSeconds(o.ringingTimeout, `${what}: opts.ringingTimeout`),
    };
    return this.#rpc.invoke(M.CreateSIPInboundTrunk, { trunk }, requestOptions, 'opts');
  }

  /**
   * Creates an outbound trunk: the SIP server LiveKit dials through, and the numbers it calls from.
   *
   * @example
   * ```ts
   * const trunk = await sip.createSipOutboundTrunk('carrier', 'sip.example.com', ['+15550100'], {
   *   transport: SIPTransport.SIP_TRANSPORT_TLS,
   *   authUsername: 'livekit',
   *   authPassword: process.env.SIP_PASSWORD,
   * });
   * ```
   */
  async createSipOutboundTrunk(
    name: string,
    address: string,
    numbers: readonly string[],
    opts?: CreateSipOutboundTrunkOptions,
    requestOptions?: RequestOptions,
  ): Promise<SIPOutboundTrunkInfo> {
    const what = 'SIP.CreateSIPOutboundTrunk';
    const o = optionalObject(opts, `${what}: opts`) ?? {};
    const trunk = {
      name: requireString(name, `${what}: name`),
      address: requireName(address, `${what}: address`),
      numbers: numberList(numbers, `${what}: numbers`),
      metadata: o.metadata,
      transport: o.transport,
      authUsername: o.authUsername ?? o.auth_username,
      authPassword: o.authPassword ?? o.auth_password,
      headers: o.headers,
      headersToAttributes: o.headersToAttributes,
      includeHeaders: o.includeHeaders,
      destinationCountry: o.destinationCountry,
      mediaEncryption: o.mediaEncryption,
      media: o.media,
    };
    return this.#rpc.invoke(M.CreateSIPOutboundTrunk, { trunk }, requestOptions, 'opts');
  }

  /**
   * Replaces an inbound trunk as a whole and returns it.
   *
   * @example
   * ```ts
   * await sip.updateSipInboundTrunk('ST_abc', { name: 'main line', numbers: ['+15550100'], krispEnabled: true });
   * ```
   */
  async updateSipInboundTrunk(
    sipTrunkId: string,
    trunk: SIPInboundTrunkInfo | MessageInit<SIPInboundTrunkInfo>,
    requestOptions?: RequestOptions,
  ): Promise<SIPInboundTrunkInfo> {
    return this.#rpc.invoke(M.UpdateSIPInboundTrunk, update('UpdateSIPInboundTrunk', 'sipTrunkId', sipTrunkId, { replace: trunk }), requestOptions, 'trunk');
  }

  /**
   * Changes some fields of an inbound trunk (lists by set/add/remove) and returns it.
   *
   * @example
   * ```ts
   * await sip.updateSipInboundTrunkFields('ST_abc', { numbers: { add: ['+15550101'] } });
   * ```
   */
  async updateSipInboundTrunkFields(
    sipTrunkId: string,
    fields: SipInboundTrunkUpdateOptions,
    requestOptions?: RequestOptions,
  ): Promise<SIPInboundTrunkInfo> {
    return this.#rpc.invoke(M.UpdateSIPInboundTrunk, update('UpdateSIPInboundTrunk', 'sipTrunkId', sipTrunkId, { update: fields }), requestOptions, 'fields');
  }

  /**
   * Replaces an outbound trunk as a whole and returns it.
   *
   * @example
   * ```ts
   * await sip.updateSipOutboundTrunk('ST_def', { name: 'carrier', address: 'sip2.example.com', numbers: ['+15550100'] });
   * ```
   */
  async updateSipOutboundTrunk(
    sipTrunkId: string,
    trunk: SIPOutboundTrunkInfo | MessageInit<SIPOutboundTrunkInfo>,
    requestOptions?: RequestOptions,
  ): Promise<SIPOutboundTrunkInfo> {
    return this.#rpc.invoke(M.UpdateSIPOutboundTrunk, update('UpdateSIPOutboundTrunk', 'sipTrunkId', sipTrunkId, { replace: trunk }), requestOptions, 'trunk');
  }

  /**
   * Changes some fields of an outbound trunk and returns it.
   *
   * @example
   * ```ts
   * await sip.updateSipOutboundTrunkFields('ST_def', { address: 'sip2.example.com' });
   * ```
   */
  async updateSipOutboundTrunkFields(
    sipTrunkId: string,
    fields: SipOutboundTrunkUpdateOptions,
    requestOptions?: RequestOptions,
  ): Promise<SIPOutboundTrunkInfo> {
    return this.#rpc.invoke(M.UpdateSIPOutboundTrunk, update('UpdateSIPOutboundTrunk', 'sipTrunkId', sipTrunkId, { update: fields }), requestOptions, 'fields');
  }

  /**
   * Returns one inbound trunk; an unknown id is a {@link ServerError} `not_found`. Not in the peer.
   *
   * @example
   * ```ts
   * const trunk = await sip.getSipInboundTrunk('ST_abc');
   * ```
   */
  async getSipInboundTrunk(sipTrunkId: string, requestOptions?: RequestOptions): Promise<SIPInboundTrunkInfo> {
    const request = { sipTrunkId: requireName(sipTrunkId, 'SIP.GetSIPInboundTrunk: sipTrunkId') };
    return (await this.#rpc.invoke(M.GetSIPInboundTrunk, request, requestOptions)).trunk ?? new SIPInboundTrunkInfo();
  }

  /**
   * Returns one outbound trunk; an unknown id is a {@link ServerError} `not_found`. Not in the peer.
   *
   * @example
   * ```ts
   * const trunk = await sip.getSipOutboundTrunk('ST_def');
   * ```
   */
  async getSipOutboundTrunk(sipTrunkId: string, requestOptions?: RequestOptions): Promise<SIPOutboundTrunkInfo> {
    const request = { sipTrunkId: requireName(sipTrunkId, 'SIP.GetSIPOutboundTrunk: sipTrunkId') };
    return (await this.#rpc.invoke(M.GetSIPOutboundTrunk, request, requestOptions)).trunk ?? new SIPOutboundTrunkInfo();
  }

  /**
   * Lists every trunk in the old combined form.
   * @deprecated Use {@link SipClient.listSipInboundTrunk} or {@link SipClient.listSipOutboundTrunk}.
   *
   * @example
   * ```ts
   * for (const trunk of await sip.listSipTrunk()) console.log(trunk.sipTrunkId);
   * ```
   */
  async listSipTrunk(requestOptions?: RequestOptions): Promise<SIPTrunkInfo[]> {
    return (await this.#rpc.invoke(M.ListSIPTrunk, {}, requestOptions)).items;
  }

  /**
   * Lists inbound trunks, optionally filtered by id or number, a page at a time.
   *
   * @example
   * ```ts
   * const trunks = await sip.listSipInboundTrunk({ numbers: ['+15550100'] });
   * ```
   */
  async listSipInboundTrunk(list: ListSipTrunkOptions = {}, requestOptions?: RequestOptions): Promise<SIPInboundTrunkInfo[]> {
    return (await this.#rpc.invoke(M.ListSIPInboundTrunk, list, requestOptions, 'list')).items;
  }

  /**
   * Lists outbound trunks, optionally filtered by id or number, a page at a time.
   *
   * @example
   * ```ts
   * const trunks = await sip.listSipOutboundTrunk({ trunkIds: ['ST_def'] });
   * ```
   */
  async listSipOutboundTrunk(list: ListSipTrunkOptions = {}, requestOptions?: RequestOptions): Promise<SIPOutboundTrunkInfo[]> {
    return (await this.#rpc.invoke(M.ListSIPOutboundTrunk, list, requestOptions, 'list')).items;
  }

  /**
   * Every inbound trunk matching the filters, a page of `pageSize` at a time (the server's
   * `afterId` paging), as an async iterator.
   *
   * @example
   * ```ts
   * for await (const trunk of sip.iterateSipInboundTrunk({ numbers: ['+15550100'] })) console.log(trunk.sipTrunkId);
   * ```
   */
  iterateSipInboundTrunk(
    list: Omit<ListSipTrunkOptions, 'page'> = {},
    pageSize = DEFAULT_PAGE_SIZE,
    requestOptions?: RequestOptions,
  ): AsyncIterableIterator<SIPInboundTrunkInfo> {
    const fetchPage = (page: { afterId: string; limit: number }) => this.listSipInboundTrunk({ ...list, page }, requestOptions);
    return pages(fetchPage, (t) => t.sipTrunkId, pageSize, 'SIP.ListSIPInboundTrunk');
  }

  /**
   * Every outbound trunk matching the filters, a page at a time, as an async iterator.
   *
   * @example
   * ```ts
   * for await (const trunk of sip.iterateSipOutboundTrunk()) console.log(trunk.address);
   * ```
   */
  iterateSipOutboundTrunk(
    list: Omit<ListSipTrunkOptions, 'page'> = {},
    pageSize = DEFAULT_PAGE_SIZE,
    requestOptions?: RequestOptions,
  ): AsyncIterableIterator<SIPOutboundTrunkInfo> {
    const fetchPage = (page: { afterId: string; limit: number }) => this.listSipOutboundTrunk({ ...list, page }, requestOptions);
    return pages(fetchPage, (t) => t.sipTrunkId, pageSize, 'SIP.ListSIPOutboundTrunk');
  }

  /**
   * Deletes a trunk (inbound or outbound) and returns it; an unknown id is `not_found`.
   *
   * @example
   * ```ts
   * await sip.deleteSipTrunk('ST_abc');
   * ```
   */
  async deleteSipTrunk(sipTrunkId: string, requestOptions?: RequestOptions): Promise<SIPTrunkInfo> {
    const request = { sipTrunkId: requireName(sipTrunkId, 'SIP.DeleteSIPTrunk: sipTrunkId') };
    return this.#rpc.invoke(M.DeleteSIPTrunk, request, requestOptions);
  }

  /**
   * Creates a dispatch rule: which room an incoming call goes to. `rule.type` is `direct`,
   * `individual` or `callee`.
   *
   * @example
   * ```ts
   * const rule = await sip.createSipDispatchRule({ type: 'individual', roomPrefix: 'call-' }, { trunkIds: ['ST_abc'] });
   * ```
   */
  async createSipDispatchRule(
    rule: SipDispatchRuleDirect | SipDispatchRuleIndividual | SipDispatchRuleCallee,
    opts?: CreateSipDispatchRuleOptions,
    requestOptions?: RequestOptions,
  ): Promise<SIPDispatchRuleInfo> {
    const what = 'SIP.CreateSIPDispatchRule';
    const o = optionalObject(opts, `${what}: opts`) ?? {};
    const request = {
      rule: dispatchRule(rule, `${what}: rule`),
      trunkIds: o.trunkIds,
      hidePhoneNumber: o.hidePhoneNumber,
      name: o.name,
      metadata: o.metadata,
      attributes: o.attributes,
      roomPreset: o.roomPreset,
      roomConfig: o.roomConfig,
    };
    return this.#rpc.invoke(M.CreateSIPDispatchRule, request, requestOptions, 'opts');
  }

  /**
   * Replaces a dispatch rule as a whole and returns it.
   *
   * @example
   * ```ts
   * await sip.updateSipDispatchRule('SDR_abc', {
   *   name: 'support',
   *   rule: { rule: { case: 'dispatchRuleDirect', value: { roomName: 'support' } } },
   * });
   * ```
   */
  async updateSipDispatchRule(
    sipDispatchRuleId: string,
    rule: SIPDispatchRuleInfo | MessageInit<SIPDispatchRuleInfo>,
    requestOptions?: RequestOptions,
  ): Promise<SIPDispatchRuleInfo> {
    const request = update('UpdateSIPDispatchRule', 'sipDispatchRuleId', sipDispatchRuleId, { replace: rule });
    return this.#rpc.invoke(M.UpdateSIPDispatchRule, request, requestOptions, 'rule');
  }

  /**
   * Changes some fields of a dispatch rule and returns it.
   *
   * @example
   * ```ts
   * await sip.updateSipDispatchRuleFields('SDR_abc', { trunkIds: { add: ['ST_def'] }, name: 'all lines' });
   * ```
   */
  async updateSipDispatchRuleFields(
    sipDispatchRuleId: string,
    fields: SipDispatchRuleUpdateOptions = {},
    requestOptions?: RequestOptions,
  ): Promise<SIPDispatchRuleInfo> {
    const request = update('UpdateSIPDispatchRule', 'sipDispatchRuleId', sipDispatchRuleId, { update: fields });
    return this.#rpc.invoke(M.UpdateSIPDispatchRule, request, requestOptions, 'fields');
  }

  /**
   * Lists dispatch rules, optionally filtered by rule or trunk id, a page at a time.
   *
   * @example
   * ```ts
   * const rules = await sip.listSipDispatchRule({ trunkIds: ['ST_abc'] });
   * ```
   */
  async listSipDispatchRule(list: ListSipDispatchRuleOptions = {}, requestOptions?: RequestOptions): Promise<SIPDispatchRuleInfo[]> {
    return (await this.#rpc.invoke(M.ListSIPDispatchRule, list, requestOptions, 'list')).items;
  }

  /**
   * Every dispatch rule matching the filters, a page at a time, as an async iterator.
   *
   * @example
   * ```ts
   * for await (const rule of sip.iterateSipDispatchRule({ trunkIds: ['ST_abc'] })) console.log(rule.name);
   * ```
   */
  iterateSipDispatchRule(
    list: Omit<ListSipDispatchRuleOptions, 'page'> = {},
    pageSize = DEFAULT_PAGE_SIZE,
    requestOptions?: RequestOptions,
  ): AsyncIterableIterator<SIPDispatchRuleInfo> {
    const fetchPage = (page: { afterId: string; limit: number }) => this.listSipDispatchRule({ ...list, page }, requestOptions);
    return pages(fetchPage, (r) => r.sipDispatchRuleId, pageSize, 'SIP.ListSIPDispatchRule');
  }

  /**
   * Deletes a dispatch rule and returns it; an unknown id is `not_found`.
   *
   * @example
   * ```ts
   * await sip.deleteSipDispatchRule('SDR_abc');
   * ```
   */
  async deleteSipDispatchRule(sipDispatchRuleId: string, requestOptions?: RequestOptions): Promise<SIPDispatchRuleInfo> {
    const request = { sipDispatchRuleId: requireName(sipDispatchRuleId, 'SIP.DeleteSIPDispatchRule: sipDispatchRuleId') };
    return this.#rpc.invoke(M.DeleteSIPDispatchRule, request, requestOptions);
  }

  /**
   * Dials a phone number through an outbound trunk and brings the call into a room as a SIP
   * participant. With `waitUntilAnswered`, resolves once the callee answers, and a refusal is
   * a {@link SipCallError} (`sipStatusCode` 486 busy, 603 declined…); the ring window is 30 s
   * unless `ringingTimeout` says otherwise, and the client waits that long plus 5 s. Never
   * sent twice: a dial that may have reached the server is not retried.
   *
   * @example
   * ```ts
   * const call = await sip.createSipParticipant('ST_def', '+15550199', 'support', {
   *   participantIdentity: 'caller',
   *   waitUntilAnswered: true,
   *   ringingTimeout: 20,
   * });
   * console.log(call.participantIdentity, call.sipCallId);
   * ```
   */
  async createSipParticipant(
    sipTrunkId: string,
    number: string,
    roomName: string,
    opts?: CreateSipParticipantOptions,
    outboundTrunkConfig?: SIPOutboundConfig | MessageInit<SIPOutboundConfig>,
    requestOptions?: RequestOptions,
  ): Promise<SIPParticipantInfo> {
    const what = 'SIP.CreateSIPParticipant';
    const o = optionalObject(opts, `${what}: opts`) ?? {};
    requireString(sipTrunkId, `${what}: sipTrunkId`);
    const trunk = optionalObject(outboundTrunkConfig, `${what}: outboundTrunkConfig`);
    if (sipTrunkId === '' && trunk === undefined) {
      throw new TypeError(`${what}: pass the outbound trunk's id (ST_…) as sipTrunkId, or an outboundTrunkConfig`);
    }
    const wait = o.waitUntilAnswered === true;
    const ringingTimeout = wholeSeconds(o.ringingTimeout ?? (wait ? DEFAULT_RINGING_TIMEOUT_SECONDS : undefined), `${what}: opts.ringingTimeout`);
    const request = {
      sipTrunkId,
      trunk,
      sipCallTo: requireName(number, `${what}: number`),
      sipNumber: o.fromNumber,
      roomName: requireName(roomName, `${what}: roomName`),
      participantIdentity: o.participantIdentity || 'sip-participant',
      participantName: o.participantName,
      displayName: o.displayName,
      participantMetadata: o.participantMetadata,
      participantAttributes: o.participantAttributes,
      dtmf: o.dtmf,
      playDialtone: o.playDialtone ?? o.playRingtone,
      headers: o.headers,
      hidePhoneNumber: o.hidePhoneNumber,
      includeHeaders: o.includeHeaders,
      ringingTimeout,
      maxCallDuration: wholeSeconds(o.maxCallDuration, `${what}: opts.maxCallDuration`),
      krispEnabled: o.krispEnabled,
      waitUntilAnswered: o.waitUntilAnswered,
      media: o.media,
    };
    const options = dialOptions(what, o.timeout, wait ? ringingTimeout : undefined, requestOptions);
    return this.#rpc.invoke(M.CreateSIPParticipant, request, options, 'opts');
  }

  /**
   * Transfers a SIP participant's call to another number or SIP URI (a SIP REFER) and resolves
   * to the server's transfer result. A refusal is a {@link SipCallError}. The ring window is
   * 30 s unless `ringingTimeout` says otherwise, and the client waits that long plus 5 s.
   * Never sent twice.
   *
   * @example
   * ```ts
   * const result = await sip.transferSipParticipant('support', 'caller', 'tel:+15550123', { playDialtone: true });
   * console.log(result.transferId, result.status);
   * ```
   */
  async transferSipParticipant(
    roomName: string,
    participantIdentity: string,
    transferTo: string,
    opts?: TransferSipParticipantOptions,
    requestOptions?: RequestOptions,
  ): Promise<TransferSIPParticipantResponse> {
    const what = 'SIP.TransferSIPParticipant';
    const o = optionalObject(opts, `${what}: opts`) ?? {};
    const ringingTimeout = wholeSeconds(o.ringingTimeout ?? DEFAULT_RINGING_TIMEOUT_SECONDS, `${what}: opts.ringingTimeout`);
    const request = {
      roomName: requireName(roomName, `${what}: roomName`),
      participantIdentity: requireName(participantIdentity, `${what}: participantIdentity`),
      transferTo: requireName(transferTo, `${what}: transferTo`),
      playDialtone: o.playDialtone,
      headers: o.headers,
      ringingTimeout,
    };
    return this.#rpc.invoke(M.TransferSIPParticipant, request, dialOptions(what, o.timeout, ringingTimeout, requestOptions), 'opts');
  }
}

/** Items per page of the `iterate…` methods when the caller sets none. */
const DEFAULT_PAGE_SIZE = 100;

/**
 * Walks a list the server pages by id: each page asks for the items after the last id seen,
 * until a page comes back short. The page size is checked before the first request.
 */
function pages<T>(
  fetchPage: (page: { afterId: string; limit: number }) => Promise<T[]>,
  idOf: (item: T) => string,
  pageSize: number,
  what: string,
): AsyncIterableIterator<T> {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 2_147_483_647) {
    throw new RangeError(`${what}: pageSize must be a whole number of at least 1, got ${show(pageSize)}`);
  }
  return (async function* walk() {
    let afterId = '';
    for (;;) {
      const items = await fetchPage({ afterId, limit: pageSize });
      yield* items;
      const last = items.at(-1);
      if (items.length < pageSize || last === undefined || idOf(last) <= afterId) return;
      afterId = idOf(last);
    }
  })();
}

/** An update request: the id (checked) and the action, `{ replace }` or `{ update }`. */
function update<A extends object>(method: string, idField: string, id: string, action: A): A & Record<string, string> {
  return { [idField]: requireName(id, `SIP.${method}: ${idField}`), ...action } as A & Record<string, string>;
}

/** A list of phone numbers (strings; may be empty). */
function numberList(value: unknown, what: string): string[] {
  if (!Array.isArray(value)) throw new TypeError(`${what} must be an array of phone numbers, e.g. ['+15550100'], got ${show(value)}`);
  value.forEach((item: unknown, i) => requireName(item, `${what}[${i}]`));
  return value as string[];
}

/**
 * Whole seconds as a protobuf Duration; undefined stays undefined. A fraction or a value
 * under 1 is a RangeError.
 *
 * @example
 * ```ts
 * wholeSeconds(30, 'opts.ringingTimeout'); // { seconds: 30n }
 * ```
 */
export function wholeSeconds(value: unknown, what: string): { seconds: bigint } | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number of seconds, got ${show(value)}`);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${what} must be a whole number of seconds, at least 1, got ${show(value)}`);
  }
  return { seconds: BigInt(value) };
}

/**
 * The request options of a dial or transfer: the caller's (a copy, never changed), with the
 * peer's `timeout` in seconds turned into `timeoutMs` and, while ringing is waited for, kept
 * longer than the ring window. Without a timeout at all, the method's rule decides.
 */
function dialOptions(
  what: string,
  timeoutSeconds: unknown,
  ringing: { seconds: bigint } | undefined,
  requestOptions: RequestOptions | undefined,
): RequestOptions | undefined {
  // Options that are not an object are left for the transport to refuse.
  if (requestOptions !== undefined && (typeof requestOptions !== 'object' || requestOptions === null)) return requestOptions;
  const ringMs = ringing === undefined ? 0 : Number(ringing.seconds) * 1000;
  const explicit = requestOptions?.timeoutMs;
  if (explicit !== undefined) {
    if (typeof explicit === 'number' && ringing !== undefined && explicit <= ringMs) {
      throw new RangeError(
        `${what}: timeoutMs (${explicit}) must be longer than the ring window (${ringMs} ms), or the call is cut off while the phone rings; leave it out for ring window + ${DIAL_TIMEOUT_MARGIN_MS} ms`,
      );
    }
    return requestOptions;
  }
  if (timeoutSeconds === undefined) return requestOptions;
  if (typeof timeoutSeconds !== 'number' || !Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new RangeError(`${what}: opts.timeout is in seconds and must be a positive number, got ${show(timeoutSeconds)}`);
  }
  const floor = ringing === undefined ? 0 : ringMs + DIAL_TIMEOUT_MARGIN_MS;
  return { ...requestOptions, timeoutMs: Math.max(Math.ceil(timeoutSeconds * 1000), floor) };
}

/** The protobuf SIPDispatchRule of the peer's `{ type, … }` form. */
function dispatchRule(rule: unknown, what: string): MessageInit<SIPDispatchRule> {
  const r = requireObject(rule, what, "{ type: 'direct', roomName: 'support' }") as Record<string, unknown>;
  switch (r['type']) {
    case 'direct':
      return { rule: { case: 'dispatchRuleDirect', value: { roomName: requireName(r['roomName'], `${what}.roomName`), pin: pin(r, what) } } };
    case 'individual':
      return { rule: { case: 'dispatchRuleIndividual', value: { roomPrefix: requireString(r['roomPrefix'], `${what}.roomPrefix`), pin: pin(r, what) } } };
    case 'callee': {
      const randomize = r['randomize'] ?? false;
      if (typeof randomize !== 'boolean') throw new TypeError(`${what}.randomize must be true or false, got ${show(randomize)}`);
      const value = { roomPrefix: requireString(r['roomPrefix'], `${what}.roomPrefix`), pin: pin(r, what), randomize };
      return { rule: { case: 'dispatchRuleCallee', value } };
    }
    default:
      throw new RangeError(`${what}.type must be 'direct', 'individual' or 'callee', got ${show(r['type'])}`);
  }
}

function pin(rule: Record<string, unknown>, what: string): string {
  return requireString(rule['pin'] ?? '', `${what}.pin`);
}
