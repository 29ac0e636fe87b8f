// The test server's SIP state: inbound and outbound trunks (`ST_…`), dispatch rules (`SDR_…`),
// and the outcomes the test scripts for the next outbound calls and transfers. Validation
// follows a livekit-server's; the handlers in service.ts turn failures into Twirp errors.
import type {
  SIPDispatchRuleInfo,
  SIPOutboundTrunkInfo} from '@livekit/protocol';
import {
  ListUpdate,
  SIPInboundTrunkInfo,
  SIPTrunkInfo,
  SIPTrunkInfo_TrunkKind,
  type Pagination,
} from '@livekit/protocol';
import { newId } from '../../internal/ids.js';
import { TestServerTwirpError } from '../twirp.js';

/**
 * How the next outbound call (or transfer) goes: answered after `ringMs`, refused with a SIP
 * status (486 busy, 603 declined, 503…), or never answered until the ring window ends (a 408).
 *
 * @example
 * ```ts
 * lk.sip.nextCall({ answer: true, ringMs: 200 });
 * lk.sip.nextCall({ sipStatus: 486 });
 * lk.sip.nextCall({ noAnswer: true });
 * ```
 */
export type SipCallScript =
  | { readonly answer: true; readonly ringMs?: number }
  | { readonly sipStatus: number; readonly sipReason?: string; readonly ringMs?: number }
  | { readonly noAnswer: true };

/** A script, checked: what happens and after how long (`undefined`: at the end of the ring window). */
export type SipOutcome =
  | { readonly kind: 'answer'; readonly ringMs: number }
  | { readonly kind: 'fail'; readonly ringMs: number; readonly sipStatus: number; readonly sipReason: string }
  | { readonly kind: 'noAnswer' };

const SIP_REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  480: 'Temporarily Unavailable',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  500: 'Server Internal Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
};

/** The SIP reason phrase of a status code. */
export function sipReason(code: number): string {
  return SIP_REASONS[code] ?? (code >= 500 ? 'Server Error' : 'Request Failed');
}

/** The Twirp code a livekit-server answers a failed call with, from its SIP status. */
export function twirpCodeForSip(code: number): TestServerTwirpError['code'] {
  if (code === 486 || code === 480 || code === 600) return 'resource_exhausted';
  if (code === 408) return 'deadline_exceeded';
  if (code === 403 || code === 603) return 'permission_denied';
  if (code === 404 || code === 604) return 'not_found';
  if (code >= 500 && code < 600) return 'failed_precondition';
  return 'unknown';
}

/** The error of a call that failed with `code`, the SIP status in the metadata. */
export function sipCallFailed(code: number, reason: string): TestServerTwirpError {
  return new TestServerTwirpError(twirpCodeForSip(code), `INVITE failed: sip status: ${code}: ${reason}`, {
    sip_status_code: String(code),
    sip_status: reason,
  });
}

/** Checks a script from the test; a mistake in it is a RangeError/TypeError at the call. */
export function checkScript(script: SipCallScript, what: string): SipOutcome {
  if (typeof script !== 'object' || script === null) throw new TypeError(`${what}: pass { answer: true }, { sipStatus: 486 } or { noAnswer: true }`);
  const s = script as { answer?: unknown; sipStatus?: unknown; sipReason?: unknown; noAnswer?: unknown; ringMs?: unknown };
  const kinds = [s.answer !== undefined, s.sipStatus !== undefined, s.noAnswer !== undefined].filter(Boolean).length;
  if (kinds !== 1) throw new TypeError(`${what}: give exactly one of answer, sipStatus and noAnswer`);
  const ringMs = s.ringMs ?? 0;
  if (typeof ringMs !== 'number' || !Number.isInteger(ringMs) || ringMs < 0) {
    throw new RangeError(`${what}: ringMs must be a non-negative integer of milliseconds`);
  }
  if (s.answer !== undefined) {
    if (s.answer !== true) throw new TypeError(`${what}: answer must be true`);
    return { kind: 'answer', ringMs };
  }
  if (s.noAnswer !== undefined) {
    if (s.noAnswer !== true) throw new TypeError(`${what}: noAnswer must be true`);
    return { kind: 'noAnswer' };
  }
  const code = s.sipStatus;
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 300 || code > 699) {
    throw new RangeError(`${what}: sipStatus must be a SIP failure status from 300 to 699, e.g. 486`);
  }
  if (s.sipReason !== undefined && typeof s.sipReason !== 'string') throw new TypeError(`${what}: sipReason must be a string`);
  return { kind: 'fail', ringMs, sipStatus: code, sipReason: s.sipReason ?? sipReason(code) };
}

