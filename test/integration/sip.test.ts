// SipClient against the project's test server over real loopback HTTP, in both encodings:
// every method, every error path (grants, invalid_argument, not_found, the deleted
// CreateSIPTrunk), and every scripted call outcome (answered, busy, declined, no answer, 5xx).
import {
  ParticipantInfo_Kind,
  SIPDispatchRuleInfo,
  SIPInboundTrunkInfo,
  SIPOutboundTrunkInfo,
  SIPParticipantInfo,
  SIPTransferStatus,
  SIPTrunkInfo,
  SIPTrunkInfo_TrunkKind,
  TransferSIPParticipantResponse,
} from '@livekit/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RequestTimeoutError, ServerError } from '../../src/rpc/errors.js';
import type { ClientOptions } from '../../src/rpc/options.js';
import { LiveKitAPI } from '../../src/services/livekit-api.js';
import { SipClient } from '../../src/services/sip.js';
import { MethodNotOfferedError, SipCallError } from '../../src/services/telephony-errors.js';
import { startTestServer } from '../../src/testing/index.js';
import type { TestServer } from '../../src/testing/index.js';
import { startLocalServer } from '../rpc/local-server.js';

let lk: TestServer;
beforeAll(async () => {
  lk = await startTestServer();
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(outcome instanceof Error)) throw new Error('expected the call to fail');
  return outcome;
}

