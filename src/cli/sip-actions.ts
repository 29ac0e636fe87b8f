// What the telephony commands do: call SipClient and print the answer as a table, or as JSON
// with --json. Loaded only when a sip command runs (it pulls in the protocol codecs).
// Trunk passwords are credentials: they are never printed, in a table or in JSON.
import {
  SIPTransferStatus,
  SIPTransport,
  type SIPDispatchRuleInfo,
  type SIPInboundTrunkInfo,
  type SIPOutboundTrunkInfo,
  type SIPParticipantInfo,
} from '@livekit/protocol';
import { SipCallError } from '../services/telephony-errors.js';
import { ttlToSeconds } from '../token/ttl.js';
import type { ParsedArgs } from './args.js';
import { CommandFailure, UsageError, writeLine, type CliIo } from './io.js';
import { call, connect, printJson, required, type Session } from './session.js';
import { enumName, formatDetails, formatTable } from './table.js';

type Trunk = SIPInboundTrunkInfo | SIPOutboundTrunkInfo;

function trunkJson(trunk: Trunk): unknown {
  const json = trunk.toJson({ emitDefaultValues: true }) as Record<string, unknown>;
  delete json['authPassword'];
  return json;
}

function ruleJson(rule: SIPDispatchRuleInfo): unknown {
  return rule.toJson({ emitDefaultValues: true });
}

const list = (items: readonly string[]): string => (items.length === 0 ? '-' : items.join(','));

function trunkDetails(kind: string, trunk: Trunk): string {
  const address = 'address' in trunk ? trunk.address : list(trunk.allowedAddresses);
  return formatDetails([
    ['ID', trunk.sipTrunkId],
    ['Kind', kind],
    ['Name', trunk.name === '' ? '-' : trunk.name],
    ['Numbers', list(trunk.numbers)],
    [kind === 'outbound' ? 'Address' : 'Allowed addresses', address === '' ? '-' : address],
    ['Auth', trunk.authUsername === '' ? 'none' : `${trunk.authUsername} (password set)`],
    ['Metadata', trunk.metadata === '' ? '-' : trunk.metadata],
  ]);
}

function ruleSummary(rule: SIPDispatchRuleInfo): [string, string] {
  const r = rule.rule?.rule;
  switch (r?.case) {
    case 'dispatchRuleDirect':
      return ['direct', `room ${r.value.roomName}`];
    case 'dispatchRuleIndividual':
      return ['individual', `prefix ${r.value.roomPrefix === '' ? '-' : r.value.roomPrefix}`];
    case 'dispatchRuleCallee':
      return ['callee', `prefix ${r.value.roomPrefix === '' ? '-' : r.value.roomPrefix}${r.value.randomize ? ', randomized' : ''}`];
    default:
      return ['-', '-'];
  }
}

/** A ring window from `--ringing-timeout`: seconds, or a duration (20s, 1m). */
function parseRinging(args: ParsedArgs, command: string): number | undefined {
  const text = args.string('ringing-timeout');
  if (text === undefined) return undefined;
  let seconds: number;
  try {
    seconds = /^\s*\d+\s*$/.test(text) ? Number(text) : ttlToSeconds(text, '--ringing-timeout');
  } catch {
    seconds = Number.NaN;
  }
  if (!Number.isSafeInteger(seconds) || seconds < 1) {
    throw new UsageError(`--ringing-timeout takes whole seconds of at least 1 (30, 20s, 1m), got ${JSON.stringify(text)}`, command);
  }
  return seconds;
}

/** The direction --inbound/--outbound name: exactly one when `required`, else either or both. */
function directions(args: ParsedArgs, command: string, requireOne: boolean): { inbound: boolean; outbound: boolean } {
  const inbound = args.boolean('inbound') === true;
  const outbound = args.boolean('outbound') === true;
  if (requireOne && inbound === outbound) throw new UsageError(`'${command}' needs exactly one of --inbound and --outbound`, command);
  return inbound || outbound ? { inbound, outbound } : { inbound: true, outbound: true };
}

