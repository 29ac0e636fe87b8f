// The SIP service of the test server: trunks and dispatch rules with a livekit-server's
// validation and codes, and outbound calls and transfers whose outcome the test scripts
// (`lk.sip.nextCall(…)`). An answered call joins its room as a SIP participant. The grant
// checks are the test server's own: sip.admin for trunks and rules, sip.call for calls, and
// roomAdmin for the room on a transfer.
import {
  CreateSIPDispatchRuleRequest,
  CreateSIPInboundTrunkRequest,
  CreateSIPOutboundTrunkRequest,
  CreateSIPParticipantRequest,
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
  ParticipantInfo_Kind,
  SIPDispatchRuleInfo,
  SIPParticipantInfo,
  SIPStatusCode,
  SIPTransferReason,
  SIPTransferStatus,
  TransferSIPParticipantRequest,
  TransferSIPParticipantResponse,
  UpdateSIPDispatchRuleRequest,
  UpdateSIPInboundTrunkRequest,
  UpdateSIPOutboundTrunkRequest,
  type SIPDispatchRuleUpdate,
  type SIPInboundTrunkInfo,
  type SIPOutboundTrunkInfo,
} from '@livekit/protocol';
import { newId } from '../../internal/ids.js';
import { sleep } from '../../internal/sleep.js';
import { canAdminRoom, serviceOf, type MethodContext, type MethodTable, type TestServerClaims, type TestService } from '../service.js';
import { TestServerTwirpError } from '../twirp.js';
import { checkScript, sipCallFailed, SipState, type SipCallScript, type SipOutcome } from './state.js';

/**
 * The request message of each SIP method the test server serves.
 *
 * @example
 * ```ts
 * import type { SipServiceRequests } from 'livekit-server-api/testing';
 * type Dial = SipServiceRequests['CreateSIPParticipant']; // CreateSIPParticipantRequest
 * ```
 */
export interface SipServiceRequests {
  CreateSIPInboundTrunk: CreateSIPInboundTrunkRequest;
  CreateSIPOutboundTrunk: CreateSIPOutboundTrunkRequest;
  UpdateSIPInboundTrunk: UpdateSIPInboundTrunkRequest;
  UpdateSIPOutboundTrunk: UpdateSIPOutboundTrunkRequest;
  GetSIPInboundTrunk: GetSIPInboundTrunkRequest;
  GetSIPOutboundTrunk: GetSIPOutboundTrunkRequest;
  ListSIPTrunk: ListSIPTrunkRequest;
  ListSIPInboundTrunk: ListSIPInboundTrunkRequest;
  ListSIPOutboundTrunk: ListSIPOutboundTrunkRequest;
  DeleteSIPTrunk: DeleteSIPTrunkRequest;
  CreateSIPDispatchRule: CreateSIPDispatchRuleRequest;
  UpdateSIPDispatchRule: UpdateSIPDispatchRuleRequest;
  ListSIPDispatchRule: ListSIPDispatchRuleRequest;
  DeleteSIPDispatchRule: DeleteSIPDispatchRuleRequest;
  CreateSIPParticipant: CreateSIPParticipantRequest;
  TransferSIPParticipant: TransferSIPParticipantRequest;
}

/**
 * The SIP side of a running test server: script the next calls and transfers, read the
 * trunks and rules. Scripts queue up and are used in order; a call with none is answered at
 * once. `lk.reset()` forgets scripts, trunks and rules.
 *
 * @example
 * ```ts
 * lk.sip.nextCall({ answer: true, ringMs: 200 }); // answered after 200 ms
 * lk.sip.nextCall({ sipStatus: 486 });            // busy: resource_exhausted, meta.sip_status_code '486'
 * lk.sip.nextCall({ noAnswer: true });            // rings out: 408, deadline_exceeded
 * lk.sip.nextTransfer({ sipStatus: 603 });        // the transfer target declines
 * ```
 */
