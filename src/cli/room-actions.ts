// What the room commands do: call RoomServiceClient and print the answer as a table, or as
// JSON with --json. Loaded only when a room command runs (it pulls in the protocol codecs).
import {
  DataPacket_Kind,
  ParticipantInfo_Kind,
  ParticipantInfo_State,
  ParticipantPermission,
  TrackSource,
  TrackType,
  type ParticipantInfo,
  type Room,
  type TrackInfo,
} from '@livekit/protocol';
import { ttlToSeconds } from '../token/ttl.js';
import type { ParsedArgs } from './args.js';
import { CommandFailure, describeValue, UsageError, writeLine, type CliIo } from './io.js';
import { call, connect, printJson, required } from './session.js';
import { enumName, formatDetails, formatTable, formatTime } from './table.js';
import { parseAttributes, parseSources } from './values.js';

async function readArgument(value: string, io: CliIo, command: string): Promise<Uint8Array> {
  if (value !== '-') return new TextEncoder().encode(value);
  if (io.readStdin === undefined) throw new UsageError('cannot read stdin here; pass the value as an argument', command);
  return io.readStdin();
}


// JSON for scripts: protojson with every field present (camelCase, int64 as strings), so a
// script can rely on `numParticipants` being there when it is 0. The room's TURN password is
// a credential and is left out.
function roomJson(room: Room): unknown {
  const json = room.toJson({ emitDefaultValues: true }) as Record<string, unknown>;
  delete json['turnPassword'];
  return json;
}

function participantJson(participant: ParticipantInfo): unknown {
  return participant.toJson({ emitDefaultValues: true });
}

function roomDetails(room: Room): string {
  return formatDetails([
    ['Name', room.name],
    ['SID', room.sid],
    ['Participants', String(room.numParticipants)],
    ['Publishers', String(room.numPublishers)],
    ['Max participants', room.maxParticipants === 0 ? 'no limit' : String(room.maxParticipants)],
    ['Empty timeout', `${room.emptyTimeout} s`],
    ['Departure timeout', `${room.departureTimeout} s`],
    ['Created', formatTime(room.creationTime)],
    ['Recording', room.activeRecording ? 'yes' : 'no'],
    ['Metadata', room.metadata === '' ? '-' : room.metadata],
  ]);
}

function trackSourceName(source: TrackSource): string {
  return enumName(TrackSource, source);
}

function trackRows(tracks: readonly TrackInfo[]): string[][] {
  return tracks.map((track) => [
    track.sid,
    enumName(TrackType, track.type),
    trackSourceName(track.source),
    track.name === '' ? '-' : track.name,
    track.muted ? 'yes' : 'no',
    track.mimeType === '' ? '-' : track.mimeType,
    track.width > 0 ? `${track.width}x${track.height}` : '-',
  ]);
}

const TRACK_HEADERS = ['sid', 'type', 'source', 'name', 'muted', 'mime', 'size'];

function permissionSummary(permission: ParticipantPermission | undefined): string {
  if (permission === undefined) return '-';
  const parts: string[] = [];
  if (permission.canPublish) {
    parts.push(
      permission.canPublishSources.length === 0
        ? 'publish'
        : `publish (${permission.canPublishSources.map(trackSourceName).join(', ')})`,
    );
  }
  if (permission.canSubscribe) parts.push('subscribe');
  if (permission.canPublishData) parts.push('publish data');
  if (permission.canUpdateMetadata) parts.push('update metadata');
  if (permission.canSubscribeMetrics) parts.push('subscribe metrics');
  if (permission.canManageAgentSession) parts.push('manage agent session');
  if (permission.hidden) parts.push('hidden');
  if (permission.recorder) parts.push('recorder');
  if (permission.agent) parts.push('agent');
  return parts.length === 0 ? 'none' : parts.join(', ');
}

function attributesSummary(attributes: Readonly<Record<string, string>>): string {
  const entries = Object.entries(attributes);
  return entries.length === 0 ? '-' : entries.map(([key, value]) => `${key}=${value}`).join(', ');
}

