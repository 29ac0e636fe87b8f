// Wire compatibility of IngressClient with livekit-server-sdk's: for every method and the
// argument forms the peer takes, both send the same request message (ours in JSON and in
// protobuf) to the same path with the same grant.
import {
  CreateIngressRequest,
  DeleteIngressRequest,
  IngressAudioEncodingPreset,
  IngressAudioOptions,
  IngressInput,
  IngressVideoEncodingOptions,
  IngressVideoOptions,
  ListIngressRequest,
  TrackSource,
  UpdateIngressRequest,
  VideoCodec,
  VideoLayer,
  VideoQuality,
} from '@livekit/protocol';
import { IngressClient as PeerClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngressClient } from '../../src/services/ingress.js';
import { tokenClaims, type LocalServer } from '../rpc/local-server.js';
import { expectSameRequest, KEY, SECRET, startWireServer, type RequestType } from './wire-compat-harness.js';

let server: LocalServer;
beforeAll(async () => {
  server = await startWireServer();
});
afterAll(() => server.close());

const peer = () => new PeerClient(server.url, KEY, SECRET);
const ours = (encoding: 'json' | 'protobuf') => new IngressClient(server.url, KEY, SECRET, { encoding });
const path = (method: string) => `/twirp/livekit.Ingress/${method}`;

const audio = () =>
  new IngressAudioOptions({ name: 'mic', source: TrackSource.MICROPHONE, encodingOptions: { case: 'preset', value: IngressAudioEncodingPreset.OPUS_MONO_64KBS } });
const video = () =>
  new IngressVideoOptions({
    name: 'cam',
    source: TrackSource.CAMERA,
    encodingOptions: {
      case: 'options',
      value: new IngressVideoEncodingOptions({
        videoCodec: VideoCodec.H264_BASELINE,
        frameRate: 30,
        layers: [new VideoLayer({ quality: VideoQuality.HIGH, width: 1280, height: 720, bitrate: 3_000_000 })],
      }),
    },
  });
const everyCreateOption = {
  name: 'stage feed',
  roomName: 'stage',
  participantIdentity: 'obs',
  participantName: 'OBS',
  participantMetadata: '{"seat":1}',
  enableTranscoding: true,
  enabled: false,
};

const everyUpdateOption = () => ({
  name: 'n',
  roomName: 'r',
  participantIdentity: 'i',
  participantName: 'p',
  participantMetadata: 'm',
  bypassTranscoding: false,
  enableTranscoding: true,
  enabled: true,
  audio: audio(),
  video: video(),
});

