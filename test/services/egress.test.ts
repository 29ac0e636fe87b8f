// EgressClient against a fake server: what each call sends beyond what wire-compat checks
// (outputs the peer cannot send, request options in every overload, pages), and every caller
// mistake refused before any request.
import {
  EgressInfo,
  EncodingOptionsPreset,
  ImageOutput,
  ListEgressRequest,
  ListEgressResponse,
  RoomCompositeEgressRequest,
  TokenPagination,
  TrackCompositeEgressRequest,
} from '@livekit/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ServerError } from '../../src/rpc/errors.js';
import { EgressClient, EGRESS } from '../../src/services/egress.js';
import { methodsOf } from '../../src/rpc/service.js';
import { startLocalServer } from '../rpc/local-server.js';
import type { LocalServer, RecordedRequest } from '../rpc/local-server.js';

const KEY = 'APIkey123';
const SECRET = 'a-secret-long-enough-for-hs256-signing-0123';

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.handle(() => ({ status: 200, headers: { 'content-type': 'application/protobuf' }, body: new EgressInfo({ egressId: 'EG_1' }).toBinary() }));
});

const egress = () => new EgressClient(server.url, KEY, SECRET);
const last = (): RecordedRequest => server.requests.at(-1) ?? (() => { throw new Error('no request was sent'); })();

describe('EgressClient requests', () => {
  it('returns the EgressInfo the server answers', async () => {
    const info = await egress().stopEgress('EG_1');
    expect(info).toBeInstanceOf(EgressInfo);
    expect(info.egressId).toBe('EG_1');
  });

  it('sends a lone ImageOutput as an image output (the peer sends it as segments)', async () => {
    await egress().startRoomCompositeEgress('standup', new ImageOutput({ captureInterval: 5 }));
    const request = RoomCompositeEgressRequest.fromBinary(last().body);
    expect(request.imageOutputs).toHaveLength(1);
    expect(request.segmentOutputs).toHaveLength(0);
    expect(request.output.case).toBeUndefined();
  });

  it('tells plain output objects apart by their fields', async () => {
    await egress().startRoomCompositeEgress('standup', { captureInterval: 5, filenamePrefix: 'thumbs/t' });
    expect(RoomCompositeEgressRequest.fromBinary(last().body).imageOutputs[0]?.filenamePrefix).toBe('thumbs/t');
    await egress().startRoomCompositeEgress('standup', { filenamePrefix: 'hls/s', playlistName: 'i.m3u8' });
    const segments = RoomCompositeEgressRequest.fromBinary(last().body);
    expect(segments.segmentOutputs[0]?.playlistName).toBe('i.m3u8');
    expect(segments.output.case).toBe('segments');
    await egress().startRoomCompositeEgress('standup', { urls: ['rtmp://a/b'] });
    expect(RoomCompositeEgressRequest.fromBinary(last().body).streamOutputs[0]?.urls).toEqual(['rtmp://a/b']);
  });

  it('takes a preset by name', async () => {
    await egress().startRoomCompositeEgress('standup', { filepath: 'a.mp4' }, { encodingOptions: 'H264_1080P_60' });
    expect(RoomCompositeEgressRequest.fromBinary(last().body).options).toEqual({ case: 'preset', value: EncodingOptionsPreset.H264_1080P_60 });
  });

  it('reads request options last in every overload', async () => {
    await egress().startRoomCompositeEgress('standup', { filepath: 'a.mp4' }, { layout: 'grid' }, { timeoutMs: 1234 });
    expect(last().headers['x-twirp-timeout-ms']).toBe('1234');
    await egress().startRoomCompositeEgress('standup', { filepath: 'a.mp4' }, undefined, { timeoutMs: 2345 });
    expect(last().headers['x-twirp-timeout-ms']).toBe('2345');
    expect(RoomCompositeEgressRequest.fromBinary(last().body).options.case).toBeUndefined();
    await egress().startRoomCompositeEgress('standup', { filepath: 'a.mp4' }, 'grid', undefined, false, false, '', undefined, { timeoutMs: 3456 });
    expect(last().headers['x-twirp-timeout-ms']).toBe('3456');
    await egress().startTrackCompositeEgress('standup', { filepath: 'a.mp4' }, 'TR_a', undefined, undefined, { timeoutMs: 4567 });
    expect(last().headers['x-twirp-timeout-ms']).toBe('4567');
    expect(TrackCompositeEgressRequest.fromBinary(last().body).audioTrackId).toBe('TR_a');
    await egress().startTrackCompositeEgress('standup', { filepath: 'a.mp4' }, { videoTrackId: 'TR_v' }, { timeoutMs: 5678 });
    expect(last().headers['x-twirp-timeout-ms']).toBe('5678');
  });

  it('reads advanced encoding options in the positional form, not as request options', async () => {
    await egress().startRoomCompositeEgress('standup', { filepath: 'a.mp4' }, undefined, { width: 640, height: 360 });
    expect(RoomCompositeEgressRequest.fromBinary(last().body).options).toMatchObject({ case: 'advanced', value: { width: 640, height: 360 } });
  });

  it('iterateEgress asks for each page with the token of the previous one', async () => {
    const pages = [
      new ListEgressResponse({ items: [new EgressInfo({ egressId: 'EG_1' })], nextPageToken: new TokenPagination({ token: 't1' }) }),
      new ListEgressResponse({ items: [new EgressInfo({ egressId: 'EG_2' })], nextPageToken: new TokenPagination({ token: 't2' }) }),
      new ListEgressResponse({ items: [new EgressInfo({ egressId: 'EG_3' })] }),
    ];
    server.handle((_request, index) => ({ status: 200, headers: { 'content-type': 'application/protobuf' }, body: pages[index]!.toBinary() }));
    const ids: string[] = [];
    for await (const info of egress().iterateEgress('standup')) ids.push(info.egressId);
    expect(ids).toEqual(['EG_1', 'EG_2', 'EG_3']);
    const tokens = server.requests.map((r) => ListEgressRequest.fromBinary(r.body).pageToken?.token);
    expect(tokens).toEqual([undefined, 't1', 't2']);
    expect(server.requests.every((r) => ListEgressRequest.fromBinary(r.body).roomName === 'standup')).toBe(true);
  });

  it('listEgress returns the first page only, as the peer', async () => {
    const page = new ListEgressResponse({ items: [new EgressInfo({ egressId: 'EG_1' })], nextPageToken: new TokenPagination({ token: 't1' }) });
    server.handle(() => ({ status: 200, headers: { 'content-type': 'application/protobuf' }, body: page.toBinary() }));
    expect((await egress().listEgress()).map((i) => i.egressId)).toEqual(['EG_1']);
    expect(server.requests).toHaveLength(1);
  });

  it('iterateEgress stops with a ServerError when the server hands back a token twice', async () => {
    const page = new ListEgressResponse({ items: [new EgressInfo({ egressId: 'EG_1' })], nextPageToken: new TokenPagination({ token: 'again' }) });
    server.handle(() => ({ status: 200, headers: { 'content-type': 'application/protobuf' }, body: page.toBinary() }));
    const ids: string[] = [];
    const outcome = await (async () => {
      for await (const info of egress().iterateEgress()) ids.push(info.egressId);
    })().catch((err: unknown) => err);
    expect(outcome).toBeInstanceOf(ServerError);
    expect((outcome as ServerError).code).toBe('internal');
    expect(server.requests).toHaveLength(2);
    expect(ids).toEqual(['EG_1']);
  });

  it('declares only reads and layout updates as safe to repeat, and roomRecord for all', () => {
    const idempotent = methodsOf(EGRESS).filter((m) => m.idempotent).map((m) => m.method);
    expect(idempotent).toEqual(['UpdateLayout', 'ListEgress']);
    for (const m of methodsOf(EGRESS)) expect(m.grants(new m.input() as never)).toEqual({ video: { roomRecord: true } });
  });
});

