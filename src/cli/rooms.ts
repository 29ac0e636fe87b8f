// The room commands: `rooms …`, `participants …` and `send-data`. This module only declares
// them (flags, help); the work is in room-actions.ts, loaded on first use so that `token`
// and `verify` never load the protocol codecs or the transport.
import type { FlagSpec } from './args.js';
import { lazyActions, type Command, type CommandGroup } from './command.js';
import { KEY_FLAGS, URL_FLAG } from './credentials.js';

const action = lazyActions(() => import('./room-actions.js'));

/** Flags every room command takes: where the server is, how to sign, how to print. */
export const SERVER_FLAGS: readonly FlagSpec[] = [
  URL_FLAG,
  ...KEY_FLAGS,
  {
    name: 'timeout',
    type: 'string',
    value: '<duration>',
    description: 'wait this long for each attempt: seconds, or 500ms, 30s, 2m (default 10s)',
    group: 'Connection',
  },
  {
    name: 'retries',
    type: 'string',
    value: '<n>',
    description: 'retry this many times on connection failures and 502/503/504 (default 2; calls that are not safe to repeat only when the request surely never arrived)',
    group: 'Connection',
  },
  { name: 'json', type: 'boolean', description: 'print the result as JSON (for scripts) instead of a table', group: 'Output' },
];

const ROOM_FLAG: FlagSpec = { name: 'room', type: 'string', value: '<name>', description: 'the room (or give it as the first argument)' };
const IDENTITY_FLAG: FlagSpec = {
  name: 'identity',
  type: 'string',
  value: '<id>',
  description: 'the participant (or give it as the second argument)',
};

export const SERVER_NOTE = `The server is --url, else LIVEKIT_URL. Keys are --api-key/--api-secret, else
LIVEKIT_API_KEY/LIVEKIT_API_SECRET, else the development key of
\`livekit-server --dev\`. A server error prints its code and message; exit 1.`;

const listRooms: Command = {
  path: 'rooms list',
  summary: 'list the active rooms',
  flags: SERVER_FLAGS,
  maxPositionals: Infinity,
  help: {
    usage: ['rooms list [name...] [flags]'],
    description: `Lists the active rooms, or only those named, as a table (--json: an array
of Room, every field present).

${SERVER_NOTE}`,
    examples: ['rooms list --url ws://localhost:7880', 'rooms list demo standup --json'],
  },
  run: action('listRooms'),
};

const createRoom: Command = {
  path: 'rooms create',
  summary: 'create a room with settings',
  flags: [
    {
      name: 'empty-timeout',
      type: 'string',
      value: '<duration>',
      description: 'close the room if nobody joins within this (default 5m on the server)',
    },
    {
      name: 'departure-timeout',
      type: 'string',
      value: '<duration>',
      description: 'close the room this long after the last one leaves (default 20s)',
    },
    { name: 'max-participants', type: 'string', value: '<n>', description: 'at most this many participants at a time' },
    { name: 'metadata', type: 'string', value: '<text>', description: 'room metadata' },
    { name: 'node-id', type: 'string', value: '<id>', description: 'the node to create it on (self-hosted, for debugging)' },
    { name: 'min-playout-delay', type: 'string', value: '<ms>', description: 'minimum playout delay, in milliseconds' },
    { name: 'max-playout-delay', type: 'string', value: '<ms>', description: 'maximum playout delay, in milliseconds' },
    { name: 'sync-streams', type: 'boolean', description: 'improve A/V sync (with a playout delay over 200 ms)' },
    {
      name: 'agent',
      type: 'strings',
      value: '<name>',
      description: 'an agent to dispatch to the room, by agent name',
      aliases: ['agents'],
    },
    ...SERVER_FLAGS,
  ],
  maxPositionals: 1,
  help: {
    usage: ['rooms create <name> [flags]'],
    description: `Creates a room (or returns the room of that name) and prints it. Rooms are
also created when the first participant joins; create one to set its options.

${SERVER_NOTE}`,
    examples: [
      'rooms create demo --empty-timeout 10m --max-participants 8',
      'rooms create standup --metadata \'{"topic":"weekly"}\' --agent helper --json',
    ],
  },
  run: action('createRoom'),
};

