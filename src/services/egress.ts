// Egress: recordings and live streams of rooms, web pages, participants and tracks. Drop-in for
// livekit-server-sdk's EgressClient: same method names, argument orders (both overloads of
// startRoomCompositeEgress and startTrackCompositeEgress) and results, plus per-call options
// last, outputs as instances or plain objects, and iterateEgress over every page of ListEgress.
import {
  EgressInfo,
  EncodedFileOutput,
  EncodingOptions,
  ImageOutput,
  ListEgressRequest,
  ListEgressResponse,
  ParticipantEgressRequest,
  RoomCompositeEgressRequest,
  SegmentedFileOutput,
  StartEgressRequest,
  StopEgressRequest,
  StreamOutput,
  TrackCompositeEgressRequest,
  TrackEgressRequest,
  UpdateLayoutRequest,
  UpdateStreamRequest,
  WebEgressRequest,
} from '@livekit/protocol';
import type { AudioMixing, DirectFileOutput, EncodingOptionsPreset, WebhookConfig } from '@livekit/protocol';
import type { CallGrants } from '../rpc/auth.js';
import type { MessageInit } from '../rpc/message-init.js';
import { REQUEST_OPTION_KEYS, show } from '../rpc/options.js';
import type { ClientOptions, RequestOptions } from '../rpc/options.js';
import { defineService, method } from '../rpc/service.js';
import type { TwirpClient } from '../rpc/twirp-client.js';
import { optionalNameList, optionalObject, requireName, requireString } from '../rpc/validate.js';
import { pagesByToken } from './paging.js';
import { transportFor } from './transport.js';

// Every Egress method checks roomRecord and nothing else.
const ROOM_RECORD: CallGrants = { video: { roomRecord: true } };
const record = (): CallGrants => ROOM_RECORD;

/**
 * The Egress methods. A start launches one more recording each time it arrives and a stop
 * answers failed_precondition the second time, so neither is retried once it may have
 * reached the server. UpdateLayout sets the layout to a value: repeating it is harmless.
 * UpdateStream adds or removes stream URLs, and the second removal of a URL fails: not retried.
 */
export const EGRESS = defineService('Egress', {
  StartRoomCompositeEgress: method({ input: RoomCompositeEgressRequest, output: EgressInfo, idempotent: false, grants: record }),
  StartWebEgress: method({ input: WebEgressRequest, output: EgressInfo, idempotent: false, grants: record }),
  StartParticipantEgress: method({ input: ParticipantEgressRequest, output: EgressInfo, idempotent: false, grants: record }),
  StartTrackCompositeEgress: method({ input: TrackCompositeEgressRequest, output: EgressInfo, idempotent: false, grants: record }),
  StartTrackEgress: method({ input: TrackEgressRequest, output: EgressInfo, idempotent: false, grants: record }),
  StartEgress: method({ input: StartEgressRequest, output: EgressInfo, idempotent: false, grants: record }),
  UpdateLayout: method({ input: UpdateLayoutRequest, output: EgressInfo, idempotent: true, grants: record }),
  UpdateStream: method({ input: UpdateStreamRequest, output: EgressInfo, idempotent: false, grants: record }),
  ListEgress: method({ input: ListEgressRequest, output: ListEgressResponse, idempotent: true, grants: record }),
  StopEgress: method({ input: StopEgressRequest, output: EgressInfo, idempotent: false, grants: record }),
});
const M = EGRESS;

/** An output message, as an instance or a plain object of its fields. */
type OutputInit<T> = T | MessageInit<T>;

/**
 * Several outputs of one egress, at most one of each kind (`livekit-server-sdk`'s
 * `EncodedOutputs`). Each may be a message instance or a plain object of its fields.
 *
 * @example
 * ```ts
 * const outputs: EncodedOutputs = {
 *   file: { filepath: 'recordings/{room_name}-{time}.mp4' },
 *   stream: { protocol: StreamProtocol.RTMP, urls: ['rtmp://live.example.com/app/key'] },
 * };
 * ```
 */
export interface EncodedOutputs {
  file?: OutputInit<EncodedFileOutput> | undefined;
  stream?: OutputInit<StreamOutput> | undefined;
  segments?: OutputInit<SegmentedFileOutput> | undefined;
  images?: OutputInit<ImageOutput> | undefined;
}

