// The telephony commands: `sip trunks …`, `sip rules …`, `sip call` and `sip transfer`. This
// module only declares them (flags, help); the work is in sip-actions.ts, loaded on first use
// so that `token` and `verify` never load the protocol codecs or the transport.
import type { FlagSpec } from './args.js';
import { lazyActions, type Command, type CommandGroup } from './command.js';
import { SERVER_FLAGS } from './rooms.js';

const action = lazyActions(() => import('./sip-actions.js'));

const SIP_NOTE = `The server is --url, else LIVEKIT_URL. Keys are --api-key/--api-secret, else
LIVEKIT_API_KEY/LIVEKIT_API_SECRET, else the development key of
\`livekit-server --dev\`. Trunks and rules need the sip.admin grant, calls
sip.call. A server error prints its code and message; exit 1.`;

const DIRECTION_FLAGS: readonly FlagSpec[] = [
  { name: 'inbound', type: 'boolean', description: 'inbound trunks: calls LiveKit accepts' },
  { name: 'outbound', type: 'boolean', description: 'outbound trunks: where LiveKit dials through' },
];
const RINGING_FLAG: FlagSpec = {
  name: 'ringing-timeout',
  type: 'string',
  value: '<duration>',
  description: 'how long the phone may ring: seconds, or 20s, 1m (default 30s when waiting)',
};
const DIALTONE_FLAG: FlagSpec = { name: 'play-dialtone', type: 'boolean', description: 'play a dial tone into the room while it rings' };

const listTrunks: Command = {
  path: 'sip trunks list',
  summary: 'list the inbound and outbound SIP trunks',
  flags: [...DIRECTION_FLAGS, { name: 'number', type: 'strings', value: '<e164>', description: 'only trunks with this number (repeatable)' }, ...SERVER_FLAGS],
  maxPositionals: 0,
  help: {
    usage: ['sip trunks list [flags]'],
    description: `Lists the SIP trunks as a table: both kinds, or only --inbound or
--outbound (--json: { inbound: [...], outbound: [...] } of trunk infos,
passwords left out).

${SIP_NOTE}`,
    examples: ['sip trunks list', 'sip trunks list --outbound --json'],
  },
  run: action('listTrunks'),
};

const createTrunk: Command = {
  path: 'sip trunks create',
  summary: 'create an inbound or outbound SIP trunk',
  flags: [
    ...DIRECTION_FLAGS,
    { name: 'number', type: 'strings', value: '<e164>', description: 'a phone number of the trunk (repeatable)', aliases: ['numbers'] },
    { name: 'address', type: 'string', value: '<host[:port]>', description: 'outbound: the SIP server to dial through' },
    {
      name: 'transport',
      type: 'string',
      value: '<udp|tcp|tls|auto>',
      description: 'outbound: the SIP transport (default auto)',
    },
    {
      name: 'allowed-address',
      type: 'strings',
      value: '<ip|cidr>',
      description: 'inbound: accept calls from this address (repeatable)',
    },
    { name: 'auth-username', type: 'string', value: '<name>', description: 'digest auth user name' },
    { name: 'auth-password', type: 'string', value: '<secret>', description: 'digest auth password (never printed)' },
    { name: 'metadata', type: 'string', value: '<text>', description: 'trunk metadata' },
    ...SERVER_FLAGS,
  ],
  maxPositionals: 1,
  help: {
    usage: ['sip trunks create <name> --inbound|--outbound [flags]'],
    description: `Creates a trunk and prints it. An inbound trunk needs numbers, allowed
addresses or auth; an outbound one an --address and at least one --number.

${SIP_NOTE}`,
    examples: [
      'sip trunks create carrier --outbound --address sip.example.com --number +15550100',
      'sip trunks create main --inbound --number +15550100 --allowed-address 203.0.113.0/24',
    ],
  },
  run: action('createTrunk'),
};

const deleteTrunk: Command = {
  path: 'sip trunks delete',
  summary: 'delete a SIP trunk',
  flags: SERVER_FLAGS,
  maxPositionals: 1,
  help: {
    usage: ['sip trunks delete <trunk-id> [flags]'],
    description: `Deletes a trunk, inbound or outbound. An unknown id is an error (not_found).

${SIP_NOTE}`,
    examples: ['sip trunks delete ST_abc123'],
  },
  run: action('deleteTrunk'),
};

const listRules: Command = {
  path: 'sip rules list',
  summary: 'list the SIP dispatch rules',
  flags: [{ name: 'trunk', type: 'strings', value: '<trunk-id>', description: 'only rules for this trunk (repeatable)' }, ...SERVER_FLAGS],
  maxPositionals: 0,
  help: {
    usage: ['sip rules list [flags]'],
    description: `Lists the dispatch rules as a table (--json: an array of rule infos).

${SIP_NOTE}`,
    examples: ['sip rules list', 'sip rules list --trunk ST_abc123 --json'],
  },
  run: action('listRules'),
};

