import { inspect } from 'node:util';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { WebhookEvent as ProtoWebhookEvent, ParticipantInfo_State } from '@livekit/protocol';
import { TokenVerificationError } from '../../src/token/index.js';
import { WebhookEvent, WebhookReceiver, WebhookVerificationError } from '../../src/webhook/index.js';
import {
  KEY,
  NOW_MS,
  NOW_S,
  PARTICIPANT_JOINED,
  SECRET,
  handToken,
  refusal,
  refusalError,
  serverToken,
  sha256Base64,
} from './helpers.js';

const receiver = new WebhookReceiver(KEY, SECRET);
const at = { now: NOW_MS };
const BODY = JSON.stringify(PARTICIPANT_JOINED);
const TOKEN = serverToken(BODY);

describe('WebhookReceiver.receive: genuine requests', () => {
  it('resolves a server-signed request to a @livekit/protocol WebhookEvent', async () => {
    const event = await receiver.receive(BODY, TOKEN, at);
    expect(event).toBeInstanceOf(ProtoWebhookEvent);
    expect(event).toBeInstanceOf(WebhookEvent);
    expect(event.event).toBe('participant_joined');
    expect(event.id).toBe('EV_fixture0001');
    expect(event.createdAt).toBe(BigInt(NOW_S));
    expect(event.room?.name).toBe('standup');
    expect(event.room?.emptyTimeout).toBe(300);
    expect(event.participant?.identity).toBe('alice');
    expect(event.participant?.state).toBe(ParticipantInfo_State.ACTIVE);
  });

  it.each([
    ['a string', () => BODY],
    ['a Uint8Array', () => new TextEncoder().encode(BODY)],
    ['a Node Buffer', () => Buffer.from(BODY)],
    ['an ArrayBuffer', () => new TextEncoder().encode(BODY).buffer],
    ['a Uint8Array view into a larger buffer', () => Buffer.concat([Buffer.from('xx'), Buffer.from(BODY), Buffer.from('yy')]).subarray(2, 2 + Buffer.byteLength(BODY))],
    ['an ArrayBuffer from another realm', () => runInNewContext('new Uint8Array(bytes).buffer', { bytes: [...Buffer.from(BODY)] }) as ArrayBuffer],
    ['a DataView', () => { const bytes = new TextEncoder().encode(BODY); return new DataView(bytes.buffer) as unknown as Uint8Array; }],
  ])('accepts the body as %s', async (_name, makeBody) => {
    const event = await receiver.receive(makeBody(), TOKEN, at);
    expect(event.participant?.identity).toBe('alice');
  });

  it('hashes the exact bytes of a body with non-ASCII text', async () => {
    const body = JSON.stringify({ ...PARTICIPANT_JOINED, participant: { identity: 'zoë', name: 'Zoë 🎧' } });
    const token = serverToken(Buffer.from(body, 'utf8'));
    expect((await receiver.receive(body, token, at)).participant?.name).toBe('Zoë 🎧');
    expect((await receiver.receive(Buffer.from(body), token, at)).participant?.identity).toBe('zoë');
  });

  it.each([
    ['Bearer <token>', `Bearer ${TOKEN}`],
    ['bearer <token> with extra spaces', `bearer   ${TOKEN}  `],
    ['the raw token surrounded by whitespace', ` ${TOKEN}\t`],
  ])('accepts the header as %s', async (_name, header) => {
    expect((await receiver.receive(BODY, header, at)).event).toBe('participant_joined');
  });

  it('picks the secret by the token issuer when it holds several keys', async () => {
    const rotating = new WebhookReceiver({ 'old-key': 'old-secret-0123456789', [KEY]: SECRET });
    expect(rotating.apiKeys).toEqual(['old-key', KEY]);
    const old = handToken({ iss: 'old-key', nbf: NOW_S, exp: NOW_S + 300, sha256: sha256Base64(BODY) }, 'old-secret-0123456789');
    expect((await rotating.receive(BODY, old, at)).id).toBe('EV_fixture0001');
    expect((await rotating.receive(BODY, TOKEN, at)).id).toBe('EV_fixture0001');
    const fromMap = new WebhookReceiver(new Map([[KEY, SECRET]]));
    expect((await fromMap.receive(BODY, TOKEN, at)).id).toBe('EV_fixture0001');
  });

  it('ignores fields and enum values newer than its protocol package', async () => {
    const body = JSON.stringify({
      ...PARTICIPANT_JOINED,
      futureTopLevel: { nested: true },
      room: { ...PARTICIPANT_JOINED.room, futureRoomField: 7 },
      participant: { ...PARTICIPANT_JOINED.participant, state: 'SOME_FUTURE_STATE' },
    });
    const event = await receiver.receive(body, serverToken(body), at);
    expect(event.room?.name).toBe('standup');
    expect(event.participant?.identity).toBe('alice');
  });

  it('passes through an event name it does not know yet', async () => {
    const body = JSON.stringify({ event: 'agent_job_started', id: 'EV_x', createdAt: String(NOW_S) });
    expect((await receiver.receive(body, serverToken(body), at)).event).toBe('agent_job_started');
  });

  it('accepts a token within the 60 s default leeway after exp', async () => {
    const event = await receiver.receive(BODY, TOKEN, { now: (NOW_S + 300 + 60) * 1000 });
    expect(event.event).toBe('participant_joined');
  });

  it('verifies synchronously with receiveSync', () => {
    expect(receiver.receiveSync(BODY, TOKEN, at).event).toBe('participant_joined');
  });
});

