// `token`: mint an access token from flags. `verify`: check one and print its claims.
import { closest } from '../internal/closest.js';
import { AccessToken } from '../token/access-token.js';
import { TokenVerificationError } from '../token/errors.js';
import { VIDEO_GRANT_FIELD_TYPES, videoGrantToClaims, type ParticipantKindName, type VideoGrant } from '../token/grants.js';
import { ttlToSeconds } from '../token/ttl.js';
import { TokenVerifier } from '../token/verifier.js';
import type { FlagSpec, ParsedArgs } from './args.js';
import { execute, type Command } from './command.js';
import { DEV_API_KEY, KEY_FLAGS, resolveKeys } from './credentials.js';
import { CommandFailure, describeValue, UsageError, writeLine, type CliIo } from './io.js';
import { TRACK_SOURCES, parseAttributes, parseJsonObject, parseSources } from './values.js';

/** A boolean grant flag and the claim it sets. */
interface GrantSwitch {
  readonly flag: string;
  readonly claim: string;
  readonly description: string;
  /** Grants an API permission rather than a participant's: no default join token then. */
  readonly api?: boolean;
  readonly aliases?: readonly string[];
}

const VIDEO_SWITCHES: readonly (GrantSwitch & { claim: keyof VideoGrant })[] = [
  { flag: 'room-join', claim: 'roomJoin', description: 'join the room (the default with --room and --identity)' },
  { flag: 'can-publish', claim: 'canPublish', description: 'publish tracks (server default: yes)' },
  { flag: 'can-subscribe', claim: 'canSubscribe', description: 'subscribe to tracks (server default: yes)' },
  { flag: 'can-publish-data', claim: 'canPublishData', description: 'send data messages (server default: yes)' },
  {
    flag: 'can-update-metadata',
    claim: 'canUpdateOwnMetadata',
    description: 'update its own name, metadata and attributes',
    aliases: ['can-update-own-metadata'],
  },
  { flag: 'hidden', claim: 'hidden', description: 'invisible to other participants' },
  { flag: 'recorder', claim: 'recorder', description: 'mark the participant as a recorder' },
  { flag: 'agent', claim: 'agent', description: 'connect as an Agents framework worker' },
  { flag: 'can-subscribe-metrics', claim: 'canSubscribeMetrics', description: 'subscribe to metrics' },
  { flag: 'can-manage-agent-session', claim: 'canManageAgentSession', description: 'manage an agent session' },
  { flag: 'room-admin', claim: 'roomAdmin', description: 'manage the --room room: participants, data, metadata', api: true },
  { flag: 'room-create', claim: 'roomCreate', description: 'create and delete rooms', api: true },
  { flag: 'room-list', claim: 'roomList', description: 'list rooms', api: true },
  { flag: 'room-record', claim: 'roomRecord', description: 'start and manage egress (recording)', api: true },
  { flag: 'ingress-admin', claim: 'ingressAdmin', description: 'manage ingress', api: true },
];

const OTHER_SWITCHES: readonly (GrantSwitch & { grant: 'sip' | 'agent' | 'inference' | 'observability' })[] = [
  { flag: 'sip-admin', grant: 'sip', claim: 'admin', description: 'manage SIP trunks and dispatch rules', api: true },
  { flag: 'sip-call', grant: 'sip', claim: 'call', description: 'make outbound SIP calls', api: true },
  { flag: 'agent-admin', grant: 'agent', claim: 'admin', description: 'manage Cloud Agents', api: true },
  { flag: 'inference', grant: 'inference', claim: 'perform', description: 'use LiveKit Inference', api: true },
  { flag: 'observability', grant: 'observability', claim: 'write', description: 'publish observability data', api: true },
];

// Every VideoGrant field, so `--grant` can name a typo instead of signing it.
const VIDEO_GRANT_FIELDS = Object.keys(VIDEO_GRANT_FIELD_TYPES) as (keyof VideoGrant)[];