const ANSWER_NOW: SipOutcome = { kind: 'answer', ringMs: 0 };

const invalid = (msg: string): TestServerTwirpError => new TestServerTwirpError('invalid_argument', msg);
const trunkNotFound = (): TestServerTwirpError => new TestServerTwirpError('not_found', 'requested sip trunk does not exist');
const ruleNotFound = (): TestServerTwirpError => new TestServerTwirpError('not_found', 'requested sip dispatch rule does not exist');

/** What a message with a `ListUpdate` member looks like to the field walk. */
type Fields = Record<string, unknown>;

/** Internal: trunks, rules, and the scripted outcomes of the next calls and transfers. */
export class SipState {
  private readonly inbound = new Map<string, SIPInboundTrunkInfo>();
  private readonly outbound = new Map<string, SIPOutboundTrunkInfo>();
  private readonly rules = new Map<string, SIPDispatchRuleInfo>();
  private readonly callScripts: SipOutcome[] = [];
  private readonly transferScripts: SipOutcome[] = [];

  constructor(private readonly nowMs: () => number) {}

  reset(): void {
    this.inbound.clear();
    this.outbound.clear();
    this.rules.clear();
    this.callScripts.length = 0;
    this.transferScripts.length = 0;
  }

  // ---- scripts -------------------------------------------------------------------------

  scriptCall(outcome: SipOutcome): void {
    this.callScripts.push(outcome);
  }

  scriptTransfer(outcome: SipOutcome): void {
    this.transferScripts.push(outcome);
  }

  /** The next call's outcome; answered at once when the test scripted none. */
  takeCall(): SipOutcome {
    return this.callScripts.shift() ?? ANSWER_NOW;
  }

  takeTransfer(): SipOutcome {
    return this.transferScripts.shift() ?? ANSWER_NOW;
  }

  get pendingScripts(): number {
    return this.callScripts.length + this.transferScripts.length;
  }

  // ---- trunks --------------------------------------------------------------------------

  createInbound(trunk: SIPInboundTrunkInfo | undefined): SIPInboundTrunkInfo {
    if (trunk === undefined) throw invalid('missing trunk');
    if (trunk.sipTrunkId !== '') throw invalid('trunk ID must be empty');
    const created = this.stamp(trunk.clone(), true);
    checkInbound(created);
    created.sipTrunkId = this.newTrunkId();
    this.inbound.set(created.sipTrunkId, created);
    return created.clone();
  }

  createOutbound(trunk: SIPOutboundTrunkInfo | undefined): SIPOutboundTrunkInfo {
    if (trunk === undefined) throw invalid('missing trunk');
    if (trunk.sipTrunkId !== '') throw invalid('trunk ID must be empty');
    const created = this.stamp(trunk.clone(), true);
    checkOutbound(created);
    created.sipTrunkId = this.newTrunkId();
    this.outbound.set(created.sipTrunkId, created);
    return created.clone();
  }

  updateInbound(id: string, replace: SIPInboundTrunkInfo | undefined, update: Fields | undefined): SIPInboundTrunkInfo {
    const current = this.inbound.get(requireId(id, 'trunk ID is required'));
    if (current === undefined) throw trunkNotFound();
    const next = replace !== undefined ? this.replaced(replace, current) : applyUpdate(current.clone(), update ?? {});
    checkInbound(next);
    this.stamp(next, false);
    this.inbound.set(id, next);
    return next.clone();
  }

  updateOutbound(id: string, replace: SIPOutboundTrunkInfo | undefined, update: Fields | undefined): SIPOutboundTrunkInfo {
    const current = this.outbound.get(requireId(id, 'trunk ID is required'));
    if (current === undefined) throw trunkNotFound();
    const next = replace !== undefined ? this.replaced(replace, current) : applyUpdate(current.clone(), update ?? {});
    checkOutbound(next);
    this.stamp(next, false);
    this.outbound.set(id, next);
    return next.clone();
  }

  getInbound(id: string): SIPInboundTrunkInfo {
    const trunk = this.inbound.get(requireId(id, 'trunk ID is required'));
    if (trunk === undefined) throw trunkNotFound();
    return trunk.clone();
  }

  getOutbound(id: string): SIPOutboundTrunkInfo {
    const trunk = this.outbound.get(requireId(id, 'trunk ID is required'));
    if (trunk === undefined) throw trunkNotFound();
    return trunk.clone();
  }