export interface TestServerSip {
  /** Scripts the outcome of the next CreateSIPParticipant. */
  nextCall(script: SipCallScript): void;
  /** Scripts the outcome of the next TransferSIPParticipant. */
  nextTransfer(script: SipCallScript): void;
  /** How many scripted outcomes are still to be used. */
  readonly pendingScripts: number;
  inboundTrunks(): SIPInboundTrunkInfo[];
  outboundTrunks(): SIPOutboundTrunkInfo[];
  dispatchRules(): SIPDispatchRuleInfo[];
}

interface SipContext extends MethodContext {
  readonly sip: SipState;
  /** Runs `work` after `ms` unless the server is reset first. */
  later(ms: number, work: () => void): void;
}

const DEFAULT_RING_WINDOW_MS = 30_000;

const canAdminSip = (claims: TestServerClaims | undefined): boolean => claims?.sip?.admin === true;
const canCall = (claims: TestServerClaims | undefined): boolean => claims?.sip?.call === true;
const invalid = (msg: string): TestServerTwirpError => new TestServerTwirpError('invalid_argument', msg);

function ringWindowMs(request: { ringingTimeout?: { seconds: bigint; nanos: number } | undefined }): number {
  const ring = request.ringingTimeout;
  return ring === undefined || (ring.seconds === 0n && ring.nanos === 0) ? DEFAULT_RING_WINDOW_MS : Number(ring.seconds) * 1000 + Math.floor(ring.nanos / 1e6);
}

/** When the outcome is known, and whether the callee answered by then. */
function settle(outcome: SipOutcome, windowMs: number): { afterMs: number; failure?: TestServerTwirpError } {
  if (outcome.kind === 'noAnswer' || outcome.ringMs >= windowMs) {
    return { afterMs: windowMs, failure: sipCallFailed(408, 'Request Timeout') };
  }
  if (outcome.kind === 'fail') return { afterMs: outcome.ringMs, failure: sipCallFailed(outcome.sipStatus, outcome.sipReason) };
  return { afterMs: outcome.ringMs };
}

/** Waits while the phone rings; the caller going away or its deadline ends the wait. */
async function ring(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, signal);
  } catch {
    throw new TestServerTwirpError('deadline_exceeded', 'context deadline exceeded');
  }
}

const trunkAdmin = { allowed: canAdminSip } as const;