const TOKEN_FLAGS: readonly FlagSpec[] = [
  { name: 'room', type: 'string', value: '<name>', description: 'the room the token is for', group: 'Token' },
  { name: 'identity', type: 'string', value: '<id>', description: 'participant identity (the `sub` claim)', group: 'Token' },
  { name: 'name', type: 'string', value: '<name>', description: 'display name', group: 'Token' },
  {
    name: 'ttl',
    type: 'string',
    value: '<duration>',
    description: 'lifetime: seconds, or 30m, 10h, "2 days" (default 6h)',
    group: 'Token',
  },
  { name: 'metadata', type: 'string', value: '<text>', description: 'participant metadata', group: 'Token' },
  {
    name: 'attributes',
    type: 'strings',
    value: '<key=value>',
    description: 'a participant attribute, or a JSON object of them',
    aliases: ['attribute'],
    group: 'Token',
  },
  {
    name: 'kind',
    type: 'string',
    value: '<kind>',
    description: 'participant kind: standard, agent, sip, ingress, egress, connector, bridge',
    group: 'Token',
  },
  {
    name: 'room-config',
    type: 'string',
    value: '<json>',
    description: 'RoomConfiguration for a room this token creates, e.g. \'{"agents":[{"agentName":"helper"}]}\'',
    group: 'Token',
  },
  ...VIDEO_SWITCHES.filter((s) => s.api !== true).map(switchSpec),
  {
    name: 'sources',
    type: 'strings',
    value: '<list>',
    description: `sources it may publish, comma-separated: ${TRACK_SOURCES.join(', ')}`,
    group: 'Participant permissions',
  },
  {
    name: 'destination-room',
    type: 'string',
    value: '<name>',
    description: 'a room the participant may be forwarded or moved to',
    group: 'Participant permissions',
  },
  ...VIDEO_SWITCHES.filter((s) => s.api === true).map(switchSpec),
  ...OTHER_SWITCHES.map(switchSpec),
  {
    name: 'grant',
    type: 'string',
    value: '<json>',
    description: 'a whole video grant as JSON, e.g. \'{"roomAdmin":true,"room":"demo"}\'; flags override it',
    group: 'API permissions',
  },
  { name: 'json', type: 'boolean', description: 'print {"token", "claims"} as JSON instead of the bare token', group: 'Output' },
  ...KEY_FLAGS,
];

function switchSpec(grant: GrantSwitch): FlagSpec {
  return {
    name: grant.flag,
    type: 'boolean',
    negatable: true,
    description: grant.description,
    group: grant.api === true ? 'API permissions' : 'Participant permissions',
    ...(grant.aliases === undefined ? {} : { aliases: grant.aliases }),
  };
}

/** `livekit-server-api token`. */
export const tokenCommand: Command = {
  path: 'token',
  summary: 'mint an access token (prints only the token)',
  flags: TOKEN_FLAGS,
  maxPositionals: 0,
  help: {
    usage: ['token --room <name> --identity <id> [flags]', 'token <permission flags> [flags]'],
    description: `Mints a LiveKit access token and prints it alone on stdout, so $(...)
captures it.

With --room and --identity and no API permission, the token joins that room
(roomJoin). Participant permissions (--can-publish, --no-can-subscribe,
--sources ...) shape that join token. API permissions (--room-admin,
--room-list, --sip-call ...) or --grant mint a token for calling the server
API instead; add --room-join to join as well.

Signs with --api-key/--api-secret, else LIVEKIT_API_KEY/LIVEKIT_API_SECRET,
else the development key "${DEV_API_KEY}" that \`livekit-server --dev\` accepts
(a note on stderr says so).`,
    examples: [
      '# a join token for alice in room demo, valid 6 hours',
      'token --room demo --identity alice',
      '# a viewer who may not publish, valid 30 minutes',
      'token --room demo --identity bob --no-can-publish --ttl 30m',
      '# camera and microphone only, with attributes',
      'token --room demo --identity carol --sources camera,microphone \\\n      --attributes team=blue',
      '# an API token for managing room demo, with its claims',
      'token --room demo --room-admin --json',
      '# the same grant as JSON',
      'token --grant \'{"roomAdmin":true,"room":"demo"}\'',
    ],
  },
  run: mintToken,
};

