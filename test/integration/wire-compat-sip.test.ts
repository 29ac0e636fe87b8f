// Wire compatibility with livekit-server-sdk for telephony: for every SipClient and
// ConnectorClient method, what the peer sends and what we send (in JSON and in protobuf)
// decode to the same request message, go to the same path, and carry the same video and SIP
// grants. The peer speaks JSON only, so its body is read as JSON and ours in its own encoding.
import {
  ConnectTwilioCallRequest,
  ConnectTwilioCallRequest_TwilioCallDirection,
  ConnectWhatsAppCallRequest,
  CreateSIPDispatchRuleRequest,
  CreateSIPInboundTrunkRequest,
  CreateSIPOutboundTrunkRequest,
  CreateSIPParticipantRequest,
  CreateSIPTrunkRequest,
  DeleteSIPDispatchRuleRequest,
  DeleteSIPTrunkRequest,
  DialWhatsAppCallRequest,
  DisconnectWhatsAppCallRequest,
  DisconnectWhatsAppCallRequest_DisconnectReason,
  ListSIPDispatchRuleRequest,
  ListSIPInboundTrunkRequest,
  ListSIPOutboundTrunkRequest,
  ListSIPTrunkRequest,
  AcceptWhatsAppCallRequest,
  SIPHeaderOptions,
  SIPMediaEncryption,
  SIPTransport,
  TransferSIPParticipantRequest,
  UpdateSIPDispatchRuleRequest,
  UpdateSIPInboundTrunkRequest,
  UpdateSIPOutboundTrunkRequest,
} from '@livekit/protocol';
import { ConnectorClient as PeerConnector, SipClient as PeerSip } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorClient } from '../../src/services/connector.js';
import { SipClient } from '../../src/services/sip.js';
import { startLocalServer, tokenClaims } from '../rpc/local-server.js';
import type { LocalServer, RecordedRequest } from '../rpc/local-server.js';

const KEY = 'APIwirecompat';
const SECRET = 'wire-compat-secret-long-enough-for-hs256-0123';

interface RequestType {
  fromBinary(bytes: Uint8Array): Comparable;
  fromJsonString(json: string): Comparable;
}
interface Comparable {
  toJson(): unknown;
}
const type = (t: unknown): RequestType => t as RequestType;

// The peer's argument types come from its own copy of @livekit/protocol: the same values are
// passed to both, typed loosely here.
type Loose = never;
const loose = <T>(value: T): Loose => value as unknown as Loose;

interface Clients {
  sip: SipClient;
  connector: ConnectorClient;
}
interface PeerClients {
  sip: PeerSip;
  connector: PeerConnector;
}
type Case = [name: string, service: 'SIP' | 'Connector', method: string, type: RequestType, peer: (c: PeerClients) => Promise<unknown>, ours: (c: Clients) => Promise<unknown>];

// Calls that take the same arguments in both clients: one function, run against each.
function same(name: string, service: 'SIP' | 'Connector', method: string, t: unknown, call: (c: Clients | PeerClients) => Promise<unknown>): Case {
  return [name, service, method, type(t), call, call];
}

const media = { encryption: SIPMediaEncryption.SIP_MEDIA_ENCRYPT_ALLOW };
const agents = [{ agentName: 'helper', metadata: 'm' }];
const sdp = { type: 'offer', sdp: 'v=0\r\n' };