describe('WebhookReceiver.receive: refusals', () => {
  it('refuses an already parsed body and explains how to get the raw one', async () => {
    const error = await refusalError(() => receiver.receive(JSON.parse(BODY) as string, TOKEN, at));
    expect(error.code).toBe('webhook_body_not_raw');
    expect(error.message).toContain('express.raw(');
    expect(error.message).toContain("parseAs: 'buffer'");
    expect(error.message).toContain('request.arrayBuffer()');
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
  ])('refuses %s as the body with webhook_body_not_raw', async (_name, body) => {
    expect(await refusal(() => receiver.receive(body as unknown as string, TOKEN, at))).toBe('webhook_body_not_raw');
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['an empty string', ''],
    ['a bare Bearer prefix', 'Bearer '],
    ['whitespace', '   '],
  ])('refuses %s as the Authorization header with webhook_missing_authorization', async (_name, header) => {
    expect(await refusal(() => receiver.receive(BODY, header, at))).toBe('webhook_missing_authorization');
  });

  it('refuses a token signed with another secret as webhook_bad_signature, carrying the token error', async () => {
    const error = await refusalError(() => receiver.receive(BODY, serverToken(BODY, {}, 'some-other-secret-0123456789'), at));
    expect(error.code).toBe('webhook_bad_signature');
    expect(error.message).toContain('different secret');
    expect(error.tokenCode).toBe('token_bad_signature');
    expect(error.cause).toBeInstanceOf(TokenVerificationError);
    expect((error.cause as TokenVerificationError).code).toBe('token_bad_signature');
  });

  it.each([
    ['an unknown API key', { iss: 'someone-else' }, 'token_unknown_key'],
    ['no exp', { exp: undefined }, 'token_missing_claim'],
    ['an nbf in the future', { nbf: NOW_S + 3600 }, 'token_not_yet_valid'],
  ])('refuses a token with %s', async (_name, overrides, tokenCode) => {
    const error = await refusalError(() => receiver.receive(BODY, serverToken(BODY, overrides), at));
    expect(error.code).toBe('webhook_bad_token');
    expect(error.tokenCode).toBe(tokenCode);
  });

  it('refuses a token expired beyond the leeway as webhook_expired, pointing at the clock', async () => {
    const error = await refusalError(() => receiver.receive(BODY, TOKEN, { now: (NOW_S + 300 + 61) * 1000 }));
    expect(error.code).toBe('webhook_expired');
    expect(error.tokenCode).toBe('token_expired');
    expect(error.message).toContain('clock');
  });

  it('applies a leewaySeconds option per call and as a constructor default', async () => {
    const justExpired = { now: (NOW_S + 301) * 1000 };
    expect((await refusalError(() => receiver.receive(BODY, TOKEN, { ...justExpired, leewaySeconds: 0 }))).tokenCode).toBe(
      'token_expired',
    );
    const strict = new WebhookReceiver(KEY, SECRET, { leewaySeconds: 0 });
    expect((await refusalError(() => strict.receive(BODY, TOKEN, justExpired))).tokenCode).toBe('token_expired');
    expect((await strict.receive(BODY, TOKEN, { ...justExpired, leewaySeconds: 5 })).event).toBe('participant_joined');
  });

  it('refuses a valid access token that carries no sha256 claim', async () => {
    const error = await refusalError(() => receiver.receive(BODY, handToken({ iss: KEY, nbf: NOW_S, exp: NOW_S + 300 }), at));
    expect(error.code).toBe('webhook_bad_token');
    expect(error.tokenCode).toBeUndefined();
    expect(error.message).toContain('sha256');
  });

  it('refuses a body re-serialised by a framework (same JSON, other bytes) as webhook_hash_mismatch', async () => {
    const pretty = JSON.stringify(JSON.parse(BODY), null, 2);
    const error = await refusalError(() => receiver.receive(pretty, TOKEN, at));
    expect(error.code).toBe('webhook_hash_mismatch');
    expect(error.message).toContain('re-serialised');
  });

  it('refuses a body whose content was altered', async () => {
    expect(await refusal(() => receiver.receive(BODY.replace('alice', 'mallory'), TOKEN, at))).toBe('webhook_hash_mismatch');
  });

  it('refuses a token whose sha256 is the right hash in another encoding', async () => {
    const hex = serverToken(BODY, { sha256: Buffer.from(sha256Base64(BODY), 'base64').toString('hex') });
    const unpadded = serverToken(BODY, { sha256: Buffer.from(sha256Base64(BODY), 'base64').toString('base64url') });
    expect(await refusal(() => receiver.receive(BODY, hex, at))).toBe('webhook_hash_mismatch');
    expect(await refusal(() => receiver.receive(BODY, unpadded, at))).toBe('webhook_hash_mismatch');
  });

  it.each([
    ['text that is not JSON', 'hello'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"room_started"'],
    ['a field of the wrong type', '{"event":"room_started","createdAt":"soon"}'],
    ['an event without a name', '{"id":"EV_1","createdAt":"1"}'],
  ])('refuses a correctly signed body that is %s as webhook_malformed_body', async (_name, body) => {
    expect(await refusal(() => receiver.receive(body, serverToken(body), at))).toBe('webhook_malformed_body');
  });

  it('refuses a correctly signed body that is not UTF-8 as webhook_malformed_body', async () => {
    const bytes = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
    expect(await refusal(() => receiver.receive(bytes, serverToken(bytes), at))).toBe('webhook_malformed_body');
  });

  it('never puts the token or the secret in an error message', async () => {
    const errors = await Promise.all([
      refusalError(() => receiver.receive(BODY, serverToken(BODY, {}, 'wrong-secret-0123456789abc'), at)),
      refusalError(() => receiver.receive(`${BODY} `, TOKEN, at)),
      refusalError(() => receiver.receive(BODY, TOKEN, { now: (NOW_S + 9999) * 1000 })),
    ]);
    for (const error of errors) {
      expect(error.message).not.toContain(TOKEN);
      expect(error.message).not.toContain(TOKEN.split('.')[2]);
      expect(error.message).not.toContain(SECRET);
    }
  });
});

describe('WebhookReceiver: maxAgeSeconds', () => {
  const created = (seconds: number) => JSON.stringify({ ...PARTICIPANT_JOINED, createdAt: String(seconds) });

  it('accepts an event exactly maxAgeSeconds old and refuses an older one as webhook_too_old', async () => {
    const fresh = created(NOW_S - 120);
    expect((await receiver.receive(fresh, serverToken(fresh), { ...at, maxAgeSeconds: 120 })).event).toBe('participant_joined');
    const stale = created(NOW_S - 121);
    const error = await refusalError(() => receiver.receive(stale, serverToken(stale), { ...at, maxAgeSeconds: 120 }));
    expect(error.code).toBe('webhook_too_old');
    expect(error.message).toContain('121 s');
  });

  it('refuses an event without createdAt when maxAgeSeconds is set, and accepts it otherwise', async () => {
    const body = JSON.stringify({ event: 'room_started', room: { name: 'r' } });
    expect(await refusal(() => receiver.receive(body, serverToken(body), { ...at, maxAgeSeconds: 300 }))).toBe('webhook_too_old');
    expect((await receiver.receive(body, serverToken(body), at)).event).toBe('room_started');
  });

  it('takes maxAgeSeconds from the constructor, overridable per call', async () => {
    const guarded = new WebhookReceiver(KEY, SECRET, { maxAgeSeconds: 10 });
    const body = created(NOW_S - 60);
    expect(await refusal(() => guarded.receive(body, serverToken(body), at))).toBe('webhook_too_old');
    expect((await guarded.receive(body, serverToken(body), { ...at, maxAgeSeconds: 60 })).event).toBe('participant_joined');
  });

  it('checks the hash before the age, so a forged createdAt cannot pass', async () => {
    const stale = created(NOW_S - 3600);
    const forged = stale.replace(String(NOW_S - 3600), String(NOW_S));
    expect(await refusal(() => receiver.receive(forged, serverToken(stale), { ...at, maxAgeSeconds: 60 }))).toBe(
      'webhook_hash_mismatch',
    );
  });
});

describe('WebhookReceiver: livekit-server-sdk call shapes', () => {
  it('refuses a positional skipAuth = true with a TypeError that says how to migrate, without skipping', async () => {
    const forged = JSON.stringify({ event: 'room_started' });
    const call = () => receiver.receive(forged, undefined, true as never);
    await expect(call()).rejects.toThrow(TypeError);
    await expect(call()).rejects.toThrow(/signWebhook/);
  });

  it("accepts a positional skipAuth = false, the peer's default, and verifies as usual", async () => {
    vi.useFakeTimers({ now: at.now });
    try {
      expect((await receiver.receive(BODY, TOKEN, false as never)).event).toBe('participant_joined');
      await expect(receiver.receive(`${BODY} `, TOKEN, false as never)).rejects.toMatchObject({ code: 'webhook_hash_mismatch' });
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses the peer's four-argument form (skipAuth, clockTolerance)", async () => {
    const receive = receiver.receive.bind(receiver) as (...args: unknown[]) => Promise<unknown>;
    await expect(receive(BODY, TOKEN, undefined, 30)).rejects.toThrow(/leewaySeconds/);
  });

  it('reports misuse as a rejected promise, never a synchronous throw', () => {
    let result: Promise<unknown> | undefined;
    expect(() => {
      result = receiver.receive(BODY, TOKEN, true as never);
    }).not.toThrow();
    return expect(result).rejects.toThrow(TypeError);
  });

  it.each([
    ['a negative leeway', { leewaySeconds: -1 }, RangeError],
    ['a non-finite maxAgeSeconds', { maxAgeSeconds: Infinity }, RangeError],
    ['a string now', { now: '2030-01-01' }, TypeError],
    ['a number as options', 30, TypeError],
  ])('refuses %s with a caller error', async (_name, options, type) => {
    await expect(receiver.receive(BODY, TOKEN, options as never)).rejects.toThrow(type);
  });
});

describe('WebhookReceiver.receiveRequest', () => {
  const request = (body: BodyInit | null, headers: Record<string, string>) =>
    new Request('http://127.0.0.1/livekit/webhook', { method: 'POST', body, headers });

  it('reads the raw bytes and the Authorization header of a Fetch-API Request', async () => {
    const event = await receiver.receiveRequest(
      request(BODY, { Authorization: TOKEN, 'Content-Type': 'application/webhook+json' }),
      at,
    );
    expect(event.event).toBe('participant_joined');
    expect((await receiver.receiveRequest(request(BODY, { authorization: `Bearer ${TOKEN}` }), at)).id).toBe('EV_fixture0001');
  });

  it('refuses a request whose body was already read, explaining the order', async () => {
    const req = request(BODY, { Authorization: TOKEN });
    await req.json();
    const error = await refusalError(() => receiver.receiveRequest(req, at));
    expect(error.code).toBe('webhook_body_not_raw');
    expect(error.message).toContain('call receiveRequest first');
  });

  it('refuses a request without Authorization and one with an altered body', async () => {
    expect(await refusal(() => receiver.receiveRequest(request(BODY, {}), at))).toBe('webhook_missing_authorization');
    expect(await refusal(() => receiver.receiveRequest(request(`${BODY}\n`, { Authorization: TOKEN }), at))).toBe(
      'webhook_hash_mismatch',
    );
  });

  it('refuses something that is not a Request with a TypeError', async () => {
    await expect(receiver.receiveRequest({ body: BODY } as never)).rejects.toThrow(TypeError);
  });

  /** A request whose body is an endless stream that counts the bytes pulled from it. */
  function endlessRequest(headers: Record<string, string>) {
    const pulled = { bytes: 0 };
    const chunk = new Uint8Array(64 * 1024);
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled.bytes += chunk.byteLength;
          controller.enqueue(chunk);
        },
      },
      { highWaterMark: 0 },
    );
    const arrayBuffer = () => Promise.reject(new Error('receiveRequest must stream, not buffer the whole body'));
    return { pulled, request: { headers: new Headers(headers), body, bodyUsed: false, arrayBuffer } };
  }

  it('reads nothing of the body of a request without Authorization', async () => {
    const { pulled, request: unsigned } = endlessRequest({ 'content-type': 'application/webhook+json' });
    expect(await refusal(() => receiver.receiveRequest(unsigned, at))).toBe('webhook_missing_authorization');
    expect(pulled.bytes).toBe(0);
  });

  it('reads nothing of the body when the token is forged', async () => {
    const { pulled, request: forged } = endlessRequest({ authorization: serverToken(BODY, {}, 'not-the-secret-0123456789') });
    expect(await refusal(() => receiver.receiveRequest(forged, at))).toBe('webhook_bad_signature');
    expect(pulled.bytes).toBe(0);
  });

  it('stops reading a signed endless body at maxBodyBytes', async () => {
    const { pulled, request: endless } = endlessRequest({ authorization: TOKEN });
    const error = await refusalError(() => receiver.receiveRequest(endless, { ...at, maxBodyBytes: 256 * 1024 }));
    expect(error.code).toBe('webhook_body_too_large');
    expect(pulled.bytes).toBeLessThanOrEqual(256 * 1024 + 64 * 1024);
  });

  it('refuses a Content-Length over the cap before reading', async () => {
    const { pulled, request: big } = endlessRequest({ authorization: TOKEN, 'content-length': String(512 * 1024 * 1024) });
    expect(await refusal(() => receiver.receiveRequest(big, at))).toBe('webhook_body_too_large');
    expect(pulled.bytes).toBe(0);
  });

  it('applies maxBodyBytes to receive() too', async () => {
    const small = new WebhookReceiver(KEY, SECRET, { maxBodyBytes: 16 });
    expect(await refusal(() => small.receive(BODY, TOKEN, at))).toBe('webhook_body_too_large');
  });
});