const createRule: Command = {
  path: 'sip rules create',
  summary: 'create a SIP dispatch rule',
  flags: [
    { name: 'pin', type: 'string', value: '<digits>', description: 'callers must enter this PIN' },
    { name: 'randomize', type: 'boolean', description: 'callee rules: add a random suffix to the room name' },
    { name: 'trunk', type: 'strings', value: '<trunk-id>', description: 'apply to this inbound trunk only (repeatable)' },
    { name: 'name', type: 'string', value: '<text>', description: 'a name for the rule' },
    { name: 'metadata', type: 'string', value: '<text>', description: 'rule metadata' },
    { name: 'hide-phone-number', type: 'boolean', description: "do not show callers' numbers" },
    ...SERVER_FLAGS,
  ],
  maxPositionals: 2,
  help: {
    usage: ['sip rules create direct <room> [flags]', 'sip rules create individual|callee <room-prefix> [flags]'],
    description: `Creates a dispatch rule and prints it: direct puts every caller into one room,
individual gives each caller a new room named from the prefix, callee names the
room from the number called.

${SIP_NOTE}`,
    examples: ['sip rules create direct support --pin 1234', 'sip rules create individual call- --trunk ST_abc123'],
  },
  run: action('createRule'),
};

const deleteRule: Command = {
  path: 'sip rules delete',
  summary: 'delete a SIP dispatch rule',
  flags: SERVER_FLAGS,
  maxPositionals: 1,
  help: {
    usage: ['sip rules delete <rule-id> [flags]'],
    description: `Deletes a dispatch rule. An unknown id is an error (not_found).

${SIP_NOTE}`,
    examples: ['sip rules delete SDR_abc123'],
  },
  run: action('deleteRule'),
};

const dial: Command = {
  path: 'sip call',
  summary: 'dial a phone number into a room',
  flags: [
    { name: 'identity', type: 'string', value: '<id>', description: 'identity of the SIP participant (default sip-participant)' },
    { name: 'name', type: 'string', value: '<text>', description: 'display name of the participant in the room' },
    { name: 'from', type: 'string', value: '<e164>', description: "the number to call from (default: the trunk's)" },
    { name: 'wait', type: 'boolean', description: 'wait until the callee answers; a refusal exits 1 with the SIP status' },
    RINGING_FLAG,
    { name: 'dtmf', type: 'string', value: '<digits>', description: 'digits to send once answered (w: wait 0.5 s)' },
    DIALTONE_FLAG,
    { name: 'hide-phone-number', type: 'boolean', description: 'do not show the number in the room' },
    ...SERVER_FLAGS,
  ],
  maxPositionals: 3,
  help: {
    usage: ['sip call <trunk-id> <number> <room> [flags]'],
    description: `Dials a number through an outbound trunk and brings the call into a room.
With --wait, returns once the callee answers (the client waits the ring window
plus 5 s, whatever --timeout says otherwise); a busy or declined call exits 1
with its SIP status. Never dials twice: a call is not retried once sent.

${SIP_NOTE}`,
    examples: ['sip call ST_abc123 +15550199 support --wait', 'sip call ST_abc123 +15550199 support --identity caller --json'],
  },
  run: action('dial'),
};

const transfer: Command = {
  path: 'sip transfer',
  summary: "transfer a SIP participant's call elsewhere",
  flags: [RINGING_FLAG, DIALTONE_FLAG, ...SERVER_FLAGS],
  maxPositionals: 3,
  help: {
    usage: ['sip transfer <room> <identity> <tel:…|sip:…> [flags]'],
    description: `Transfers the call of a SIP participant to a number or SIP URI and prints the
transfer result. A refusal exits 1 with its SIP status. Needs sip.call and
roomAdmin for the room.

${SIP_NOTE}`,
    examples: ['sip transfer support caller tel:+15550123', 'sip transfer support caller sip:agent@example.com --json'],
  },
  run: action('transfer'),
};

/** `sip trunks …`, `sip rules …`, `sip call`, `sip transfer`. */
export const sipGroup: CommandGroup = {
  name: 'sip',
  summary: 'Manage SIP trunks and dispatch rules, and place and transfer phone calls.',
  commands: [dial, transfer],
  groups: [
    { name: 'sip trunks', summary: 'Manage the SIP trunks of a LiveKit server.', commands: [listTrunks, createTrunk, deleteTrunk] },
    { name: 'sip rules', summary: 'Manage the SIP dispatch rules of a LiveKit server.', commands: [listRules, createRule, deleteRule] },
  ],
};