const CASES: Case[] = [
  same('createSipTrunk', 'SIP', 'CreateSIPTrunk', CreateSIPTrunkRequest, (c) =>
    c.sip.createSipTrunk('+15550100', {
      name: 'legacy',
      metadata: 'm',
      inbound_addresses: ['203.0.113.1'],
      inbound_numbers: ['+1'],
      inbound_username: 'iu',
      inbound_password: 'ip',
      outbound_address: 'sip.example.com',
      outbound_username: 'ou',
      outbound_password: 'op',
    }),
  ),
  same('createSipInboundTrunk with every option', 'SIP', 'CreateSIPInboundTrunk', CreateSIPInboundTrunkRequest, (c) =>
    c.sip.createSipInboundTrunk('main', ['+15550100'], {
      metadata: 'm',
      allowedAddresses: ['203.0.113.0/24'],
      allowedNumbers: ['+1999'],
      authUsername: 'u',
      authPassword: 'p',
      headers: { 'X-A': '1' },
      headersToAttributes: { 'X-B': 'b' },
      includeHeaders: SIPHeaderOptions.SIP_ALL_HEADERS,
      krispEnabled: true,
      mediaEncryption: SIPMediaEncryption.SIP_MEDIA_ENCRYPT_REQUIRE,
      media: loose(media),
      ringingTimeout: 20,
    }),
  ),
  same('createSipInboundTrunk with the deprecated snake_case names', 'SIP', 'CreateSIPInboundTrunk', CreateSIPInboundTrunkRequest, (c) =>
    c.sip.createSipInboundTrunk('main', ['+1'], { allowed_addresses: ['10.0.0.1'], allowed_numbers: ['+2'], auth_username: 'u', auth_password: 'p' }),
  ),
  same('createSipOutboundTrunk with every option', 'SIP', 'CreateSIPOutboundTrunk', CreateSIPOutboundTrunkRequest, (c) =>
    c.sip.createSipOutboundTrunk('carrier', 'sip.example.com', ['+15550100'], {
      metadata: 'm',
      transport: SIPTransport.SIP_TRANSPORT_TLS,
      destinationCountry: 'US',
      authUsername: 'u',
      authPassword: 'p',
      headers: { 'X-A': '1' },
      headersToAttributes: { 'X-B': 'b' },
      includeHeaders: SIPHeaderOptions.SIP_X_HEADERS,
      mediaEncryption: SIPMediaEncryption.SIP_MEDIA_ENCRYPT_ALLOW,
      media: loose(media),
    }),
  ),
  same('createSipOutboundTrunk without options', 'SIP', 'CreateSIPOutboundTrunk', CreateSIPOutboundTrunkRequest, (c) =>
    c.sip.createSipOutboundTrunk('carrier', 'sip.example.com', ['+1']),
  ),
  same('updateSipInboundTrunk', 'SIP', 'UpdateSIPInboundTrunk', UpdateSIPInboundTrunkRequest, (c) =>
    c.sip.updateSipInboundTrunk('ST_in', loose({ name: 'n', numbers: ['+1'], krispEnabled: true })),
  ),
  same('updateSipInboundTrunkFields', 'SIP', 'UpdateSIPInboundTrunk', UpdateSIPInboundTrunkRequest, (c) =>
    c.sip.updateSipInboundTrunkFields('ST_in', loose({ numbers: { add: ['+2'], remove: ['+1'] }, name: 'n', authUsername: 'u' })),
  ),
  same('updateSipOutboundTrunk', 'SIP', 'UpdateSIPOutboundTrunk', UpdateSIPOutboundTrunkRequest, (c) =>
    c.sip.updateSipOutboundTrunk('ST_out', loose({ name: 'n', address: 'sip.example.com', numbers: ['+1'] })),
  ),
  same('updateSipOutboundTrunkFields', 'SIP', 'UpdateSIPOutboundTrunk', UpdateSIPOutboundTrunkRequest, (c) =>
    c.sip.updateSipOutboundTrunkFields('ST_out', loose({ numbers: { set: ['+3'] }, destinationCountry: 'DE', metadata: 'm' })),
  ),
  same('listSipTrunk', 'SIP', 'ListSIPTrunk', ListSIPTrunkRequest, (c) => c.sip.listSipTrunk()),
  same('listSipInboundTrunk with filters and paging', 'SIP', 'ListSIPInboundTrunk', ListSIPInboundTrunkRequest, (c) =>
    c.sip.listSipInboundTrunk(loose({ page: { afterId: 'ST_a', limit: 10 }, trunkIds: ['ST_b'], numbers: ['+1'] })),
  ),
  same('listSipInboundTrunk without filters', 'SIP', 'ListSIPInboundTrunk', ListSIPInboundTrunkRequest, (c) => c.sip.listSipInboundTrunk()),
  same('listSipOutboundTrunk with filters', 'SIP', 'ListSIPOutboundTrunk', ListSIPOutboundTrunkRequest, (c) =>
    c.sip.listSipOutboundTrunk(loose({ page: { limit: 5 }, numbers: ['+1'] })),
  ),
  same('deleteSipTrunk', 'SIP', 'DeleteSIPTrunk', DeleteSIPTrunkRequest, (c) => c.sip.deleteSipTrunk('ST_x')),
  same('createSipDispatchRule direct with every option', 'SIP', 'CreateSIPDispatchRule', CreateSIPDispatchRuleRequest, (c) =>
    c.sip.createSipDispatchRule(
      { type: 'direct', roomName: 'support', pin: '1234' },
      loose({
        name: 'n',
        metadata: 'm',
        trunkIds: ['ST_a'],
        hidePhoneNumber: true,
        attributes: { a: 'b' },
        roomPreset: 'preset',
        roomConfig: { name: 'cfg', emptyTimeout: 30 },
      }),
    ),
  ),
  same('createSipDispatchRule individual', 'SIP', 'CreateSIPDispatchRule', CreateSIPDispatchRuleRequest, (c) =>
    c.sip.createSipDispatchRule({ type: 'individual', roomPrefix: 'call-' }),
  ),
  same('createSipDispatchRule callee', 'SIP', 'CreateSIPDispatchRule', CreateSIPDispatchRuleRequest, (c) =>
    c.sip.createSipDispatchRule({ type: 'callee', roomPrefix: 'line-', pin: '9', randomize: true }),
  ),
  same('updateSipDispatchRule', 'SIP', 'UpdateSIPDispatchRule', UpdateSIPDispatchRuleRequest, (c) =>
    c.sip.updateSipDispatchRule(
      'SDR_x',
      loose({ name: 'n', trunkIds: ['ST_a'], rule: { rule: { case: 'dispatchRuleDirect', value: { roomName: 'r' } } } }),
    ),
  ),
  same('updateSipDispatchRuleFields', 'SIP', 'UpdateSIPDispatchRule', UpdateSIPDispatchRuleRequest, (c) =>
    c.sip.updateSipDispatchRuleFields('SDR_x', loose({ trunkIds: { add: ['ST_b'] }, name: 'n', metadata: 'm', attributes: { k: 'v' } })),
  ),
  same('updateSipDispatchRuleFields without fields', 'SIP', 'UpdateSIPDispatchRule', UpdateSIPDispatchRuleRequest, (c) =>
    c.sip.updateSipDispatchRuleFields('SDR_x'),
  ),
  same('listSipDispatchRule with filters', 'SIP', 'ListSIPDispatchRule', ListSIPDispatchRuleRequest, (c) =>
    c.sip.listSipDispatchRule(loose({ page: { limit: 3 }, dispatchRuleIds: ['SDR_a'], trunkIds: ['ST_b'] })),
  ),
  same('deleteSipDispatchRule', 'SIP', 'DeleteSIPDispatchRule', DeleteSIPDispatchRuleRequest, (c) => c.sip.deleteSipDispatchRule('SDR_x')),
  same('createSipParticipant with every option, waiting', 'SIP', 'CreateSIPParticipant', CreateSIPParticipantRequest, (c) =>
    c.sip.createSipParticipant(
      'ST_out',
      '+15550199',
      'support',
      {
        fromNumber: '+15550100',
        participantIdentity: 'caller',
        participantName: 'Caller',
        displayName: 'Support',
        participantMetadata: 'm',
        participantAttributes: { a: 'b' },
        dtmf: '1w2',
        playDialtone: true,
        headers: { 'X-A': '1' },
        includeHeaders: SIPHeaderOptions.SIP_ALL_HEADERS,
        hidePhoneNumber: true,
        ringingTimeout: 15,
        maxCallDuration: 600,
        krispEnabled: true,
        waitUntilAnswered: true,
        media: loose(media),
      },
      loose({ hostname: 'sip.example.com', transport: SIPTransport.SIP_TRANSPORT_TCP }),
    ),
  ),
  same('createSipParticipant waiting, ring window pinned to 30 s', 'SIP', 'CreateSIPParticipant', CreateSIPParticipantRequest, (c) =>
    c.sip.createSipParticipant('ST_out', '+1', 'support', { waitUntilAnswered: true, playRingtone: true }),
  ),
  same('createSipParticipant with defaults', 'SIP', 'CreateSIPParticipant', CreateSIPParticipantRequest, (c) =>
    c.sip.createSipParticipant('ST_out', '+1', 'support'),
  ),
  same('transferSipParticipant with options', 'SIP', 'TransferSIPParticipant', TransferSIPParticipantRequest, (c) =>
    c.sip.transferSipParticipant('support', 'caller', 'tel:+15550123', { playDialtone: true, headers: { 'X-A': '1' }, ringingTimeout: 12 }),
  ),
  same('transferSipParticipant with defaults', 'SIP', 'TransferSIPParticipant', TransferSIPParticipantRequest, (c) =>
    c.sip.transferSipParticipant('support', 'caller', 'sip:agent@example.com'),
  ),
  same('dialWhatsAppCall with every option', 'Connector', 'DialWhatsAppCall', DialWhatsAppCallRequest, (c) =>
    c.connector.dialWhatsAppCall({
      whatsappPhoneNumberId: '123',
      whatsappToPhoneNumber: '+1555',
      whatsappApiKey: 'k',
      whatsappCloudApiVersion: 'v23.0',
      whatsappBizOpaqueCallbackData: 'cb',
      roomName: 'r',
      agents: loose(agents),
      participantIdentity: 'p',
      participantName: 'P',
      participantMetadata: 'm',
      participantAttributes: { a: 'b' },
      destinationCountry: 'US',
      ringingTimeout: 20,
    }),
  ),
  same('acceptWhatsAppCall with every option', 'Connector', 'AcceptWhatsAppCall', AcceptWhatsAppCallRequest, (c) =>
    c.connector.acceptWhatsAppCall({
      whatsappPhoneNumberId: '123',
      whatsappApiKey: 'k',
      whatsappCloudApiVersion: 'v23.0',
      whatsappCallId: 'wacid.1',
      whatsappBizOpaqueCallbackData: 'cb',
      sdp: loose(sdp),
      roomName: 'r',
      agents: loose(agents),
      participantIdentity: 'p',
      participantName: 'P',
      participantMetadata: 'm',
      participantAttributes: { a: 'b' },
      destinationCountry: 'US',
      waitUntilAnswered: true,
    }),
  ),
  same('connectWhatsAppCall', 'Connector', 'ConnectWhatsAppCall', ConnectWhatsAppCallRequest, (c) =>
    c.connector.connectWhatsAppCall('wacid.1', loose({ type: 'answer', sdp: 'v=0' })),
  ),
  same('disconnectWhatsAppCall with a reason', 'Connector', 'DisconnectWhatsAppCall', DisconnectWhatsAppCallRequest, (c) =>
    c.connector.disconnectWhatsAppCall('wacid.1', '', DisconnectWhatsAppCallRequest_DisconnectReason.USER_INITIATED),
  ),
  same('disconnectWhatsAppCall by default', 'Connector', 'DisconnectWhatsAppCall', DisconnectWhatsAppCallRequest, (c) =>
    c.connector.disconnectWhatsAppCall('wacid.1', 'k'),
  ),
  same('connectTwilioCall with every option', 'Connector', 'ConnectTwilioCall', ConnectTwilioCallRequest, (c) =>
    c.connector.connectTwilioCall({
      twilioCallDirection: ConnectTwilioCallRequest_TwilioCallDirection.OUTBOUND,
      roomName: 'r',
      agents: loose(agents),
      participantIdentity: 'p',
      participantName: 'P',
      participantMetadata: 'm',
      participantAttributes: { a: 'b' },
      destinationCountry: 'US',
    }),
  ),
];

