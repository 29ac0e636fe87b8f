// Wire compatibility with livekit-server-sdk's EgressClient: for each method and overload,
// what the peer sends and what we send (in JSON and in protobuf) decode to the same request
// message, go to the same path and carry the same video grant. Outputs are passed to the peer
// as it documents them and to us both the same way and as plain objects.
import {
  AudioMixing,
  DirectFileOutput,
  EncodedFileOutput,
  EncodedFileType,
  EncodingOptions,
  EncodingOptionsPreset,
  ImageCodec,
  ImageOutput,
  ListEgressRequest,
  ParticipantEgressRequest,
  RoomCompositeEgressRequest,
  S3Upload,
  SegmentedFileOutput,
  SegmentedFileProtocol,
  StartEgressRequest,
  StopEgressRequest,
  StreamOutput,
  StreamProtocol,
  TrackCompositeEgressRequest,
  TrackEgressRequest,
  UpdateLayoutRequest,
  UpdateStreamRequest,
  WebEgressRequest,
  WebhookConfig,
} from '@livekit/protocol';
import { EgressClient as PeerClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EgressClient } from '../../src/services/egress.js';
import { tokenClaims } from '../rpc/local-server.js';
import type { LocalServer, RecordedRequest } from '../rpc/local-server.js';
import { capture as captureFrom, decode, expectSameRequest, KEY, SECRET, startWireServer, type RequestType } from './wire-compat-harness.js';
const type = (t: unknown): RequestType => t as RequestType;

type Call = (client: EgressClient) => Promise<unknown>;
// The peer has the same method names and takes the arguments of these calls.
const asPeer = (call: Call) => call as unknown as (client: PeerClient) => Promise<unknown>;

const s3 = { accessKey: 'AK', secret: 'SK', bucket: 'recordings', region: 'eu-west-1', metadata: { team: 'core' } };
const file = () => new EncodedFileOutput({ fileType: EncodedFileType.MP4, filepath: 'standup/{time}.mp4', output: { case: 's3', value: new S3Upload(s3) } });
const fileInit = { fileType: EncodedFileType.MP4, filepath: 'standup/{time}.mp4', output: { case: 's3' as const, value: s3 } };
const stream = () => new StreamOutput({ protocol: StreamProtocol.RTMP, urls: ['rtmp://live.example.com/app/key'] });
const streamInit = { protocol: StreamProtocol.RTMP, urls: ['rtmp://live.example.com/app/key'] };
const segments = () => new SegmentedFileOutput({ protocol: SegmentedFileProtocol.HLS_PROTOCOL, filenamePrefix: 'hls/seg', playlistName: 'index.m3u8', segmentDuration: 4 });
const segmentsInit = { protocol: SegmentedFileProtocol.HLS_PROTOCOL, filenamePrefix: 'hls/seg', playlistName: 'index.m3u8', segmentDuration: 4 };
const images = () => new ImageOutput({ captureInterval: 5, width: 640, height: 360, filenamePrefix: 'thumbs/t', imageCodec: ImageCodec.IC_JPEG });
const imagesInit = { captureInterval: 5, width: 640, height: 360, filenamePrefix: 'thumbs/t', imageCodec: ImageCodec.IC_JPEG };
const advanced = () => new EncodingOptions({ width: 1280, height: 720, framerate: 30, videoBitrate: 3000, keyFrameInterval: 2 });
const advancedInit = { width: 1280, height: 720, framerate: 30, videoBitrate: 3000, keyFrameInterval: 2 };
const webhooks = () => [new WebhookConfig({ url: 'https://hooks.example.com/egress', signingKey: 'APIhook' })];
const webhooksInit = [{ url: 'https://hooks.example.com/egress', signingKey: 'APIhook' }];
const startRequest = () =>
  new StartEgressRequest({
    roomName: 'standup',
    source: { case: 'template', value: { layout: 'grid', audioOnly: false } },
    encoding: { case: 'preset', value: EncodingOptionsPreset.H264_1080P_30 },
    outputs: [{ config: { case: 'file', value: { fileType: EncodedFileType.MP4, filepath: 'a.mp4' } } }],
    webhooks: webhooksInit,
  });