function mintToken(args: ParsedArgs, io: CliIo): void {
  const video: Record<string, unknown> = {};
  const grantJson = args.string('grant');
  if (grantJson !== undefined) Object.assign(video, parseVideoGrant(grantJson));
  for (const grant of VIDEO_SWITCHES) {
    const value = args.boolean(grant.flag);
    if (value !== undefined) video[grant.claim] = value;
  }
  const sources = args.strings('sources');
  if (sources.length > 0) video['canPublishSources'] = parseSources(sources, 'token');
  const destinationRoom = args.string('destination-room');
  if (destinationRoom !== undefined) video['destinationRoom'] = destinationRoom;

  const room = args.string('room');
  const identity = args.string('identity');
  if (room !== undefined) {
    if (typeof video['room'] === 'string' && video['room'] !== room) {
      throw new UsageError('--room and the room in --grant differ; give one', 'token');
    }
    video['room'] = room;
  }

  const apiGrantGiven =
    grantJson !== undefined || [...VIDEO_SWITCHES, ...OTHER_SWITCHES].some((s) => s.api === true && args.boolean(s.flag) === true);
  if (video['roomJoin'] === undefined && !apiGrantGiven) {
    if (room === undefined && identity === undefined) {
      throw new UsageError(
        'nothing to grant: pass --room <name> --identity <id> for a join token, or an API permission such as --room-list',
        'token',
      );
    }
    video['roomJoin'] = true;
  }
  if (video['roomJoin'] === true) {
    if (identity === undefined || identity === '') {
      throw new UsageError('a token that joins a room needs --identity <id>', 'token');
    }
    if (typeof video['room'] !== 'string' || video['room'] === '') {
      throw new UsageError('a token that joins a room needs --room <name>', 'token');
    }
  }
  if (video['roomAdmin'] === true && (typeof video['room'] !== 'string' || video['room'] === '')) {
    throw new UsageError('--room-admin applies to one room: add --room <name>', 'token');
  }

  const kindText = args.string('kind');
  const kind = kindText === undefined ? undefined : parseKind(kindText);
  const ttlText = args.string('ttl');
  const ttl = ttlText === undefined ? undefined : parseTtl(ttlText);
  const attributes = parseAttributes(args.strings('attributes'), 'token');
  const roomConfigText = args.string('room-config');
  const roomConfig = roomConfigText === undefined ? undefined : parseJsonObject(roomConfigText, '--room-config', 'token');

  if (Object.keys(video).length > 0) {
    try {
      videoGrantToClaims(video as VideoGrant);
    } catch (error) {
      if (error instanceof TypeError) throw new UsageError(`--grant: ${error.message}`, 'token');
      throw error;
    }
  }

  // Keys last: the dev-key notice is only worth printing for a command line that is right.
  const keys = resolveKeys(args, io, 'token');
  let token: string;
  try {
    const at = new AccessToken(keys.apiKey, keys.apiSecret);
    at.identity = identity;
    at.name = args.string('name');
    at.metadata = args.string('metadata');
    at.kind = kind;
    if (ttl !== undefined) at.ttl = ttl;
    at.attributes = attributes;
    at.roomConfig = roomConfig;
    if (Object.keys(video).length > 0) at.addGrant(video as VideoGrant);
    for (const grant of ['sip', 'agent', 'inference', 'observability'] as const) {
      const fields: Record<string, boolean> = {};
      for (const s of OTHER_SWITCHES) {
        const value = args.boolean(s.flag);
        if (s.grant === grant && value !== undefined) fields[s.claim] = value;
      }
      if (Object.keys(fields).length === 0) continue;
      if (grant === 'sip') at.addSIPGrant(fields);
      else if (grant === 'agent') at.addAgentGrant(fields);
      else if (grant === 'inference') at.addInferenceGrant(fields);
      else at.addObservabilityGrant(fields);
    }
    token = at.toJwt();
  } catch (error) {
    // The token API checks every value; its TypeError/RangeError says what is wrong.
    if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(error.message, 'token');
    throw error;
  }

  if (args.boolean('json') === true) {
    writeLine(io.stdout, JSON.stringify({ token, claims: decodePayload(token) }, null, 2));
  } else {
    writeLine(io.stdout, token);
  }
}

const KINDS: readonly ParticipantKindName[] = ['standard', 'agent', 'sip', 'ingress', 'egress', 'connector', 'bridge'];

function parseKind(text: string): ParticipantKindName {
  const kind = text.toLowerCase();
  if (!(KINDS as readonly string[]).includes(kind)) {
    const suggestion = closest(kind, KINDS);
    throw new UsageError(
      `--kind (${describeValue(text)}) is not a participant kind; ${suggestion === undefined ? '' : `did you mean ${suggestion}? `}use one of ${KINDS.join(', ')}`,
      'token',
    );
  }
  return kind as ParticipantKindName;
}

// A bare number is seconds (the library reads unit-less strings as an error, not as ms).
function parseTtl(text: string): number | string {
  const ttl = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text;
  try {
    ttlToSeconds(ttl, '--ttl');
  } catch {
    throw new UsageError(
      `--ttl (${describeValue(text)}) is not a lifetime of at least 1 second; use seconds (3600) or a duration such as 30m, 10h, "2 days"`,
      'token',
    );
  }
  return ttl;
}