/**
 * Where an egress writes: one output message (instance or plain object), or an
 * {@link EncodedOutputs} bundle of several. A plain object is told apart by its fields:
 * `filepath`/`fileType` a file, `captureInterval`/`imageCodec` images, `filenamePrefix`,
 * `playlistName`… segments, `protocol`/`urls` a stream.
 *
 * @example
 * ```ts
 * const output: EgressOutput = new EncodedFileOutput({ filepath: 'standup.mp4' });
 * ```
 */
export type EgressOutput =
  | EncodedOutputs
  | OutputInit<EncodedFileOutput>
  | OutputInit<StreamOutput>
  | OutputInit<SegmentedFileOutput>
  | OutputInit<ImageOutput>;

/**
 * How to encode: a preset (`EncodingOptionsPreset.H264_1080P_30`, or its name) or advanced
 * options. Preset 0 (`H264_720P_30`) is sent, unlike `livekit-server-sdk`, which drops it.
 *
 * @example
 * ```ts
 * const encoding: EgressEncoding = { width: 1920, height: 1080, framerate: 30, videoBitrate: 4500 };
 * ```
 */
export type EgressEncoding = EncodingOptionsPreset | keyof typeof EncodingOptionsPreset | OutputInit<EncodingOptions>;

/**
 * Options every start method takes.
 *
 * @example
 * ```ts
 * const base: BaseOptions = { webhooks: [{ url: 'https://example.com/egress-hook', signingKey: 'key' }] };
 * ```
 */
export interface BaseOptions {
  /** Webhooks to call for this egress, besides the server's. */
  webhooks?: ReadonlyArray<OutputInit<WebhookConfig>> | undefined;
}

/**
 * Options of {@link EgressClient.startRoomCompositeEgress}.
 *
 * @example
 * ```ts
 * const opts: RoomCompositeOptions = { layout: 'speaker', encodingOptions: EncodingOptionsPreset.H264_1080P_30 };
 * ```
 */
export interface RoomCompositeOptions extends BaseOptions {
  /** The layout of the recording template (`grid`, `speaker`, …). */
  layout?: string | undefined;
  encodingOptions?: EgressEncoding | undefined;
  audioOnly?: boolean | undefined;
  videoOnly?: boolean | undefined;
  /** The URL of your own recording template. */
  customBaseUrl?: string | undefined;
  audioMixing?: AudioMixing | undefined;
}

/**
 * Options of {@link EgressClient.startWebEgress}.
 *
 * @example
 * ```ts
 * const opts: WebOptions = { awaitStartSignal: true, encodingOptions: EncodingOptionsPreset.H264_720P_30 };
 * ```
 */
export interface WebOptions extends BaseOptions {
  encodingOptions?: EgressEncoding | undefined;
  audioOnly?: boolean | undefined;
  videoOnly?: boolean | undefined;
  /** Start recording when the page logs `START_RECORDING`. */
  awaitStartSignal?: boolean | undefined;
}

/**
 * Options of {@link EgressClient.startParticipantEgress}.
 *
 * @example
 * ```ts
 * const opts: ParticipantEgressOptions = { screenShare: true };
 * ```
 */
export interface ParticipantEgressOptions extends BaseOptions {
  /** Record the screen share and its audio instead of camera and microphone. */
  screenShare?: boolean | undefined;
  encodingOptions?: EgressEncoding | undefined;
}

/**
 * Options of {@link EgressClient.startTrackCompositeEgress}: at least one of the tracks.
 *
 * @example
 * ```ts
 * const opts: TrackCompositeOptions = { audioTrackId: 'TR_audio', videoTrackId: 'TR_video' };
 * ```
 */
export interface TrackCompositeOptions extends BaseOptions {
  audioTrackId?: string | undefined;
  videoTrackId?: string | undefined;
  encodingOptions?: EgressEncoding | undefined;
}

/**
 * Filters of {@link EgressClient.listEgress}; none lists every egress.
 *
 * @example
 * ```ts
 * const filter: ListEgressOptions = { roomName: 'standup', active: true };
 * ```
 */
export interface ListEgressOptions {
  roomName?: string | undefined;
  egressId?: string | undefined;
  /** Only egresses that have not ended. */
  active?: boolean | undefined;
}

