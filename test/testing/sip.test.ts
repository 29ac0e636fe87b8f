// The test server's SIP and Connector services, driven by raw HTTP requests (no client under
// test): the order of checks, the wire form of errors, both encodings, scripts, reset, and the
// Cloud switch.
import {
  CreateSIPInboundTrunkRequest,
  CreateSIPParticipantRequest,
  ListSIPInboundTrunkResponse,
} from '@livekit/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { call } from './helpers.js';

let lk: TestServer;
beforeAll(async () => {
  lk = await startTestServer();
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

const admin = () => lk.token({ sip: { admin: true } });
const caller = () => lk.token({ sip: { call: true } });

describe('SIP trunks on the wire', () => {
  it.each(['json', 'protobuf'] as const)('creates a trunk from a %s request and lists it back in that encoding', async (encoding) => {
    const request = new CreateSIPInboundTrunkRequest({ trunk: { name: 'main', numbers: ['+1'] } });
    const created = await call(lk, 'SIP.CreateSIPInboundTrunk', request, { encoding, token: admin() });
    expect(created.status).toBe(200);
    const list = await call(lk, 'SIP.ListSIPInboundTrunk', encoding === 'json' ? '{}' : new Uint8Array(), { encoding, token: admin() });
    const items =
      encoding === 'json'
        ? (list.json()['items'] as Record<string, unknown>[])
        : ListSIPInboundTrunkResponse.fromBinary(list.bytes).items.map((t) => t.toJson() as Record<string, unknown>);
    expect(items).toHaveLength(1);
    // JSON answers use the proto field names, as a livekit-server writes them.
    if (encoding === 'json') expect(items[0]?.['sip_trunk_id']).toMatch(/^ST_/);
  });

  it('refuses a trunk with an id set: invalid_argument "trunk ID must be empty"', async () => {
    const answer = await call(lk, 'SIP.CreateSIPInboundTrunk', JSON.stringify({ trunk: { sip_trunk_id: 'ST_x', numbers: ['+1'] } }), { token: admin() });
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ code: 'invalid_argument', msg: 'trunk ID must be empty' });
  });

  it('checks the grant before validating: no sip.admin is a 401 even for a bad request', async () => {
    const answer = await call(lk, 'SIP.CreateSIPInboundTrunk', JSON.stringify({ trunk: { sip_trunk_id: 'ST_x' } }), { token: caller() });
    expect(answer.status).toBe(401);
    expect(answer.json()).toMatchObject({ code: 'unauthenticated' });
  });

  it('answers the deleted CreateSIPTrunk with bad_route 404, whatever the token', async () => {
    for (const token of [admin(), null]) {
      const answer = await call(lk, 'SIP.CreateSIPTrunk', '{}', { token });
      expect(answer.status).toBe(404);
      expect(answer.json()).toMatchObject({ code: 'bad_route' });
    }
  });

  it('update and delete without an id are invalid_argument; of an unknown id not_found', async () => {
    const noId = await call(lk, 'SIP.DeleteSIPDispatchRule', '{}', { token: admin() });
    expect(noId.json()).toMatchObject({ code: 'invalid_argument', msg: 'dispatch rule ID is required' });
    const unknown = await call(lk, 'SIP.DeleteSIPTrunk', JSON.stringify({ sip_trunk_id: 'ST_none' }), { token: admin() });
    expect(unknown.json()).toMatchObject({ code: 'not_found' });
  });

  it('reset forgets trunks, rules and pending scripts', async () => {
    await call(lk, 'SIP.CreateSIPInboundTrunk', new CreateSIPInboundTrunkRequest({ trunk: { numbers: ['+1'] } }), { token: admin() });
    lk.sip.nextCall({ sipStatus: 486 });
    lk.reset();
    expect(lk.sip.inboundTrunks()).toEqual([]);
    expect(lk.sip.pendingScripts).toBe(0);
  });
});

describe('SIP calls on the wire', () => {
  async function outboundTrunk(): Promise<string> {
    const body = JSON.stringify({ trunk: { name: 'o', address: 'sip.example.com', numbers: ['+1'] } });
    const answer = await call(lk, 'SIP.CreateSIPOutboundTrunk', body, { token: admin() });
    return answer.json()['sip_trunk_id'] as string;
  }

  it('a refused call answers the mapped Twirp code with sip_status_code and sip_status in meta', async () => {
    const trunk = await outboundTrunk();
    lk.sip.nextCall({ sipStatus: 603 });
    const request = new CreateSIPParticipantRequest({ sipTrunkId: trunk, sipCallTo: '+1555', roomName: 'r', waitUntilAnswered: true });
    const answer = await call(lk, 'SIP.CreateSIPParticipant', request, { token: caller() });
    expect(answer.status).toBe(403);
    expect(answer.json()).toEqual({
      code: 'permission_denied',
      msg: 'INVITE failed: sip status: 603: Decline',
      meta: { sip_status_code: '603', sip_status: 'Decline' },
    });
  });

  it('a ring longer than the X-Twirp-Timeout-Ms deadline is cut off with deadline_exceeded', async () => {
    const trunk = await outboundTrunk();
    lk.sip.nextCall({ answer: true, ringMs: 5_000 });
    const request = new CreateSIPParticipantRequest({ sipTrunkId: trunk, sipCallTo: '+1555', roomName: 'r', waitUntilAnswered: true });
    const answer = await call(lk, 'SIP.CreateSIPParticipant', request, { token: caller(), headers: { 'X-Twirp-Timeout-Ms': '50' } });
    expect(answer.json()).toMatchObject({ code: 'deadline_exceeded' });
    expect(lk.participants('r')).toEqual([]);
  });

  it('records the call request typed by requestsFor', async () => {
    const trunk = await outboundTrunk();
    await call(lk, 'SIP.CreateSIPParticipant', new CreateSIPParticipantRequest({ sipTrunkId: trunk, sipCallTo: '+1555', roomName: 'r' }), {
      token: caller(),
    });
    const [recorded] = lk.requestsFor('SIP.CreateSIPParticipant');
    expect(recorded?.message?.sipCallTo).toBe('+1555');
    expect(recorded?.status).toBe(200);
  });

  it('a dial through an inline trunk config needs no stored trunk', async () => {
    const request = new CreateSIPParticipantRequest({ trunk: { hostname: 'sip.example.com' }, sipCallTo: '+1555', roomName: 'r' });
    const answer = await call(lk, 'SIP.CreateSIPParticipant', request, { token: caller() });
    expect(answer.status).toBe(200);
    expect(lk.participants('r')).toHaveLength(1);
  });
});

describe('Connector', () => {
  it('a self-hosted server answers it with a plain-text 404; a Cloud-mode one serves it', async () => {
    const selfHosted = await call(lk, 'Connector.ConnectTwilioCall', JSON.stringify({ room_name: 'r' }), { token: lk.token({ video: { roomCreate: true } }) });
    expect(selfHosted.status).toBe(404);
    expect(selfHosted.contentType).toMatch(/^text\/plain/);
    const cloud = await startTestServer({ cloud: true });
    try {
      const answer = await call(cloud, 'Connector.ConnectTwilioCall', JSON.stringify({ room_name: 'r' }), { token: cloud.token({ video: { roomCreate: true } }) });
      expect(answer.status).toBe(200);
      expect(answer.json()['connect_url']).toMatch(/^ws:\/\//);
      const other = await call(cloud, 'PhoneNumberService.ListPhoneNumbers', '{}');
      expect(other.status).toBe(404);
    } finally {
      await cloud.close();
    }
  });
});