  /** An outbound trunk to dial through, if there is one with that id. */
  findOutbound(id: string): SIPOutboundTrunkInfo | undefined {
    return this.outbound.get(id)?.clone();
  }

  listInbound(filter: { trunkIds: string[]; numbers: string[]; page?: Pagination | undefined }): SIPInboundTrunkInfo[] {
    return listOf(this.inbound, filter.trunkIds, (t) => matchesNumbers(t.numbers, filter.numbers), filter.page);
  }

  listOutbound(filter: { trunkIds: string[]; numbers: string[]; page?: Pagination | undefined }): SIPOutboundTrunkInfo[] {
    return listOf(this.outbound, filter.trunkIds, (t) => matchesNumbers(t.numbers, filter.numbers), filter.page);
  }

  /** Every trunk in the old combined form (ListSIPTrunk). */
  listLegacy(): SIPTrunkInfo[] {
    return [...[...this.inbound.values()].map(legacyOfInbound), ...[...this.outbound.values()].map(legacyOfOutbound)].sort(byId);
  }

  deleteTrunk(id: string): SIPTrunkInfo {
    requireId(id, 'trunk ID is required');
    const inbound = this.inbound.get(id);
    if (inbound !== undefined) {
      this.inbound.delete(id);
      return legacyOfInbound(inbound);
    }
    const outbound = this.outbound.get(id);
    if (outbound === undefined) throw trunkNotFound();
    this.outbound.delete(id);
    return legacyOfOutbound(outbound);
  }

  // ---- dispatch rules ------------------------------------------------------------------

  createRule(rule: SIPDispatchRuleInfo): SIPDispatchRuleInfo {
    if (rule.sipDispatchRuleId !== '') throw invalid('rule ID must be empty');
    const created = this.stamp(rule.clone(), true);
    this.checkRule(created);
    created.sipDispatchRuleId = newId('SDR_');
    this.rules.set(created.sipDispatchRuleId, created);
    return created.clone();
  }

  updateRule(id: string, replace: SIPDispatchRuleInfo | undefined, update: Fields | undefined): SIPDispatchRuleInfo {
    const current = this.rules.get(requireId(id, 'dispatch rule ID is required'));
    if (current === undefined) throw ruleNotFound();
    const next = replace !== undefined ? this.replaced(replace, current) : applyUpdate(current.clone(), update ?? {});
    this.checkRule(next);
    this.stamp(next, false);
    this.rules.set(id, next);
    return next.clone();
  }

  listRules(filter: { dispatchRuleIds: string[]; trunkIds: string[]; page?: Pagination | undefined }): SIPDispatchRuleInfo[] {
    return listOf(this.rules, filter.dispatchRuleIds, (r) => matchesAny(r.trunkIds, filter.trunkIds), filter.page);
  }

  deleteRule(id: string): SIPDispatchRuleInfo {
    const rule = this.rules.get(requireId(id, 'dispatch rule ID is required'));
    if (rule === undefined) throw ruleNotFound();
    this.rules.delete(id);
    return rule;
  }