type Plain = Record<string, unknown>;
/** The request fields every encoded (transcoding) start method shares. */
interface EncodedFields {
  output?: { case: 'file' | 'stream' | 'segments'; value: unknown } | undefined;
  fileOutputs?: unknown[];
  streamOutputs?: unknown[];
  segmentOutputs?: unknown[];
  imageOutputs?: unknown[];
}

const BUNDLE_KEYS = ['file', 'stream', 'segments', 'images'] as const;
const FILE_KEYS = ['filepath', 'fileType'];
const IMAGE_KEYS = ['captureInterval', 'imageCodec'];
const SEGMENT_KEYS = ['filenamePrefix', 'playlistName', 'livePlaylistName', 'filenameSuffix', 'segmentDuration'];
const STREAM_KEYS = ['protocol', 'urls'];
const OUTPUT_HELP =
  "an EncodedFileOutput, StreamOutput, SegmentedFileOutput or ImageOutput (instance or plain object), or { file, stream, segments, images }, e.g. { filepath: 'out.mp4' }";

const has = (value: Plain, keys: readonly string[]): boolean => keys.some((key) => value[key] !== undefined);

/** Which output message a plain object is, told apart by the fields only that message has. */
function outputKind(output: unknown, what: string): 'file' | 'stream' | 'segments' | 'images' | 'bundle' {
  if (output instanceof EncodedFileOutput) return 'file';
  if (output instanceof StreamOutput) return 'stream';
  if (output instanceof SegmentedFileOutput) return 'segments';
  if (output instanceof ImageOutput) return 'images';
  if (typeof output !== 'object' || output === null || Array.isArray(output)) {
    throw new TypeError(`${what} must be ${OUTPUT_HELP}; got ${show(output)}`);
  }
  const plain = output as Plain;
  if (has(plain, BUNDLE_KEYS)) return 'bundle';
  if (has(plain, FILE_KEYS)) return 'file';
  if (has(plain, IMAGE_KEYS)) return 'images';
  if (has(plain, SEGMENT_KEYS)) return 'segments';
  if (has(plain, STREAM_KEYS)) return 'stream';
  throw new TypeError(`${what}: an egress needs at least one output: pass ${OUTPUT_HELP}`);
}

/**
 * The output fields of a request, as the peer fills them: a single file, stream or segments
 * output also goes into the deprecated `output` field, for servers older than the lists.
 */
function outputFields(output: unknown, what: string, legacy: boolean): EncodedFields {
  const kind = outputKind(output, what);
  if (kind === 'bundle') {
    const bundle = output as EncodedOutputs;
    const fields: EncodedFields = {};
    if (bundle.file !== undefined && bundle.file !== null) fields.fileOutputs = [bundle.file];
    if (bundle.stream !== undefined && bundle.stream !== null) fields.streamOutputs = [bundle.stream];
    if (bundle.segments !== undefined && bundle.segments !== null) fields.segmentOutputs = [bundle.segments];
    if (bundle.images !== undefined && bundle.images !== null) fields.imageOutputs = [bundle.images];
    if (Object.keys(fields).length === 0) throw new TypeError(`${what}: an egress needs at least one output: pass ${OUTPUT_HELP}`);
    return fields;
  }
  const fields: EncodedFields = {};
  if (kind === 'file') fields.fileOutputs = [output];
  else if (kind === 'stream') fields.streamOutputs = [output];
  else if (kind === 'segments') fields.segmentOutputs = [output];
  else fields.imageOutputs = [output];
  if (legacy && kind !== 'images') fields.output = { case: kind, value: output };
  return fields;
}

/** The `options` oneof: a preset by number or name, or advanced options; none when absent. */
function encodingField(encoding: unknown): { case: 'preset' | 'advanced'; value: unknown } | undefined {
  if (encoding === undefined || encoding === null) return undefined;
  return typeof encoding === 'number' || typeof encoding === 'string'
    ? { case: 'preset', value: encoding }
    : { case: 'advanced', value: encoding };
}

function checkAudioVideo(options: { audioOnly?: unknown; videoOnly?: unknown }, what: string): void {
  if (options.audioOnly === true && options.videoOnly === true) {
    throw new RangeError(`${what}: audioOnly and videoOnly cannot both be true; set one, or neither for audio and video`);
  }
}