function participantDetails(participant: ParticipantInfo): string {
  const details = formatDetails([
    ['Identity', participant.identity],
    ['Name', participant.name === '' ? '-' : participant.name],
    ['SID', participant.sid],
    ['State', enumName(ParticipantInfo_State, participant.state)],
    ['Kind', enumName(ParticipantInfo_Kind, participant.kind)],
    ['Joined', formatTime(participant.joinedAt)],
    ['Region', participant.region === '' ? '-' : participant.region],
    ['Permissions', permissionSummary(participant.permission)],
    ['Attributes', attributesSummary(participant.attributes)],
    ['Metadata', participant.metadata === '' ? '-' : participant.metadata],
  ]);
  if (participant.tracks.length === 0) return `${details}\nNo published tracks.\n`;
  return `${details}\nTracks:\n${formatTable(TRACK_HEADERS, trackRows(participant.tracks))}`;
}

/** `rooms list [name...]`. */
export async function listRooms(args: ParsedArgs, io: CliIo): Promise<void> {
  const session = connect(args, io, 'rooms list');
  const names = args.positionals.length === 0 ? undefined : args.positionals;
  const rooms = await call(session, 'rooms list', (api) => api.room.listRooms(names, session.requestOptions));
  if (session.json) return printJson(io, rooms.map(roomJson));
  if (rooms.length === 0) {
    writeLine(io.stderr, names === undefined ? 'No active rooms.' : `No active room named ${names.join(', ')}.`);
    return;
  }
  io.stdout.write(
    formatTable(
      ['name', 'sid', 'participants', 'publishers', 'created', 'metadata'],
      rooms.map((room) => [
        room.name,
        room.sid,
        String(room.numParticipants),
        String(room.numPublishers),
        formatTime(room.creationTime),
        room.metadata === '' ? '-' : room.metadata,
      ]),
    ),
  );
}

function parseCount(text: string | undefined, flag: string, command: string, unit = ''): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) > 0xffffffff) {
    throw new UsageError(`--${flag} takes a whole number${unit} ≥ 0, got ${describeValue(text)}`, command);
  }
  return Number(text);
}

function parseSeconds(text: string | undefined, flag: string, command: string): number | undefined {
  if (text === undefined) return undefined;
  if (/^\s*\d+\s*$/.test(text)) return parseCount(text, flag, command);
  try {
    return ttlToSeconds(text, `--${flag}`);
  } catch {
    throw new UsageError(`--${flag} (${describeValue(text)}) is not a duration; use seconds (300) or 5m, 30s, 1h`, command);
  }
}

/** `rooms create <name>`. */
export async function createRoom(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'rooms create';
  const name = required(args, 0, 'name', 'room name', command);
  const options = {
    name,
    emptyTimeout: parseSeconds(args.string('empty-timeout'), 'empty-timeout', command),
    departureTimeout: parseSeconds(args.string('departure-timeout'), 'departure-timeout', command),
    maxParticipants: parseCount(args.string('max-participants'), 'max-participants', command),
    metadata: args.string('metadata'),
    nodeId: args.string('node-id'),
    minPlayoutDelay: parseCount(args.string('min-playout-delay'), 'min-playout-delay', command, ' of milliseconds'),
    maxPlayoutDelay: parseCount(args.string('max-playout-delay'), 'max-playout-delay', command, ' of milliseconds'),
    syncStreams: args.boolean('sync-streams'),
    agents: args.strings('agent').length === 0 ? undefined : args.strings('agent').map((agentName) => ({ agentName })),
  };
  const session = connect(args, io, command);
  const room = await call(session, command, (api) => api.room.createRoom(options, session.requestOptions));
  if (session.json) return printJson(io, roomJson(room));
  io.stdout.write(roomDetails(room));
}

