// SipClient and its errors against a scripted local server: how the deadline of a dial or a
// transfer is chosen, how a SIP failure answer becomes a SipCallError, what counts as a caller
// mistake, and that no secret shows when the client is inspected.
import { inspect } from 'node:util';
import { CreateSIPParticipantRequest, SIPOutboundTrunkInfo } from '@livekit/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ServerError } from '../../src/rpc/errors.js';
import { SipClient } from '../../src/services/sip.js';
import { SipCallError } from '../../src/services/telephony-errors.js';
import { startLocalServer, twirpError } from '../rpc/local-server.js';
import type { LocalServer } from '../rpc/local-server.js';

const KEY = 'APIkey123';
const SECRET = 'a-secret-long-enough-for-hs256-signing-0123';

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.handle(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{}' }));
});

const sip = (timeoutMs = 10_000) => new SipClient(server.url, KEY, SECRET, { timeoutMs, retries: 3 });
const timeoutHeader = () => Number(server.requests.at(-1)?.headers['x-twirp-timeout-ms']);
const dialRequest = () => CreateSIPParticipantRequest.fromBinary(server.requests.at(-1)!.body);

describe('the deadline of a dial', () => {
  it('is the client default without waitUntilAnswered, and no ring window is sent', async () => {
    await sip(4_000).createSipParticipant('ST_1', '+1', 'r');
    expect(timeoutHeader()).toBe(4_000);
    expect(dialRequest().ringingTimeout).toBeUndefined();
  });

  it('outlasts the ring window by 5 s while waiting, even when the client default is shorter', async () => {
    await sip(1_000).createSipParticipant('ST_1', '+1', 'r', { waitUntilAnswered: true, ringingTimeout: 45 });
    expect(timeoutHeader()).toBe(50_000);
    expect(dialRequest().ringingTimeout?.seconds).toBe(45n);
  });

  it('keeps a longer client default', async () => {
    await sip(120_000).createSipParticipant('ST_1', '+1', 'r', { waitUntilAnswered: true });
    expect(timeoutHeader()).toBe(120_000);
  });

  it("honours the peer's timeout in seconds, raised to the ring window plus the margin when waiting", async () => {
    await sip().createSipParticipant('ST_1', '+1', 'r', { timeout: 3 });
    expect(timeoutHeader()).toBe(3_000);
    await sip().createSipParticipant('ST_1', '+1', 'r', { timeout: 60, waitUntilAnswered: true });
    expect(timeoutHeader()).toBe(60_000);
    await sip().createSipParticipant('ST_1', '+1', 'r', { timeout: 10, waitUntilAnswered: true });
    expect(timeoutHeader()).toBe(35_000);
  });

  it('lets a per-call timeoutMs longer than the ring window through as it is', async () => {
    await sip().createSipParticipant('ST_1', '+1', 'r', { waitUntilAnswered: true }, undefined, { timeoutMs: 31_000 });
    expect(timeoutHeader()).toBe(31_000);
  });

  it('of a transfer always outlasts its ring window', async () => {
    await sip(500).transferSipParticipant('r', 'caller', 'tel:+1', { ringingTimeout: 5 });
    expect(timeoutHeader()).toBe(10_000);
  });
});

