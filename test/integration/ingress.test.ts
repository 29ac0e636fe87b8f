// IngressClient against the project's LiveKit test server over loopback HTTP, in both
// encodings: every method, paging, and every way a call fails (missing grant, not_found,
// invalid_argument, ingress not configured), plus caller mistakes refused before any request.
import { IngressAudioEncodingPreset, IngressInfo, IngressInput, IngressState_Status, IngressVideoEncodingPreset, TrackSource } from '@livekit/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ServerError } from '../../src/rpc/errors.js';
import { IngressClient } from '../../src/services/ingress.js';
import { LiveKitAPI } from '../../src/services/livekit-api.js';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { failure } from './outcome.js';

let lk: TestServer;
beforeAll(async () => {
  lk = await startTestServer({ ingress: { pageSize: 2 } });
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

const rtmp = { roomName: 'stage', participantIdentity: 'obs' };

describe.each(['protobuf', 'json'] as const)('IngressClient against the test server (%s)', (encoding) => {
  const client = (token?: string) =>
    token === undefined ? new IngressClient(lk.url, lk.apiKey, lk.apiSecret, { encoding }) : new IngressClient(lk.url, undefined, undefined, { encoding, token });

  it('createIngress RTMP returns the stream key and URL, signed with ingressAdmin only', async () => {
    const info = await client().createIngress(IngressInput.RTMP_INPUT, { ...rtmp, name: 'main', participantName: 'OBS' });
    expect(info).toBeInstanceOf(IngressInfo);
    expect(info).toMatchObject({ name: 'main', roomName: 'stage', participantIdentity: 'obs', participantName: 'OBS', reusable: true, enableTranscoding: true });
    expect(info.ingressId).toMatch(/^IN_/);
    expect(info.streamKey).not.toBe('');
    expect(info.url).toMatch(/^rtmp:\/\/.+\/x$/);
    expect(info.state?.status).toBe(IngressState_Status.ENDPOINT_INACTIVE);
    const [request] = lk.requestsFor('Ingress.CreateIngress');
    expect(request?.encoding).toBe(encoding);
    expect(request?.claims?.video).toEqual({ ingressAdmin: true });
    expect(lk.ingress.get(info.ingressId)?.streamKey).toBe(info.streamKey);
  });

  it('createIngress WHIP does not transcode by default; a URL input pulls at once', async () => {
    const whip = await client().createIngress(IngressInput.WHIP_INPUT, { roomName: 'stage', participantIdentity: 'cam' });
    expect(whip.url).toMatch(/\/w$/);
    expect(whip).toMatchObject({ enableTranscoding: false, bypassTranscoding: true });
    const pull = await client().createIngress(IngressInput.URL_INPUT, { ...rtmp, url: 'srt://media.example:9000' });
    expect(pull).toMatchObject({ url: 'srt://media.example:9000', streamKey: '', reusable: false });
    expect(pull.state?.status).toBe(IngressState_Status.ENDPOINT_BUFFERING);
  });

  it('createIngress passes audio and video options, as instances or plain objects', async () => {
    const info = await client().createIngress(IngressInput.RTMP_INPUT, {
      ...rtmp,
      enabled: false,
      audio: { name: 'mic', source: TrackSource.MICROPHONE, encodingOptions: { case: 'preset', value: IngressAudioEncodingPreset.OPUS_STEREO_96KBPS } },
      // The oneof member and the enum by name, as buildMessage also takes them at run time.
      video: { source: 'SCREEN_SHARE', preset: 'H264_1080P_30FPS_3_LAYERS' } as never,
    });
    expect(info.enabled).toBe(false);
    expect(info.audio?.encodingOptions).toEqual({ case: 'preset', value: IngressAudioEncodingPreset.OPUS_STEREO_96KBPS });
    expect(info.video?.source).toBe(TrackSource.SCREEN_SHARE);
    expect(info.video?.encodingOptions).toEqual({ case: 'preset', value: IngressVideoEncodingPreset.H264_1080P_30FPS_3_LAYERS });
  });

  it('updateIngress changes what it is given and keeps the rest', async () => {
    const created = await client().createIngress(IngressInput.RTMP_INPUT, { ...rtmp, participantName: 'OBS' });
    const updated = await client().updateIngress(created.ingressId, { roomName: 'stage-2', name: 'renamed' });
    expect(updated).toMatchObject({ roomName: 'stage-2', name: 'renamed', participantName: 'OBS', streamKey: created.streamKey });
    expect(lk.ingress.get(created.ingressId)?.roomName).toBe('stage-2');
  });

  it('listIngress filters by room or id and returns the first page, as the peer', async () => {
    for (const room of ['a', 'a', 'a', 'b']) await client().createIngress(IngressInput.RTMP_INPUT, { roomName: room, participantIdentity: 'x' });
    expect(await client().listIngress()).toHaveLength(2);
    const inB = await client().listIngress('b');
    expect(inB.map((i) => i.roomName)).toEqual(['b']);
    const [one] = await client().listIngress({ ingressId: inB[0]!.ingressId });
    expect(one?.ingressId).toBe(inB[0]!.ingressId);
  });

  it('iterateIngress reads every page, following next_page_token', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await client().createIngress(IngressInput.RTMP_INPUT, { roomName: 'a', participantIdentity: `p${i}` })).ingressId);
    const seen: string[] = [];
    for await (const info of client().iterateIngress({ roomName: 'a' })) seen.push(info.ingressId);
    expect(seen).toEqual(ids);
    expect(lk.requestsFor('Ingress.ListIngress').map((r) => r.message?.pageToken?.token ?? '')).toEqual(['', '2', '4']);
  });

  it('deleteIngress removes it; a second delete, an update or a lookup of it is not_found', async () => {
    const { ingressId } = await client().createIngress(IngressInput.RTMP_INPUT, rtmp);
    const deleted = await client().deleteIngress(ingressId);
    expect(deleted.ingressId).toBe(ingressId);
    expect(lk.ingress.list()).toEqual([]);
    for (const call of [client().deleteIngress(ingressId), client().updateIngress(ingressId, { name: 'x' }), client().listIngress({ ingressId })]) {
      expect(await failure(call)).toMatchObject({ code: 'not_found', status: 404, msg: 'ingress does not exist' });
    }
  });

  it('a token without ingressAdmin is unauthenticated, for every method', async () => {
    const weak = client(lk.token({ video: { roomAdmin: true, roomCreate: true, roomList: true, roomRecord: true } }));
    for (const call of [
      weak.createIngress(IngressInput.RTMP_INPUT, rtmp),
      weak.updateIngress('IN_x', { name: 'x' }),
      weak.listIngress(),
      weak.deleteIngress('IN_x'),
    ]) {
      const err = await failure(call);
      expect(err).toBeInstanceOf(ServerError);
      expect(err).toMatchObject({ code: 'unauthenticated', status: 401, service: 'Ingress' });
    }
  });

  it('the server refuses what it cannot accept with invalid_argument', async () => {
    const err = await failure(client().createIngress(IngressInput.RTMP_INPUT, { ...rtmp, enableTranscoding: false }));
    expect(err).toMatchObject({ code: 'invalid_argument', msg: 'invalid transcoding bypass configuration: bypassing transcoding impossible with selected input type' });
    const pull = await client().createIngress(IngressInput.URL_INPUT, { ...rtmp, url: 'https://example.com/a.mp4' });
    expect(await failure(client().updateIngress(pull.ingressId, { name: 'x' }))).toMatchObject({
      code: 'invalid_argument',
      msg: 'ingress is not reusable and cannot be modified',
    });
    const video = { source: TrackSource.MICROPHONE };
    expect(await failure(client().createIngress(IngressInput.RTMP_INPUT, { ...rtmp, video }))).toMatchObject({
      code: 'invalid_argument',
      msg: 'invalid video parameters: invalid track source',
    });
  });

  it('a server without ingress configured answers internal "ingress not connected", for every method', async () => {
    lk.ingress.notConnected = true;
    for (const call of [
      client().createIngress(IngressInput.RTMP_INPUT, rtmp),
      client().updateIngress('IN_x', { name: 'x' }),
      client().listIngress(),
      client().deleteIngress('IN_x'),
    ]) {
      expect(await failure(call)).toMatchObject({ code: 'internal', status: 500, msg: 'ingress not connected (redis required)' });
    }
    lk.reset();
    expect(lk.ingress.notConnected).toBe(false);
    expect(await client().listIngress()).toEqual([]);
  });
});

