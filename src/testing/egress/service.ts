// The Egress service of the test server: for each method, the request message, the grant a
// livekit-server checks (roomRecord, for every method) and what it does. Checks come in the
// server's order: the grant, then "egress not connected" on a server without egress, then the
// room, then the fields the egress worker validates.
import {
  AliOSSUpload,
  AzureBlobUpload,
  EgressInfo,
  EgressSourceType,
  EgressStatus,
  FileInfo,
  GCPUpload,
  ImagesInfo,
  ListEgressRequest,
  ListEgressResponse,
  ParticipantEgressRequest,
  RoomCompositeEgressRequest,
  S3Upload,
  SegmentsInfo,
  StartEgressRequest,
  StopEgressRequest,
  StreamInfo,
  TokenPagination,
  TrackCompositeEgressRequest,
  TrackEgressRequest,
  UpdateLayoutRequest,
  UpdateStreamRequest,
  WebEgressRequest,
} from '@livekit/protocol';
import type { EncodedFileOutput, ImageOutput, SegmentedFileOutput, StreamOutput } from '@livekit/protocol';
import { TestServerTwirpError } from '../twirp.js';
import { hasVideoGrant, serviceOf, type MethodContext, type MethodTable, type TestService } from '../service.js';
import { isRunning, statusName, type EgressState } from './state.js';

/**
 * The request message of each Egress method.
 *
 * @example
 * ```ts
 * import type { EgressRequests } from 'livekit-server-api/testing';
 * type Stop = EgressRequests['StopEgress']; // StopEgressRequest
 * ```
 */
export interface EgressRequests {
  StartRoomCompositeEgress: RoomCompositeEgressRequest;
  StartWebEgress: WebEgressRequest;
  StartParticipantEgress: ParticipantEgressRequest;
  StartTrackCompositeEgress: TrackCompositeEgressRequest;
  StartTrackEgress: TrackEgressRequest;
  StartEgress: StartEgressRequest;
  UpdateLayout: UpdateLayoutRequest;
  UpdateStream: UpdateStreamRequest;
  ListEgress: ListEgressRequest;
  StopEgress: StopEgressRequest;
}

/** Settings of the Egress service of one test server. */
export interface EgressSettings {
  /** Whether the server has egress configured; `false` answers every call `internal`. */
  readonly connected: () => boolean;
  /** Items per ListEgress page. */
  readonly pageSize: number;
}

interface EgressContext extends MethodContext {
  readonly egress: EgressState;
  readonly settings: EgressSettings;
}

const invalid = (field: string): TestServerTwirpError =>
  // The egress worker's words for a request it cannot run.
  new TestServerTwirpError('invalid_argument', `request has missing or invalid field: ${field}`);
const egressNotFound = (): TestServerTwirpError => new TestServerTwirpError('not_found', 'egress does not exist');

/** The outputs of a request, counted as the egress worker reads them (the lists, else the older field). */
interface Outputs {
  files: EncodedFileOutput[];
  streams: StreamOutput[];
  segments: SegmentedFileOutput[];
  images: ImageOutput[];
}

type EncodedRequest = RoomCompositeEgressRequest | WebEgressRequest | TrackCompositeEgressRequest | ParticipantEgressRequest;

function encodedOutputs(request: EncodedRequest): Outputs {
  const legacy = 'output' in request ? request.output : { case: undefined };
  return {
    files: request.fileOutputs.length > 0 ? request.fileOutputs : legacy.case === 'file' ? [legacy.value] : [],
    streams: request.streamOutputs.length > 0 ? request.streamOutputs : legacy.case === 'stream' ? [legacy.value] : [],
    segments: request.segmentOutputs.length > 0 ? request.segmentOutputs : legacy.case === 'segments' ? [legacy.value] : [],
    images: request.imageOutputs,
  };
}

/** The worker's output checks, then the results an info starts with. */
function checkOutputs(outputs: Outputs): Pick<EgressInfo, 'fileResults' | 'streamResults' | 'segmentResults' | 'imageResults'> {
  if (outputs.files.length > 1) throw invalid('multiple file outputs');
  if (outputs.streams.length > 1) throw invalid('multiple stream outputs');
  if (outputs.segments.length > 1) throw invalid('multiple segmented file outputs');
  if (outputs.files.length + outputs.streams.length + outputs.segments.length + outputs.images.length === 0) throw invalid('output');
  for (const stream of outputs.streams) {
    if (stream.urls.length === 0 || stream.urls.some((url) => url === '')) throw invalid('stream url');
  }
  return {
    fileResults: outputs.files.map((file) => new FileInfo({ filename: file.filepath })),
    streamResults: outputs.streams.flatMap((stream) => stream.urls.map((url) => new StreamInfo({ url }))),
    segmentResults: outputs.segments.map((segments) => new SegmentsInfo({ playlistName: segments.playlistName })),
    imageResults: outputs.images.map((images) => new ImagesInfo({ filenamePrefix: images.filenamePrefix })),
  };
}