describe('SIP failures', () => {
  it('an answer with a SIP status in meta is a SipCallError, not retried', async () => {
    server.handle(() => twirpError(412, 'failed_precondition', 'INVITE failed', { sip_status_code: '503', sip_status: 'Service Unavailable', cause: 'x' }));
    const err = await sip().createSipParticipant('ST_1', '+1', 'r').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SipCallError);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ sipStatusCode: 503, sipStatus: 'Service Unavailable', code: 'failed_precondition', status: 412, msg: 'INVITE failed' });
    expect((err as Error).message).toBe('SIP call failed: 503 Service Unavailable (SIP.CreateSIPParticipant: failed_precondition, HTTP 412)');
    expect((err as SipCallError).meta['cause']).toBe('x');
    expect(server.requests).toHaveLength(1);
  });

  it('a SIP status without a reason phrase still reads as a SIP failure', async () => {
    server.handle(() => twirpError(429, 'resource_exhausted', 'busy', { sip_status_code: '486' }));
    const err = (await sip().transferSipParticipant('r', 'c', 'tel:+1').catch((e: unknown) => e)) as SipCallError;
    expect(err.message).toMatch(/^SIP call failed: 486 \(SIP.TransferSIPParticipant/);
    expect(err.sipStatus).toBe('');
  });

  it('fromServerError converts any ServerError, as the peer does, keeping its parts', async () => {
    server.handle(() => twirpError(404, 'not_found', 'no trunk'));
    const plain = (await sip().createSipParticipant('ST_1', '+1', 'r').catch((e: unknown) => e)) as ServerError;
    const converted = SipCallError.fromServerError(plain);
    expect(converted).toMatchObject({ code: 'not_found', status: 404, msg: 'no trunk', sipStatusCode: 0, sipStatus: '', requestId: plain.requestId });
    expect(converted.message).toBe('SIP call failed (SIP.CreateSIPParticipant: not_found, HTTP 404): no trunk');
  });

  it('an error without a SIP status stays a plain ServerError', async () => {
    server.handle(() => twirpError(404, 'not_found', 'no trunk'));
    const err = await sip().createSipParticipant('ST_1', '+1', 'r').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).not.toBeInstanceOf(SipCallError);
  });

  it('a trunk method never builds a SipCallError', async () => {
    server.handle(() => twirpError(400, 'invalid_argument', 'x', { sip_status_code: '486' }));
    const err = await sip().listSipInboundTrunk().catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(SipCallError);
  });
});

describe('caller mistakes, before any request', () => {
  it.each([
    ['a ringing timeout of 0', { ringingTimeout: 0 }, RangeError],
    ['a fractional max call duration', { maxCallDuration: 1.5 }, RangeError],
    ['a ringing timeout as a string', { ringingTimeout: '30' }, TypeError],
    ['a negative peer timeout', { timeout: -1 }, RangeError],
    ['a non-string identity', { participantIdentity: 7 }, TypeError],
  ])('createSipParticipant refuses %s', async (_name, opts, error) => {
    await expect(sip().createSipParticipant('ST_1', '+1', 'r', opts as never)).rejects.toThrow(error);
    expect(server.requests).toHaveLength(0);
  });

  it('createSipOutboundTrunk refuses numbers that are not an array of strings, and an empty address', async () => {
    await expect(sip().createSipOutboundTrunk('n', 'sip.example.com', '+1' as never)).rejects.toThrow(/array of phone numbers/);
    await expect(sip().createSipOutboundTrunk('n', 'sip.example.com', [''])).rejects.toThrow(TypeError);
    await expect(sip().createSipOutboundTrunk('n', '', ['+1'])).rejects.toThrow(TypeError);
    expect(server.requests).toHaveLength(0);
  });

  it('a dial through an outbound trunk config needs no trunk id', async () => {
    await sip().createSipParticipant('', '+1', 'r', {}, { hostname: 'sip.example.com' });
    expect(dialRequest().trunk?.hostname).toBe('sip.example.com');
  });
});

describe('results and inspection', () => {
  it('getSipOutboundTrunk unwraps the trunk of the answer', async () => {
    server.handle(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ trunk: new SIPOutboundTrunkInfo({ sipTrunkId: 'ST_9', name: 'n' }).toJson() }),
    }));
    const trunk = await sip().getSipOutboundTrunk('ST_9');
    expect(trunk).toBeInstanceOf(SIPOutboundTrunkInfo);
    expect(trunk.name).toBe('n');
  });

  it('an iterator stops when a server ignores the paging instead of asking forever', async () => {
    const page = { items: [{ sipTrunkId: 'ST_a' }, { sipTrunkId: 'ST_b' }] };
    server.handle(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(page) }));
    const seen: string[] = [];
    for await (const trunk of sip().iterateSipOutboundTrunk({}, 2)) seen.push(trunk.sipTrunkId);
    expect(seen).toEqual(['ST_a', 'ST_b', 'ST_a', 'ST_b']);
    expect(server.requests).toHaveLength(2);
  });

  it('shows neither the secret nor a token when inspected', () => {
    const text = inspect(sip(), { depth: 10, showHidden: true });
    expect(text).not.toContain(SECRET);
    expect(JSON.stringify(sip())).not.toContain(SECRET);
  });
});
