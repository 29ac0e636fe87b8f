// The test server sends webhooks the way a livekit-server does, for what happens through its
// API and its seeding helpers; each is verified here by a real WebhookReceiver endpoint.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RoomServiceClient } from '../../src/index.js';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import {
  WebhookDeliveryError,
  WebhookReceiver,
  type WebhookEvent,
  type WebhookVerificationError,
} from '../../src/webhook/index.js';
import { startEndpoint, type ScriptedEndpoint } from './endpoint.js';

interface ReceivingEndpoint {
  url: string;
  received: WebhookEvent[];
  headers: Array<Record<string, string | string[] | undefined>>;
  close(): Promise<void>;
}

/** A webhook endpoint that verifies each request with `receiver` and records the events. */
async function receivingEndpoint(receiver: WebhookReceiver): Promise<ReceivingEndpoint> {
  const received: WebhookEvent[] = [];
  const headers: ReceivingEndpoint['headers'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      headers.push(req.headers);
      receiver.receive(Buffer.concat(chunks), req.headers.authorization).then(
        (event) => {
          received.push(event);
          res.writeHead(200).end();
        },
        (error: WebhookVerificationError) => res.writeHead(401).end(`${error.code} ${error.tokenCode ?? ''}`),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/livekit/webhook`,
    received,
    headers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function setUp(options: { keys?: Record<string, string>; apiKey?: string; retries?: number } = {}) {
  const keys = options.keys ?? { devkey: 'devsecret-0123456789abcdefghijklmnopqrs' };
  const webhookKey = options.apiKey ?? Object.keys(keys)[0]!;
  const endpoint = await receivingEndpoint(new WebhookReceiver(webhookKey, keys[webhookKey]!));
  cleanup.push(endpoint.close);
  const lk = await startTestServer({
    keys,
    webhooks: {
      urls: [endpoint.url],
      ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
      ...(options.retries === undefined ? {} : { retries: options.retries }),
      backoffMs: 1,
    },
  });
  cleanup.push(() => lk.close());
  return { lk, endpoint };
}

describe('startTestServer({ webhooks })', () => {
  let lk: TestServer;
  let endpoint: ReceivingEndpoint;
  beforeEach(async () => {
    ({ lk, endpoint } = await setUp());
  });

  it('sends room_started and room_finished for CreateRoom and DeleteRoom through the API', async () => {
    const client = new RoomServiceClient(lk.url, lk.apiKey, lk.apiSecret);
    await client.createRoom({ name: 'standup' });
    await client.deleteRoom('standup');
    await lk.webhooks.flush();
    expect(endpoint.received.map((e) => [e.event, e.room?.name])).toEqual([
      ['room_started', 'standup'],
      ['room_finished', 'standup'],
    ]);
  });

  it('sends participant and track events for the seeding helpers, in order, as the server logged them', async () => {
    lk.seed.participant('standup', { identity: 'alice', tracks: [{ source: 'microphone' }] });
    const camera = lk.seed.track('standup', 'alice', { source: 'camera' });
    lk.seed.unpublish('standup', 'alice', camera.sid);
    lk.seed.leave('standup', 'alice');
    const settled = await lk.webhooks.flush();

    expect(endpoint.received.map((e) => e.event)).toEqual([
      'room_started',
      'participant_joined',
      'track_published',
      'track_published',
      'track_unpublished',
      'track_unpublished', // the microphone, as alice leaves
      'participant_left',
    ]);
    expect(endpoint.received.map((e) => e.id)).toEqual(lk.events().map((e) => e.id));
    expect(endpoint.received[1]?.participant?.identity).toBe('alice');
    expect(endpoint.received[3]?.track?.sid).toBe(camera.sid);
    expect(settled).toHaveLength(7);
    expect(settled.every((delivery) => delivery.ok && delivery.attempts === 1)).toBe(true);
    expect(lk.webhooks.deliveries).toHaveLength(7);
  });

  it('sends what a server sends: webhook+json, the raw token, the LiveKit user agent', async () => {
    lk.seed.room('standup');
    await lk.webhooks.flush();
    expect(endpoint.headers[0]?.['content-type']).toBe('application/webhook+json');
    expect(endpoint.headers[0]?.['user-agent']).toBe('LiveKit');
    expect(endpoint.headers[0]?.['authorization']).not.toMatch(/^Bearer /);
  });

  it('lists its webhook URLs and forgets deliveries on reset', async () => {
    expect(lk.webhooks.urls).toEqual([endpoint.url]);
    lk.seed.room('standup');
    await lk.webhooks.flush();
    lk.reset();
    expect(lk.webhooks.deliveries).toEqual([]);
    expect(await lk.webhooks.flush()).toEqual([]);
  });
});

describe('startTestServer webhook delivery', () => {
  it('signs with the chosen key of several', async () => {
    const { lk, endpoint } = await setUp({
      keys: { first: 'first-secret-0123456789abcdefghijkl', second: 'second-secret-0123456789abcdefghij' },
      apiKey: 'second',
    });
    lk.seed.room('standup');
    await lk.webhooks.flush();
    expect(endpoint.received.map((e) => e.event)).toEqual(['room_started']);
  });

  it('retries an endpoint that fails, and flush waits for the retry', async () => {
    const flaky: ScriptedEndpoint = await startEndpoint([503, 200]);
    cleanup.push(flaky.close);
    const lk = await startTestServer({ webhooks: { urls: [flaky.url], backoffMs: 1 } });
    cleanup.push(() => lk.close());
    lk.seed.room('standup');
    const [delivery] = await lk.webhooks.flush();
    expect(delivery?.attempts).toBe(2);
    expect(flaky.requests).toHaveLength(2);
  });

  it('rejects flush with the reason when the endpoint refuses the webhook', async () => {
    const endpoint = await receivingEndpoint(new WebhookReceiver('devkey', 'a-different-secret-0123456789abcdef'));
    cleanup.push(endpoint.close);
    const lk = await startTestServer({ keys: { devkey: 'devsecret-0123456789abcdefghijklmnopqrs' }, webhooks: { urls: [endpoint.url] } });
    cleanup.push(() => lk.close());
    lk.seed.room('standup');
    const error = await lk.webhooks.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect((error as WebhookDeliveryError).status).toBe(401);
    expect((error as WebhookDeliveryError).message).toContain('token_bad_signature');
  });

  it('stamps events and tokens with the server clock', async () => {
    const frozen = Date.UTC(2030, 0, 1);
    const stamped: WebhookEvent[] = [];
    const endpoint = await receivingEndpoint(new WebhookReceiver('devkey', 'devsecret-0123456789abcdefghijklmnopqrs'));
    cleanup.push(endpoint.close);
    const lk = await startTestServer({
      keys: { devkey: 'devsecret-0123456789abcdefghijklmnopqrs' },
      now: () => frozen,
      webhooks: { urls: [endpoint.url], retries: 0 },
    });
    cleanup.push(() => lk.close());
    lk.onEvent((event) => stamped.push(event));
    lk.seed.room('standup');
    // The endpoint checks tokens against the real clock, so a token from 2030 is refused.
    const error = await lk.webhooks.flush().catch((e: unknown) => e);
    expect((error as WebhookDeliveryError).message).toContain('token_not_yet_valid');
    expect(stamped[0]?.createdAt).toBe(BigInt(frozen / 1000));
  });

  it('refuses a webhook key the server does not hold', async () => {
    await expect(startTestServer({ keys: { a: 'secret-a-0123456789' }, webhooks: { urls: ['http://127.0.0.1:9/'], apiKey: 'b' } })).rejects.toThrow(
      RangeError,
    );
  });

  it('without webhooks, has no URLs and flushes at once', async () => {
    const lk = await startTestServer();
    cleanup.push(() => lk.close());
    lk.seed.room('standup');
    expect(lk.webhooks.urls).toEqual([]);
    expect(await lk.webhooks.flush()).toEqual([]);
  });
});