const deleteRoom: Command = {
  path: 'rooms delete',
  summary: 'close a room and disconnect everyone in it',
  flags: SERVER_FLAGS,
  maxPositionals: 1,
  help: {
    usage: ['rooms delete <name> [flags]'],
    description: `Closes a room: every participant is disconnected. A room that does not exist is
an error (not_found).

${SERVER_NOTE}`,
    examples: ['rooms delete demo'],
  },
  run: action('deleteRoom'),
};

const updateRoomMetadata: Command = {
  path: 'rooms update-metadata',
  summary: "replace a room's metadata",
  flags: [{ name: 'metadata', type: 'string', value: '<text>', description: 'the new metadata (or the second argument)' }, ...SERVER_FLAGS],
  maxPositionals: 2,
  help: {
    usage: ['rooms update-metadata <room> <metadata> [flags]', 'rooms update-metadata <room> - [flags]'],
    description: `Replaces the metadata of a room and prints the room. Every participant
receives the new metadata. With - as the metadata, reads it from stdin.

${SERVER_NOTE}`,
    examples: ['rooms update-metadata demo \'{"topic":"retro"}\'', 'rooms update-metadata demo - < metadata.json'],
  },
  run: action('updateRoomMetadata'),
};

/** `rooms list|create|delete|update-metadata`. */
export const roomsGroup: CommandGroup = {
  name: 'rooms',
  summary: 'Manage the rooms of a LiveKit server.',
  commands: [listRooms, createRoom, deleteRoom, updateRoomMetadata],
};

const listParticipants: Command = {
  path: 'participants list',
  summary: 'list the participants of a room',
  flags: [ROOM_FLAG, ...SERVER_FLAGS],
  maxPositionals: 1,
  help: {
    usage: ['participants list <room> [flags]'],
    description: `Lists the participants of a room as a table (--json: an array of
ParticipantInfo, every field present).

${SERVER_NOTE}`,
    examples: ['participants list demo', 'participants list demo --json'],
  },
  run: action('listParticipants'),
};

const getParticipant: Command = {
  path: 'participants get',
  summary: 'show one participant and its tracks',
  flags: [ROOM_FLAG, IDENTITY_FLAG, ...SERVER_FLAGS],
  maxPositionals: 2,
  help: {
    usage: ['participants get <room> <identity> [flags]'],
    description: `Shows a participant, its permissions and its published tracks.

${SERVER_NOTE}`,
    examples: ['participants get demo alice', 'participants get demo alice --json'],
  },
  run: action('getParticipant'),
};

const removeParticipant: Command = {
  path: 'participants remove',
  summary: 'disconnect a participant from a room',
  flags: [ROOM_FLAG, IDENTITY_FLAG, ...SERVER_FLAGS],
  maxPositionals: 2,
  help: {
    usage: ['participants remove <room> <identity> [flags]'],
    description: `Disconnects a participant. It can join again with a valid token.

${SERVER_NOTE}`,
    examples: ['participants remove demo alice'],
  },
  run: action('removeParticipant'),
};

const muteTrack: Command = {
  path: 'participants mute',
  summary: "mute (or --unmute) a participant's track",
  flags: [
    ROOM_FLAG,
    IDENTITY_FLAG,
    { name: 'track', type: 'string', value: '<sid>', description: 'the track, by sid (or the third argument)' },
    {
      name: 'source',
      type: 'string',
      value: '<source>',
      description: 'the track, by source: camera, microphone, screen_share, screen_share_audio',
    },
    { name: 'unmute', type: 'boolean', description: 'unmute instead (the server must allow remote unmute)' },
    ...SERVER_FLAGS,
  ],
  maxPositionals: 3,
  help: {
    usage: ['participants mute <room> <identity> <track-sid> [flags]', 'participants mute <room> <identity> --source <source> [flags]'],
    description: `Mutes a track a participant publishes, chosen by sid or by source. With
--unmute, unmutes it; servers refuse that unless room.enable_remote_unmute is
set.

${SERVER_NOTE}`,
    examples: ['participants mute demo alice TR_AMkSa8gAmW2ibv', 'participants mute demo alice --source microphone', 'participants mute demo alice --source camera --unmute'],
  },
  run: action('muteTrack'),
};

