// ConnectorClient against the test server: a self-hosted one (plain-text 404 → a typed error
// that says the service is LiveKit Cloud's) and one started in Cloud mode, in both encodings.
import {
  ConnectTwilioCallRequest_TwilioCallDirection,
  DialWhatsAppCallResponse,
  DisconnectWhatsAppCallRequest_DisconnectReason,
} from '@livekit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerError } from '../../src/rpc/errors.js';
import { ConnectorClient } from '../../src/services/connector.js';
import { LiveKitAPI } from '../../src/services/livekit-api.js';
import { MethodNotOfferedError } from '../../src/services/telephony-errors.js';
import { startTestServer } from '../../src/testing/index.js';
import type { TestServer } from '../../src/testing/index.js';

let selfHosted: TestServer;
let cloud: TestServer;
beforeAll(async () => {
  [selfHosted, cloud] = await Promise.all([startTestServer(), startTestServer({ cloud: true })]);
});
afterAll(() => Promise.all([selfHosted.close(), cloud.close()]));

const DIAL = {
  whatsappPhoneNumberId: '1234567890',
  whatsappToPhoneNumber: '+15550199',
  whatsappApiKey: 'wa-key',
  whatsappCloudApiVersion: 'v23.0',
};
const ACCEPT = {
  whatsappPhoneNumberId: '1234567890',
  whatsappApiKey: 'wa-key',
  whatsappCloudApiVersion: 'v23.0',
  whatsappCallId: 'wacid.inbound',
  sdp: { type: 'offer', sdp: 'v=0' },
};

async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(outcome instanceof Error)) throw new Error('expected the call to fail');
  return outcome;
}

describe('ConnectorClient against a self-hosted server', () => {
  const client = () => new ConnectorClient(selfHosted.url, selfHosted.apiKey, selfHosted.apiSecret);
  it.each([
    ['dialWhatsAppCall', (c: ConnectorClient) => c.dialWhatsAppCall(DIAL)],
    ['acceptWhatsAppCall', (c: ConnectorClient) => c.acceptWhatsAppCall(ACCEPT)],
    ['connectWhatsAppCall', (c: ConnectorClient) => c.connectWhatsAppCall('wacid.1', { type: 'answer', sdp: 'v=0' })],
    ['disconnectWhatsAppCall', (c: ConnectorClient) => c.disconnectWhatsAppCall('wacid.1', 'wa-key')],
    [
      'connectTwilioCall',
      (c: ConnectorClient) => c.connectTwilioCall({ twilioCallDirection: ConnectTwilioCallRequest_TwilioCallDirection.INBOUND, roomName: 'r' }),
    ],
  ])('%s rejects with a typed error saying the service exists only on LiveKit Cloud', async (_name, call) => {
    const err = await failure(call(client()));
    expect(err).toBeInstanceOf(MethodNotOfferedError);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).status).toBe(404);
    expect(err.message).toMatch(/exists only on LiveKit Cloud/);
  });
});

describe.each(['protobuf', 'json'] as const)('ConnectorClient against a Cloud-mode test server (%s)', (encoding) => {
  const client = () => new ConnectorClient(cloud.url, cloud.apiKey, cloud.apiSecret, { encoding });

  it('dialWhatsAppCall creates the room and answers the call id, signed with roomCreate', async () => {
    const answer = await client().dialWhatsAppCall({ ...DIAL, roomName: 'wa-room', ringingTimeout: 20 });
    expect(answer).toBeInstanceOf(DialWhatsAppCallResponse);
    expect(answer.roomName).toBe('wa-room');
    expect(answer.whatsappCallId).toMatch(/^wacid\./);
    expect(cloud.room('wa-room')).toBeDefined();
    const request = cloud.requestsFor('Connector.DialWhatsAppCall').at(-1);
    expect(request?.encoding).toBe(encoding);
    expect(request?.claims?.video).toEqual({ roomCreate: true });
    expect(request?.message?.ringingTimeout?.seconds).toBe(20n);
  });

  it('acceptWhatsAppCall, connectWhatsAppCall and disconnectWhatsAppCall follow one call', async () => {
    const accepted = await client().acceptWhatsAppCall({ ...ACCEPT, roomName: 'inbound' });
    expect(accepted.roomName).toBe('inbound');
    await client().connectWhatsAppCall(ACCEPT.whatsappCallId, { type: 'answer', sdp: 'v=0' });
    await client().disconnectWhatsAppCall(ACCEPT.whatsappCallId, 'wa-key', DisconnectWhatsAppCallRequest_DisconnectReason.BUSINESS_INITIATED);
    const err = await failure(client().disconnectWhatsAppCall(ACCEPT.whatsappCallId, 'wa-key'));
    expect((err as ServerError).code).toBe('not_found');
    expect(err).not.toBeInstanceOf(MethodNotOfferedError);
  });

  it('acceptWhatsAppCall waiting for the answer outlasts the ring window', async () => {
    await client().acceptWhatsAppCall({ ...ACCEPT, waitUntilAnswered: true });
    expect(cloud.requestsFor('Connector.AcceptWhatsAppCall').at(-1)?.timeoutMs).toBe(35_000);
  });

  it('a business-initiated disconnect without the API key is invalid_argument', async () => {
    const { whatsappCallId } = await client().dialWhatsAppCall(DIAL);
    const err = await failure(client().disconnectWhatsAppCall(whatsappCallId, ''));
    expect((err as ServerError).code).toBe('invalid_argument');
  });

  it('connectTwilioCall answers the media-stream URL', async () => {
    const answer = await client().connectTwilioCall({
      twilioCallDirection: ConnectTwilioCallRequest_TwilioCallDirection.OUTBOUND,
      roomName: 'twilio',
      participantIdentity: 'caller',
    });
    expect(answer.connectUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\//);
    expect(cloud.room('twilio')).toBeDefined();
  });

  it('refuses a token without roomCreate', async () => {
    const token = cloud.token({ video: { roomAdmin: true } });
    const err = await failure(new ConnectorClient(cloud.url, undefined, undefined, { token, encoding }).dialWhatsAppCall(DIAL));
    expect((err as ServerError).code).toBe('unauthenticated');
  });

  it('caller mistakes are TypeError/RangeError before any request', async () => {
    const before = cloud.requests.length;
    await expect(client().dialWhatsAppCall({ ...DIAL, whatsappToPhoneNumber: '' })).rejects.toThrow(TypeError);
    await expect(client().dialWhatsAppCall({ ...DIAL, ringingTimeout: 0.5 })).rejects.toThrow(RangeError);
    await expect(client().acceptWhatsAppCall({ ...ACCEPT, sdp: undefined as never })).rejects.toThrow(TypeError);
    await expect(client().connectTwilioCall({ twilioCallDirection: 7 as never, roomName: 'r' })).rejects.toThrow(RangeError);
    expect(cloud.requests.length).toBe(before);
  });

  it('is reachable as LiveKitAPI.connector', async () => {
    const api = new LiveKitAPI({ host: cloud.url, apiKey: cloud.apiKey, secret: cloud.apiSecret, encoding });
    expect((await api.connector.dialWhatsAppCall(DIAL)).whatsappCallId).toMatch(/^wacid\./);
  });
});