describe('IngressClient retries', () => {
  const client = () => new IngressClient(lk.url, lk.apiKey, lk.apiSecret, { retries: 2 });

  it('retries listIngress after a 503, but never a createIngress or deleteIngress that reached the server', async () => {
    lk.failNext({ method: 'Ingress.ListIngress', twirp: { code: 'unavailable' } });
    expect(await client().listIngress()).toEqual([]);
    expect(lk.requestsFor('Ingress.ListIngress')).toHaveLength(2);
    lk.failNext({ service: 'Ingress', twirp: { code: 'unavailable' }, times: 2 });
    await failure(client().createIngress(IngressInput.RTMP_INPUT, rtmp));
    await failure(client().deleteIngress('IN_x'));
    expect(lk.requestsFor('Ingress.CreateIngress')).toHaveLength(1);
    expect(lk.requestsFor('Ingress.DeleteIngress')).toHaveLength(1);
    expect(lk.ingress.list()).toEqual([]);
  });
});

describe('IngressClient caller mistakes', () => {
  const client = () => new IngressClient(lk.url, lk.apiKey, lk.apiSecret);

  it.each([
    ['an unknown input type', () => client().createIngress(7 as IngressInput, rtmp), RangeError, /inputType must be IngressInput/],
    ['an input type given as a string', () => client().createIngress('RTMP' as unknown as IngressInput, rtmp), TypeError, /inputType/],
    ['no options', () => client().createIngress(IngressInput.RTMP_INPUT, undefined as never), TypeError, /options must be an object/],
    ['no roomName', () => client().createIngress(IngressInput.RTMP_INPUT, { participantIdentity: 'obs' }), TypeError, /options.roomName must be a string/],
    ['an empty participantIdentity', () => client().createIngress(IngressInput.RTMP_INPUT, { roomName: 'r', participantIdentity: '' }), TypeError, /participantIdentity/],
    ['a URL input without a url', () => client().createIngress(IngressInput.URL_INPUT, rtmp), TypeError, /options.url/],
    ['a URL input without a room', () => client().createIngress(IngressInput.URL_INPUT, { participantIdentity: 'p', roomName: '', url: 'https://x/a' }), TypeError, /roomName/],
    ['a URL input of another scheme', () => client().createIngress(IngressInput.URL_INPUT, { ...rtmp, url: 'rtmp://x/live' }), RangeError, /http:\/\/, https:\/\/ or srt:\/\//],
    ['an option of the wrong type', () => client().createIngress(IngressInput.RTMP_INPUT, { ...rtmp, enabled: 'yes' as never }), TypeError, /options.enabled must be true or false/],
    ['an unknown option', () => client().createIngress(IngressInput.RTMP_INPUT, { ...rtmp, roomname: 'x' } as never), TypeError, /did you mean roomName/],
    ['a bad audio preset', () => client().createIngress(IngressInput.RTMP_INPUT, { ...rtmp, audio: { encodingOptions: { case: 'preset', value: 99 as IngressAudioEncodingPreset } } }), RangeError, /options.audio.encodingOptions.value/],
    ['updateIngress without an id', () => client().updateIngress('', { name: 'x' }), TypeError, /ingressId/],
    ['updateIngress without options', () => client().updateIngress('IN_x', null as never), TypeError, /options must be an object/],
    ['a misspelt listIngress filter', () => client().listIngress({ room: 'stage' } as never), TypeError, /options.room is not a field of ListIngressRequest \(did you mean roomName\?\)/],
    ['listIngress with a number', () => client().listIngress(5 as never), TypeError, /room name or/],
    ['deleteIngress without an id', () => client().deleteIngress(''), TypeError, /ingressId/],
  ])('refuses %s before any request', async (_name, call, kind, message) => {
    const err = await failure(call());
    expect(err).toBeInstanceOf(kind);
    expect(err.message).toMatch(message);
    expect(lk.requests).toHaveLength(0);
  });
});

describe('LiveKitAPI.ingress', () => {
  it('shares the transport of LiveKitAPI and reaches the Ingress service', async () => {
    const api = new LiveKitAPI({ host: lk.url, apiKey: lk.apiKey, secret: lk.apiSecret, encoding: 'json' });
    expect(api.ingress).toBeInstanceOf(IngressClient);
    await api.ingress.createIngress(IngressInput.WHIP_INPUT, rtmp);
    expect(lk.requestsFor('Ingress.CreateIngress')[0]?.encoding).toBe('json');
  });
});