describe('WebhookReceiver: construction and secrecy', () => {
  it.each([
    ['no secret', () => new WebhookReceiver(KEY, undefined as never)],
    ['an empty key', () => new WebhookReceiver('', SECRET)],
    ['an empty key map', () => new WebhookReceiver({})],
  ])('refuses %s with a TypeError', (_name, make) => {
    expect(make).toThrow(TypeError);
  });

  it('refuses a negative maxAgeSeconds with a RangeError', () => {
    expect(() => new WebhookReceiver(KEY, SECRET, { maxAgeSeconds: -5 })).toThrow(RangeError);
  });

  it('shows its keys but never its secrets in inspect and JSON', () => {
    const multi = new WebhookReceiver({ a: 'secret-a-0123456789', b: 'secret-b-0123456789' });
    expect(inspect(multi)).toBe('WebhookReceiver { apiKeys: ["a","b"] }');
    expect(JSON.stringify(multi)).toBe('{"apiKeys":["a","b"]}');
    expect(inspect(receiver, { showHidden: true, depth: 5 })).not.toContain(SECRET);
  });

  it('fails with WebhookVerificationError instances that are LiveKitErrors with a name', async () => {
    const error = await refusalError(() => receiver.receive(BODY, undefined, at));
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error.name).toBe('WebhookVerificationError');
  });
});

describe('WebhookEvent', () => {
  it('keeps its class through fromJson, fromJsonString, fromBinary and clone', () => {
    const fromJson = WebhookEvent.fromJson({ event: 'room_started', room: { name: 'r' } });
    expect(fromJson).toBeInstanceOf(WebhookEvent);
    expect(WebhookEvent.fromJsonString(fromJson.toJsonString())).toBeInstanceOf(WebhookEvent);
    const fromBinary = WebhookEvent.fromBinary(fromJson.toBinary());
    expect(fromBinary).toBeInstanceOf(WebhookEvent);
    expect(fromBinary.room?.name).toBe('r');
    expect(fromJson.clone()).toBeInstanceOf(WebhookEvent);
  });
});