// Each case: a name, the method, the request type, and the call, made through the peer and
// through ours with the same arguments; a second call, when present, is ours with plain
// objects instead of message instances (the peer takes instances).
const CASES: Array<[string, string, RequestType, Call, Call?]> = [
  [
    'startRoomCompositeEgress: a file output and every option',
    'StartRoomCompositeEgress',
    type(RoomCompositeEgressRequest),
    (c) =>
      c.startRoomCompositeEgress('standup', file(), {
        layout: 'speaker',
        encodingOptions: EncodingOptionsPreset.H264_1080P_30,
        audioOnly: true,
        customBaseUrl: 'https://templates.example.com',
        audioMixing: AudioMixing.DUAL_CHANNEL_AGENT,
        webhooks: webhooks(),
      }),
    (c) =>
      c.startRoomCompositeEgress('standup', fileInit, {
        layout: 'speaker',
        encodingOptions: 'H264_1080P_30',
        audioOnly: true,
        customBaseUrl: 'https://templates.example.com',
        audioMixing: AudioMixing.DUAL_CHANNEL_AGENT,
        webhooks: webhooksInit,
      }),
  ],
  [
    'startRoomCompositeEgress: the EncodedOutputs bundle and advanced encoding',
    'StartRoomCompositeEgress',
    type(RoomCompositeEgressRequest),
    (c) => c.startRoomCompositeEgress('standup', { file: file(), stream: stream(), segments: segments(), images: images() }, { encodingOptions: advanced() }),
    (c) =>
      c.startRoomCompositeEgress('standup', { file: fileInit, stream: streamInit, segments: segmentsInit, images: imagesInit }, { encodingOptions: advancedInit }),
  ],
  [
    'startRoomCompositeEgress: the positional overload',
    'StartRoomCompositeEgress',
    type(RoomCompositeEgressRequest),
    (c) => c.startRoomCompositeEgress('standup', stream(), 'grid', EncodingOptionsPreset.H264_720P_60, false, true, 'https://t.example.com', AudioMixing.DUAL_CHANNEL_ALTERNATE),
    (c) => c.startRoomCompositeEgress('standup', streamInit, 'grid', EncodingOptionsPreset.H264_720P_60, false, true, 'https://t.example.com', AudioMixing.DUAL_CHANNEL_ALTERNATE),
  ],
  [
    'startRoomCompositeEgress: positional, layout left out, advanced options',
    'StartRoomCompositeEgress',
    type(RoomCompositeEgressRequest),
    (c) => c.startRoomCompositeEgress('standup', segments(), undefined, advanced()),
    (c) => c.startRoomCompositeEgress('standup', segmentsInit, undefined, advancedInit),
  ],
  [
    'startRoomCompositeEgress: a segments output and no options',
    'StartRoomCompositeEgress',
    type(RoomCompositeEgressRequest),
    (c) => c.startRoomCompositeEgress('standup', segments()),
    (c) => c.startRoomCompositeEgress('standup', segmentsInit),
  ],
  [
    'startWebEgress with options',
    'StartWebEgress',
    type(WebEgressRequest),
    (c) => c.startWebEgress('https://example.com/dash', file(), { awaitStartSignal: true, videoOnly: true, encodingOptions: EncodingOptionsPreset.PORTRAIT_H264_720P_30, webhooks: webhooks() }),
    (c) => c.startWebEgress('https://example.com/dash', fileInit, { awaitStartSignal: true, videoOnly: true, encodingOptions: EncodingOptionsPreset.PORTRAIT_H264_720P_30, webhooks: webhooksInit }),
  ],
  [
    'startWebEgress with a stream and no options',
    'StartWebEgress',
    type(WebEgressRequest),
    (c) => c.startWebEgress('https://example.com/dash', stream()),
    (c) => c.startWebEgress('https://example.com/dash', streamInit),
  ],
  [
    'startParticipantEgress',
    'StartParticipantEgress',
    type(ParticipantEgressRequest),
    (c) => c.startParticipantEgress('standup', 'alice', { file: file(), images: images() }, { screenShare: true, encodingOptions: advanced(), webhooks: webhooks() }),
    (c) => c.startParticipantEgress('standup', 'alice', { file: fileInit, images: imagesInit }, { screenShare: true, encodingOptions: advancedInit, webhooks: webhooksInit }),
  ],
  [
    'startParticipantEgress without options',
    'StartParticipantEgress',
    type(ParticipantEgressRequest),
    (c) => c.startParticipantEgress('standup', 'alice', { stream: stream() }),
  ],
  [
    'startTrackCompositeEgress with options',
    'StartTrackCompositeEgress',
    type(TrackCompositeEgressRequest),
    (c) => c.startTrackCompositeEgress('standup', file(), { audioTrackId: 'TR_a', videoTrackId: 'TR_v', encodingOptions: EncodingOptionsPreset.H264_1080P_60, webhooks: webhooks() }),
    (c) => c.startTrackCompositeEgress('standup', fileInit, { audioTrackId: 'TR_a', videoTrackId: 'TR_v', encodingOptions: EncodingOptionsPreset.H264_1080P_60, webhooks: webhooksInit }),
  ],
  [
    'startTrackCompositeEgress: the positional overload',
    'StartTrackCompositeEgress',
    type(TrackCompositeEgressRequest),
    (c) => c.startTrackCompositeEgress('standup', segments(), 'TR_a', 'TR_v', advanced()),
    (c) => c.startTrackCompositeEgress('standup', segmentsInit, 'TR_a', 'TR_v', advancedInit),
  ],
  [
    'startTrackCompositeEgress: positional, video only',
    'StartTrackCompositeEgress',
    type(TrackCompositeEgressRequest),
    (c) => c.startTrackCompositeEgress('standup', stream(), undefined, 'TR_v'),
  ],
  [
    'startTrackEgress to a file',
    'StartTrackEgress',
    type(TrackEgressRequest),
    (c) => c.startTrackEgress('standup', new DirectFileOutput({ filepath: 'tracks/{track_id}.ogg', output: { case: 's3', value: new S3Upload(s3) } }), 'TR_a', webhooks()),
    (c) => c.startTrackEgress('standup', { filepath: 'tracks/{track_id}.ogg', output: { case: 's3', value: s3 } }, 'TR_a', webhooksInit),
  ],
  [
    'startTrackEgress to a websocket',
    'StartTrackEgress',
    type(TrackEgressRequest),
    (c) => c.startTrackEgress('standup', 'wss://stt.example.com/in', 'TR_a'),
  ],
  [
    'startEgress',
    'StartEgress',
    type(StartEgressRequest),
    (c) => c.startEgress(startRequest()),
    (c) =>
      c.startEgress({
        roomName: 'standup',
        source: { case: 'template', value: { layout: 'grid', audioOnly: false } },
        encoding: { case: 'preset', value: EncodingOptionsPreset.H264_1080P_30 },
        outputs: [{ config: { case: 'file', value: { fileType: EncodedFileType.MP4, filepath: 'a.mp4' } } }],
        webhooks: webhooksInit,
      }),
  ],
  [
    'updateLayout',
    'UpdateLayout',
    type(UpdateLayoutRequest),
    (c) => c.updateLayout('EG_1', 'speaker'),
  ],
  [
    'updateStream',
    'UpdateStream',
    type(UpdateStreamRequest),
    (c) => c.updateStream('EG_1', ['rtmp://a/x'], ['rtmp://b/y']),
  ],
  [
    'updateStream with nothing to remove',
    'UpdateStream',
    type(UpdateStreamRequest),
    (c) => c.updateStream('EG_1', ['rtmp://a/x']),
  ],
  [
    'listEgress with every filter',
    'ListEgress',
    type(ListEgressRequest),
    (c) => c.listEgress({ roomName: 'standup', egressId: 'EG_1', active: true }),
  ],
  [
    'listEgress with a room name',
    'ListEgress',
    type(ListEgressRequest),
    (c) => c.listEgress('standup'),
  ],
  [
    'listEgress without filters',
    'ListEgress',
    type(ListEgressRequest),
    (c) => c.listEgress(),
  ],
  [
    'stopEgress',
    'StopEgress',
    type(StopEgressRequest),
    (c) => c.stopEgress('EG_1'),
  ],
];