describe.each(['protobuf', 'json'] as const)('SipClient against the test server (%s)', (encoding) => {
  const client = (options: ClientOptions = {}) => new SipClient(lk.url, lk.apiKey, lk.apiSecret, { encoding, ...options });
  const outboundTrunk = () => client().createSipOutboundTrunk('carrier', 'sip.example.com', ['+15550100']);

  describe('trunks', () => {
    it('createSipInboundTrunk creates an ST_ trunk with its options, signed with sip.admin only', async () => {
      const trunk = await client().createSipInboundTrunk('main', ['+15550100'], {
        allowedAddresses: ['203.0.113.0/24'],
        krispEnabled: true,
        ringingTimeout: 20,
        headers: { 'X-A': '1' },
      });
      expect(trunk).toBeInstanceOf(SIPInboundTrunkInfo);
      expect(trunk.sipTrunkId).toMatch(/^ST_/);
      expect(trunk).toMatchObject({ name: 'main', numbers: ['+15550100'], allowedAddresses: ['203.0.113.0/24'], krispEnabled: true });
      expect(trunk.ringingTimeout?.seconds).toBe(20n);
      expect(lk.sip.inboundTrunks().map((t) => t.sipTrunkId)).toEqual([trunk.sipTrunkId]);
      const [request] = lk.requestsFor('SIP.CreateSIPInboundTrunk');
      expect(request?.encoding).toBe(encoding);
      expect(request?.claims?.sip).toEqual({ admin: true });
      expect(request?.claims?.video).toBeUndefined();
    });

    it('createSipInboundTrunk without numbers, addresses or auth is refused as the server does', async () => {
      const err = await failure(client().createSipInboundTrunk('open', []));
      expect(err).toBeInstanceOf(ServerError);
      expect((err as ServerError).code).toBe('invalid_argument');
      expect((err as ServerError).msg).toMatch(/for security/);
    });

    it('createSipOutboundTrunk creates a trunk; getSipOutboundTrunk reads it back', async () => {
      const trunk = await outboundTrunk();
      expect(trunk).toBeInstanceOf(SIPOutboundTrunkInfo);
      expect(trunk).toMatchObject({ name: 'carrier', address: 'sip.example.com', numbers: ['+15550100'] });
      const read = await client().getSipOutboundTrunk(trunk.sipTrunkId);
      expect(read.toJson()).toEqual(trunk.toJson());
    });

    it('getSipInboundTrunk of an unknown or outbound id is not_found', async () => {
      const outbound = await outboundTrunk();
      for (const id of ['ST_nope', outbound.sipTrunkId]) {
        const err = await failure(client().getSipInboundTrunk(id));
        expect((err as ServerError).code).toBe('not_found');
      }
    });

    it('updateSipInboundTrunk replaces the trunk, keeping its id', async () => {
      const trunk = await client().createSipInboundTrunk('main', ['+15550100']);
      const updated = await client().updateSipInboundTrunk(trunk.sipTrunkId, { name: 'renamed', numbers: ['+15550111'] });
      expect(updated).toMatchObject({ sipTrunkId: trunk.sipTrunkId, name: 'renamed', numbers: ['+15550111'] });
      expect((await client().getSipInboundTrunk(trunk.sipTrunkId)).name).toBe('renamed');
    });

    it('updateSipInboundTrunkFields changes only the fields given, lists by add/remove', async () => {
      const trunk = await client().createSipInboundTrunk('main', ['+15550100'], { metadata: 'keep' });
      const updated = await client().updateSipInboundTrunkFields(trunk.sipTrunkId, {
        numbers: { add: ['+15550101'], remove: ['+15550100'] },
        name: 'two',
      });
      expect(updated).toMatchObject({ name: 'two', metadata: 'keep', numbers: ['+15550101'] });
    });

    it('updateSipOutboundTrunk and updateSipOutboundTrunkFields change an outbound trunk', async () => {
      const trunk = await outboundTrunk();
      const replaced = await client().updateSipOutboundTrunk(trunk.sipTrunkId, { name: 'new', address: 'sip2.example.com', numbers: ['+1'] });
      expect(replaced).toMatchObject({ sipTrunkId: trunk.sipTrunkId, name: 'new', address: 'sip2.example.com' });
      const changed = await client().updateSipOutboundTrunkFields(trunk.sipTrunkId, { address: 'sip3.example.com' });
      expect(changed).toMatchObject({ name: 'new', address: 'sip3.example.com', numbers: ['+1'] });
    });

    it('an update without an id is a TypeError before any request; an unknown id is not_found', async () => {
      await expect(client().updateSipInboundTrunkFields('', { name: 'x' })).rejects.toThrow(TypeError);
      expect(lk.requests).toHaveLength(0);
      const err = await failure(client().updateSipOutboundTrunkFields('ST_missing', { name: 'x' }));
      expect((err as ServerError).code).toBe('not_found');
    });

    it('the server refuses a replacement that breaks its rules with invalid_argument', async () => {
      const trunk = await outboundTrunk();
      const err = await failure(client().updateSipOutboundTrunk(trunk.sipTrunkId, { name: 'no address', numbers: ['+1'] }));
      expect((err as ServerError).code).toBe('invalid_argument');
    });

    it('listSipInboundTrunk filters by id and number and pages by afterId/limit', async () => {
      const a = await client().createSipInboundTrunk('a', ['+1']);
      const b = await client().createSipInboundTrunk('b', ['+2']);
      const c = await client().createSipInboundTrunk('c', [], { authUsername: 'u', authPassword: 'p' });
      const ids = [a, b, c].map((t) => t.sipTrunkId).sort();
      expect((await client().listSipInboundTrunk()).map((t) => t.sipTrunkId)).toEqual(ids);
      expect((await client().listSipInboundTrunk({ trunkIds: [c.sipTrunkId, a.sipTrunkId] })).map((t) => t.name)).toEqual(['c', 'a']);
      // c has no numbers: it takes every number, as a wildcard trunk.
      expect((await client().listSipInboundTrunk({ numbers: ['+2'] })).map((t) => t.name).sort()).toEqual(['b', 'c']);
      const first = await client().listSipInboundTrunk({ page: { limit: 2 } });
      expect(first.map((t) => t.sipTrunkId)).toEqual(ids.slice(0, 2));
      const rest = await client().listSipInboundTrunk({ page: { limit: 2, afterId: first.at(-1)?.sipTrunkId ?? '' } });
      expect(rest.map((t) => t.sipTrunkId)).toEqual(ids.slice(2));
    });

    it('iterateSipInboundTrunk and iterateSipOutboundTrunk walk every page in id order', async () => {
      const created: string[] = [];
      for (const name of ['a', 'b', 'c', 'd', 'e']) created.push((await client().createSipInboundTrunk(name, ['+1'])).sipTrunkId);
      await outboundTrunk();
      const seen: string[] = [];
      for await (const trunk of client().iterateSipInboundTrunk({ numbers: ['+1'] }, 2)) seen.push(trunk.sipTrunkId);
      expect(seen).toEqual(created.sort());
      expect(lk.requestsFor('SIP.ListSIPInboundTrunk').map((r) => r.message?.page?.limit)).toEqual([2, 2, 2]);
      const outbound: string[] = [];
      for await (const trunk of client().iterateSipOutboundTrunk()) outbound.push(trunk.name);
      expect(outbound).toEqual(['carrier']);
      expect(() => client().iterateSipInboundTrunk({}, 0)).toThrow(RangeError);
    });

    it('listSipOutboundTrunk lists outbound trunks only; listSipTrunk lists both in the old form', async () => {
      const inbound = await client().createSipInboundTrunk('in', ['+1']);
      const outbound = await outboundTrunk();
      expect((await client().listSipOutboundTrunk()).map((t) => t.sipTrunkId)).toEqual([outbound.sipTrunkId]);
      const legacy = await client().listSipTrunk();
      expect(legacy.every((t) => t instanceof SIPTrunkInfo)).toBe(true);
      const kinds = Object.fromEntries(legacy.map((t) => [t.sipTrunkId, t.kind]));
      expect(kinds).toEqual({
        [inbound.sipTrunkId]: SIPTrunkInfo_TrunkKind.TRUNK_INBOUND,
        [outbound.sipTrunkId]: SIPTrunkInfo_TrunkKind.TRUNK_OUTBOUND,
      });
    });

    it('deleteSipTrunk deletes and returns the trunk; a second delete is not_found and is not retried', async () => {
      const trunk = await outboundTrunk();
      const deleted = await client().deleteSipTrunk(trunk.sipTrunkId);
      expect(deleted).toBeInstanceOf(SIPTrunkInfo);
      expect(deleted.sipTrunkId).toBe(trunk.sipTrunkId);
      expect(lk.sip.outboundTrunks()).toEqual([]);
      const err = await failure(client().deleteSipTrunk(trunk.sipTrunkId));
      expect((err as ServerError).code).toBe('not_found');
      expect(lk.requestsFor('SIP.DeleteSIPTrunk')).toHaveLength(2);
    });

    it('createSipTrunk, deleted from the protocol, rejects with a typed error that says what to use', async () => {
      const err = await failure(client().createSipTrunk('+15550100', { outbound_address: 'sip.example.com' }));
      expect(err).toBeInstanceOf(MethodNotOfferedError);
      expect(err).toBeInstanceOf(ServerError);
      expect((err as ServerError).code).toBe('bad_route');
      expect((err as ServerError).status).toBe(404);
      expect(err.message).toMatch(/createSipInboundTrunk or createSipOutboundTrunk/);
    });

    it('refuses a token without sip.admin, and one with only sip.call', async () => {
      const token = lk.token({ sip: { call: true } });
      const err = await failure(new SipClient(lk.url, undefined, undefined, { token, encoding }).listSipInboundTrunk());
      expect((err as ServerError).code).toBe('unauthenticated');
    });
  });

  describe('dispatch rules', () => {
    it('createSipDispatchRule creates SDR_ rules of each type with the peer options', async () => {
      const trunk = await client().createSipInboundTrunk('in', ['+1']);
      const direct = await client().createSipDispatchRule(
        { type: 'direct', roomName: 'support', pin: '1234' },
        { name: 'd', trunkIds: [trunk.sipTrunkId], attributes: { team: 'a' }, hidePhoneNumber: true },
      );
      expect(direct).toBeInstanceOf(SIPDispatchRuleInfo);
      expect(direct.sipDispatchRuleId).toMatch(/^SDR_/);
      expect(direct).toMatchObject({ name: 'd', trunkIds: [trunk.sipTrunkId], attributes: { team: 'a' }, hidePhoneNumber: true });
      expect(direct.rule?.rule).toEqual({ case: 'dispatchRuleDirect', value: expect.objectContaining({ roomName: 'support', pin: '1234' }) });
      const individual = await client().createSipDispatchRule({ type: 'individual', roomPrefix: 'call-' });
      expect(individual.rule?.rule.case).toBe('dispatchRuleIndividual');
      const callee = await client().createSipDispatchRule({ type: 'callee', roomPrefix: 'line-', randomize: true });
      expect(callee.rule?.rule).toEqual({ case: 'dispatchRuleCallee', value: expect.objectContaining({ roomPrefix: 'line-', randomize: true }) });
      expect(lk.sip.dispatchRules()).toHaveLength(3);
    });

    it('an unknown rule type is a RangeError before any request; a direct rule without room is invalid_argument on the server', async () => {
      await expect(client().createSipDispatchRule({ type: 'nope' } as never)).rejects.toThrow(RangeError);
      expect(lk.requests).toHaveLength(0);
      await expect(client().createSipDispatchRule({ type: 'direct' } as never)).rejects.toThrow(TypeError);
      const err = await failure(client().createSipDispatchRule({ type: 'direct', roomName: 'r' }, { trunkIds: ['ST_unknown'] }));
      expect((err as ServerError).code).toBe('invalid_argument');
    });

    it('updateSipDispatchRule replaces; updateSipDispatchRuleFields changes some fields', async () => {
      const rule = await client().createSipDispatchRule({ type: 'direct', roomName: 'a' }, { name: 'first', metadata: 'm' });
      const replaced = await client().updateSipDispatchRule(rule.sipDispatchRuleId, {
        name: 'second',
        rule: { rule: { case: 'dispatchRuleIndividual', value: { roomPrefix: 'p-' } } },
      });
      expect(replaced).toMatchObject({ sipDispatchRuleId: rule.sipDispatchRuleId, name: 'second', metadata: '' });
      expect(replaced.rule?.rule.case).toBe('dispatchRuleIndividual');
      const changed = await client().updateSipDispatchRuleFields(rule.sipDispatchRuleId, { metadata: 'new' });
      expect(changed).toMatchObject({ name: 'second', metadata: 'new' });
    });

    it('an update of an unknown rule is not_found', async () => {
      const err = await failure(client().updateSipDispatchRuleFields('SDR_missing', { name: 'x' }));
      expect((err as ServerError).code).toBe('not_found');
    });

    it('listSipDispatchRule filters by rule id and by trunk (wildcard rules included)', async () => {
      const t1 = await client().createSipInboundTrunk('t1', ['+1']);
      const t2 = await client().createSipInboundTrunk('t2', ['+2']);
      const r1 = await client().createSipDispatchRule({ type: 'direct', roomName: 'a' }, { name: 'r1', trunkIds: [t1.sipTrunkId] });
      await client().createSipDispatchRule({ type: 'direct', roomName: 'b' }, { name: 'r2', trunkIds: [t2.sipTrunkId] });
      await client().createSipDispatchRule({ type: 'direct', roomName: 'c' }, { name: 'any' });
      expect((await client().listSipDispatchRule()).map((r) => r.name).sort()).toEqual(['any', 'r1', 'r2']);
      expect((await client().listSipDispatchRule({ trunkIds: [t1.sipTrunkId] })).map((r) => r.name).sort()).toEqual(['any', 'r1']);
      expect((await client().listSipDispatchRule({ dispatchRuleIds: [r1.sipDispatchRuleId] })).map((r) => r.name)).toEqual(['r1']);
      expect(await client().listSipDispatchRule({ page: { limit: 1 } })).toHaveLength(1);
    });

    it('iterateSipDispatchRule walks every page', async () => {
      for (const room of ['a', 'b', 'c']) await client().createSipDispatchRule({ type: 'direct', roomName: room });
      const rooms: string[] = [];
      for await (const rule of client().iterateSipDispatchRule({}, 2)) {
        rooms.push(rule.rule?.rule.case === 'dispatchRuleDirect' ? rule.rule.rule.value.roomName : '?');
      }
      expect(rooms.sort()).toEqual(['a', 'b', 'c']);
    });

    it('deleteSipDispatchRule returns the rule; an unknown one is not_found', async () => {
      const rule = await client().createSipDispatchRule({ type: 'direct', roomName: 'a' });
      expect((await client().deleteSipDispatchRule(rule.sipDispatchRuleId)).sipDispatchRuleId).toBe(rule.sipDispatchRuleId);
      const err = await failure(client().deleteSipDispatchRule(rule.sipDispatchRuleId));
      expect((err as ServerError).code).toBe('not_found');
    });
  });

  describe('calls', () => {
    it('createSipParticipant answered: the call joins the room as a SIP participant with sip.* attributes', async () => {
      const trunk = await outboundTrunk();
      const joined: string[] = [];
      const stop = lk.onEvent((event) => {
        if (event.event === 'participant_joined') joined.push(event.participant?.identity ?? '');
      });
      lk.sip.nextCall({ answer: true, ringMs: 20 });
      const call = await client().createSipParticipant(trunk.sipTrunkId, '+15550199', 'support', {
        participantIdentity: 'caller',
        participantName: 'Caller',
        participantAttributes: { ticket: '7' },
        waitUntilAnswered: true,
      });
      stop();
      expect(call).toBeInstanceOf(SIPParticipantInfo);
      expect(call).toMatchObject({ participantIdentity: 'caller', roomName: 'support' });
      expect(call.sipCallId).toMatch(/^SCL_/);
      const participant = lk.participant('support', 'caller');
      expect(participant?.kind).toBe(ParticipantInfo_Kind.SIP);
      expect(participant?.sid).toBe(call.participantId);
      expect(participant?.attributes).toMatchObject({
        ticket: '7',
        'sip.callID': call.sipCallId,
        'sip.callStatus': 'active',
        'sip.phoneNumber': '+15550199',
        'sip.trunkID': trunk.sipTrunkId,
        'sip.trunkPhoneNumber': '+15550100',
      });
      expect(joined).toEqual(['caller']);
      const [request] = lk.requestsFor('SIP.CreateSIPParticipant');
      expect(request?.claims?.sip).toEqual({ call: true });
      expect(request?.message?.ringingTimeout?.seconds).toBe(30n);
      expect(request?.timeoutMs).toBe(35_000);
    });

    it('createSipParticipant without waiting joins at once as dialing, identity sip-participant by default', async () => {
      const trunk = await outboundTrunk();
      lk.sip.nextCall({ answer: true, ringMs: 5_000 });
      const call = await client().createSipParticipant(trunk.sipTrunkId, '+15550199', 'support');
      expect(call.participantIdentity).toBe('sip-participant');
      expect(lk.participant('support', 'sip-participant')?.attributes['sip.callStatus']).toBe('dialing');
      const [request] = lk.requestsFor('SIP.CreateSIPParticipant');
      expect(request?.message?.ringingTimeout).toBeUndefined();
      expect(request?.timeoutMs).toBe(10_000);
    });

    it.each([
      [486, 'Busy Here', 'resource_exhausted', 429],
      [480, 'Temporarily Unavailable', 'resource_exhausted', 429],
      [603, 'Decline', 'permission_denied', 403],
      [403, 'Forbidden', 'permission_denied', 403],
      [503, 'Service Unavailable', 'failed_precondition', 412],
    ])('a call refused with SIP %i %s is a SipCallError with code %s, never retried', async (sipStatus, reason, code, status) => {
      const trunk = await outboundTrunk();
      lk.sip.nextCall({ sipStatus });
      const err = await failure(client({ retries: 3 }).createSipParticipant(trunk.sipTrunkId, '+1555', 'support', { waitUntilAnswered: true }));
      expect(err).toBeInstanceOf(SipCallError);
      expect(err).toBeInstanceOf(ServerError);
      const sip = err as SipCallError;
      expect(sip.sipStatusCode).toBe(sipStatus);
      expect(sip.sipStatus).toBe(reason);
      expect(sip.code).toBe(code);
      expect(sip.status).toBe(status);
      expect(sip.message).toMatch(new RegExp(`^SIP call failed: ${sipStatus} ${reason}`));
      expect(lk.participants('support')).toEqual([]);
      expect(lk.requestsFor('SIP.CreateSIPParticipant')).toHaveLength(1);
    });

    it('a call nobody answers fails at the end of the ring window with SIP 408, deadline_exceeded', async () => {
      const trunk = await outboundTrunk();
      lk.sip.nextCall({ noAnswer: true });
      const err = await failure(
        client().createSipParticipant(trunk.sipTrunkId, '+1555', 'support', { waitUntilAnswered: true, ringingTimeout: 1 }),
      );
      expect(err).toBeInstanceOf(SipCallError);
      expect((err as SipCallError).sipStatusCode).toBe(408);
      expect((err as SipCallError).code).toBe('deadline_exceeded');
    });

    it('a call without waiting becomes active once answered', async () => {
      const trunk = await outboundTrunk();
      lk.sip.nextCall({ answer: true, ringMs: 10 });
      await client().createSipParticipant(trunk.sipTrunkId, '+1555', 'support', { participantIdentity: 'c' });
      await vi.waitFor(() => expect(lk.participant('support', 'c')?.attributes['sip.callStatus']).toBe('active'));
    });

    it('a test script that makes no sense is refused at once', () => {
      expect(() => lk.sip.nextCall({ sipStatus: 200 })).toThrow(RangeError);
      expect(() => lk.sip.nextCall({ answer: true, noAnswer: true } as never)).toThrow(TypeError);
      expect(() => lk.sip.nextTransfer({ answer: true, ringMs: -1 })).toThrow(RangeError);
      expect(lk.sip.pendingScripts).toBe(0);
    });

    it('a call without waiting that fails later leaves the room', async () => {
      const trunk = await outboundTrunk();
      lk.sip.nextCall({ sipStatus: 486, ringMs: 10 });
      await client().createSipParticipant(trunk.sipTrunkId, '+1555', 'support', { participantIdentity: 'c' });
      await vi.waitFor(() => expect(lk.participant('support', 'c')).toBeUndefined());
      const events = lk.events().filter((e) => e.participant?.identity === 'c').map((e) => e.event);
      expect(events).toEqual(['participant_joined', 'participant_left']);
    });

    it('dialling through an unknown trunk is not_found; an empty number or room is a TypeError before any request', async () => {
      const err = await failure(client().createSipParticipant('ST_missing', '+1555', 'support'));
      expect((err as ServerError).code).toBe('not_found');
      expect(err).not.toBeInstanceOf(SipCallError);
      lk.reset();
      await expect(client().createSipParticipant('ST_x', '', 'support')).rejects.toThrow(TypeError);
      await expect(client().createSipParticipant('ST_x', '+1', '')).rejects.toThrow(TypeError);
      await expect(client().createSipParticipant('', '+1', 'r')).rejects.toThrow(/outboundTrunkConfig/);
      await expect(client().createSipParticipant('ST_x', '+1', 'r', { ringingTimeout: 1.5 })).rejects.toThrow(RangeError);
      await expect(client().createSipParticipant('ST_x', '+1', 'r', { waitUntilAnswered: true }, undefined, { timeoutMs: 30_000 })).rejects.toThrow(
        /longer than the ring window/,
      );
      expect(lk.requests).toHaveLength(0);
    });

    it('never changes the caller options object', async () => {
      const trunk = await outboundTrunk();
      const opts = Object.freeze({ waitUntilAnswered: true, timeout: 1 });
      const requestOptions = Object.freeze({ retries: 0 });
      await client().createSipParticipant(trunk.sipTrunkId, '+1555', 'support', opts, undefined, requestOptions);
      expect(opts).toEqual({ waitUntilAnswered: true, timeout: 1 });
      expect(requestOptions).toEqual({ retries: 0 });
      // The peer's timeout (seconds) is kept above the ring window.
      expect(lk.requestsFor('SIP.CreateSIPParticipant')[0]?.timeoutMs).toBe(35_000);
    });

    it('transferSipParticipant resolves to the transfer result and the call leaves the room', async () => {
      const trunk = await outboundTrunk();
      await client().createSipParticipant(trunk.sipTrunkId, '+1555', 'support', { participantIdentity: 'caller', waitUntilAnswered: true });
      lk.sip.nextTransfer({ answer: true, ringMs: 10 });
      const result = await client().transferSipParticipant('support', 'caller', 'tel:+15550123', { playDialtone: true, ringingTimeout: 10 });
      expect(result).toBeInstanceOf(TransferSIPParticipantResponse);
      expect(result.status).toBe(SIPTransferStatus.STS_TRANSFER_SUCCESSFUL);
      expect(result.transferId).not.toBe('');
      expect(lk.participant('support', 'caller')).toBeUndefined();
      const [request] = lk.requestsFor('SIP.TransferSIPParticipant');
      expect(request?.claims?.sip).toEqual({ call: true });
      expect(request?.claims?.video).toEqual({ roomAdmin: true, room: 'support' });
      expect(request?.message?.ringingTimeout?.seconds).toBe(10n);
      expect(request?.timeoutMs).toBe(15_000);
    });

    it('a transfer the target declines is a SipCallError; the caller stays in the room', async () => {
      const trunk = await outboundTrunk();
      await client().createSipParticipant(trunk.sipTrunkId, '+1555', 'support', { participantIdentity: 'caller' });
      lk.sip.nextTransfer({ sipStatus: 603 });
      const err = await failure(client({ retries: 3 }).transferSipParticipant('support', 'caller', 'tel:+1'));
      expect((err as SipCallError).sipStatusCode).toBe(603);
      expect(lk.participant('support', 'caller')).toBeDefined();
      expect(lk.requestsFor('SIP.TransferSIPParticipant')).toHaveLength(1);
      expect(lk.requestsFor('SIP.TransferSIPParticipant')[0]?.timeoutMs).toBe(35_000);
    });

    it('a transfer nobody answers fails at the end of its ring window with SIP 408', async () => {
      lk.seed.participant('support', { identity: 'caller', kind: 'sip' });
      lk.sip.nextTransfer({ noAnswer: true });
      const err = await failure(client().transferSipParticipant('support', 'caller', 'tel:+1', { ringingTimeout: 1 }));
      expect(err).toBeInstanceOf(SipCallError);
      expect(err).toMatchObject({ sipStatusCode: 408, code: 'deadline_exceeded' });
      expect(lk.participant('support', 'caller')).toBeDefined();
    });

    it('a transfer of a missing room or participant is not_found; of a non-SIP participant invalid_argument', async () => {
      expect(((await failure(client().transferSipParticipant('nowhere', 'x', 'tel:+1'))) as ServerError).code).toBe('not_found');
      lk.seed.participant('support', { identity: 'alice' });
      expect(((await failure(client().transferSipParticipant('support', 'bob', 'tel:+1'))) as ServerError).code).toBe('not_found');
      const err = (await failure(client().transferSipParticipant('support', 'alice', 'tel:+1'))) as ServerError;
      expect(err.code).toBe('invalid_argument');
      expect(err.msg).toBe('no SIP session associated with participant');
    });

    it('a transfer needs roomAdmin for that room besides sip.call', async () => {
      lk.seed.participant('support', { identity: 'caller', kind: 'sip' });
      const token = lk.token({ sip: { call: true }, video: { roomAdmin: true, room: 'other' } });
      const err = await failure(new SipClient(lk.url, undefined, undefined, { token, encoding }).transferSipParticipant('support', 'caller', 'tel:+1'));
      expect((err as ServerError).code).toBe('unauthenticated');
    });
  });
});

