// The test server's Ingress service, driven by hand-built requests (no client under test):
// the server's checks in its order, both encodings, paging, the state a test moves with
// lk.ingress, and the ingress_started / ingress_ended events and webhooks that follow.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateIngressRequest,
  IngressInfo,
  IngressState_Status,
  ListIngressResponse,
  ParticipantInfo_Kind,
} from '@livekit/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { WebhookReceiver, type WebhookEvent } from '../../src/webhook/index.js';
import { call } from './helpers.js';

let lk: TestServer;
beforeAll(async () => {
  lk = await startTestServer({ ingress: { pageSize: 2, rtmpUrl: 'rtmp://ingest.test/x', whipUrl: 'https://ingest.test/w' } });
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

const admin = () => lk.token({ video: { ingressAdmin: true } });
const create = async (body: string) => call(lk, 'Ingress.CreateIngress', body, { token: admin() });
const created = async (body: string): Promise<IngressInfo> => {
  const answer = await create(body);
  expect(answer.status).toBe(200);
  return IngressInfo.fromJsonString(answer.text);
};
const expectTwirp = (answer: { status: number; json(): Record<string, unknown> }, code: string, msg: string) => {
  expect({ status: answer.status, code: answer.json()['code'], msg: answer.json()['msg'] }).toMatchObject({ code, msg });
};
const RTMP = '{"input_type":"RTMP_INPUT","room_name":"stage","participant_identity":"obs"}';

describe('Ingress: CreateIngress', () => {
  it('gives RTMP and WHIP ingresses an IN_ id, a stream key and the configured URL', async () => {
    const rtmp = await created(RTMP);
    expect(rtmp.ingressId).toMatch(/^IN_[A-Za-z0-9]{12}$/);
    expect(rtmp.streamKey).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(rtmp.url).toBe('rtmp://ingest.test/x');
    const whip = await created('{"input_type":"WHIP_INPUT","room_name":"stage","participant_identity":"cam"}');
    expect(whip.url).toBe('https://ingest.test/w');
    expect(whip.streamKey).not.toBe(rtmp.streamKey);
  });

  it('answers in protobuf to a protobuf request', async () => {
    const request = new CreateIngressRequest({ inputType: 1, roomName: 'stage', participantIdentity: 'cam' });
    const answer = await call(lk, 'Ingress.CreateIngress', request, { encoding: 'protobuf', token: admin() });
    expect(answer.contentType).toBe('application/protobuf');
    expect(IngressInfo.fromBinary(answer.bytes).participantIdentity).toBe('cam');
  });

  it('refuses an unknown input type with "invalid ingress type" before looking at the token', async () => {
    const answer = await call(lk, 'Ingress.CreateIngress', '{"input_type":9,"participant_identity":"x"}', { token: null });
    expect(answer.status).toBe(400);
    expectTwirp(answer, 'invalid_argument', 'invalid ingress type');
  });

  it('checks the grant before anything else but the input type', async () => {
    expectTwirp(await call(lk, 'Ingress.CreateIngress', '{"input_type":"URL_INPUT"}', { token: null }), 'unauthenticated', 'permissions denied');
    const roomAdminOnly = lk.token({ video: { roomAdmin: true, roomCreate: true } });
    expectTwirp(await call(lk, 'Ingress.CreateIngress', RTMP, { token: roomAdminOnly }), 'unauthenticated', 'permissions denied');
  });

  it.each([
    ['no URL', '{"input_type":"URL_INPUT","room_name":"r","participant_identity":"p"}', 'invalid ingress: missing URL parameter'],
    ['an rtmp URL', '{"input_type":"URL_INPUT","room_name":"r","participant_identity":"p","url":"rtmp://x/live"}', 'invalid ingress: invalid url scheme rtmp'],
    ['no room', '{"input_type":"URL_INPUT","participant_identity":"p","url":"https://x/a.mp4"}', 'invalid ingress: no room name'],
    ['disabled', '{"input_type":"URL_INPUT","room_name":"r","participant_identity":"p","url":"https://x/a","enabled":false}', 'invalid ingress: disabled non reusable ingress'],
    ['no identity', '{"input_type":"RTMP_INPUT","room_name":"r"}', 'invalid ingress: no participant identity'],
    ['WHIP without transcoding but with an audio preset', '{"input_type":"WHIP_INPUT","participant_identity":"p","audio":{"preset":"OPUS_MONO_64KBS"}}', 'invalid transcoding bypass configuration: audio encoding options must be empty if transcoding is disabled'],
    ['an odd layer width', '{"input_type":"RTMP_INPUT","participant_identity":"p","video":{"options":{"layers":[{"width":641,"height":480}]}}}', 'invalid ingress: layer width must be even'],
    ['three audio channels', '{"input_type":"RTMP_INPUT","participant_identity":"p","audio":{"options":{"channels":3}}}', 'invalid audio parameters: invalid audio channel count'],
  ])('refuses a URL or option mistake (%s) with invalid_argument', async (_name, body, msg) => {
    expectTwirp(await create(body), 'invalid_argument', msg);
    expect(lk.ingress.list()).toEqual([]);
  });

  it('accepts http, https and srt URL inputs and keeps the URL, its scheme in lower case', async () => {
    for (const url of ['http://a/b.mp4', 'HTTPS://a/b.m3u8', 'srt://a:9000?streamid=x']) {
      const info = await created(JSON.stringify({ input_type: 'URL_INPUT', room_name: 'r', participant_identity: 'p', url }));
      expect(info.url).toBe(url.replace('HTTPS', 'https'));
    }
  });
});

describe('Ingress: UpdateIngress, ListIngress, DeleteIngress', () => {
  it('UpdateIngress and DeleteIngress of a missing id are not_found, and so is ListIngress by that id', async () => {
    for (const method of ['UpdateIngress', 'DeleteIngress', 'ListIngress']) {
      expectTwirp(await call(lk, `Ingress.${method}`, '{"ingress_id":"IN_missing"}', { token: admin() }), 'not_found', 'ingress does not exist');
    }
  });

  it('a refused update changes nothing', async () => {
    const info = await created(RTMP);
    const answer = await call(lk, 'Ingress.UpdateIngress', JSON.stringify({ ingress_id: info.ingressId, name: 'new', enable_transcoding: false }), { token: admin() });
    expect(answer.status).toBe(400);
    expect(lk.ingress.get(info.ingressId)?.name).toBe('');
  });

  it('pages ListIngress with next_page_token and refuses a token it did not hand out', async () => {
    for (let i = 0; i < 3; i++) await created(RTMP);
    const first = ListIngressResponse.fromJsonString((await call(lk, 'Ingress.ListIngress', '{}', { token: admin() })).text);
    expect(first.items).toHaveLength(2);
    expect(first.nextPageToken?.token).not.toBe('');
    const second = ListIngressResponse.fromJsonString(
      (await call(lk, 'Ingress.ListIngress', JSON.stringify({ page_token: { token: first.nextPageToken?.token } }), { token: admin() })).text,
    );
    expect(second.items).toHaveLength(1);
    expect(second.nextPageToken).toBeUndefined();
    expectTwirp(await call(lk, 'Ingress.ListIngress', '{"page_token":{"token":"nope"}}', { token: admin() }), 'invalid_argument', 'invalid page token');
  });

  it('answers internal "ingress not connected (redis required)" when switched off, after the grant check', async () => {
    lk.ingress.notConnected = true;
    expectTwirp(await call(lk, 'Ingress.ListIngress', '{}', { token: null }), 'unauthenticated', 'permissions denied');
    const answer = await call(lk, 'Ingress.ListIngress', '{}', { token: admin() });
    expect(answer.status).toBe(500);
    expectTwirp(answer, 'internal', 'ingress not connected (redis required)');
  });

  it('starts switched off with the notConnected option', async () => {
    const off = await startTestServer({ ingress: { notConnected: true } });
    try {
      expectTwirp(await call(off, 'Ingress.CreateIngress', RTMP, { token: off.token({ video: { ingressAdmin: true } }) }), 'internal', 'ingress not connected (redis required)');
      off.reset();
      expect(off.ingress.notConnected).toBe(true);
    } finally {
      await off.close();
    }
  });

  it('refuses a pageSize that is not a non-negative integer', async () => {
    await expect(startTestServer({ ingress: { pageSize: -1 } })).rejects.toThrow(RangeError);
  });
});

describe('Ingress: streams moved by the test', () => {
  it('start publishes: the ingress participant joins the room, then ingress_started', async () => {
    const info = await created(RTMP);
    const started = lk.ingress.start(info.ingressId);
    expect(started.state?.status).toBe(IngressState_Status.ENDPOINT_PUBLISHING);
    expect(started.state?.roomId).toBe(lk.room('stage')?.sid);
    expect(lk.participant('stage', 'obs')?.kind).toBe(ParticipantInfo_Kind.INGRESS);
    const last = lk.events().at(-1);
    expect(last?.event).toBe('ingress_started');
    expect(last?.ingressInfo?.ingressId).toBe(info.ingressId);
    expect(last?.room?.name).toBe('stage');
  });

  it('end stops it: the participant leaves, ingress_ended, and the RTMP key can be used again', async () => {
    const { ingressId } = await created(RTMP);
    lk.ingress.start(ingressId);
    const ended = lk.ingress.end(ingressId);
    expect(ended.state?.status).toBe(IngressState_Status.ENDPOINT_INACTIVE);
    expect(lk.participant('stage', 'obs')).toBeUndefined();
    expect(lk.events().slice(-2).map((e) => e.event)).toEqual(['participant_left', 'ingress_ended']);
    expect(lk.ingress.start(ingressId).state?.status).toBe(IngressState_Status.ENDPOINT_PUBLISHING);
    expect(lk.ingress.end(ingressId, { error: 'stream lost' }).state).toMatchObject({ status: IngressState_Status.ENDPOINT_ERROR, error: 'stream lost' });
  });

  it('a URL ingress completes when it ends', async () => {
    const { ingressId } = await created('{"input_type":"URL_INPUT","room_name":"r","participant_identity":"p","url":"https://x/a.mp4"}');
    lk.ingress.start(ingressId);
    expect(lk.ingress.end(ingressId).state?.status).toBe(IngressState_Status.ENDPOINT_COMPLETE);
  });

  it('deleting a live ingress ends it first', async () => {
    const { ingressId } = await created(RTMP);
    lk.ingress.start(ingressId);
    const answer = await call(lk, 'Ingress.DeleteIngress', JSON.stringify({ ingress_id: ingressId }), { token: admin() });
    expect(IngressInfo.fromJsonString(answer.text).state?.status).toBe(IngressState_Status.ENDPOINT_INACTIVE);
    expect(lk.events().at(-1)?.event).toBe('ingress_ended');
    expect(lk.participants('stage')).toEqual([]);
  });

  it('start and end throw RangeError for what a stream could not do', async () => {
    expect(() => lk.ingress.start('IN_missing')).toThrow(RangeError);
    const noRoom = await created('{"input_type":"RTMP_INPUT","participant_identity":"p"}');
    expect(() => lk.ingress.start(noRoom.ingressId)).toThrow(/no room/);
    const disabled = await created('{"input_type":"RTMP_INPUT","room_name":"r","participant_identity":"p","enabled":false}');
    expect(() => lk.ingress.start(disabled.ingressId)).toThrow(/disabled/);
    const idle = await created(RTMP);
    expect(() => lk.ingress.end(idle.ingressId)).toThrow(/not live/);
    lk.ingress.start(idle.ingressId);
    expect(() => lk.ingress.start(idle.ingressId)).toThrow(/already publishing/);
  });

  it('sends ingress_started and ingress_ended as signed webhooks', async () => {
    const received: WebhookEvent[] = [];
    const endpoint = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        receiver.receive(Buffer.concat(chunks), req.headers.authorization).then(
          (event) => (received.push(event), res.writeHead(200).end()),
          () => res.writeHead(401).end(),
        );
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const hooked = await startTestServer({ webhooks: { urls: [`http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/`] } });
    const receiver = new WebhookReceiver(hooked.apiKey, hooked.apiSecret);
    try {
      const answer = await call(hooked, 'Ingress.CreateIngress', RTMP, { token: hooked.token({ video: { ingressAdmin: true } }) });
      const { ingressId } = IngressInfo.fromJsonString(answer.text);
      hooked.ingress.start(ingressId);
      hooked.ingress.end(ingressId);
      await hooked.webhooks.flush();
      const ingressEvents = received.filter((e) => e.event.startsWith('ingress_'));
      expect(ingressEvents.map((e) => [e.event, e.ingressInfo?.ingressId, e.room?.name])).toEqual([
        ['ingress_started', ingressId, 'stage'],
        ['ingress_ended', ingressId, 'stage'],
      ]);
    } finally {
      await hooked.close();
      await new Promise((resolve) => endpoint.close(resolve));
    }
  });
});