const PERMISSION_FLAGS: readonly FlagSpec[] = [
  ['can-publish', 'publish tracks'],
  ['can-subscribe', 'subscribe to tracks'],
  ['can-publish-data', 'send data messages'],
  ['can-update-metadata', 'update its own name, metadata and attributes'],
  ['can-subscribe-metrics', 'subscribe to metrics'],
  ['hidden', 'invisible to other participants'],
].map(([name, description]) => ({
  name: name as string,
  type: 'boolean' as const,
  negatable: true,
  description: description as string,
  group: 'Permissions (others are kept)',
}));

const updateParticipant: Command = {
  path: 'participants update',
  summary: "change a participant's name, metadata or permissions",
  flags: [
    ROOM_FLAG,
    IDENTITY_FLAG,
    { name: 'name', type: 'string', value: '<name>', description: 'new display name' },
    { name: 'metadata', type: 'string', value: '<text>', description: 'new metadata' },
    {
      name: 'attributes',
      type: 'strings',
      value: '<key=value>',
      description: 'set an attribute (an empty value removes it), or a JSON object of them',
      aliases: ['attribute'],
    },
    ...PERMISSION_FLAGS,
    {
      name: 'sources',
      type: 'strings',
      value: '<list>',
      description: 'sources it may publish, comma-separated: camera, microphone, screen_share, screen_share_audio',
      group: 'Permissions (others are kept)',
    },
    ...SERVER_FLAGS,
  ],
  maxPositionals: 2,
  help: {
    usage: ['participants update <room> <identity> [flags]'],
    description: `Changes a participant and prints it. Only what you pass changes: permission
flags are merged into the participant's current permissions (read first),
attributes into its attributes.

${SERVER_NOTE}`,
    examples: [
      'participants update demo alice --name "Alice B." --attributes role=host',
      'participants update demo bob --no-can-publish',
      'participants update demo carol --sources microphone',
    ],
  },
  run: action('updateParticipant'),
};

/** `participants list|get|remove|mute|update`. */
export const participantsGroup: CommandGroup = {
  name: 'participants',
  summary: 'Manage the participants of a room.',
  commands: [listParticipants, getParticipant, removeParticipant, muteTrack, updateParticipant],
};

/** `send-data`. */
export const sendDataCommand: Command = {
  path: 'send-data',
  summary: 'send a data message to the participants of a room',
  flags: [
    ROOM_FLAG,
    { name: 'data', type: 'string', value: '<text>', description: 'the payload, as UTF-8 text (or the second argument)' },
    { name: 'topic', type: 'string', value: '<topic>', description: 'topic the receivers filter on' },
    {
      name: 'to',
      type: 'strings',
      value: '<identity>',
      description: 'deliver only to this participant (default: everyone)',
      aliases: ['identity', 'destination'],
    },
    { name: 'lossy', type: 'boolean', description: 'send unreliably (default: reliable, ordered)' },
    ...SERVER_FLAGS,
  ],
  maxPositionals: 2,
  help: {
    usage: ['send-data <room> <data> [flags]', 'send-data <room> - [flags]'],
    description: `Sends a data message to everyone in a room, or to the participants named
with --to. A text argument is sent as UTF-8; with - as the data, stdin is sent
byte for byte.

${SERVER_NOTE}`,
    examples: [
      'send-data demo \'{"type":"hello"}\' --topic chat',
      'send-data demo "ping" --to alice --to bob --lossy',
      'send-data demo - --topic file < payload.bin',
    ],
  },
  run: action('sendData'),
};