function webUrl(url: unknown, what: string): string {
  const text = requireName(url, what);
  let parsed: URL | undefined;
  try {
    parsed = new URL(text);
  } catch {
    parsed = undefined;
  }
  if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:') {
    throw new TypeError(`${what} must be an http:// or https:// URL, got ${JSON.stringify(text.slice(0, 80))}`);
  }
  return text;
}

/** A plain object holding only RequestOptions fields, so it cannot be EncodingOptions. */
function isRequestOptions(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof EncodingOptions) &&
    Object.keys(value).every((key) => (REQUEST_OPTION_KEYS as readonly string[]).includes(key))
  );
}

/** ListEgress filters from an options object or a room name (the older form). */
function listFilter(options: unknown): MessageInit<ListEgressRequest> {
  const what = 'Egress.ListEgress: options';
  if (options === undefined || options === null) return {};
  if (typeof options === 'string') return { roomName: options };
  const { roomName, egressId, active } = optionalObject(options as ListEgressOptions, what) ?? {};
  return { roomName, egressId, active };
}

/**
 * Records and streams rooms, web pages, participants and tracks on a LiveKit server, over
 * Twirp (the server needs an egress service).
 *
 * A drop-in for `livekit-server-sdk`'s `EgressClient`: the same constructor, method names,
 * argument orders and results (`EgressInfo` messages). Beyond it: outputs and encoding options
 * as instances or plain objects, checked before any request; preset 0 is sent; every method
 * takes per-call {@link RequestOptions} last; {@link EgressClient.iterateEgress} walks every
 * page of ListEgress.
 *
 * @example
 * ```ts
 * import { EgressClient, EncodedFileType } from 'livekit-server-api';
 *
 * const egress = new EgressClient('https://my-project.livekit.cloud', apiKey, apiSecret);
 * const info = await egress.startRoomCompositeEgress('standup', { fileType: EncodedFileType.MP4, filepath: 'standup.mp4' });
 * await egress.stopEgress(info.egressId);
 * ```
 */
export class EgressClient {
  readonly #rpc: TwirpClient;

  /**
   * @param host - the server URL, e.g. `https://my-project.livekit.cloud` (`wss://` works too).
   * @param apiKey - API key; defaults to `LIVEKIT_API_KEY`. Not needed with `options.token`.
   * @param secret - API secret; defaults to `LIVEKIT_API_SECRET`. Not needed with `options.token`.
   * @param options - authentication and per-call defaults.
   */
  constructor(host: string, apiKey?: string, secret?: string, options?: ClientOptions) {
    this.#rpc = transportFor('EgressClient', host, apiKey, secret, options);
  }

  /**
   * Records or streams a whole room through a web layout.
   *
   * @example
   * ```ts
   * const info = await egress.startRoomCompositeEgress(
   *   'standup',
   *   { file: { filepath: 'standup.mp4' }, stream: { protocol: StreamProtocol.RTMP, urls: [rtmpUrl] } },
   *   { layout: 'speaker', encodingOptions: EncodingOptionsPreset.H264_1080P_30 },
   * );
   * ```
   */
  startRoomCompositeEgress(
    roomName: string,
    output: EgressOutput,
    opts?: RoomCompositeOptions,
    requestOptions?: RequestOptions,
  ): Promise<EgressInfo>;
  /**
   * The older positional form.
   * @deprecated Use `startRoomCompositeEgress(roomName, output, { layout, encodingOptions, … })`.
   *
   * @example
   * ```ts
   * await egress.startRoomCompositeEgress('standup', output, 'grid', EncodingOptionsPreset.H264_720P_30, true);
   * ```
   */
  startRoomCompositeEgress(
    roomName: string,
    output: EgressOutput,
    layout?: string,
    options?: EgressEncoding,
    audioOnly?: boolean,
    videoOnly?: boolean,
    customBaseUrl?: string,
    audioMixing?: AudioMixing,
    requestOptions?: RequestOptions,
  ): Promise<EgressInfo>;
  async startRoomCompositeEgress(roomName: string, output: EgressOutput, ...rest: unknown[]): Promise<EgressInfo> {
    const what = 'Egress.StartRoomCompositeEgress';
    const [third, fourth] = rest;
    let opts: RoomCompositeOptions;
    let requestOptions: unknown;
    const positional =
      typeof third === 'string' || rest.length > 2 || (third === undefined && fourth !== undefined && !isRequestOptions(fourth));
    if (positional) {
      const [layout, encodingOptions, audioOnly, videoOnly, customBaseUrl, audioMixing] = rest as [
        string?, EgressEncoding?, boolean?, boolean?, string?, AudioMixing?,
      ];
      opts = { layout, encodingOptions, audioOnly, videoOnly, customBaseUrl, audioMixing };
      requestOptions = rest[6];
    } else {
      opts = optionalObject(third as RoomCompositeOptions | undefined, `${what}: opts`) ?? {};
      requestOptions = fourth;
    }
    checkAudioVideo(opts, what);
    const request = {
      roomName: requireName(roomName, `${what}: roomName`),
      layout: opts.layout,
      audioOnly: opts.audioOnly,
      videoOnly: opts.videoOnly,
      customBaseUrl: opts.customBaseUrl,
      audioMixing: opts.audioMixing,
      webhooks: opts.webhooks,
      options: encodingField(opts.encodingOptions),
      ...outputFields(output, `${what}: output`, true),
    };
    return this.#rpc.invoke(M.StartRoomCompositeEgress, request, requestOptions as RequestOptions | undefined, 'request');
  }

