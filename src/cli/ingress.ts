// The ingress and agent dispatch commands: `ingress list|create|delete` and
// `dispatch create|list|get|delete`. Declarations only (flags, help); the work is in
// ingress-actions.ts, loaded on first use so that `token` and `verify` load no protocol code.
import type { FlagSpec } from './args.js';
import { lazyActions, type Command, type CommandGroup } from './command.js';
import { SERVER_FLAGS, SERVER_NOTE } from './rooms.js';

const action = lazyActions(() => import('./ingress-actions.js'));

const ROOM_FLAG: FlagSpec = { name: 'room', type: 'string', value: '<name>', description: 'the room (or give it as the first argument)' };

const listIngress: Command = {
  path: 'ingress list',
  summary: 'list the ingresses (RTMP, WHIP and URL inputs)',
  flags: [
    { name: 'room', type: 'string', value: '<name>', description: 'only those publishing into this room' },
    { name: 'id', type: 'string', value: '<ingress-id>', description: 'only this ingress' },
    ...SERVER_FLAGS,
  ],
  maxPositionals: 0,
  help: {
    usage: ['ingress list [flags]'],
    description: `Lists the ingresses as a table, every page of them (--json: an array of
IngressInfo, every field present).

${SERVER_NOTE}`,
    examples: ['ingress list', 'ingress list --room stage --json'],
  },
  run: action('listIngress'),
};

const createIngress: Command = {
  path: 'ingress create',
  summary: 'create an RTMP or WHIP endpoint, or pull a URL into a room',
  flags: [
    { name: 'room', type: 'string', value: '<name>', description: 'the room to publish into' },
    { name: 'identity', type: 'string', value: '<id>', description: 'identity of the publishing participant (required)' },
    { name: 'participant-name', type: 'string', value: '<name>', description: 'display name of that participant' },
    { name: 'metadata', type: 'string', value: '<text>', description: 'metadata of that participant' },
    { name: 'name', type: 'string', value: '<name>', description: 'a name for the ingress' },
    { name: 'source-url', type: 'string', value: '<url>', description: 'for url: the http, https or srt URL to pull (--url is the server)' },
    {
      name: 'transcoding',
      type: 'boolean',
      negatable: true,
      description: 'transcode the media (default: on, except for whip; --no-transcoding forwards WHIP as is)',
    },
    { name: 'disabled', type: 'boolean', description: 'create it disabled: connections are refused, the stream key is kept' },
    ...SERVER_FLAGS,
  ],
  maxPositionals: 1,
  help: {
    usage: ['ingress create <rtmp|whip|url> --identity <id> [flags]'],
    description: `Creates an ingress and prints it: for rtmp and whip, the URL and the stream
key a streaming tool (OBS, ffmpeg) needs; for url, the server starts pulling
--source-url into the room at once.

${SERVER_NOTE}`,
    examples: [
      'ingress create rtmp --room stage --identity obs --participant-name "OBS"',
      'ingress create whip --room stage --identity cam --no-transcoding',
      'ingress create url --room stage --identity movie --source-url https://example.com/movie.m3u8 --json',
    ],
  },
  run: action('createIngress'),
};

const deleteIngress: Command = {
  path: 'ingress delete',
  summary: 'delete an ingress (stopping its stream)',
  flags: [{ name: 'id', type: 'string', value: '<ingress-id>', description: 'the ingress (or the first argument)' }, ...SERVER_FLAGS],
  maxPositionals: 1,
  help: {
    usage: ['ingress delete <ingress-id> [flags]'],
    description: `Deletes an ingress; a live stream into it stops. An unknown id is an error
(not_found).

${SERVER_NOTE}`,
    examples: ['ingress delete IN_Fn3cC8bGyQwe'],
  },
  run: action('deleteIngress'),
};

/** `ingress list|create|delete`. */
export const ingressGroup: CommandGroup = {
  name: 'ingress',
  summary: 'Manage the ingresses (RTMP, WHIP and URL inputs) of a LiveKit server.',
  commands: [listIngress, createIngress, deleteIngress],
};

const DISPATCH_ID_FLAG: FlagSpec = { name: 'id', type: 'string', value: '<dispatch-id>', description: 'the dispatch (or the second argument)' };

const createDispatch: Command = {
  path: 'dispatch create',
  summary: 'dispatch an agent to a room',
  flags: [
    ROOM_FLAG,
    { name: 'agent', type: 'string', value: '<name>', description: 'the agent name (or the second argument)' },
    { name: 'metadata', type: 'string', value: '<text>', description: 'data for the job' },
    { name: 'deployment', type: 'string', value: '<name>', description: 'the deployment to dispatch to (LiveKit Cloud)' },
    {
      name: 'attributes',
      type: 'strings',
      value: '<key=value>',
      description: "attributes of the agent's participant, or a JSON object of them",
      aliases: ['attribute'],
    },
    {
      name: 'restart',
      type: 'boolean',
      negatable: true,
      description: 'restart the job when it fails (default; --no-restart: never, LiveKit Cloud)',
    },
    ...SERVER_FLAGS,
  ],
  maxPositionals: 2,
  help: {
    usage: ['dispatch create <room> <agent-name> [flags]'],
    description: `Dispatches a named agent to a room (the server creates the room when it does
not exist) and prints the dispatch.

${SERVER_NOTE}`,
    examples: ['dispatch create support-42 support-agent --metadata \'{"ticket":42}\'', 'dispatch create demo helper --attributes locale=fr --json'],
  },
  run: action('createDispatch'),
};

const listDispatch: Command = {
  path: 'dispatch list',
  summary: 'list the agent dispatches of a room',
  flags: [ROOM_FLAG, ...SERVER_FLAGS],
  maxPositionals: 1,
  help: {
    usage: ['dispatch list <room> [flags]'],
    description: `Lists the agent dispatches of a room as a table (--json: an array of
AgentDispatch, every field present).

${SERVER_NOTE}`,
    examples: ['dispatch list support-42', 'dispatch list support-42 --json'],
  },
  run: action('listDispatch'),
};

const getDispatch: Command = {
  path: 'dispatch get',
  summary: 'show one agent dispatch',
  flags: [ROOM_FLAG, DISPATCH_ID_FLAG, ...SERVER_FLAGS],
  maxPositionals: 2,
  help: {
    usage: ['dispatch get <room> <dispatch-id> [flags]'],
    description: `Shows a dispatch of a room. One that does not exist is an error (not_found).

${SERVER_NOTE}`,
    examples: ['dispatch get support-42 AD_cZ7sPzXk2mQa'],
  },
  run: action('getDispatch'),
};

const deleteDispatch: Command = {
  path: 'dispatch delete',
  summary: 'cancel an agent dispatch',
  flags: [ROOM_FLAG, DISPATCH_ID_FLAG, ...SERVER_FLAGS],
  maxPositionals: 2,
  help: {
    usage: ['dispatch delete <room> <dispatch-id> [flags]'],
    description: `Cancels a dispatch; its running jobs are terminated. An unknown id is an
error (not_found).

${SERVER_NOTE}`,
    examples: ['dispatch delete support-42 AD_cZ7sPzXk2mQa'],
  },
  run: action('deleteDispatch'),
};

/** `dispatch create|list|get|delete`. */
export const dispatchGroup: CommandGroup = {
  name: 'dispatch',
  summary: 'Dispatch agents to the rooms of a LiveKit server.',
  commands: [createDispatch, listDispatch, getDispatch, deleteDispatch],
};
