// Two independent implementations that agree are evidence: livekit-server-sdk signs
// webhooks the way a server does and ours verifies them; ours signs and the official
// receiver verifies; and the hash of CONTRACT.md §4's body is the one a server computes.
import { describe, expect, it } from 'vitest';
import * as peer from 'livekit-server-sdk';
import { WebhookReceiver, signWebhook } from '../../src/webhook/index.js';
import type { SignableWebhookEvent } from '../../src/webhook/index.js';
import { runtime } from '#runtime';
import { EXPIRED_SERVER_TOKEN, WEBHOOK_BODY_VECTOR } from '../fixtures/vectors.js';
import { KEY, SECRET, refusal, refusalError } from './helpers.js';

/** Signs `body` as livekit-server does: an access token with the body hash, valid 5 minutes. */
async function peerServerToken(body: string, sha256 = runtime.base64Encode(runtime.sha256(body))): Promise<string> {
  const at = new peer.AccessToken(KEY, SECRET, { ttl: '5m' });
  at.sha256 = sha256;
  return at.toJwt();
}

const receiver = new WebhookReceiver(KEY, SECRET);
const peerReceiver = new peer.WebhookReceiver(KEY, SECRET);

const EVENTS: SignableWebhookEvent[] = [
  { event: 'room_started', room: { sid: 'RM_1', name: 'standup', emptyTimeout: 300, creationTime: 1700000000n } },
  { event: 'room_finished', room: { sid: 'RM_1', name: 'standup' } },
  {
    event: 'participant_joined',
    room: { sid: 'RM_1', name: 'standup', numParticipants: 1 },
    participant: { sid: 'PA_1', identity: 'zoë', name: 'Zoë 🎧', metadata: '{"a":[1,2]}', attributes: { team: 'blue' } },
  },
  { event: 'participant_left', room: { name: 'standup' }, participant: { identity: 'alice' } },
  { event: 'participant_connection_aborted', room: { name: 'standup' }, participant: { identity: 'bob' } },
  {
    event: 'track_published',
    room: { name: 'standup' },
    participant: { identity: 'alice' },
    track: { sid: 'TR_1', name: 'camera', width: 1280, height: 720, simulcast: true, mimeType: 'video/VP8' },
  },
  { event: 'track_unpublished', room: { name: 'standup' }, participant: { identity: 'alice' }, track: { sid: 'TR_1' } },
  { event: 'egress_started', egressInfo: { egressId: 'EG_1', roomName: 'standup', startedAt: 1700000000000000000n } },
  { event: 'egress_updated', egressInfo: { egressId: 'EG_1', roomName: 'standup' } },
  { event: 'egress_ended', egressInfo: { egressId: 'EG_1', roomName: 'standup', error: 'quota' } },
  { event: 'ingress_started', ingressInfo: { ingressId: 'IN_1', name: 'obs', streamKey: 'k' } },
  { event: 'ingress_ended', ingressInfo: { ingressId: 'IN_1' } },
];

describe('the CONTRACT.md §4 body/hash vector', () => {
  it('hashes the exact body string to the sha256 a server signs', () => {
    expect(runtime.base64Encode(runtime.sha256(WEBHOOK_BODY_VECTOR.body))).toBe(WEBHOOK_BODY_VECTOR.sha256);
    expect(runtime.base64Encode(runtime.sha256(new TextEncoder().encode(WEBHOOK_BODY_VECTOR.body)))).toBe(
      WEBHOOK_BODY_VECTOR.sha256,
    );
  });

  it('accepts the vector body under a token that carries the vector hash', async () => {
    const event = await receiver.receive(WEBHOOK_BODY_VECTOR.body, await peerServerToken(WEBHOOK_BODY_VECTOR.body, WEBHOOK_BODY_VECTOR.sha256));
    expect(event.event).toBe('room_started');
    expect(event.room?.name).toBe('mytestroom');
    expect(event.room?.creationTime).toBe(1628545903n);
    expect(event.room?.enabledCodecs.map((codec) => codec.mime)).toEqual(['audio/opus', 'video/VP8']);
  });

  it('refuses the vector token over the body with its spacing normalised', async () => {
    const token = await peerServerToken(WEBHOOK_BODY_VECTOR.body, WEBHOOK_BODY_VECTOR.sha256);
    const normalised = JSON.stringify(JSON.parse(WEBHOOK_BODY_VECTOR.body));
    expect(await refusal(() => receiver.receive(normalised, token))).toBe('webhook_hash_mismatch');
  });
});

describe("the server's expired token vector", () => {
  it('is refused as expired, not as a bad signature', async () => {
    const expired = new WebhookReceiver(EXPIRED_SERVER_TOKEN.apiKey, EXPIRED_SERVER_TOKEN.apiSecret);
    const error = await refusalError(() => expired.receive('{}', EXPIRED_SERVER_TOKEN.token));
    expect(error.code).toBe('webhook_expired');
    expect(error.tokenCode).toBe('token_expired');
  });
});

describe('webhooks signed the way a server signs them (livekit-server-sdk AccessToken)', () => {
  it.each(EVENTS.map((event) => [event.event, event] as const))('verify with ours: %s', async (_name, input) => {
    const body = signWebhook(input, { apiKey: KEY, apiSecret: SECRET }).text;
    const event = await receiver.receive(body, await peerServerToken(body));
    const official = await peerReceiver.receive(body, await peerServerToken(body));
    expect(event.event).toBe(input.event);
    expect(event.toJson()).toEqual(official.toJson());
  });

  it('are refused by ours when the peer token carries another hash', async () => {
    const body = signWebhook(EVENTS[0]!, { apiKey: KEY, apiSecret: SECRET }).text;
    expect(await refusal(async () => receiver.receive(body, await peerServerToken(`${body} `)))).toBe('webhook_hash_mismatch');
  });
});

describe("what signWebhook produces, checked by livekit-server-sdk's WebhookReceiver", () => {
  it.each(EVENTS.map((event) => [event.event, event] as const))('verifies: %s', async (_name, input) => {
    const signed = signWebhook(input, { apiKey: KEY, apiSecret: SECRET });
    const official = await peerReceiver.receive(signed.text, signed.headers.Authorization);
    expect(official.event).toBe(input.event);
    expect(official.id).toBe(signed.event.id);
    expect(official.toJsonString()).toBe(signed.text);
  });

  it('is refused by the official receiver under another secret, as by ours', async () => {
    const signed = signWebhook(EVENTS[2]!, { apiKey: KEY, apiSecret: 'another-secret-0123456789abc' });
    await expect(peerReceiver.receive(signed.text, signed.headers.Authorization)).rejects.toThrow();
    expect(await refusal(() => receiver.receive(signed.body, signed.headers.Authorization))).toBe('webhook_bad_signature');
  });
});