const METHODS: MethodTable<SipServiceRequests, SipContext> = {
  CreateSIPInboundTrunk: {
    request: CreateSIPInboundTrunkRequest,
    ...trunkAdmin,
    handle: (request, { sip }) => sip.createInbound(request.trunk),
  },
  CreateSIPOutboundTrunk: {
    request: CreateSIPOutboundTrunkRequest,
    ...trunkAdmin,
    handle: (request, { sip }) => sip.createOutbound(request.trunk),
  },
  UpdateSIPInboundTrunk: {
    request: UpdateSIPInboundTrunkRequest,
    ...trunkAdmin,
    handle: (request, { sip }) => {
      const { action } = request;
      if (action.case === undefined) throw invalid('missing action: replace or update');
      return action.case === 'replace'
        ? sip.updateInbound(request.sipTrunkId, action.value, undefined)
        : sip.updateInbound(request.sipTrunkId, undefined, { ...action.value });
    },
  },
  UpdateSIPOutboundTrunk: {
    request: UpdateSIPOutboundTrunkRequest,
    ...trunkAdmin,
    handle: (request, { sip }) => {
      const { action } = request;
      if (action.case === undefined) throw invalid('missing action: replace or update');
      return action.case === 'replace'
        ? sip.updateOutbound(request.sipTrunkId, action.value, undefined)
        : sip.updateOutbound(request.sipTrunkId, undefined, { ...action.value });
    },
  },
  GetSIPInboundTrunk: {
    request: GetSIPInboundTrunkRequest,
    ...trunkAdmin,
    handle: (request, { sip }) => new GetSIPInboundTrunkResponse({ trunk: sip.getInbound(request.sipTrunkId) }),
  },
  GetSIPOutboundTrunk: {
    request: GetSIPOutboundTrunkRequest,
    ...trunkAdmin,
    handle: (request, { sip }) => new GetSIPOutboundTrunkResponse({ trunk: sip.getOutbound(request.sipTrunkId) }),
  },
  ListSIPTrunk: {
    request: ListSIPTrunkRequest,
    ...trunkAdmin,
    handle: (_request, { sip }) => new ListSIPTrunkResponse({ items: sip.listLegacy() }),
  },
  ListSIPInboundTrunk: {
    request: ListSIPInboundTrunkRequest,
    ...trunkAdmin,
    handle: (request, { sip }) => new ListSIPInboundTrunkResponse({ items: sip.listInbound(request) }),
  },
  ListSIPOutboundTrunk: {
    request: ListSIPOutboundTrunkRequest,
    ...trunkAdmin,
    handle: (request, { sip }) => new ListSIPOutboundTrunkResponse({ items: sip.listOutbound(request) }),
  },
  DeleteSIPTrunk: {
    request: DeleteSIPTrunkRequest,
    ...trunkAdmin,
    handle: (request, { sip }) => sip.deleteTrunk(request.sipTrunkId),
  },
  CreateSIPDispatchRule: {
    request: CreateSIPDispatchRuleRequest,
    ...trunkAdmin,
    handle: (request, { sip }) => {
      // The rule comes whole in dispatch_rule, or (older clients, the peer) in the flat fields.
      const rule =
        request.dispatchRule ??
        new SIPDispatchRuleInfo({
          ...(request.rule === undefined ? {} : { rule: request.rule }),
          trunkIds: request.trunkIds,
          hidePhoneNumber: request.hidePhoneNumber,
          inboundNumbers: request.inboundNumbers,
          name: request.name,
          metadata: request.metadata,
          attributes: request.attributes,
          roomPreset: request.roomPreset,
          ...(request.roomConfig === undefined ? {} : { roomConfig: request.roomConfig }),
        });
      return sip.createRule(rule);
    },
  },
  UpdateSIPDispatchRule: {
    request: UpdateSIPDispatchRuleRequest,
    ...trunkAdmin,
    handle: (request, { sip }) => {
      const { action } = request;
      if (action.case === undefined) throw invalid('missing action: replace or update');
      if (action.case === 'replace') return sip.updateRule(request.sipDispatchRuleId, action.value, undefined);
      const update: SIPDispatchRuleUpdate = action.value;
      return sip.updateRule(request.sipDispatchRuleId, undefined, { ...update });
    },
  },
  ListSIPDispatchRule: {
    request: ListSIPDispatchRuleRequest,
    ...trunkAdmin,
    handle: (request, { sip }) => new ListSIPDispatchRuleResponse({ items: sip.listRules(request) }),
  },
  DeleteSIPDispatchRule: {
    request: DeleteSIPDispatchRuleRequest,
    ...trunkAdmin,
    handle: (request, { sip }) => sip.deleteRule(request.sipDispatchRuleId),
  },
  CreateSIPParticipant: {
    request: CreateSIPParticipantRequest,
    allowed: canCall,
    handle: async (request, { sip, rooms, signal, later }) => {
      if (request.sipTrunkId === '' && request.trunk === undefined) throw invalid('missing sip trunk id');
      if (request.sipCallTo === '') throw invalid('missing sip callee number');
      if (request.roomName === '') throw invalid('missing room name');
      const trunk = request.sipTrunkId === '' ? undefined : sip.findOutbound(request.sipTrunkId);
      if (request.sipTrunkId !== '' && trunk === undefined) {
        throw new TestServerTwirpError('not_found', 'requested sip trunk does not exist');
      }
      const callId = newId('SCL_');
      const identity = request.participantIdentity === '' ? `sip_${request.sipCallTo}` : request.participantIdentity;
      const attributes: Record<string, string> = {
        ...request.participantAttributes,
        'sip.callID': callId,
        'sip.trunkID': request.sipTrunkId,
        'sip.trunkPhoneNumber': request.sipNumber === '' ? (trunk?.numbers[0] ?? '') : request.sipNumber,
      };
      if (!request.hidePhoneNumber) attributes['sip.phoneNumber'] = request.sipCallTo;
      const join = (callStatus: string) =>
        rooms.addParticipant(request.roomName, {
          identity,
          name: request.participantName,
          metadata: request.participantMetadata,
          attributes: { ...attributes, 'sip.callStatus': callStatus },
          kind: 'sip',
        });
      const info = (sid: string) =>
        new SIPParticipantInfo({ participantId: sid, participantIdentity: identity, roomName: request.roomName, sipCallId: callId });

      const { afterMs, failure } = settle(sip.takeCall(), ringWindowMs(request));
      if (request.waitUntilAnswered) {
        await ring(afterMs, signal);
        if (failure !== undefined) throw failure;
        return info(join('active').sid);
      }
      // Without waiting, the participant is in the room while the phone rings; it becomes
      // active when answered and leaves when the call fails.
      const participant = join('dialing');
      later(afterMs, () => {
        if (rooms.getParticipant(request.roomName, identity)?.sid !== participant.sid) return;
        if (failure !== undefined) rooms.removeParticipant(request.roomName, identity);
        else rooms.updateParticipant(request.roomName, identity, { attributes: { 'sip.callStatus': 'active' } });
      });
      return info(participant.sid);
    },
  },
  TransferSIPParticipant: {
    request: TransferSIPParticipantRequest,
    allowed: (claims, request) => canCall(claims) && canAdminRoom(claims, request.roomName),
    handle: async (request, { sip, rooms, signal }) => {
      if (!rooms.hasRoom(request.roomName)) throw new TestServerTwirpError('not_found', 'requested room does not exist');
      const participant = rooms.getParticipant(request.roomName, request.participantIdentity);
      if (participant === undefined) throw new TestServerTwirpError('not_found', 'participant does not exist');
      if (participant.kind !== ParticipantInfo_Kind.SIP) throw invalid('no SIP session associated with participant');
      if (request.transferTo === '') throw invalid('missing transfer destination');
      const { afterMs, failure } = settle(sip.takeTransfer(), ringWindowMs(request));
      await ring(afterMs, signal);
      if (failure !== undefined) throw failure;
      // The call now runs between the caller and the transfer target, outside LiveKit.
      rooms.removeParticipant(request.roomName, request.participantIdentity);
      return new TransferSIPParticipantResponse({
        transferId: newId('STR_'),
        status: SIPTransferStatus.STS_TRANSFER_SUCCESSFUL,
        reason: SIPTransferReason.STR_COMPLETED,
        sipStatus: { code: SIPStatusCode.SIP_STATUS_OK, status: 'OK' },
      });
    },
  },
};

/** The SIP service of one test server, and its control handle. Internal. */
export function createSipService(now: () => number): { service: TestService; control: TestServerSip } {
  const state = new SipState(now);
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (ms: number, work: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      work();
    }, ms);
    // A pending ring never keeps the test process alive.
    timer.unref?.();
    timers.add(timer);
  };
  const service = serviceOf('SIP', METHODS, (context) => ({ ...context, sip: state, later }), () => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    state.reset();
  });
  const control: TestServerSip = {
    nextCall: (script) => state.scriptCall(checkScript(script, 'lk.sip.nextCall')),
    nextTransfer: (script) => state.scriptTransfer(checkScript(script, 'lk.sip.nextTransfer')),
    get pendingScripts() {
      return state.pendingScripts;
    },
    inboundTrunks: () => state.listInbound({ trunkIds: [], numbers: [] }),
    outboundTrunks: () => state.listOutbound({ trunkIds: [], numbers: [] }),
    dispatchRules: () => state.listRules({ dispatchRuleIds: [], trunkIds: [] }),
  };
  return { service, control };
}