describe('dial deadlines', () => {
  it('a dial answered after the client default timeout but inside the ring window succeeds', async () => {
    const sip = new SipClient(lk.url, lk.apiKey, lk.apiSecret, { timeoutMs: 200 });
    const trunk = await sip.createSipOutboundTrunk('carrier', 'sip.example.com', ['+1']);
    lk.sip.nextCall({ answer: true, ringMs: 600 });
    const call = await sip.createSipParticipant(trunk.sipTrunkId, '+1555', 'support', { waitUntilAnswered: true, ringingTimeout: 2 });
    expect(call.participantIdentity).toBe('sip-participant');
    const [request] = lk.requestsFor('SIP.CreateSIPParticipant');
    expect(request?.timeoutMs).toBe(7_000);
  });

  it('a dial that times out is sent exactly once, whatever the retries', async () => {
    const server = await startLocalServer(() => 'hang');
    try {
      const sip = new SipClient(server.url, 'key', 'secret-secret-secret-secret-secret', { retries: 5 });
      const err = await failure(sip.createSipParticipant('ST_1', '+1555', 'support', {}, undefined, { timeoutMs: 100 }));
      expect(err).toBeInstanceOf(RequestTimeoutError);
      expect((err as RequestTimeoutError).attempts).toBe(1);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('a transfer that answers 503 is not retried either', async () => {
    const server = await startLocalServer(() => ({ status: 503, headers: { 'content-type': 'text/plain' }, body: 'busy' }));
    try {
      const sip = new SipClient(server.url, 'key', 'secret-secret-secret-secret-secret', { retries: 5 });
      const err = await failure(sip.transferSipParticipant('support', 'caller', 'tel:+1'));
      expect((err as ServerError).status).toBe(503);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});

describe('LiveKitAPI.sip', () => {
  it('shares the transport and reaches the SIP service', async () => {
    const api = new LiveKitAPI({ host: lk.url, apiKey: lk.apiKey, secret: lk.apiSecret });
    const trunk = await api.sip.createSipInboundTrunk('main', ['+1']);
    expect((await api.sip.listSipInboundTrunk()).map((t) => t.sipTrunkId)).toEqual([trunk.sipTrunkId]);
  });
});