  private checkRule(rule: SIPDispatchRuleInfo): void {
    const kind = rule.rule?.rule;
    if (kind === undefined || kind.case === undefined) throw invalid('missing rule');
    if (kind.case === 'dispatchRuleDirect' && kind.value.roomName === '') throw invalid('missing room name');
    for (const trunkId of rule.trunkIds) {
      if (!this.inbound.has(trunkId)) throw invalid(`unknown inbound trunk ${trunkId}`);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------

  private newTrunkId(): string {
    return newId('ST_');
  }

  /** A replacement keeps the id and creation time of what it replaces. */
  private replaced<T extends { clone(): T; createdAt?: unknown }>(replacement: T, current: T): T {
    const next = replacement.clone();
    const fields = next as unknown as Record<string, unknown>;
    const idField = 'sipTrunkId' in fields ? 'sipTrunkId' : 'sipDispatchRuleId';
    fields[idField] = (current as unknown as Record<string, unknown>)[idField];
    next.createdAt = current.createdAt;
    return next;
  }

  private stamp<T extends { createdAt?: unknown; updatedAt?: unknown }>(message: T, created: boolean): T {
    const ms = this.nowMs();
    const init = { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
    if (created) message.createdAt = new Timestamp(init);
    message.updatedAt = new Timestamp(init);
    return message;
  }
}

// google.protobuf.Timestamp, reached through a field that holds one (@bufbuild/protobuf is
// not a direct dependency of this package).
const Timestamp = (SIPInboundTrunkInfo.fields.findJsonName('createdAt') as unknown as { T: new (init: object) => object }).T;

function requireId(id: string, message: string): string {
  if (id === '') throw invalid(message);
  return id;
}

/** As a livekit-server: an inbound trunk must say whom it accepts calls from. */
function checkInbound(trunk: SIPInboundTrunkInfo): void {
  const hasAuth = trunk.authUsername !== '' || trunk.authPassword !== '';
  if (!hasAuth && trunk.allowedAddresses.length === 0 && trunk.numbers.length === 0) {
    throw invalid('for security, one of the fields must be set: AuthUsername+AuthPassword, AllowedAddresses or Numbers');
  }
}

function checkOutbound(trunk: SIPOutboundTrunkInfo): void {
  if (trunk.address === '') throw invalid('no outbound address specified');
  if (trunk.numbers.length === 0) throw invalid('no trunk numbers specified');
}

/** Applies an update message: lists by set/add/remove/clear, other fields when present. */
function applyUpdate<T extends object>(target: T, update: Fields): T {
  const fields = target as Record<string, unknown>;
  for (const [key, value] of Object.entries(update)) {
    if (value === undefined) continue;
    if (value instanceof ListUpdate) fields[key] = applyList((fields[key] as string[] | undefined) ?? [], value);
    else if (key === 'attributes' && typeof value === 'object' && value !== null) {
      if (Object.keys(value).length > 0) fields[key] = { ...(value as Record<string, string>) };
    } else fields[key] = value;
  }
  return target;
}

function applyList(list: readonly string[], update: ListUpdate): string[] {
  if (update.set.length > 0 && (update.add.length > 0 || update.remove.length > 0)) {
    throw invalid('list update: set cannot be combined with add or remove');
  }
  let next = update.clear ? [] : [...list];
  if (update.set.length > 0) next = [...update.set];
  next = next.filter((item) => !update.remove.includes(item));
  for (const item of update.add) if (!next.includes(item)) next.push(item);
  return next;
}

/** An item matches a number filter when it has one of the numbers, or has none (a wildcard). */
function matchesNumbers(numbers: readonly string[], filter: readonly string[]): boolean {
  return matchesAny(numbers, filter);
}

function matchesAny(values: readonly string[], filter: readonly string[]): boolean {
  return filter.length === 0 || values.length === 0 || values.some((v) => filter.includes(v));
}

function byId(a: { sipTrunkId: string }, b: { sipTrunkId: string }): number {
  return a.sipTrunkId < b.sipTrunkId ? -1 : a.sipTrunkId > b.sipTrunkId ? 1 : 0;
}

/** A filtered, paged list: by ids in the order asked, else every item by id after `afterId`. */
function listOf<T extends { clone(): T }>(
  items: ReadonlyMap<string, T>,
  ids: readonly string[],
  matches: (item: T) => boolean,
  page: Pagination | undefined,
): T[] {
  let selected: [string, T][] =
    ids.length > 0
      ? ids.flatMap((id) => {
          const item = items.get(id);
          return item === undefined ? [] : [[id, item] as [string, T]];
        })
      : [...items.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  selected = selected.filter(([, item]) => matches(item));
  const afterId = page?.afterId ?? '';
  if (afterId !== '') selected = selected.filter(([id]) => id > afterId);
  const limit = page?.limit ?? 0;
  if (limit > 0) selected = selected.slice(0, limit);
  return selected.map(([, item]) => item.clone());
}

function legacyOfInbound(trunk: SIPInboundTrunkInfo): SIPTrunkInfo {
  return new SIPTrunkInfo({
    sipTrunkId: trunk.sipTrunkId,
    kind: SIPTrunkInfo_TrunkKind.TRUNK_INBOUND,
    name: trunk.name,
    metadata: trunk.metadata,
    inboundAddresses: trunk.allowedAddresses,
    inboundNumbers: trunk.allowedNumbers,
    outboundNumber: trunk.numbers[0] ?? '',
    inboundUsername: trunk.authUsername,
  });
}

function legacyOfOutbound(trunk: SIPOutboundTrunkInfo): SIPTrunkInfo {
  return new SIPTrunkInfo({
    sipTrunkId: trunk.sipTrunkId,
    kind: SIPTrunkInfo_TrunkKind.TRUNK_OUTBOUND,
    name: trunk.name,
    metadata: trunk.metadata,
    outboundAddress: trunk.address,
    outboundNumber: trunk.numbers[0] ?? '',
    transport: trunk.transport,
    outboundUsername: trunk.authUsername,
  });
}
