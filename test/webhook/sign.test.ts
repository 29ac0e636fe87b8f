import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { Room, WebhookEvent as ProtoWebhookEvent } from '@livekit/protocol';
import { WebhookEvent, WebhookReceiver, authorizeHeader, signWebhook } from '../../src/webhook/index.js';
import { KEY, NOW_MS, NOW_S, SECRET, sha256Base64 } from './helpers.js';

const credentials = { apiKey: KEY, apiSecret: SECRET };
const ROOM_STARTED = { event: 'room_started', room: { sid: 'RM_abc', name: 'standup', emptyTimeout: 300 } } as const;

describe('signWebhook', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('sends the headers a LiveKit server sends: webhook+json, the raw JWT, LiveKit user agent', () => {
    const { headers } = signWebhook(ROOM_STARTED, credentials);
    expect(Object.keys(headers).sort()).toEqual(['Authorization', 'Content-Type', 'User-Agent']);
    expect(headers['Content-Type']).toBe('application/webhook+json');
    expect(headers['User-Agent']).toBe('LiveKit');
    expect(headers.Authorization).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(headers[authorizeHeader]).toBe(headers.Authorization);
  });

  it("writes the body as the event's protojson (camelCase, defaults omitted, int64 as strings)", () => {
    const signed = signWebhook({ ...ROOM_STARTED, id: 'EV_given', createdAt: 1234n }, { ...credentials, now: NOW_MS });
    expect(signed.text).toBe(
      '{"event":"room_started","room":{"sid":"RM_abc","name":"standup","emptyTimeout":300},"id":"EV_given","createdAt":"1234"}',
    );
    expect(new TextDecoder().decode(signed.body)).toBe(signed.text);
  });

  it('signs an HS256 token from the key, valid 5 minutes, whose sha256 is the base64 SHA-256 of the body bytes', async () => {
    const signed = signWebhook(ROOM_STARTED, { ...credentials, now: NOW_MS });
    const token = signed.headers.Authorization;
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    const claims = decodeJwt(token);
    expect(claims.iss).toBe(KEY);
    expect(claims.nbf).toBe(NOW_S);
    expect(claims.exp).toBe(NOW_S + 300);
    expect(claims['sha256']).toBe(sha256Base64(signed.body));
    const verified = await jwtVerify(token, new TextEncoder().encode(SECRET), {
      algorithms: ['HS256'],
      currentDate: new Date(NOW_MS),
    });
    expect(verified.payload.iss).toBe(KEY);
  });

  it('fills in an EV_ id and createdAt (seconds) when the event has none, without touching the input', () => {
    const input = new ProtoWebhookEvent({ event: 'room_started', room: new Room({ name: 'standup' }) });
    const signed = signWebhook(input, { ...credentials, now: NOW_MS + 999 });
    expect(signed.event.id).toMatch(/^EV_[A-Za-z0-9]{12}$/);
    expect(signed.event.createdAt).toBe(BigInt(NOW_S));
    expect(signed.event).toBeInstanceOf(WebhookEvent);
    expect(input.id).toBe('');
    expect(input.createdAt).toBe(0n);
    signed.event.room!.name = 'changed';
    expect(input.room?.name).toBe('standup');
  });

  it('keeps an id and createdAt that are given', () => {
    const signed = signWebhook({ ...ROOM_STARTED, id: 'EV_mine', createdAt: 42n }, credentials);
    expect(signed.event.id).toBe('EV_mine');
    expect(signed.event.createdAt).toBe(42n);
  });

  it('gives every event its own id', () => {
    const ids = new Set(Array.from({ length: 200 }, () => signWebhook(ROOM_STARTED, credentials).event.id));
    expect(ids.size).toBe(200);
  });

  it('produces a request our receiver accepts as the same event', async () => {
    const signed = signWebhook(
      { event: 'track_published', room: { name: 'r' }, participant: { identity: 'alice' }, track: { sid: 'TR_1', name: 'cam' } },
      { ...credentials, now: NOW_MS },
    );
    const event = await new WebhookReceiver(KEY, SECRET).receive(signed.body, signed.headers.Authorization, { now: NOW_MS });
    expect(event.equals(signed.event)).toBe(true);
  });

  it('takes the key and secret from LIVEKIT_API_KEY / LIVEKIT_API_SECRET when not given', () => {
    vi.stubEnv('LIVEKIT_API_KEY', 'env-key');
    vi.stubEnv('LIVEKIT_API_SECRET', 'env-secret-0123456789');
    expect(decodeJwt(signWebhook(ROOM_STARTED).headers.Authorization).iss).toBe('env-key');
  });

  it('honours a ttl option', () => {
    const claims = decodeJwt(signWebhook(ROOM_STARTED, { ...credentials, now: NOW_MS, ttl: '1m' }).headers.Authorization);
    expect(claims.exp).toBe(NOW_S + 60);
  });

  it.each([
    ['no event name', { room: { name: 'r' } }],
    ['an empty event name', { event: '' }],
    ['null', null],
  ])('refuses an event with %s with a TypeError', (_name, event) => {
    expect(() => signWebhook(event as never, credentials)).toThrow(TypeError);
  });

  it('refuses to sign without credentials', () => {
    vi.stubEnv('LIVEKIT_API_KEY', '');
    vi.stubEnv('LIVEKIT_API_SECRET', '');
    expect(() => signWebhook(ROOM_STARTED)).toThrow(/LIVEKIT_API_KEY/);
  });
});