/** `sip trunks list`. */
export async function listTrunks(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'sip trunks list';
  const which = directions(args, command, false);
  const numbers = args.strings('number');
  const filter = numbers.length === 0 ? {} : { numbers };
  const session = connect(args, io, command);
  const [inbound, outbound] = await call(session, command, (api) =>
    Promise.all([
      which.inbound ? api.sip.listSipInboundTrunk(filter, session.requestOptions) : [],
      which.outbound ? api.sip.listSipOutboundTrunk(filter, session.requestOptions) : [],
    ]),
  );
  if (session.json) return printJson(io, { inbound: inbound.map(trunkJson), outbound: outbound.map(trunkJson) });
  const rows = [
    ...inbound.map((t) => [t.sipTrunkId, 'inbound', t.name === '' ? '-' : t.name, list(t.numbers), list(t.allowedAddresses)]),
    ...outbound.map((t) => [t.sipTrunkId, 'outbound', t.name === '' ? '-' : t.name, list(t.numbers), t.address]),
  ];
  if (rows.length === 0) {
    writeLine(io.stderr, 'No SIP trunks.');
    return;
  }
  io.stdout.write(formatTable(['id', 'kind', 'name', 'numbers', 'address'], rows));
}

const TRANSPORTS: Readonly<Record<string, SIPTransport>> = {
  auto: SIPTransport.SIP_TRANSPORT_AUTO,
  udp: SIPTransport.SIP_TRANSPORT_UDP,
  tcp: SIPTransport.SIP_TRANSPORT_TCP,
  tls: SIPTransport.SIP_TRANSPORT_TLS,
};

/** `sip trunks create <name> --inbound|--outbound`. */
export async function createTrunk(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'sip trunks create';
  const name = required(args, 0, 'name', 'trunk name', command);
  const { outbound } = directions(args, command, true);
  const numbers = args.strings('number');
  const auth = { authUsername: args.string('auth-username'), authPassword: args.string('auth-password') };
  const metadata = args.string('metadata');
  let create: Parameters<typeof call<Trunk>>[2];
  if (outbound) {
    const address = args.string('address');
    if (address === undefined || address === '') throw new UsageError(`an outbound trunk needs --address <host[:port]>`, command);
    const transportName = (args.string('transport') ?? 'auto').toLowerCase();
    const transport = TRANSPORTS[transportName];
    if (transport === undefined) throw new UsageError(`--transport takes udp, tcp, tls or auto, got ${JSON.stringify(transportName)}`, command);
    create = (api) => api.sip.createSipOutboundTrunk(name, address, numbers, { ...auth, metadata, transport }, session.requestOptions);
  } else {
    const allowedAddresses = args.strings('allowed-address');
    create = (api) => api.sip.createSipInboundTrunk(name, numbers, { ...auth, metadata, allowedAddresses }, session.requestOptions);
  }
  const session = connect(args, io, command);
  const trunk = await call(session, command, create);
  if (session.json) return printJson(io, trunkJson(trunk));
  io.stdout.write(trunkDetails(outbound ? 'outbound' : 'inbound', trunk));
}

/** `sip trunks delete <id>`. */
export async function deleteTrunk(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'sip trunks delete';
  const id = required(args, 0, 'id', 'trunk id', command);
  const session = connect(args, io, command);
  await call(session, command, (api) => api.sip.deleteSipTrunk(id, session.requestOptions));
  if (session.json) return printJson(io, {});
  writeLine(io.stdout, `Deleted SIP trunk ${id}.`);
}

/** `sip rules list`. */
export async function listRules(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'sip rules list';
  const trunkIds = args.strings('trunk');
  const session = connect(args, io, command);
  const rules = await call(session, command, (api) => api.sip.listSipDispatchRule(trunkIds.length === 0 ? {} : { trunkIds }, session.requestOptions));
  if (session.json) return printJson(io, rules.map(ruleJson));
  if (rules.length === 0) {
    writeLine(io.stderr, 'No SIP dispatch rules.');
    return;
  }
  io.stdout.write(
    formatTable(
      ['id', 'name', 'type', 'target', 'trunks'],
      rules.map((rule) => [rule.sipDispatchRuleId, rule.name === '' ? '-' : rule.name, ...ruleSummary(rule), rule.trunkIds.length === 0 ? 'all' : rule.trunkIds.join(',')]),
    ),
  );
}

