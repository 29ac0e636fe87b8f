// What the egress commands do: call EgressClient and print the answer as a table, or as JSON
// with --json. Loaded only when an egress command runs (it pulls in the protocol codecs).
import { EgressStatus, EncodingOptionsPreset, StreamProtocol, type EgressInfo } from '@livekit/protocol';
import type { EncodedOutputs } from '../services/egress.js';
import { closest } from '../internal/closest.js';
import type { ParsedArgs } from './args.js';
import { UsageError, writeLine, type CliIo } from './io.js';
import { call, connect, printJson, required } from './session.js';
import { enumName, formatDetails, formatTable, formatTime } from './table.js';

const egressJson = (info: EgressInfo): unknown => info.toJson({ emitDefaultValues: true });

/** Egress times are Unix nanoseconds; the table shows seconds like the other commands. */
const time = (nanos: bigint): string => (nanos === 0n ? '-' : formatTime(nanos / 1_000_000_000n));

function outputsOf(info: EgressInfo): string {
  const outputs = [
    ...info.fileResults.map((f) => f.filename),
    ...info.streamResults.map((s) => s.url),
    ...info.segmentResults.map((s) => s.playlistName || 'segments'),
    ...info.imageResults.map((i) => i.filenamePrefix || 'images'),
  ];
  return outputs.length === 0 ? '-' : outputs.join(', ');
}

const status = (info: EgressInfo): string => enumName(EgressStatus, info.status).replace(/^egress_/i, '').toLowerCase();

/** `egress list [room]`. */
export async function listEgress(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'egress list';
  const positional = args.positionals[0];
  const flagged = args.string('room');
  if (positional !== undefined && flagged !== undefined && positional !== flagged) {
    throw new UsageError(`the room is given twice (${JSON.stringify(positional)} and --room ${JSON.stringify(flagged)}); give it once`, command);
  }
  const roomName = positional ?? flagged;
  const session = connect(args, io, command);
  const filter = { roomName, egressId: args.string('id'), active: args.boolean('active') };
  const items = await call(session, command, async (api) => {
    const all: EgressInfo[] = [];
    for await (const info of api.egress.iterateEgress(filter, session.requestOptions)) all.push(info);
    return all;
  });
  if (session.json) return printJson(io, items.map(egressJson));
  if (items.length === 0) {
    writeLine(io.stderr, roomName === undefined ? 'No egresses.' : `No egresses for room ${roomName}.`);
    return;
  }
  io.stdout.write(
    formatTable(
      ['egress id', 'status', 'room', 'kind', 'started', 'ended', 'outputs'],
      items.map((info) => [
        info.egressId,
        status(info),
        info.roomName === '' ? '-' : info.roomName,
        info.request.case ?? '-',
        time(info.startedAt),
        time(info.endedAt),
        outputsOf(info),
      ]),
    ),
  );
}

/** `egress stop <egress-id>`. */
export async function stopEgress(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'egress stop';
  const egressId = required(args, 0, 'id', 'egress id', command);
  const session = connect(args, io, command);
  const info = await call(session, command, (api) => api.egress.stopEgress(egressId, session.requestOptions));
  if (session.json) return printJson(io, egressJson(info));
  writeLine(io.stdout, `Stopping egress ${info.egressId} (status ${status(info)}).`);
}

const PRESETS = Object.keys(EncodingOptionsPreset).filter((key) => Number.isNaN(Number(key)));

function streamProtocol(url: string, command: string): StreamProtocol {
  const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
  if (scheme === 'rtmp' || scheme === 'rtmps') return StreamProtocol.RTMP;
  if (scheme === 'srt') return StreamProtocol.SRT;
  throw new UsageError(`--stream takes an rtmp://, rtmps:// or srt:// URL, got ${JSON.stringify(url)}`, command);
}

/** `egress start-room <room> --file|--stream|--segments`. */
export async function startRoomEgress(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'egress start-room';
  const room = required(args, 0, 'room', 'room name', command);
  const outputs: EncodedOutputs = {};
  const file = args.string('file');
  if (file !== undefined) outputs.file = { filepath: file };
  const streams = args.strings('stream');
  if (streams.length > 0) {
    const protocols = new Set(streams.map((url) => streamProtocol(url, command)));
    if (protocols.size > 1) throw new UsageError('--stream URLs must all be RTMP or all be SRT', command);
    outputs.stream = { protocol: [...protocols][0], urls: [...streams] };
  }
  const segments = args.string('segments');
  const playlist = args.string('playlist');
  if (playlist !== undefined && segments === undefined) throw new UsageError('--playlist goes with --segments <prefix>', command);
  if (segments !== undefined) outputs.segments = { filenamePrefix: segments, playlistName: playlist ?? '' };
  if (Object.keys(outputs).length === 0) {
    throw new UsageError(`'${command}' needs an output: --file <path>, --stream <url> or --segments <prefix>`, command);
  }
  const presetText = args.string('preset');
  let preset: EncodingOptionsPreset | undefined;
  if (presetText !== undefined) {
    const name = presetText.toUpperCase();
    if (!PRESETS.includes(name)) {
      const suggestion = closest(name, PRESETS);
      throw new UsageError(
        `unknown --preset ${JSON.stringify(presetText)}${suggestion === undefined ? '' : `; did you mean ${suggestion}?`} (presets: ${PRESETS.join(', ')})`,
        command,
      );
    }
    preset = EncodingOptionsPreset[name as keyof typeof EncodingOptionsPreset];
  }
  const session = connect(args, io, command);
  const opts = {
    layout: args.string('layout'),
    encodingOptions: preset,
    audioOnly: args.boolean('audio-only'),
    videoOnly: args.boolean('video-only'),
    customBaseUrl: args.string('base-url'),
  };
  const info = await call(session, command, (api) => api.egress.startRoomCompositeEgress(room, outputs, opts, session.requestOptions));
  if (session.json) return printJson(io, egressJson(info));
  io.stdout.write(
    formatDetails([
      ['Egress ID', info.egressId],
      ['Room', info.roomName],
      ['Status', status(info)],
      ['Outputs', outputsOf(info)],
    ]),
  );
}