let server: LocalServer;
beforeAll(async () => {
  // An empty JSON answer: every response message reads it, in both clients.
  server = await startLocalServer(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{}' }));
});
afterAll(() => server.close());

async function capture(call: () => Promise<unknown>): Promise<RecordedRequest> {
  const before = server.requests.length;
  await call();
  expect(server.requests.length).toBe(before + 1);
  return server.requests.at(-1)!;
}

function decode(t: RequestType, request: RecordedRequest): unknown {
  const json = String(request.headers['content-type']).startsWith('application/json');
  return (json ? t.fromJsonString(request.body.toString('utf8')) : t.fromBinary(request.body)).toJson();
}

/** The grants a call was signed with; an empty grant object is the same as none. */
function grants(request: RecordedRequest): { video: unknown; sip: unknown } {
  const claims = tokenClaims(request);
  return { video: claims['video'] ?? {}, sip: claims['sip'] ?? {} };
}

describe('telephony wire compatibility with livekit-server-sdk', () => {
  const peer = (): PeerClients => ({ sip: new PeerSip(server.url, KEY, SECRET), connector: new PeerConnector(server.url, KEY, SECRET) });
  const ours = (encoding: 'json' | 'protobuf'): Clients => ({
    sip: new SipClient(server.url, KEY, SECRET, { encoding }),
    connector: new ConnectorClient(server.url, KEY, SECRET, { encoding }),
  });

  it.each(CASES)('%s: same path, same request message, same grants', async (_name, service, method, t, peerCall, ourCall) => {
    const theirs = await capture(() => peerCall(peer()));
    expect(theirs.url).toBe(`/twirp/livekit.${service}/${method}`);
    const expected = decode(t, theirs);
    for (const encoding of ['json', 'protobuf'] as const) {
      const mine = await capture(() => ourCall(ours(encoding)));
      expect(mine.url).toBe(theirs.url);
      expect(decode(t, mine)).toEqual(expected);
      expect(grants(mine)).toEqual(grants(theirs));
    }
  });

  it('covers every method of both clients', () => {
    const covered = new Set(CASES.map(([name]) => name.split(' ')[0]));
    const methods = (proto: object) => Object.getOwnPropertyNames(proto).filter((name) => name !== 'constructor');
    const peerMethods = [...methods(PeerSip.prototype), ...methods(PeerConnector.prototype)];
    expect(peerMethods.filter((name) => !covered.has(name))).toEqual([]);
  });
});