/** `sip rules create direct|individual|callee <room-or-prefix>`. */
export async function createRule(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'sip rules create';
  const type = required(args, 0, 'type', 'rule type (direct, individual or callee)', command);
  const target = args.positionals[1];
  if (target === undefined) throw new UsageError(`'${command} ${type}' needs the ${type === 'direct' ? 'room' : 'room prefix'}: ${args.usage}`, command);
  const pin = args.string('pin');
  let rule: Parameters<Session['api']['sip']['createSipDispatchRule']>[0];
  if (type === 'direct') rule = { type, roomName: target, pin };
  else if (type === 'individual') rule = { type, roomPrefix: target, pin };
  else if (type === 'callee') rule = { type, roomPrefix: target, pin, randomize: args.boolean('randomize') === true };
  else throw new UsageError(`the rule type is direct, individual or callee, got ${JSON.stringify(type)}`, command);
  const trunkIds = args.strings('trunk');
  const options = {
    trunkIds: trunkIds.length === 0 ? undefined : trunkIds,
    name: args.string('name'),
    metadata: args.string('metadata'),
    hidePhoneNumber: args.boolean('hide-phone-number'),
  };
  const session = connect(args, io, command);
  const created = await call(session, command, (api) => api.sip.createSipDispatchRule(rule, options, session.requestOptions));
  if (session.json) return printJson(io, ruleJson(created));
  const [kind, summary] = ruleSummary(created);
  io.stdout.write(
    formatDetails([
      ['ID', created.sipDispatchRuleId],
      ['Name', created.name === '' ? '-' : created.name],
      ['Type', kind],
      ['Target', summary],
      ['Trunks', created.trunkIds.length === 0 ? 'all' : created.trunkIds.join(', ')],
    ]),
  );
}

/** `sip rules delete <id>`. */
export async function deleteRule(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'sip rules delete';
  const id = required(args, 0, 'id', 'rule id', command);
  const session = connect(args, io, command);
  await call(session, command, (api) => api.sip.deleteSipDispatchRule(id, session.requestOptions));
  if (session.json) return printJson(io, {});
  writeLine(io.stdout, `Deleted SIP dispatch rule ${id}.`);
}

/** `sip call <trunk-id> <number> <room>`. */
export async function dial(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'sip call';
  const trunkId = required(args, 0, 'trunk', 'outbound trunk id', command);
  const number = required(args, 1, 'number', 'number to call', command);
  const room = required(args, 2, 'room', 'room name', command);
  const wait = args.boolean('wait') === true;
  const options = {
    participantIdentity: args.string('identity'),
    participantName: args.string('name'),
    fromNumber: args.string('from'),
    waitUntilAnswered: wait,
    ringingTimeout: parseRinging(args, command),
    dtmf: args.string('dtmf'),
    playDialtone: args.boolean('play-dialtone'),
    hidePhoneNumber: args.boolean('hide-phone-number'),
  };
  const session = connect(args, io, command);
  const info: SIPParticipantInfo = await sipCall(session, command, (api) =>
    api.sip.createSipParticipant(trunkId, number, room, options, undefined, session.requestOptions),
  );
  if (session.json) return printJson(io, info.toJson({ emitDefaultValues: true }));
  io.stdout.write(
    formatDetails([
      ['Call', info.sipCallId],
      ['Room', info.roomName],
      ['Identity', info.participantIdentity],
      ['Participant', info.participantId],
      ['Status', wait ? 'answered' : 'dialing'],
    ]),
  );
}

/** `sip transfer <room> <identity> <to>`. */
export async function transfer(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'sip transfer';
  const room = required(args, 0, 'room', 'room name', command);
  const identity = required(args, 1, 'identity', 'participant identity', command);
  const to = required(args, 2, 'to', 'transfer destination (tel:… or sip:…)', command);
  const options = { ringingTimeout: parseRinging(args, command), playDialtone: args.boolean('play-dialtone') };
  const session = connect(args, io, command);
  const result = await sipCall(session, command, (api) => api.sip.transferSipParticipant(room, identity, to, options, session.requestOptions));
  if (session.json) return printJson(io, result.toJson({ emitDefaultValues: true }));
  io.stdout.write(
    formatDetails([
      ['Transfer', result.transferId === '' ? '-' : result.transferId],
      ['Status', enumName(SIPTransferStatus, result.status)],
    ]),
  );
}

/** A dial or transfer: a refused call reads "SIP call failed: 486 Busy Here …", exit 1. */
async function sipCall<T>(session: Session, command: string, work: (api: Session['api']) => Promise<T>): Promise<T> {
  return call(session, command, async (api) => {
    try {
      return await work(api);
    } catch (error) {
      if (error instanceof SipCallError) throw new CommandFailure(error.message, error.code);
      throw error;
    }
  });
}