/** `rooms delete <name>`. */
export async function deleteRoom(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'rooms delete';
  const name = required(args, 0, 'name', 'room name', command);
  const session = connect(args, io, command);
  await call(session, command, (api) => api.room.deleteRoom(name, session.requestOptions));
  if (session.json) return printJson(io, {});
  writeLine(io.stdout, `Deleted room ${name}.`);
}

/** `rooms update-metadata <room> <metadata>`. */
export async function updateRoomMetadata(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'rooms update-metadata';
  const room = required(args, 0, 'room', 'room name', command);
  const text = required(args, 1, 'metadata', 'metadata', command);
  const metadata = new TextDecoder().decode(await readArgument(text, io, command));
  const session = connect(args, io, command);
  const updated = await call(session, command, (api) => api.room.updateRoomMetadata(room, metadata, session.requestOptions));
  if (session.json) return printJson(io, roomJson(updated));
  io.stdout.write(roomDetails(updated));
}

/** `participants list <room>`. */
export async function listParticipants(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'participants list';
  const room = required(args, 0, 'room', 'room name', command);
  const session = connect(args, io, command);
  const participants = await call(session, command, (api) => api.room.listParticipants(room, session.requestOptions));
  if (session.json) return printJson(io, participants.map(participantJson));
  if (participants.length === 0) {
    writeLine(io.stderr, `No participants in ${room}.`);
    return;
  }
  io.stdout.write(
    formatTable(
      ['identity', 'name', 'sid', 'state', 'kind', 'tracks', 'joined'],
      participants.map((p) => [
        p.identity,
        p.name === '' ? '-' : p.name,
        p.sid,
        enumName(ParticipantInfo_State, p.state),
        enumName(ParticipantInfo_Kind, p.kind),
        p.tracks.length === 0 ? '-' : p.tracks.map((t) => trackSourceName(t.source)).join(','),
        formatTime(p.joinedAt),
      ]),
    ),
  );
}

/** `participants get <room> <identity>`. */
export async function getParticipant(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'participants get';
  const room = required(args, 0, 'room', 'room name', command);
  const identity = required(args, 1, 'identity', 'participant identity', command);
  const session = connect(args, io, command);
  const participant = await call(session, command, (api) => api.room.getParticipant(room, identity, session.requestOptions));
  if (session.json) return printJson(io, participantJson(participant));
  io.stdout.write(participantDetails(participant));
}

/** `participants remove <room> <identity>`. */
export async function removeParticipant(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'participants remove';
  const room = required(args, 0, 'room', 'room name', command);
  const identity = required(args, 1, 'identity', 'participant identity', command);
  const session = connect(args, io, command);
  await call(session, command, (api) => api.room.removeParticipant(room, identity, undefined, session.requestOptions));
  if (session.json) return printJson(io, {});
  writeLine(io.stdout, `Removed ${identity} from ${room}.`);
}

/** `participants mute <room> <identity> <track-sid>` (or `--source`). */
export async function muteTrack(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'participants mute';
  const room = required(args, 0, 'room', 'room name', command);
  const identity = required(args, 1, 'identity', 'participant identity', command);
  const sourceText = args.string('source');
  const sidText = args.positionals[2] ?? args.string('track');
  if ((sourceText === undefined) === (sidText === undefined)) {
    throw new UsageError(
      sourceText === undefined
        ? `'${command}' needs the track: give its sid (${command} <room> <identity> TR_...) or --source microphone`
        : 'give the track either by sid or by --source, not both',
      command,
    );
  }
  const source = sourceText === undefined ? undefined : (parseSources([sourceText], command)[0] as string);
  const muted = args.boolean('unmute') !== true;
  const session = connect(args, io, command);
  let trackSid = sidText;
  if (source !== undefined) {
    const participant = await call(session, command, (api) => api.room.getParticipant(room, identity, session.requestOptions));
    const track = participant.tracks.find((t) => trackSourceName(t.source) === source);
    if (track === undefined) {
      const published = participant.tracks.map((t) => `${t.sid} (${trackSourceName(t.source)})`).join(', ');
      throw new CommandFailure(
        `${identity} publishes no ${source} track${published === '' ? '' : `; its tracks: ${published}`}`,
        'not_found',
      );
    }
    trackSid = track.sid;
  }
  const sid = trackSid as string;
  const track = await call(session, command, (api) => api.room.mutePublishedTrack(room, identity, sid, muted, session.requestOptions));
  if (session.json) return printJson(io, track.toJson({ emitDefaultValues: true }));
  writeLine(io.stdout, `${muted ? 'Muted' : 'Unmuted'} ${trackSourceName(track.source)} track ${track.sid} of ${identity} in ${room}.`);
}