function parseVideoGrant(text: string): Record<string, unknown> {
  const grant = parseJsonObject(text, '--grant', 'token');
  for (const field of Object.keys(grant)) {
    if (!(VIDEO_GRANT_FIELDS as readonly string[]).includes(field)) {
      const lower = field.toLowerCase().replace(/[_-]/g, '');
      const match = VIDEO_GRANT_FIELDS.find((f) => f.toLowerCase() === lower);
      const hint =
        match !== undefined
          ? `; did you mean "${match}"?`
          : ['video', 'sip', 'agent'].includes(field)
            ? '; --grant takes the video grant itself, e.g. {"roomAdmin":true,"room":"demo"}; use --sip-admin/--sip-call/--agent-admin for the others'
            : `; video grant fields are ${VIDEO_GRANT_FIELDS.join(', ')}`;
      throw new UsageError(`--grant has an unknown field "${field}"${hint}`, 'token');
    }
  }
  return grant;
}

function decodePayload(token: string): unknown {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

const VERIFY_FLAGS: readonly FlagSpec[] = [
  {
    name: 'leeway',
    type: 'string',
    value: '<seconds>',
    description: 'clock leeway on exp and nbf, in seconds (default 60, as the server)',
  },
  ...KEY_FLAGS,
];

/** `livekit-server-api verify`. */
export const verifyCommand: Command = {
  path: 'verify',
  summary: 'verify a token and print its claims as JSON',
  flags: VERIFY_FLAGS,
  maxPositionals: 1,
  help: {
    usage: ['verify <token> [flags]', 'verify - [flags]'],
    description: `Verifies a token the way a LiveKit server does (HS256 only, exp required,
nbf checked, 60 s of clock leeway) and prints its claims as JSON. With - as the
token, reads it from stdin. When the token is refused, exits 1 and prints the
reason's code (token_expired, token_bad_signature, token_unknown_key, ...) and
its message.

Uses the same keys as 'token': --api-key/--api-secret, else
LIVEKIT_API_KEY/LIVEKIT_API_SECRET, else the development key "${DEV_API_KEY}".`,
    examples: [
      'verify eyJhbGciOiJIUzI1NiIs...',
      'token --room demo --identity alice | livekit-server-api verify -',
      'verify "$TOKEN" --api-key "$KEY" --api-secret "$SECRET" --leeway 0',
    ],
  },
  run: verifyToken,
};

async function verifyToken(args: ParsedArgs, io: CliIo): Promise<void> {
  let token = args.positionals[0];
  if (token === undefined) {
    throw new UsageError('verify needs a token: verify <token>, or verify - to read it from stdin', 'verify');
  }
  if (token === '-') {
    if (io.readStdin === undefined) throw new UsageError('cannot read the token from stdin here; pass it as an argument', 'verify');
    token = new TextDecoder().decode(await io.readStdin()).trim();
  }
  const leewayText = args.string('leeway');
  let leewaySeconds: number | undefined;
  if (leewayText !== undefined) {
    leewaySeconds = Number(leewayText);
    if (leewayText.trim() === '' || !Number.isFinite(leewaySeconds) || leewaySeconds < 0) {
      throw new UsageError(`--leeway takes a number of seconds ≥ 0, got ${describeValue(leewayText)}`, 'verify');
    }
  }
  const keys = resolveKeys(args, io, 'verify');
  const verifier = new TokenVerifier(keys.apiKey, keys.apiSecret);
  let claims: unknown;
  try {
    claims = verifier.verifySync(token, leewaySeconds === undefined ? {} : { leewaySeconds });
  } catch (error) {
    if (error instanceof TokenVerificationError) {
      const devHint =
        keys.source === 'dev' && (error.code === 'token_unknown_key' || error.code === 'token_bad_signature')
          ? ' (checked against the development key; pass --api-key/--api-secret or set LIVEKIT_API_KEY/LIVEKIT_API_SECRET)'
          : '';
      throw new CommandFailure(`${error.message}${devHint}`, error.code);
    }
    throw error;
  }
  writeLine(io.stdout, JSON.stringify(claims, null, 2));
}

/** Runs `token` with `argv` (the words after `token`). */
export function runToken(argv: readonly string[], io: CliIo): Promise<number> {
  return execute(tokenCommand, argv, io);
}

/** Runs `verify` with `argv` (the words after `verify`). */
export function runVerify(argv: readonly string[], io: CliIo): Promise<number> {
  return execute(verifyCommand, argv, io);
}
