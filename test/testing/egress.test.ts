// The test server's Egress service, driven by raw HTTP requests built from protocol messages
// (no client under test): the roomRecord grant, "egress not connected", the worker's field
// checks, the life cycle and its webhooks, paging, both encodings, faults, and lk.egress.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  EgressInfo,
  EgressStatus,
  ListEgressRequest,
  ListEgressResponse,
  RoomCompositeEgressRequest,
  StopEgressRequest,
  StreamInfo_Status,
  TokenPagination,
  TrackEgressRequest,
  UpdateLayoutRequest,
  UpdateStreamRequest,
  WebEgressRequest,
} from '@livekit/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { call } from './helpers.js';

let lk: TestServer;
beforeAll(async () => {
  lk = await startTestServer({ egress: { pageSize: 2 } });
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

const record = (server: TestServer = lk) => server.token({ video: { roomRecord: true } });
const composite = (roomName = 'standup') => new RoomCompositeEgressRequest({ roomName, fileOutputs: [{ filepath: 'a.mp4' }] });

async function start(server: TestServer = lk, encoding: 'json' | 'protobuf' = 'protobuf'): Promise<EgressInfo> {
  const answer = await call(server, 'Egress.StartRoomCompositeEgress', composite(), { token: record(server), encoding });
  expect(answer.status).toBe(200);
  return encoding === 'json' ? EgressInfo.fromJsonString(answer.text) : EgressInfo.fromBinary(answer.bytes);
}

function twirp(answer: { status: number; json(): Record<string, unknown> }): { status: number; code: unknown; msg: unknown } {
  const body = answer.json();
  return { status: answer.status, code: body['code'], msg: body['msg'] };
}

describe('Egress on the test server', () => {
  it.each(['json', 'protobuf'] as const)('starts an egress in %s and answers in the same encoding', async (encoding) => {
    lk.seed.room('standup');
    const info = await start(lk, encoding);
    expect(info.egressId).toMatch(/^EG_[A-Za-z0-9]{12}$/);
    expect(info.status).toBe(EgressStatus.EGRESS_STARTING);
    expect(info.updatedAt).toBeGreaterThan(0n);
    expect(lk.egress.get(info.egressId)?.roomName).toBe('standup');
    const [request] = lk.requestsFor('Egress.StartRoomCompositeEgress');
    expect(request?.message?.fileOutputs[0]?.filepath).toBe('a.mp4');
  });

  it('answers JSON with snake_case names and every field, as a server', async () => {
    lk.seed.room('standup');
    const answer = await call(lk, 'Egress.StartRoomCompositeEgress', composite(), { token: record(), encoding: 'json' });
    expect(answer.json()).toMatchObject({ room_name: 'standup', status: 'EGRESS_STARTING', ended_at: '0' });
  });

  it('needs roomRecord for every method, and nothing else does', async () => {
    lk.seed.room('standup');
    const others = lk.token({ video: { roomAdmin: true, roomCreate: true, roomList: true, ingressAdmin: true, room: 'standup' } });
    for (const [method, body] of [
      ['StartRoomCompositeEgress', composite()],
      ['StartWebEgress', new WebEgressRequest({ url: 'https://example.com', fileOutputs: [{ filepath: 'a.mp4' }] })],
      ['StartTrackEgress', new TrackEgressRequest({ roomName: 'standup', trackId: 'TR_a', output: { case: 'websocketUrl', value: 'wss://x' } })],
      ['UpdateLayout', new UpdateLayoutRequest({ egressId: 'EG_x', layout: 'grid' })],
      ['UpdateStream', new UpdateStreamRequest({ egressId: 'EG_x' })],
      ['ListEgress', new ListEgressRequest()],
      ['StopEgress', new StopEgressRequest({ egressId: 'EG_x' })],
    ] as const) {
      expect(twirp(await call(lk, `Egress.${method}`, body, { token: others }))).toEqual({ status: 401, code: 'unauthenticated', msg: 'permissions denied' });
      expect((await call(lk, `Egress.${method}`, body, { token: record() })).status).not.toBe(401);
    }
    expect(lk.egress.list()).toHaveLength(3); // the three starts, once each
  });

  it('answers internal "egress not connected" after the grant check when egress is off', async () => {
    lk.egress.notConnected = true;
    expect(lk.egress.notConnected).toBe(true);
    expect(twirp(await call(lk, 'Egress.ListEgress', '{}', { token: lk.token({ video: { roomList: true } }) })).code).toBe('unauthenticated');
    expect(twirp(await call(lk, 'Egress.ListEgress', '{}', { token: record() }))).toEqual({
      status: 500,
      code: 'internal',
      msg: 'egress not connected (redis required)',
    });
    lk.reset();
    expect(lk.egress.notConnected).toBe(false);
    expect((await call(lk, 'Egress.ListEgress', '{}', { token: record() })).status).toBe(200);
  });

  it('starts without egress when told so by the option', async () => {
    const offline = await startTestServer({ egress: { notConnected: true } });
    try {
      offline.seed.room('standup');
      expect(twirp(await call(offline, 'Egress.StartRoomCompositeEgress', composite(), { token: record(offline) })).code).toBe('internal');
      expect(offline.egress.list()).toEqual([]);
    } finally {
      await offline.close();
    }
  });

  it.each([
    ['a missing room', composite('nowhere'), 'not_found', 'requested room does not exist'],
    ['no output', new RoomCompositeEgressRequest({ roomName: 'standup' }), 'invalid_argument', 'request has missing or invalid field: output'],
    ['two file outputs', new RoomCompositeEgressRequest({ roomName: 'standup', fileOutputs: [{ filepath: 'a' }, { filepath: 'b' }] }), 'invalid_argument', 'request has missing or invalid field: multiple file outputs'],
    ['audio only and video only', new RoomCompositeEgressRequest({ roomName: 'standup', audioOnly: true, videoOnly: true, fileOutputs: [{ filepath: 'a' }] }), 'invalid_argument', 'request has missing or invalid field: audio_only and video_only'],
    ['a stream without URLs', new RoomCompositeEgressRequest({ roomName: 'standup', streamOutputs: [{ urls: [] }] }), 'invalid_argument', 'request has missing or invalid field: stream url'],
    ['no room name', new RoomCompositeEgressRequest({ fileOutputs: [{ filepath: 'a' }] }), 'invalid_argument', 'request has missing or invalid field: room_name'],
  ])('refuses a room composite with %s', async (_name, body, code, msg) => {
    lk.seed.room('standup');
    expect(twirp(await call(lk, 'Egress.StartRoomCompositeEgress', body, { token: record() }))).toMatchObject({ code, msg });
    expect(lk.egress.list()).toEqual([]);
  });

  it('keeps and answers the request with storage credentials redacted, as the egress worker', async () => {
    lk.seed.room('standup');
    const s3 = { accessKey: 'AKIA123', secret: 'very-secret', bucket: 'recordings', sessionToken: '' };
    const body = new RoomCompositeEgressRequest({ roomName: 'standup', fileOutputs: [{ filepath: 'a.mp4', output: { case: 's3', value: s3 } }] });
    const answer = await call(lk, 'Egress.StartRoomCompositeEgress', body, { token: record() });
    expect(answer.text).not.toContain('very-secret');
    expect(answer.text).not.toContain('AKIA123');
    const stored = lk.egress.list()[0]?.request;
    const upload = stored?.case === 'roomComposite' ? stored.value.fileOutputs[0]?.output : undefined;
    expect(upload?.case === 's3' && upload.value).toMatchObject({ accessKey: '{access_key}', secret: '{secret}', bucket: 'recordings', sessionToken: '' });
    expect(lk.requestsFor('Egress.StartRoomCompositeEgress')[0]?.message?.fileOutputs[0]?.output.value).toMatchObject({ secret: 'very-secret' });
  });

  it('reads the deprecated single output field when the lists are empty', async () => {
    lk.seed.room('standup');
    const body = new RoomCompositeEgressRequest({ roomName: 'standup', output: { case: 'stream', value: { urls: ['rtmp://a/b'] } } });
    const info = EgressInfo.fromBinary((await call(lk, 'Egress.StartRoomCompositeEgress', body, { token: record(), encoding: 'protobuf' })).bytes);
    expect(info.streamResults.map((s) => s.url)).toEqual(['rtmp://a/b']);
  });

  it('refuses a web egress of a URL that is not http(s), and a track egress without a track', async () => {
    const web = new WebEgressRequest({ url: 'file:///etc/passwd', fileOutputs: [{ filepath: 'a' }] });
    expect(twirp(await call(lk, 'Egress.StartWebEgress', web, { token: record() })).msg).toBe('request has missing or invalid field: web url');
    lk.seed.room('standup');
    const track = new TrackEgressRequest({ roomName: 'standup', output: { case: 'websocketUrl', value: 'wss://x' } });
    expect(twirp(await call(lk, 'Egress.StartTrackEgress', track, { token: record() })).msg).toBe('request has missing or invalid field: track_id');
  });

  it('moves an egress through its states with advance, emitting egress_started, egress_updated and egress_ended', async () => {
    lk.seed.room('standup');
    const { egressId } = await start();
    expect(lk.egress.advance(egressId, 'active').startedAt).toBeGreaterThan(0n);
    expect(lk.egress.advance(egressId, EgressStatus.EGRESS_ENDING).status).toBe(EgressStatus.EGRESS_ENDING);
    const done = lk.egress.advance(egressId, 'EGRESS_COMPLETE');
    expect(done.endedAt).toBeGreaterThan(0n);
    const events = lk.events().filter((e) => e.egressInfo !== undefined);
    expect(events.map((e) => [e.event, e.egressInfo?.status])).toEqual([
      ['egress_started', EgressStatus.EGRESS_STARTING],
      ['egress_updated', EgressStatus.EGRESS_ACTIVE],
      ['egress_updated', EgressStatus.EGRESS_ENDING],
      ['egress_ended', EgressStatus.EGRESS_COMPLETE],
    ]);
    expect(() => lk.egress.advance(egressId, 'active')).toThrow(/EGRESS_COMPLETE cannot become EGRESS_ACTIVE/);
    expect(() => lk.egress.advance('EG_nope', 'active')).toThrow(RangeError);
    expect(() => lk.egress.advance(egressId, 'paused' as never)).toThrow(/status must be one of/);
  });

  it("sets the room's activeRecording while one of its egresses runs", async () => {
    lk.seed.room('standup');
    const { egressId } = await start();
    expect(lk.room('standup')?.activeRecording).toBe(false);
    lk.egress.advance(egressId, 'active');
    expect(lk.room('standup')?.activeRecording).toBe(true);
    lk.egress.advance(egressId, 'ending');
    expect(lk.room('standup')?.activeRecording).toBe(true);
    lk.egress.advance(egressId, 'complete');
    expect(lk.room('standup')?.activeRecording).toBe(false);
  });

  it('finishes the streams of an egress that completes', async () => {
    lk.seed.room('standup');
    const body = new RoomCompositeEgressRequest({ roomName: 'standup', streamOutputs: [{ urls: ['rtmp://a/x'] }] });
    const { egressId } = EgressInfo.fromBinary((await call(lk, 'Egress.StartRoomCompositeEgress', body, { token: record(), encoding: 'protobuf' })).bytes);
    expect(lk.egress.get(egressId)?.streamResults[0]?.status).toBe(StreamInfo_Status.ACTIVE);
    const done = lk.egress.advance(egressId, 'complete');
    expect(done.streamResults[0]).toMatchObject({ status: StreamInfo_Status.FINISHED, endedAt: done.endedAt });
  });

  it('records a failure with its error text', async () => {
    lk.seed.room('standup');
    const { egressId } = await start();
    const failed = lk.egress.advance(egressId, 'failed', { error: 'upload failed' });
    expect(failed).toMatchObject({ status: EgressStatus.EGRESS_FAILED, error: 'upload failed' });
    expect(lk.events().at(-1)?.event).toBe('egress_ended');
  });

  it('stops a starting or active egress (ending), and refuses to stop or update one that is not', async () => {
    lk.seed.room('standup');
    const { egressId } = await start();
    const stop = new StopEgressRequest({ egressId });
    const stopped = EgressInfo.fromBinary((await call(lk, 'Egress.StopEgress', stop, { token: record(), encoding: 'protobuf' })).bytes);
    expect(stopped.status).toBe(EgressStatus.EGRESS_ENDING);
    expect(twirp(await call(lk, 'Egress.StopEgress', stop, { token: record() }))).toEqual({
      status: 412,
      code: 'failed_precondition',
      msg: 'egress with status EGRESS_ENDING cannot be stopped',
    });
    expect(twirp(await call(lk, 'Egress.UpdateStream', new UpdateStreamRequest({ egressId }), { token: record() })).msg).toBe(
      'egress with status EGRESS_ENDING cannot be updated',
    );
    expect(twirp(await call(lk, 'Egress.StopEgress', new StopEgressRequest({ egressId: 'EG_nope' }), { token: record() }))).toEqual({
      status: 404,
      code: 'not_found',
      msg: 'egress does not exist',
    });
  });

  it('updates stream URLs, refusing to remove one the egress does not stream to', async () => {
    lk.seed.room('standup');
    const body = new RoomCompositeEgressRequest({ roomName: 'standup', streamOutputs: [{ urls: ['rtmp://a/x'] }] });
    const { egressId } = EgressInfo.fromBinary((await call(lk, 'Egress.StartRoomCompositeEgress', body, { token: record(), encoding: 'protobuf' })).bytes);
    const missing = new UpdateStreamRequest({ egressId, removeOutputUrls: ['rtmp://b/y'] });
    expect(twirp(await call(lk, 'Egress.UpdateStream', missing, { token: record() }))).toMatchObject({ code: 'not_found', msg: 'stream rtmp://b/y not found' });
    await call(lk, 'Egress.UpdateStream', new UpdateStreamRequest({ egressId, addOutputUrls: ['rtmp://b/y'], removeOutputUrls: ['rtmp://a/x'] }), { token: record() });
    expect(lk.egress.get(egressId)?.streamResults.map((s) => s.url)).toEqual(['rtmp://b/y']);
    expect(lk.events().at(-1)?.event).toBe('egress_updated');
  });

  it('updates the layout only of a template egress', async () => {
    lk.seed.room('standup');
    const { egressId } = await start();
    await call(lk, 'Egress.UpdateLayout', new UpdateLayoutRequest({ egressId, layout: 'speaker' }), { token: record() });
    const stored = lk.egress.get(egressId)?.request;
    expect(stored?.case === 'roomComposite' && stored.value.layout).toBe('speaker');
    const track = new TrackEgressRequest({ roomName: 'standup', trackId: 'TR_a', output: { case: 'websocketUrl', value: 'wss://x' } });
    const trackInfo = EgressInfo.fromBinary((await call(lk, 'Egress.StartTrackEgress', track, { token: record(), encoding: 'protobuf' })).bytes);
    const answer = await call(lk, 'Egress.UpdateLayout', new UpdateLayoutRequest({ egressId: trackInfo.egressId, layout: 'grid' }), { token: record() });
    expect(twirp(answer).code).toBe('not_found');
  });

  it('pages ListEgress with next_page_token, and filters by room, id and activity', async () => {
    lk.seed.room('a');
    lk.seed.room('b');
    const ids: string[] = [];
    for (const room of ['a', 'b', 'a', 'a', 'b']) {
      const body = new RoomCompositeEgressRequest({ roomName: room, fileOutputs: [{ filepath: 'x' }] });
      ids.push(EgressInfo.fromBinary((await call(lk, 'Egress.StartRoomCompositeEgress', body, { token: record(), encoding: 'protobuf' })).bytes).egressId);
    }
    lk.egress.advance(ids[0]!, 'complete');
    const list = async (request: ListEgressRequest) =>
      ListEgressResponse.fromBinary((await call(lk, 'Egress.ListEgress', request, { token: record(), encoding: 'protobuf' })).bytes);
    const first = await list(new ListEgressRequest());
    expect(first.items.map((i) => i.egressId)).toEqual(ids.slice(0, 2));
    const second = await list(new ListEgressRequest({ pageToken: first.nextPageToken! }));
    const third = await list(new ListEgressRequest({ pageToken: second.nextPageToken! }));
    expect([...second.items, ...third.items].map((i) => i.egressId)).toEqual(ids.slice(2));
    expect(third.nextPageToken).toBeUndefined();
    expect((await list(new ListEgressRequest({ roomName: 'a', active: true }))).items.map((i) => i.egressId)).toEqual([ids[2], ids[3]]);
    expect((await list(new ListEgressRequest({ egressId: ids[4]! }))).items.map((i) => i.roomName)).toEqual(['b']);
    const bad = await call(lk, 'Egress.ListEgress', new ListEgressRequest({ pageToken: new TokenPagination({ token: 'forged' }) }), { token: record() });
    expect(twirp(bad)).toMatchObject({ code: 'invalid_argument', msg: 'invalid page token' });
  });

  it('applies injected faults to Egress methods like any other', async () => {
    lk.failNext({ method: 'Egress.ListEgress', twirp: { code: 'unavailable', msg: 'no response from servers' } });
    expect(twirp(await call(lk, 'Egress.ListEgress', '{}', { token: record() }))).toEqual({ status: 503, code: 'unavailable', msg: 'no response from servers' });
    expect((await call(lk, 'Egress.ListEgress', '{}', { token: record() })).status).toBe(200);
  });

  it('moves egresses on by timers when asked, and forgets pending moves on reset', async () => {
    const timed = await startTestServer({ egress: { activeAfterMs: 5, completeAfterMs: 5 } });
    // Resolves when an egress has reached `status`, whenever its timer fires: no fixed sleeps.
    const reached = (egressId: string, status: EgressStatus) =>
      new Promise<void>((resolve) => {
        const done = () => timed.events().some((e) => e.egressInfo?.egressId === egressId && e.egressInfo.status === status);
        if (done()) return resolve();
        const stop = timed.onEvent(() => {
          if (done()) {
            stop();
            resolve();
          }
        });
      });
    try {
      timed.seed.room('standup');
      const { egressId } = await start(timed);
      await reached(egressId, EgressStatus.EGRESS_ACTIVE);
      await call(timed, 'Egress.StopEgress', new StopEgressRequest({ egressId }), { token: record(timed) });
      await reached(egressId, EgressStatus.EGRESS_COMPLETE);
      expect(timed.egress.get(egressId)?.endedAt).toBeGreaterThan(0n);

      const forgotten = await start(timed);
      timed.reset();
      timed.seed.room('standup');
      // Timers of equal delay fire in the order they were set: once the later one has, the
      // forgotten egress's would have too.
      const sentinel = await start(timed);
      await reached(sentinel.egressId, EgressStatus.EGRESS_ACTIVE);
      expect(timed.events().some((e) => e.egressInfo?.egressId === forgotten.egressId)).toBe(false);
    } finally {
      await timed.close();
    }
  });

  it('delivers the egress webhooks when webhooks are on', async () => {
    const received: string[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push((JSON.parse(body) as { event: string }).event);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hooked = await startTestServer({ webhooks: { urls: [`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`] } });
    try {
      hooked.seed.room('standup');
      const { egressId } = await start(hooked);
      hooked.egress.advance(egressId, 'active');
      await call(hooked, 'Egress.StopEgress', new StopEgressRequest({ egressId }), { token: record(hooked) });
      hooked.egress.advance(egressId, 'complete');
      await hooked.webhooks.flush();
      expect(received).toEqual(['room_started', 'egress_started', 'egress_updated', 'egress_updated', 'egress_ended']);
    } finally {
      await hooked.close();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('checks its options', async () => {
    await expect(startTestServer({ egress: { pageSize: 0 } })).rejects.toThrow(/egress.pageSize must be a positive integer/);
    await expect(startTestServer({ egress: { activeAfterMs: -1 } })).rejects.toThrow(/egress.activeAfterMs/);
    await expect(startTestServer({ egress: { notConnected: 'no' as never } })).rejects.toThrow(TypeError);
    expect(() => {
      lk.egress.notConnected = 'no' as never;
    }).toThrow(TypeError);
  });
});