  /**
   * Records or streams a web page.
   *
   * @example
   * ```ts
   * await egress.startWebEgress('https://example.com/dashboard', { filepath: 'dashboard.mp4' }, { awaitStartSignal: true });
   * ```
   */
  async startWebEgress(url: string, output: EgressOutput, opts?: WebOptions, requestOptions?: RequestOptions): Promise<EgressInfo> {
    const what = 'Egress.StartWebEgress';
    const options = optionalObject(opts, `${what}: opts`) ?? {};
    checkAudioVideo(options, what);
    const request = {
      url: webUrl(url, `${what}: url`),
      audioOnly: options.audioOnly,
      videoOnly: options.videoOnly,
      awaitStartSignal: options.awaitStartSignal,
      webhooks: options.webhooks,
      options: encodingField(options.encodingOptions),
      ...outputFields(output, `${what}: output`, true),
    };
    return this.#rpc.invoke(M.StartWebEgress, request, requestOptions, 'request');
  }

  /**
   * Records a participant's camera and microphone (or, with `screenShare`, its screen share).
   *
   * @example
   * ```ts
   * await egress.startParticipantEgress('standup', 'alice', { file: { filepath: 'alice.mp4' } });
   * ```
   */
  async startParticipantEgress(
    roomName: string,
    identity: string,
    output: EgressOutput,
    opts?: ParticipantEgressOptions,
    requestOptions?: RequestOptions,
  ): Promise<EgressInfo> {
    const what = 'Egress.StartParticipantEgress';
    const options = optionalObject(opts, `${what}: opts`) ?? {};
    const request = {
      roomName: requireName(roomName, `${what}: roomName`),
      identity: requireName(identity, `${what}: identity`),
      screenShare: options.screenShare,
      webhooks: options.webhooks,
      options: encodingField(options.encodingOptions),
      ...outputFields(output, `${what}: output`, false),
    };
    return this.#rpc.invoke(M.StartParticipantEgress, request, requestOptions, 'request');
  }

