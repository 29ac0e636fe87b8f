// The egress commands: `egress list|stop|start-room`. This module only declares them (flags,
// help); the work is in egress-actions.ts, loaded on first use so that `token` and `verify`
// never load the protocol codecs or the transport.
import { lazyActions, type Command, type CommandGroup } from './command.js';
import { SERVER_FLAGS } from './rooms.js';

const action = lazyActions(() => import('./egress-actions.js'));

const EGRESS_NOTE = `The server needs an egress service (a server without one answers
"egress not connected"). The server is --url, else LIVEKIT_URL. Keys are
--api-key/--api-secret, else LIVEKIT_API_KEY/LIVEKIT_API_SECRET, else the
development key of \`livekit-server --dev\`. A server error prints its code and
message; exit 1.`;

const listEgress: Command = {
  path: 'egress list',
  summary: 'list egresses (recordings and streams)',
  flags: [
    { name: 'room', type: 'string', value: '<name>', description: 'only the egresses of this room (or the first argument)' },
    { name: 'id', type: 'string', value: '<egress-id>', description: 'only this egress', aliases: ['egress-id'] },
    { name: 'active', type: 'boolean', description: 'only egresses that have not ended' },
    ...SERVER_FLAGS,
  ],
  maxPositionals: 1,
  help: {
    usage: ['egress list [room] [flags]'],
    description: `Lists egresses, every page the server answers in, as a table (--json: an
array of EgressInfo, every field present).

${EGRESS_NOTE}`,
    examples: ['egress list', 'egress list demo --active', 'egress list --id EG_Mu4QwhXUhWf9 --json'],
  },
  run: action('listEgress'),
};

const stopEgress: Command = {
  path: 'egress stop',
  summary: 'stop an egress',
  flags: [{ name: 'id', type: 'string', value: '<egress-id>', description: 'the egress (or the first argument)', aliases: ['egress-id'] }, ...SERVER_FLAGS],
  maxPositionals: 1,
  help: {
    usage: ['egress stop <egress-id> [flags]'],
    description: `Stops an egress. It ends once its outputs are written (status EGRESS_ENDING,
then EGRESS_COMPLETE). An egress that has already ended is an error
(failed_precondition).

${EGRESS_NOTE}`,
    examples: ['egress stop EG_Mu4QwhXUhWf9'],
  },
  run: action('stopEgress'),
};

const startRoomEgress: Command = {
  path: 'egress start-room',
  summary: 'record or stream a whole room',
  flags: [
    { name: 'room', type: 'string', value: '<name>', description: 'the room (or the first argument)' },
    { name: 'file', type: 'string', value: '<path>', description: 'record to this file (templates such as {room_name}-{time} work)', group: 'Outputs (at least one)' },
    {
      name: 'stream',
      type: 'strings',
      value: '<url>',
      description: 'stream to this rtmp://, rtmps:// or srt:// URL (repeat for more)',
      group: 'Outputs (at least one)',
    },
    { name: 'segments', type: 'string', value: '<prefix>', description: 'write HLS segments with this filename prefix', group: 'Outputs (at least one)' },
    { name: 'playlist', type: 'string', value: '<name>', description: 'the HLS playlist name (with --segments)', group: 'Outputs (at least one)' },
    { name: 'layout', type: 'string', value: '<layout>', description: 'template layout: grid, speaker, single-speaker…' },
    { name: 'preset', type: 'string', value: '<preset>', description: 'encoding preset, e.g. H264_1080P_30 (default H264_720P_30)' },
    { name: 'audio-only', type: 'boolean', description: 'record audio only' },
    { name: 'video-only', type: 'boolean', description: 'record video only' },
    { name: 'base-url', type: 'string', value: '<url>', description: 'your own recording template' },
    ...SERVER_FLAGS,
  ],
  maxPositionals: 1,
  help: {
    usage: ['egress start-room <room> (--file <path> | --stream <url> | --segments <prefix>) [flags]'],
    description: `Starts a room composite egress: the room rendered by a web layout, recorded to
a file, streamed, or written as HLS segments, and prints it (status
EGRESS_STARTING).

${EGRESS_NOTE}`,
    examples: [
      'egress start-room demo --file recordings/{room_name}-{time}.mp4 --layout speaker',
      'egress start-room demo --stream rtmp://live.example.com/app/key --preset H264_1080P_30',
      'egress start-room demo --segments hls/demo --playlist index.m3u8 --json',
    ],
  },
  run: action('startRoomEgress'),
};

/** `egress list|stop|start-room`. */
export const egressGroup: CommandGroup = {
  name: 'egress',
  summary: 'Record and stream rooms (Egress).',
  commands: [listEgress, stopEgress, startRoomEgress],
};