describe('EgressClient caller mistakes, refused before any request', () => {
  const file = { filepath: 'a.mp4' };
  const cases: Array<[string, (c: EgressClient) => Promise<unknown>, ErrorConstructor | RangeErrorConstructor, RegExp]> = [
    ['an empty room name', (c) => c.startRoomCompositeEgress('', file), TypeError, /StartRoomCompositeEgress: roomName must be a non-empty string/],
    ['no output at all', (c) => c.startRoomCompositeEgress('standup', {}), TypeError, /an egress needs at least one output/],
    ['a bundle of nothing', (c) => c.startParticipantEgress('standup', 'alice', { file: undefined }), TypeError, /an egress needs at least one output/],
    ['an output of the wrong type', (c) => c.startRoomCompositeEgress('standup', 'a.mp4' as never), TypeError, /output must be an EncodedFileOutput/],
    ['an output field of the wrong type', (c) => c.startRoomCompositeEgress('standup', { filepath: 42 } as never), TypeError, /request\.fileOutputs\[0\]\.filepath must be a string, got 42/],
    ['audio only and video only', (c) => c.startWebEgress('https://example.com', file, { audioOnly: true, videoOnly: true }), RangeError, /audioOnly and videoOnly/],
    ['a web URL that is not http', (c) => c.startWebEgress('ftp://example.com', file), TypeError, /must be an http:\/\/ or https:\/\/ URL/],
    ['an empty identity', (c) => c.startParticipantEgress('standup', '', { file }), TypeError, /identity must be a non-empty string/],
    ['a track composite without tracks', (c) => c.startTrackCompositeEgress('standup', file, {}), TypeError, /pass audioTrackId, videoTrackId or both/],
    ['a track egress to a non-websocket URL', (c) => c.startTrackEgress('standup', 'https://x.example.com', 'TR_a'), TypeError, /ws:\/\/ or wss:\/\//],
    ['a track egress without a track', (c) => c.startTrackEgress('standup', { filepath: 'a.ogg' }, ''), TypeError, /trackId must be a non-empty string/],
    ['a bad preset number', (c) => c.startRoomCompositeEgress('standup', file, { encodingOptions: 99 as never }), RangeError, /must be one of H264_720P_30 \(0\)/],
    ['startEgress without a source', (c) => c.startEgress({ roomName: 'a', outputs: [{ config: { case: 'file', value: file } }] }), TypeError, /source must be set/],
    ['startEgress without outputs', (c) => c.startEgress({ roomName: 'a', source: { case: 'template', value: {} } }), TypeError, /outputs must hold at least one output/],
    ['an empty egress id', (c) => c.stopEgress(''), TypeError, /StopEgress: egressId must be a non-empty string/],
    ['a layout that is not a string', (c) => c.updateLayout('EG_1', 3 as never), TypeError, /layout must be a string/],
    ['stream URLs that are not strings', (c) => c.updateStream('EG_1', [1] as never), TypeError, /addOutputUrls\[0\] must be a non-empty string/],
    ['list options of the wrong type', (c) => c.listEgress(7 as never), TypeError, /ListEgress: options must be an object/],
    ['a list filter of the wrong type', (c) => c.listEgress({ active: 'yes' } as never), TypeError, /options\.active must be true or false/],
  ];
  it.each(cases)('%s', async (_name, attempt, type, message) => {
    const outcome = await attempt(egress()).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(outcome).toBeInstanceOf(type);
    expect((outcome as Error).message).toMatch(message);
    expect(server.requests).toHaveLength(0);
  });
});