  /**
   * Records one audio track and one video track together, transcoded.
   *
   * @example
   * ```ts
   * await egress.startTrackCompositeEgress('standup', { filepath: 'alice.mp4' }, { audioTrackId: 'TR_a', videoTrackId: 'TR_v' });
   * ```
   */
  startTrackCompositeEgress(
    roomName: string,
    output: EgressOutput,
    opts?: TrackCompositeOptions,
    requestOptions?: RequestOptions,
  ): Promise<EgressInfo>;
  /**
   * The older positional form.
   * @deprecated Use `startTrackCompositeEgress(roomName, output, { audioTrackId, videoTrackId, encodingOptions })`.
   *
   * @example
   * ```ts
   * await egress.startTrackCompositeEgress('standup', output, 'TR_audio', 'TR_video');
   * ```
   */
  startTrackCompositeEgress(
    roomName: string,
    output: EgressOutput,
    audioTrackId?: string,
    videoTrackId?: string,
    options?: EgressEncoding,
    requestOptions?: RequestOptions,
  ): Promise<EgressInfo>;
  async startTrackCompositeEgress(roomName: string, output: EgressOutput, ...rest: unknown[]): Promise<EgressInfo> {
    const what = 'Egress.StartTrackCompositeEgress';
    const [third, fourth] = rest;
    let opts: TrackCompositeOptions;
    let requestOptions: unknown;
    if (typeof third === 'string' || typeof fourth === 'string' || rest.length > 2) {
      const [audioTrackId, videoTrackId, encodingOptions] = rest as [string?, string?, EgressEncoding?];
      opts = { audioTrackId, videoTrackId, encodingOptions };
      requestOptions = rest[3];
    } else {
      opts = optionalObject(third as TrackCompositeOptions | undefined, `${what}: opts`) ?? {};
      requestOptions = fourth;
    }
    const request = {
      roomName: requireName(roomName, `${what}: roomName`),
      audioTrackId: opts.audioTrackId,
      videoTrackId: opts.videoTrackId,
      webhooks: opts.webhooks,
      options: encodingField(opts.encodingOptions),
      ...outputFields(output, `${what}: output`, true),
    };
    if (!request.audioTrackId && !request.videoTrackId) {
      throw new TypeError(`${what}: pass audioTrackId, videoTrackId or both (the track sids to record)`);
    }
    return this.#rpc.invoke(M.StartTrackCompositeEgress, request, requestOptions as RequestOptions | undefined, 'request');
  }

  /**
   * Exports one track as it is, without transcoding: to a file, or to a websocket
   * (`ws://`/`wss://` URL, audio only).
   *
   * @example
   * ```ts
   * await egress.startTrackEgress('standup', { filepath: 'tracks/{track_id}.ogg' }, 'TR_audio');
   * await egress.startTrackEgress('standup', 'wss://transcriber.example.com/ingest', 'TR_audio');
   * ```
   */
  async startTrackEgress(
    roomName: string,
    output: OutputInit<DirectFileOutput> | string,
    trackId: string,
    webhooks?: ReadonlyArray<OutputInit<WebhookConfig>>,
    requestOptions?: RequestOptions,
  ): Promise<EgressInfo> {
    const what = 'Egress.StartTrackEgress';
    let legacyOutput: { case: 'file' | 'websocketUrl'; value: unknown };
    if (typeof output === 'string') {
      if (!/^wss?:\/\/./i.test(output)) {
        throw new TypeError(`${what}: output must be a DirectFileOutput or a ws:// or wss:// URL, got ${JSON.stringify(output.slice(0, 80))}`);
      }
      legacyOutput = { case: 'websocketUrl', value: output };
    } else {
      if (typeof output !== 'object' || output === null || Array.isArray(output)) {
        throw new TypeError(`${what}: output must be a DirectFileOutput (e.g. { filepath: 'track.ogg' }) or a websocket URL, got ${show(output)}`);
      }
      legacyOutput = { case: 'file', value: output };
    }
    const request = {
      roomName: requireName(roomName, `${what}: roomName`),
      trackId: requireName(trackId, `${what}: trackId`),
      output: legacyOutput,
      webhooks,
    };
    return this.#rpc.invoke(M.StartTrackEgress, request, requestOptions, 'request');
  }

  /**
   * Starts an egress with the unified request: a source (`template`, `web` or `media`), one or
   * more `outputs`, encoding, storage. Takes a `StartEgressRequest` or a plain object of its fields.
   *
   * @example
   * ```ts
   * await egress.startEgress({
   *   roomName: 'standup',
   *   source: { case: 'template', value: { layout: 'grid' } },
   *   outputs: [{ config: { case: 'file', value: { filepath: 'standup.mp4' } } }],
   * });
   * ```
   */
  async startEgress(request: StartEgressRequest | MessageInit<StartEgressRequest>, requestOptions?: RequestOptions): Promise<EgressInfo> {
    const what = 'Egress.StartEgress: request';
    const init = optionalObject(request as Plain, what);
    if (init === undefined) throw new TypeError(`${what} must be a StartEgressRequest or a plain object of its fields`);
    const source = (init['source'] as { case?: unknown } | undefined)?.case ?? has(init, ['template', 'web', 'media']);
    if (source === undefined || source === false) {
      throw new TypeError(`${what}.source must be set: { case: 'template' | 'web' | 'media', value: … }`);
    }
    const outputs = init['outputs'];
    if (!Array.isArray(outputs) || outputs.length === 0) {
      throw new TypeError(`${what}.outputs must hold at least one output, e.g. [{ config: { case: 'file', value: { filepath: 'out.mp4' } } }]`);
    }
    return this.#rpc.invoke(M.StartEgress, request, requestOptions, 'request');
  }

