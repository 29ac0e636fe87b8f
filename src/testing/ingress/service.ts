// The Ingress service of the test server: for each method, the request message, the checks a
// livekit-server makes (pkg/service/ingress.go and the protocol's ingress validation), in its
// order, and what it does to the ingress store.
import {
  CreateIngressRequest,
  DeleteIngressRequest,
  IngressInfo,
  IngressInput,
  IngressAudioEncodingPreset,
  IngressVideoEncodingPreset,
  ListIngressRequest,
  ListIngressResponse,
  TokenPagination,
  TrackSource,
  UpdateIngressRequest,
  AudioCodec,
  VideoCodec,
  IngressState_Status,
} from '@livekit/protocol';
import type { IngressAudioOptions, IngressVideoOptions } from '@livekit/protocol';
import { TestServerTwirpError } from '../twirp.js';
import { hasVideoGrant, serviceOf, type MethodContext, type MethodTable, type TestServerClaims, type TestService } from '../service.js';
import type { IngressStore } from './state.js';

/**
 * The request message of each Ingress method.
 *
 * @example
 * ```ts
 * import type { IngressRequests } from 'livekit-server-api/testing';
 * type Create = IngressRequests['CreateIngress']; // CreateIngressRequest
 * ```
 */
export interface IngressRequests {
  CreateIngress: CreateIngressRequest;
  UpdateIngress: UpdateIngressRequest;
  ListIngress: ListIngressRequest;
  DeleteIngress: DeleteIngressRequest;
}

interface IngressContext extends MethodContext {
  readonly store: IngressStore;
}

const invalid = (msg: string): TestServerTwirpError => new TestServerTwirpError('invalid_argument', msg);
const invalidIngress = (reason: string): TestServerTwirpError => invalid(`invalid ingress: ${reason}`);
const notFound = (): TestServerTwirpError => new TestServerTwirpError('not_found', 'ingress does not exist');
const allowed = (claims: TestServerClaims | undefined): boolean => hasVideoGrant(claims, 'ingressAdmin');

/** The store, unless the switch says ingress is not configured (checked after the grant, as a server). */
function connected({ store }: IngressContext): IngressStore {
  if (store.notConnected) throw new TestServerTwirpError('internal', 'ingress not connected (redis required)');
  return store;
}

function load(store: IngressStore, ingressId: string): IngressInfo {
  const info = store.find(ingressId);
  if (info === undefined) throw notFound();
  return info;
}

const METHODS: MethodTable<IngressRequests, IngressContext> = {
  CreateIngress: {
    request: CreateIngressRequest,
    // A server rejects an unknown input type before it looks at the token.
    precheck: (request) => {
      if (IngressInput[request.inputType] === undefined) throw invalid('invalid ingress type');
    },
    allowed,
    handle: (request, context) => {
      const store = connected(context);
      let url = '';
      if (request.inputType === IngressInput.URL_INPUT) {
        if (request.url === '') throw invalidIngress('missing URL parameter');
        const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(request.url)?.[1]?.toLowerCase() ?? '';
        if (scheme !== 'http' && scheme !== 'https' && scheme !== 'srt') throw invalidIngress(`invalid url scheme ${scheme}`);
        // Re-marshalled, as a server does: the scheme in lower case.
        url = scheme + request.url.slice(scheme.length);
      }
      // The deprecated bypass_transcoding of the request is not read: enable_transcoding decides.
      const info = new IngressInfo({
        name: request.name,
        url,
        inputType: request.inputType,
        roomName: request.roomName,
        participantIdentity: request.participantIdentity,
        participantName: request.participantName,
        participantMetadata: request.participantMetadata,
        ...(request.audio === undefined ? {} : { audio: request.audio }),
        ...(request.video === undefined ? {} : { video: request.video }),
        ...(request.enableTranscoding === undefined ? {} : { enableTranscoding: request.enableTranscoding }),
        ...(request.enabled === undefined ? {} : { enabled: request.enabled }),
      });
      if (info.inputType === IngressInput.URL_INPUT && info.roomName === '') throw invalidIngress('no room name');
      validate(info);
      settleTranscoding(info);
      return store.add(info);
    },
  },
  UpdateIngress: {
    request: UpdateIngressRequest,
    allowed,
    handle: (request, context) => {
      const info = load(connected(context), request.ingressId);
      if (!info.reusable) throw invalid('ingress is not reusable and cannot be modified');
      // Work on a copy so that a refused update changes nothing.
      const updated = info.clone();
      if (updated.state?.status === IngressState_Status.ENDPOINT_ERROR) updated.state.status = IngressState_Status.ENDPOINT_INACTIVE;
      for (const field of ['name', 'roomName', 'participantIdentity', 'participantName', 'participantMetadata'] as const) {
        if (request[field] !== '') updated[field] = request[field];
      }
      if (request.enableTranscoding !== undefined) updated.enableTranscoding = request.enableTranscoding;
      if (request.enabled !== undefined) updated.enabled = request.enabled;
      if (request.audio !== undefined) updated.audio = request.audio;
      if (request.video !== undefined) updated.video = request.video;
      validate(updated);
      settleTranscoding(updated);
      Object.assign(info, updated);
      return info.clone();
    },
  },
  ListIngress: {
    request: ListIngressRequest,
    allowed,
    handle: (request, context) => {
      const store = connected(context);
      const items = request.ingressId !== '' ? [load(store, request.ingressId).clone()] : store.list(request.roomName);
      const pageSize = store.options.pageSize ?? 0;
      if (pageSize <= 0) return new ListIngressResponse({ items });
      // The page token is the offset of the page, opaque to clients.
      const token = request.pageToken?.token ?? '';
      const offset = token === '' ? 0 : Number(token);
      if (!Number.isSafeInteger(offset) || offset < 0) throw invalid('invalid page token');
      const next = offset + pageSize;
      return new ListIngressResponse({
        items: items.slice(offset, next),
        ...(next < items.length ? { nextPageToken: new TokenPagination({ token: String(next) }) } : {}),
      });
    },
  },
  DeleteIngress: {
    request: DeleteIngressRequest,
    allowed,
    handle: (request, context) => {
      const store = connected(context);
      load(store, request.ingressId);
      return store.delete(request.ingressId) as IngressInfo;
    },
  },
};