function checkAudioVideo(request: { audioOnly: boolean; videoOnly: boolean }): void {
  if (request.audioOnly && request.videoOnly) throw invalid('audio_only and video_only');
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Storage credentials, replaced by their names in what the server keeps and answers. */
const SECRETS: ReadonlyArray<[new () => object, Readonly<Record<string, string>>]> = [
  [S3Upload, { accessKey: '{access_key}', secret: '{secret}', assumeRoleExternalId: '{external_id}', sessionToken: '{session_token}' }],
  [GCPUpload, { credentials: '{credentials}' }],
  [AzureBlobUpload, { accountName: '{account_name}', accountKey: '{account_key}' }],
  [AliOSSUpload, { accessKey: '{access_key}', secret: '{secret}' }],
];

/** Redacts every upload's credentials in a copy of a request, as the egress worker stores it. */
function redacted<T extends { clone(): T }>(request: T): T {
  const copy = request.clone();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return;
    const secrets = SECRETS.find(([type]) => value instanceof type)?.[1];
    const record = value as Record<string, unknown>;
    for (const [key, field] of Object.entries(record)) {
      if (secrets?.[key] !== undefined && field !== '') record[key] = secrets[key];
      else visit(field);
    }
  };
  visit(copy);
  return copy;
}

/** The first checks of every method, after the grant: a server without egress answers `internal`. */
function requireConnected(context: EgressContext): void {
  if (!context.settings.connected()) {
    throw new TestServerTwirpError('internal', 'egress not connected (redis required)');
  }
}

/** The room an egress records, which must exist (the server loads it before the worker runs). */
function roomOf(context: EgressContext, roomName: string): Pick<EgressInfo, 'roomId' | 'roomName'> {
  if (roomName === '') throw invalid('room_name');
  const room = context.rooms.getRoom(roomName);
  if (room === undefined) throw new TestServerTwirpError('not_found', 'requested room does not exist');
  return { roomId: room.sid, roomName: room.name };
}

/** A stored egress that is still starting or active; `verb` completes the server's message. */
function running(context: EgressContext, egressId: string, verb: 'stopped' | 'updated'): EgressInfo {
  const info = context.egress.get(egressId);
  if (info === undefined) throw egressNotFound();
  if (!isRunning(info.status)) {
    throw new TestServerTwirpError('failed_precondition', `egress with status ${statusName(info.status)} cannot be ${verb}`);
  }
  return info;
}

const recordGrant = (claims: Parameters<typeof hasVideoGrant>[0]): boolean => hasVideoGrant(claims, 'roomRecord');

const { WEB, SDK } = EgressSourceType;