  /**
   * Changes the layout of a room composite egress.
   *
   * @example
   * ```ts
   * await egress.updateLayout(info.egressId, 'speaker');
   * ```
   */
  async updateLayout(egressId: string, layout: string, requestOptions?: RequestOptions): Promise<EgressInfo> {
    const what = 'Egress.UpdateLayout';
    const request = { egressId: requireName(egressId, `${what}: egressId`), layout: requireString(layout, `${what}: layout`) };
    return this.#rpc.invoke(M.UpdateLayout, request, requestOptions);
  }

  /**
   * Adds or removes stream URLs of a streaming egress.
   *
   * @example
   * ```ts
   * await egress.updateStream(info.egressId, ['rtmp://b.example.com/live/key'], ['rtmp://a.example.com/live/key']);
   * ```
   */
  async updateStream(
    egressId: string,
    addOutputUrls?: readonly string[],
    removeOutputUrls?: readonly string[],
    requestOptions?: RequestOptions,
  ): Promise<EgressInfo> {
    const what = 'Egress.UpdateStream';
    const request = {
      egressId: requireName(egressId, `${what}: egressId`),
      addOutputUrls: optionalNameList(addOutputUrls, `${what}: addOutputUrls`),
      removeOutputUrls: optionalNameList(removeOutputUrls, `${what}: removeOutputUrls`),
    };
    return this.#rpc.invoke(M.UpdateStream, request, requestOptions);
  }

  /**
   * Lists egresses: all, or those of a room, one by id, or the active ones. Returns the items
   * of the server's first answer, as `livekit-server-sdk`; {@link EgressClient.iterateEgress}
   * follows every page.
   *
   * @example
   * ```ts
   * const active = await egress.listEgress({ roomName: 'standup', active: true });
   * ```
   */
  listEgress(options?: ListEgressOptions, requestOptions?: RequestOptions): Promise<EgressInfo[]>;
  /**
   * The older form: a room name.
   * @deprecated Use `listEgress({ roomName })`.
   *
   * @example
   * ```ts
   * const all = await egress.listEgress('standup');
   * ```
   */
  listEgress(roomName?: string, requestOptions?: RequestOptions): Promise<EgressInfo[]>;
  async listEgress(options?: ListEgressOptions | string, requestOptions?: RequestOptions): Promise<EgressInfo[]> {
    return (await this.#rpc.invoke(M.ListEgress, listFilter(options), requestOptions, 'options')).items;
  }

  /**
   * Every egress that matches, across all the pages the server answers in (it pages with
   * `next_page_token`). Each page is one request, made as the loop asks for more.
   *
   * @example
   * ```ts
   * for await (const info of egress.iterateEgress({ active: true })) console.log(info.egressId, info.status);
   * ```
   */
  async *iterateEgress(
    options?: ListEgressOptions | string,
    requestOptions?: RequestOptions,
  ): AsyncGenerator<EgressInfo, void, undefined> {
    const filter = listFilter(options);
    const fetchPage = (token: string | undefined) =>
      this.#rpc.invoke(M.ListEgress, token === undefined ? filter : { ...filter, pageToken: { token } }, requestOptions, 'options');
    yield* pagesByToken(fetchPage, M.ListEgress);
  }

  /**
   * Stops an egress; it ends once its outputs are finalised (status `EGRESS_ENDING`, then
   * `EGRESS_COMPLETE`). An egress that already ended is a `ServerError` with code
   * `failed_precondition`.
   *
   * @example
   * ```ts
   * const info = await egress.stopEgress('EG_abc123');
   * ```
   */
  async stopEgress(egressId: string, requestOptions?: RequestOptions): Promise<EgressInfo> {
    const request = { egressId: requireName(egressId, 'Egress.StopEgress: egressId') };
    return this.#rpc.invoke(M.StopEgress, request, requestOptions);
  }
}