type Case = [string, string, RequestType, (c: PeerClient) => Promise<unknown>, (c: IngressClient) => Promise<unknown>];
const CASES: Case[] = [
  [
    'createIngress RTMP with every option and audio/video instances',
    'CreateIngress',
    CreateIngressRequest as unknown as RequestType,
    (c) => c.createIngress(IngressInput.RTMP_INPUT, { ...everyCreateOption, audio: audio(), video: video() }),
    (c) => c.createIngress(IngressInput.RTMP_INPUT, { ...everyCreateOption, audio: audio(), video: video() }),
  ],
  [
    'createIngress with audio/video as plain objects (ours) and instances (peer)',
    'CreateIngress',
    CreateIngressRequest as unknown as RequestType,
    (c) => c.createIngress(IngressInput.RTMP_INPUT, { roomName: 'stage', participantIdentity: 'obs', audio: audio(), video: video() }),
    (c) =>
      c.createIngress(IngressInput.RTMP_INPUT, {
        roomName: 'stage',
        participantIdentity: 'obs',
        audio: { name: 'mic', source: TrackSource.MICROPHONE, encodingOptions: { case: 'preset', value: IngressAudioEncodingPreset.OPUS_MONO_64KBS } },
        video: {
          name: 'cam',
          source: TrackSource.CAMERA,
          encodingOptions: {
            case: 'options',
            value: { videoCodec: VideoCodec.H264_BASELINE, frameRate: 30, layers: [{ quality: VideoQuality.HIGH, width: 1280, height: 720, bitrate: 3_000_000 }] },
          },
        },
      }),
  ],
  [
    'createIngress WHIP with the deprecated bypassTranscoding',
    'CreateIngress',
    CreateIngressRequest as unknown as RequestType,
    (c) => c.createIngress(IngressInput.WHIP_INPUT, { roomName: 'stage', participantIdentity: 'cam', bypassTranscoding: true }),
    (c) => c.createIngress(IngressInput.WHIP_INPUT, { roomName: 'stage', participantIdentity: 'cam', bypassTranscoding: true }),
  ],
  [
    'createIngress URL',
    'CreateIngress',
    CreateIngressRequest as unknown as RequestType,
    (c) => c.createIngress(IngressInput.URL_INPUT, { roomName: 'stage', participantIdentity: 'movie', url: 'https://example.com/a.m3u8' }),
    (c) => c.createIngress(IngressInput.URL_INPUT, { roomName: 'stage', participantIdentity: 'movie', url: 'https://example.com/a.m3u8' }),
  ],
  [
    'createIngress with an empty room (RTMP)',
    'CreateIngress',
    CreateIngressRequest as unknown as RequestType,
    (c) => c.createIngress(IngressInput.RTMP_INPUT, { roomName: '', participantIdentity: 'obs' }),
    (c) => c.createIngress(IngressInput.RTMP_INPUT, { roomName: '', participantIdentity: 'obs' }),
  ],
  [
    'updateIngress with every option',
    'UpdateIngress',
    UpdateIngressRequest as unknown as RequestType,
    (c) => c.updateIngress('IN_abc', everyUpdateOption()),
    (c) => c.updateIngress('IN_abc', everyUpdateOption()),
  ],
  [
    'updateIngress with a name only',
    'UpdateIngress',
    UpdateIngressRequest as unknown as RequestType,
    (c) => c.updateIngress('IN_abc', { name: 'renamed' }),
    (c) => c.updateIngress('IN_abc', { name: 'renamed' }),
  ],
  ['listIngress without a filter', 'ListIngress', ListIngressRequest as unknown as RequestType, (c) => c.listIngress(), (c) => c.listIngress()],
  ['listIngress by room name', 'ListIngress', ListIngressRequest as unknown as RequestType, (c) => c.listIngress('stage'), (c) => c.listIngress('stage')],
  [
    'listIngress with options',
    'ListIngress',
    ListIngressRequest as unknown as RequestType,
    (c) => c.listIngress({ roomName: 'stage', ingressId: 'IN_abc' }),
    (c) => c.listIngress({ roomName: 'stage', ingressId: 'IN_abc' }),
  ],
  ['deleteIngress', 'DeleteIngress', DeleteIngressRequest as unknown as RequestType, (c) => c.deleteIngress('IN_abc'), (c) => c.deleteIngress('IN_abc')],
];

describe('IngressClient wire compatibility with livekit-server-sdk', () => {
  it.each(CASES)('%s: same path, same request message, same grant', async (_name, method, type, peerCall, ourCall) => {
    await expectSameRequest(server, path(method), type, () => peerCall(peer()), (encoding) => ourCall(ours(encoding)));
  });

  it('grants ingressAdmin only, as the peer', async () => {
    const request = await expectSameRequest(
      server,
      path('ListIngress'),
      ListIngressRequest as unknown as RequestType,
      () => peer().listIngress(),
      (encoding) => ours(encoding).listIngress(),
    );
    expect(request).toBeInstanceOf(ListIngressRequest);
    expect(tokenClaims(server.requests.at(-1)!)['video']).toEqual({ ingressAdmin: true });
  });

  it('iterateIngress sends the first request listIngress sends', async () => {
    await expectSameRequest(
      server,
      path('ListIngress'),
      ListIngressRequest as unknown as RequestType,
      () => peer().listIngress({ roomName: 'stage' }),
      async (encoding) => {
        for await (const item of ours(encoding).iterateIngress({ roomName: 'stage' })) expect(item).toBeDefined();
      },
    );
  });
});