const METHODS: MethodTable<EgressRequests, EgressContext> = {
  StartRoomCompositeEgress: {
    request: RoomCompositeEgressRequest,
    allowed: recordGrant,
    handle: (request, context) => {
      requireConnected(context);
      const room = roomOf(context, request.roomName);
      checkAudioVideo(request);
      const results = checkOutputs(encodedOutputs(request));
      return context.egress.start(new EgressInfo({ ...room, ...results, sourceType: WEB, request: { case: 'roomComposite', value: redacted(request) } }));
    },
  },
  StartWebEgress: {
    request: WebEgressRequest,
    allowed: recordGrant,
    handle: (request, context) => {
      requireConnected(context);
      if (!isHttpUrl(request.url)) throw invalid('web url');
      checkAudioVideo(request);
      const results = checkOutputs(encodedOutputs(request));
      return context.egress.start(new EgressInfo({ ...results, sourceType: WEB, request: { case: 'web', value: redacted(request) } }));
    },
  },
  StartParticipantEgress: {
    request: ParticipantEgressRequest,
    allowed: recordGrant,
    handle: (request, context) => {
      requireConnected(context);
      const room = roomOf(context, request.roomName);
      if (request.identity === '') throw invalid('identity');
      const results = checkOutputs(encodedOutputs(request));
      return context.egress.start(new EgressInfo({ ...room, ...results, sourceType: SDK, request: { case: 'participant', value: redacted(request) } }));
    },
  },
  StartTrackCompositeEgress: {
    request: TrackCompositeEgressRequest,
    allowed: recordGrant,
    handle: (request, context) => {
      requireConnected(context);
      const room = roomOf(context, request.roomName);
      if (request.audioTrackId === '' && request.videoTrackId === '') throw invalid('audio_track_id or video_track_id');
      const results = checkOutputs(encodedOutputs(request));
      return context.egress.start(new EgressInfo({ ...room, ...results, sourceType: SDK, request: { case: 'trackComposite', value: redacted(request) } }));
    },
  },
  StartTrackEgress: {
    request: TrackEgressRequest,
    allowed: recordGrant,
    handle: (request, context) => {
      requireConnected(context);
      const room = roomOf(context, request.roomName);
      if (request.trackId === '') throw invalid('track_id');
      const { output } = request;
      if (output.case === undefined) throw invalid('output');
      const results =
        output.case === 'file'
          ? { fileResults: [new FileInfo({ filename: output.value.filepath })] }
          : { streamResults: [new StreamInfo({ url: output.value })] };
      return context.egress.start(new EgressInfo({ ...room, ...results, sourceType: SDK, request: { case: 'track', value: redacted(request) } }));
    },
  },
  StartEgress: {
    request: StartEgressRequest,
    allowed: recordGrant,
    handle: (request, context) => {
      requireConnected(context);
      const { source } = request;
      // A web source records a page, not a room.
      const room = source.case === 'web' ? {} : roomOf(context, request.roomName);
      if (source.case === undefined) throw invalid('source');
      if (source.case === 'web' && !isHttpUrl(source.value.url)) throw invalid('web url');
      if (source.case !== 'media') checkAudioVideo(source.value);
      const outputs: Outputs = { files: [], streams: [], segments: [], images: [] };
      for (const { config } of request.outputs) {
        if (config.case === undefined) throw invalid('output config');
        // A v2 file output has the filepath the results need, as an EncodedFileOutput does.
        if (config.case === 'file') outputs.files.push(config.value as unknown as EncodedFileOutput);
        else if (config.case === 'stream') outputs.streams.push(config.value);
        else if (config.case === 'segments') outputs.segments.push(config.value);
        else outputs.images.push(config.value);
      }
      const results = checkOutputs(outputs);
      const sourceType = source.case === 'media' ? SDK : WEB;
      return context.egress.start(new EgressInfo({ ...room, ...results, sourceType, request: { case: 'egress', value: redacted(request) } }));
    },
  },
  UpdateLayout: {
    request: UpdateLayoutRequest,
    allowed: recordGrant,
    handle: (request, context) => {
      requireConnected(context);
      const info = running(context, request.egressId, 'updated');
      // The server sends the layout to the egress's recorder participant, which only a
      // template (room composite) egress has.
      const { request: started } = info;
      if (started.case !== 'roomComposite' && !(started.case === 'egress' && started.value.source.case === 'template')) {
        throw new TestServerTwirpError('not_found', 'participant does not exist');
      }
      return (
        context.egress.update(request.egressId, (stored) => {
          if (stored.request.case === 'roomComposite') stored.request.value.layout = request.layout;
          else if (stored.request.case === 'egress' && stored.request.value.source.case === 'template') {
            stored.request.value.source.value.layout = request.layout;
          }
        }, false) ?? info
      );
    },
  },
  UpdateStream: {
    request: UpdateStreamRequest,
    allowed: recordGrant,
    handle: (request, context) => {
      requireConnected(context);
      const info = running(context, request.egressId, 'updated');
      const known = new Set(info.streamResults.map((stream) => stream.url));
      for (const url of request.removeOutputUrls) {
        if (!known.has(url)) throw new TestServerTwirpError('not_found', `stream ${url} not found`);
      }
      for (const url of request.addOutputUrls) {
        if (url === '') throw invalid('stream url');
      }
      const removed = new Set(request.removeOutputUrls);
      return (
        context.egress.update(request.egressId, (stored) => {
          stored.streamResults = stored.streamResults.filter((stream) => !removed.has(stream.url));
          for (const url of request.addOutputUrls) {
            if (!stored.streamResults.some((stream) => stream.url === url)) stored.streamResults.push(new StreamInfo({ url }));
          }
        }, true) ?? info
      );
    },
  },
  ListEgress: {
    request: ListEgressRequest,
    allowed: recordGrant,
    handle: (request, context) => {
      requireConnected(context);
      if (request.egressId !== '') {
        const info = context.egress.get(request.egressId);
        if (info === undefined) throw egressNotFound();
        return new ListEgressResponse({ items: [info] });
      }
      const all = context.egress.list({ roomName: request.roomName, active: request.active });
      // The page token is the id of the last egress of the previous page.
      const after = request.pageToken?.token ?? '';
      let start = 0;
      if (after !== '') {
        const index = all.findIndex((info) => info.egressId === after);
        if (index < 0) throw new TestServerTwirpError('invalid_argument', 'invalid page token');
        start = index + 1;
      }
      const items = all.slice(start, start + context.settings.pageSize);
      const more = start + items.length < all.length;
      return new ListEgressResponse({
        items,
        ...(more ? { nextPageToken: new TokenPagination({ token: items.at(-1)?.egressId ?? '' }) } : {}),
      });
    },
  },
  StopEgress: {
    request: StopEgressRequest,
    allowed: recordGrant,
    handle: (request, context) => {
      requireConnected(context);
      running(context, request.egressId, 'stopped');
      return context.egress.advance(request.egressId, EgressStatus.EGRESS_ENDING);
    },
  },
};

/** The Egress service of one test server and the state it keeps. Internal. */
export function createEgressService(state: EgressState, settings: EgressSettings): TestService {
  return serviceOf('Egress', METHODS, (context) => ({ ...context, egress: state, settings }), () => state.reset());
}