const PERMISSION_FIELDS = [
  ['can-publish', 'canPublish'],
  ['can-subscribe', 'canSubscribe'],
  ['can-publish-data', 'canPublishData'],
  ['can-update-metadata', 'canUpdateMetadata'],
  ['can-subscribe-metrics', 'canSubscribeMetrics'],
  ['hidden', 'hidden'],
] as const;

const SOURCE_VALUES: Readonly<Record<string, TrackSource>> = {
  camera: TrackSource.CAMERA,
  microphone: TrackSource.MICROPHONE,
  screen_share: TrackSource.SCREEN_SHARE,
  screen_share_audio: TrackSource.SCREEN_SHARE_AUDIO,
};

/** `participants update <room> <identity>`. */
export async function updateParticipant(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'participants update';
  const room = required(args, 0, 'room', 'room name', command);
  const identity = required(args, 1, 'identity', 'participant identity', command);
  const name = args.string('name');
  const metadata = args.string('metadata');
  const attributes = parseAttributes(args.strings('attributes'), command);
  const sources = args.strings('sources').length === 0 ? undefined : parseSources(args.strings('sources'), command);
  const permissionChanges = PERMISSION_FIELDS.filter(([flag]) => args.boolean(flag) !== undefined);
  if (name === undefined && metadata === undefined && attributes === undefined && sources === undefined && permissionChanges.length === 0) {
    throw new UsageError('nothing to change: pass --name, --metadata, --attributes or a permission flag such as --no-can-publish', command);
  }
  const session = connect(args, io, command);
  let permission: ParticipantPermission | undefined;
  if (sources !== undefined || permissionChanges.length > 0) {
    // The server replaces permissions as a whole: start from the current ones so that only
    // the flags given change.
    const current = await call(session, command, (api) => api.room.getParticipant(room, identity, session.requestOptions));
    permission = current.permission?.clone() ?? new ParticipantPermission();
    for (const [flag, field] of permissionChanges) permission[field] = args.boolean(flag) as boolean;
    if (sources !== undefined) permission.canPublishSources = sources.map((s) => SOURCE_VALUES[s] as TrackSource);
  }
  const updated = await call(session, command, (api) =>
    api.room.updateParticipant(room, identity, { name, metadata, attributes, permission }, session.requestOptions),
  );
  if (session.json) return printJson(io, participantJson(updated));
  io.stdout.write(participantDetails(updated));
}

/** `send-data <room> <data>`. */
export async function sendData(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'send-data';
  const room = required(args, 0, 'room', 'room name', command);
  const data = await readArgument(required(args, 1, 'data', 'payload', command), io, command);
  const to = args.strings('to');
  const topic = args.string('topic');
  const kind = args.boolean('lossy') === true ? DataPacket_Kind.LOSSY : DataPacket_Kind.RELIABLE;
  const session = connect(args, io, command);
  await call(session, command, (api) =>
    api.room.sendData(room, data, kind, { destinationIdentities: to, topic }, session.requestOptions),
  );
  if (session.json) return printJson(io, {});
  const audience = to.length === 0 ? `everyone in ${room}` : `${to.join(', ')} in ${room}`;
  writeLine(io.stdout, `Sent ${data.length} byte${data.length === 1 ? '' : 's'} to ${audience}${topic === undefined ? '' : ` on topic ${topic}`}.`);
}