let server: LocalServer;
beforeAll(async () => {
  server = await startWireServer();
});
afterAll(() => server.close());

const capture = (call: () => Promise<unknown>): Promise<RecordedRequest> => captureFrom(server, call);

const peer = () => new PeerClient(server.url, KEY, SECRET);
const ours = (encoding: 'json' | 'protobuf') => new EgressClient(server.url, KEY, SECRET, { encoding });

describe('wire compatibility with livekit-server-sdk: EgressClient', () => {
  it.each(CASES)('%s: same path, same request message, same video grant', async (_name, method, type, ourCall, ourPlainCall) => {
    for (const call of ourPlainCall === undefined ? [ourCall] : [ourCall, ourPlainCall]) {
      await expectSameRequest(server, `/twirp/livekit.Egress/${method}`, type, () => asPeer(ourCall)(peer()), (encoding) => call(ours(encoding)));
    }
    expect(tokenClaims(server.requests.at(-1)!)['video']).toEqual({ roomRecord: true });
  });

  it('sends preset 0 (H264_720P_30), which the peer drops; otherwise the same request', async () => {
    const theirs = decode(type(RoomCompositeEgressRequest), await capture(() => peer().startRoomCompositeEgress('standup', file(), { encodingOptions: EncodingOptionsPreset.H264_720P_30 })));
    expect((theirs as RoomCompositeEgressRequest).options.case).toBeUndefined();
    for (const encoding of ['json', 'protobuf'] as const) {
      const mine = decode(
        type(RoomCompositeEgressRequest),
        await capture(() => ours(encoding).startRoomCompositeEgress('standup', file(), { encodingOptions: EncodingOptionsPreset.H264_720P_30 })),
      ) as RoomCompositeEgressRequest;
      expect(mine.options).toEqual({ case: 'preset', value: EncodingOptionsPreset.H264_720P_30 });
      mine.options = { case: undefined };
      expect(mine.toJson()).toEqual(theirs.toJson());
    }
  });

  it('iterateEgress sends the peer\'s ListEgress request for its first page', async () => {
    const expected = decode(type(ListEgressRequest), await capture(() => peer().listEgress({ roomName: 'standup', active: true })));
    const mine = await capture(async () => {
      for await (const info of ours('protobuf').iterateEgress({ roomName: 'standup', active: true })) void info;
    });
    expect(decode(type(ListEgressRequest), mine).toJson()).toEqual(expected.toJson());
  });
});