/** The protocol's ValidateForSerialization: what every stored ingress must satisfy. */
function validate(info: IngressInfo): void {
  if (info.inputType === IngressInput.URL_INPUT && info.enabled === false) throw invalidIngress('disabled non reusable ingress');
  if (info.participantIdentity === '') throw invalidIngress('no participant identity');
  const whip = info.inputType === IngressInput.WHIP_INPUT;
  if (!whip && info.enableTranscoding === false) throw bypassError('bypassing transcoding impossible with selected input type');
  if (!(info.enableTranscoding ?? !whip)) {
    if (info.video?.encodingOptions.case !== undefined) throw bypassError('video encoding options must be empty if transcoding is disabled');
    if (info.audio?.encodingOptions.case !== undefined) throw bypassError('audio encoding options must be empty if transcoding is disabled');
  }
  checkVideo(info.video);
  checkAudio(info.audio);
}

const bypassError = (reason: string): TestServerTwirpError => invalid(`invalid transcoding bypass configuration: ${reason}`);

function checkVideo(video: IngressVideoOptions | undefined): void {
  if (video === undefined) return;
  const fail = (reason: string): TestServerTwirpError => invalid(`invalid video parameters: ${reason}`);
  if (![TrackSource.UNKNOWN, TrackSource.CAMERA, TrackSource.SCREEN_SHARE].includes(video.source)) throw fail('invalid track source');
  const encoding = video.encodingOptions;
  if (encoding.case === 'preset' && IngressVideoEncodingPreset[encoding.value] === undefined) throw fail('invalid preset');
  if (encoding.case === 'options') {
    if (encoding.value.frameRate < 0) throw fail('invalid framerate');
    if (![VideoCodec.DEFAULT_VC, VideoCodec.H264_BASELINE, VideoCodec.VP8].includes(encoding.value.videoCodec)) throw fail('video codec unsupported');
    for (const layer of encoding.value.layers) {
      if (layer.width === 0 || layer.height === 0) throw fail('invalid output media dimensions');
      if (layer.width % 2 === 1) throw invalidIngress('layer width must be even');
      if (layer.height % 2 === 1) throw invalidIngress('layer height must be even');
    }
  }
}

function checkAudio(audio: IngressAudioOptions | undefined): void {
  if (audio === undefined) return;
  const fail = (reason: string): TestServerTwirpError => invalid(`invalid audio parameters: ${reason}`);
  if (![TrackSource.UNKNOWN, TrackSource.MICROPHONE, TrackSource.SCREEN_SHARE_AUDIO].includes(audio.source)) throw fail('invalid track source');
  const encoding = audio.encodingOptions;
  if (encoding.case === 'preset' && IngressAudioEncodingPreset[encoding.value] === undefined) throw fail('invalid preset');
  if (encoding.case === 'options') {
    if (![AudioCodec.DEFAULT_AC, AudioCodec.OPUS].includes(encoding.value.audioCodec)) throw fail('audio codec unsupported');
    if (encoding.value.channels > 2) throw fail('invalid audio channel count');
  }
}

/** As a server: enable_transcoding is always set in the answer, bypass_transcoding its opposite. */
function settleTranscoding(info: IngressInfo): void {
  info.enableTranscoding ??= info.inputType !== IngressInput.WHIP_INPUT;
  info.bypassTranscoding = !info.enableTranscoding;
}

/** The Ingress service of one test server, and its store. Internal. */
export function createIngressService(store: IngressStore): TestService {
  return serviceOf('Ingress', METHODS, (context) => ({ ...context, store }), () => store.reset());
}
