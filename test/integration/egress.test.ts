// EgressClient against the project's LiveKit test server over real loopback HTTP, in both
// encodings: every method, and every way the server refuses (missing grant, not_found,
// invalid_argument, failed_precondition, egress not connected).
import {
  EgressInfo,
  EgressSourceType,
  EgressStatus,
  EncodedFileType,
  EncodingOptionsPreset,
  StreamProtocol,
} from '@livekit/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ServerError } from '../../src/rpc/errors.js';
import type { ClientOptions } from '../../src/rpc/options.js';
import { EgressClient } from '../../src/services/egress.js';
import { LiveKitAPI } from '../../src/services/livekit-api.js';
import { startTestServer } from '../../src/testing/index.js';
import type { TestServer } from '../../src/testing/index.js';
import { failure } from './outcome.js';

let lk: TestServer;
beforeAll(async () => {
  lk = await startTestServer({ egress: { pageSize: 2 } });
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

async function serverError(promise: Promise<unknown>): Promise<ServerError> {
  const error = await failure(promise);
  expect(error).toBeInstanceOf(ServerError);
  return error as ServerError;
}

const RTMP = 'rtmp://live.example.com/app/key';

describe.each(['protobuf', 'json'] as const)('EgressClient against the test server (%s)', (encoding) => {
  const client = (options: ClientOptions = {}) => new EgressClient(lk.url, lk.apiKey, lk.apiSecret, { encoding, ...options });

  describe('every method', () => {
    it('startRoomCompositeEgress starts a starting egress of the room, with the request kept', async () => {
      const room = lk.seed.room('standup');
      const info = await client().startRoomCompositeEgress('standup', { filepath: 'standup.mp4' }, { layout: 'speaker', encodingOptions: EncodingOptionsPreset.H264_720P_30 });
      expect(info).toBeInstanceOf(EgressInfo);
      expect(info.egressId).toMatch(/^EG_[A-Za-z0-9]{12}$/);
      expect(info).toMatchObject({ roomName: 'standup', roomId: room.sid, status: EgressStatus.EGRESS_STARTING, sourceType: EgressSourceType.WEB });
      expect(info.request.case).toBe('roomComposite');
      expect(info.request.case === 'roomComposite' && info.request.value.options).toEqual({ case: 'preset', value: EncodingOptionsPreset.H264_720P_30 });
      expect(info.fileResults.map((f) => f.filename)).toEqual(['standup.mp4']);
      const [request] = lk.requestsFor('Egress.StartRoomCompositeEgress');
      expect(request?.encoding).toBe(encoding);
      expect(request?.claims?.video).toEqual({ roomRecord: true });
      expect(request?.message?.layout).toBe('speaker');
    });

    it('startRoomCompositeEgress in the positional form', async () => {
      lk.seed.room('standup');
      const info = await client().startRoomCompositeEgress('standup', { protocol: StreamProtocol.RTMP, urls: [RTMP] }, 'grid', EncodingOptionsPreset.H264_1080P_30, true);
      expect(info.streamResults.map((s) => s.url)).toEqual([RTMP]);
      expect(lk.requestsFor('Egress.StartRoomCompositeEgress')[0]?.message).toMatchObject({ layout: 'grid', audioOnly: true });
    });

    it('startWebEgress records a page, with no room', async () => {
      const info = await client().startWebEgress('https://example.com/dash', { segments: { filenamePrefix: 'hls/seg', playlistName: 'index.m3u8' } });
      expect(info).toMatchObject({ roomName: '', roomId: '', sourceType: EgressSourceType.WEB });
      expect(info.segmentResults.map((s) => s.playlistName)).toEqual(['index.m3u8']);
    });

    it('startParticipantEgress records a participant', async () => {
      lk.seed.participant('standup', { identity: 'alice' });
      const info = await client().startParticipantEgress('standup', 'alice', { file: { filepath: 'alice.mp4' }, images: { captureInterval: 10 } }, { screenShare: true });
      expect(info.sourceType).toBe(EgressSourceType.SDK);
      expect(info.request.case === 'participant' && info.request.value).toMatchObject({ identity: 'alice', screenShare: true });
      expect(info.imageResults).toHaveLength(1);
    });

    it('startTrackCompositeEgress, in both forms', async () => {
      lk.seed.room('standup');
      const a = await client().startTrackCompositeEgress('standup', { fileType: EncodedFileType.OGG, filepath: 'a.ogg' }, { audioTrackId: 'TR_a' });
      const b = await client().startTrackCompositeEgress('standup', { filepath: 'b.mp4' }, 'TR_a', 'TR_v');
      expect(a.request.case === 'trackComposite' && a.request.value.audioTrackId).toBe('TR_a');
      expect(b.request.case === 'trackComposite' && b.request.value.videoTrackId).toBe('TR_v');
    });

    it('startTrackEgress to a file and to a websocket', async () => {
      lk.seed.room('standup');
      const toFile = await client().startTrackEgress('standup', { filepath: 'tracks/a.ogg' }, 'TR_a');
      const toSocket = await client().startTrackEgress('standup', 'wss://stt.example.com/in', 'TR_a');
      expect(toFile.fileResults[0]?.filename).toBe('tracks/a.ogg');
      expect(toSocket.streamResults[0]?.url).toBe('wss://stt.example.com/in');
    });

    it('startEgress takes a plain object of StartEgressRequest', async () => {
      lk.seed.room('standup');
      const info = await client().startEgress({
        roomName: 'standup',
        source: { case: 'template', value: { layout: 'grid' } },
        outputs: [{ config: { case: 'file', value: { filepath: 'v2.mp4' } } }],
      });
      expect(info.request.case).toBe('egress');
      expect(info.fileResults[0]?.filename).toBe('v2.mp4');
    });

    it('updateLayout changes the layout of a running room composite egress', async () => {
      lk.seed.room('standup');
      const { egressId } = await client().startRoomCompositeEgress('standup', { filepath: 'a.mp4' }, { layout: 'grid' });
      const info = await client().updateLayout(egressId, 'speaker');
      expect(info.request.case === 'roomComposite' && info.request.value.layout).toBe('speaker');
    });

    it('updateStream adds and removes stream URLs', async () => {
      lk.seed.room('standup');
      const { egressId } = await client().startRoomCompositeEgress('standup', { protocol: StreamProtocol.RTMP, urls: [RTMP] });
      lk.egress.advance(egressId, 'active');
      const info = await client().updateStream(egressId, ['rtmp://b.example.com/live/k'], [RTMP]);
      expect(info.streamResults.map((s) => s.url)).toEqual(['rtmp://b.example.com/live/k']);
    });

    it('listEgress returns the first page, by room, by id, or active only', async () => {
      lk.seed.room('a');
      lk.seed.room('b');
      const one = await client().startRoomCompositeEgress('a', { filepath: '1.mp4' });
      await client().startRoomCompositeEgress('b', { filepath: '2.mp4' });
      await client().startRoomCompositeEgress('a', { filepath: '3.mp4' });
      lk.egress.advance(one.egressId, 'complete');
      expect(await client().listEgress()).toHaveLength(2); // the page size
      expect((await client().listEgress('a')).map((e) => e.egressId)[0]).toBe(one.egressId);
      expect(await client().listEgress({ roomName: 'a', active: true })).toHaveLength(1);
      expect((await client().listEgress({ egressId: one.egressId }))[0]?.status).toBe(EgressStatus.EGRESS_COMPLETE);
    });

    it('iterateEgress follows next_page_token over every page', async () => {
      lk.seed.room('standup');
      const started: string[] = [];
      for (let i = 0; i < 5; i++) started.push((await client().startRoomCompositeEgress('standup', { filepath: `${i}.mp4` })).egressId);
      const seen: string[] = [];
      for await (const info of client().iterateEgress({ roomName: 'standup' })) seen.push(info.egressId);
      expect(seen).toEqual(started);
      const pages = lk.requestsFor('Egress.ListEgress');
      expect(pages).toHaveLength(3);
      expect(pages[1]?.message?.pageToken?.token).toBe(started[1]);
      expect(pages.every((p) => p.message?.roomName === 'standup')).toBe(true);
    });

    it('stopEgress ends a running egress: ending, then complete when the test says so', async () => {
      lk.seed.room('standup');
      const { egressId } = await client().startRoomCompositeEgress('standup', { filepath: 'a.mp4' });
      expect((await client().stopEgress(egressId)).status).toBe(EgressStatus.EGRESS_ENDING);
      expect(lk.egress.advance(egressId, 'complete').status).toBe(EgressStatus.EGRESS_COMPLETE);
      expect(lk.events().filter((e) => e.event.startsWith('egress')).map((e) => e.event)).toEqual(['egress_started', 'egress_updated', 'egress_ended']);
    });
  });

  describe('what the server refuses', () => {
    it('a token without roomRecord: unauthenticated', async () => {
      const token = lk.token({ video: { roomAdmin: true, roomList: true, roomCreate: true } });
      const restricted = new EgressClient(lk.url, undefined, undefined, { encoding, token });
      const error = await serverError(restricted.listEgress());
      expect(error).toMatchObject({ code: 'unauthenticated', status: 401, msg: 'permissions denied', service: 'Egress', method: 'ListEgress' });
      lk.seed.room('standup');
      expect((await serverError(restricted.startRoomCompositeEgress('standup', { filepath: 'a.mp4' }))).code).toBe('unauthenticated');
      expect(lk.egress.list()).toEqual([]);
    });

    it('an unknown egress or room: not_found', async () => {
      for (const attempt of [client().stopEgress('EG_missing'), client().updateLayout('EG_missing', 'grid'), client().updateStream('EG_missing', [RTMP]), client().listEgress({ egressId: 'EG_missing' })]) {
        expect(await serverError(attempt)).toMatchObject({ code: 'not_found', status: 404, msg: 'egress does not exist' });
      }
      expect(await serverError(client().startRoomCompositeEgress('nowhere', { filepath: 'a.mp4' }))).toMatchObject({ code: 'not_found', msg: 'requested room does not exist' });
    });

    it('an output the egress cannot use: invalid_argument', async () => {
      lk.seed.room('standup');
      const error = await serverError(client().startRoomCompositeEgress('standup', { protocol: StreamProtocol.RTMP, urls: [] }));
      expect(error).toMatchObject({ code: 'invalid_argument', status: 400, msg: 'request has missing or invalid field: stream url' });
      const twoFiles = await serverError(
        client().startEgress({
          roomName: 'standup',
          source: { case: 'template', value: {} },
          outputs: [{ config: { case: 'file', value: { filepath: 'a.mp4' } } }, { config: { case: 'file', value: { filepath: 'b.mp4' } } }],
        }),
      );
      expect(twoFiles.msg).toBe('request has missing or invalid field: multiple file outputs');
    });

    it('stopping or updating an egress that has ended: failed_precondition', async () => {
      lk.seed.room('standup');
      const { egressId } = await client().startRoomCompositeEgress('standup', { protocol: StreamProtocol.RTMP, urls: [RTMP] });
      lk.egress.advance(egressId, 'complete');
      expect(await serverError(client().stopEgress(egressId))).toMatchObject({
        code: 'failed_precondition',
        status: 412,
        msg: 'egress with status EGRESS_COMPLETE cannot be stopped',
      });
      expect((await serverError(client().updateStream(egressId, ['rtmp://b/x']))).msg).toBe('egress with status EGRESS_COMPLETE cannot be updated');
      expect((await serverError(client().updateLayout(egressId, 'grid'))).code).toBe('failed_precondition');
    });

    it('a server without egress: internal "egress not connected", after the grant check', async () => {
      lk.egress.notConnected = true;
      lk.seed.room('standup');
      expect(await serverError(client().listEgress())).toMatchObject({ code: 'internal', status: 500, msg: 'egress not connected (redis required)' });
      expect((await serverError(client().startRoomCompositeEgress('standup', { filepath: 'a.mp4' }))).code).toBe('internal');
      const noGrant = new EgressClient(lk.url, undefined, undefined, { encoding, token: lk.token({ video: { roomList: true } }) });
      expect((await serverError(noGrant.listEgress())).code).toBe('unauthenticated');
    });

    it('a start is not repeated after an unavailable answer; a list is', async () => {
      lk.seed.room('standup');
      lk.failNext({ method: 'Egress.StartRoomCompositeEgress', twirp: { code: 'unavailable', msg: 'no response from servers' } });
      expect((await serverError(client({ retries: 2 }).startRoomCompositeEgress('standup', { filepath: 'a.mp4' }))).code).toBe('unavailable');
      expect(lk.requestsFor('Egress.StartRoomCompositeEgress')).toHaveLength(1);
      lk.failNext({ method: 'Egress.ListEgress', twirp: { code: 'unavailable' } });
      expect(await client({ retries: 2 }).listEgress()).toEqual([]);
      expect(lk.requestsFor('Egress.ListEgress')).toHaveLength(2);
    });
  });
});

describe('LiveKitAPI.egress', () => {
  it('shares the transport of the other clients and reaches the Egress service', async () => {
    const api = new LiveKitAPI({ host: lk.url, apiKey: lk.apiKey, secret: lk.apiSecret });
    expect(api.egress).toBeInstanceOf(EgressClient);
    await api.room.createRoom({ name: 'standup' });
    const info = await api.egress.startRoomCompositeEgress('standup', { filepath: 'a.mp4' });
    expect((await api.egress.listEgress('standup')).map((e) => e.egressId)).toEqual([info.egressId]);
  });
});
