// The webhook examples, each started on 127.0.0.1 and fed by the test server end to end:
// what the README shows works as written.
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createExpressApp } from '../../examples/webhooks/express.js';
import { createFastifyApp } from '../../examples/webhooks/fastify.js';
import { createHonoApp } from '../../examples/webhooks/hono.js';
import { createNodeServer } from '../../examples/webhooks/node-http.js';
import { startTestServer } from '../../src/testing/index.js';
import { WebhookReceiver, signWebhook, type WebhookEvent } from '../../src/index.js';

const KEYS = { devkey: 'devsecret-0123456789abcdefghijklmnopqrs' };
const receiver = new WebhookReceiver('devkey', KEYS.devkey);

type Start = (onEvent: (event: WebhookEvent) => void) => Promise<{ url: string; close(): Promise<void> }>;

/** Listens on 127.0.0.1 (unless the server already does) and returns the webhook URL. */
async function listening(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/livekit/webhook`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const EXAMPLES: Array<[string, Start]> = [
  ['Express (express.raw)', (onEvent) => listening(createServer(createExpressApp(receiver, onEvent)))],
  [
    'Fastify (buffer content-type parser)',
    async (onEvent) => {
      const app = createFastifyApp(receiver, onEvent);
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      return { url: `${address}/livekit/webhook`, close: () => app.close() };
    },
  ],
  [
    'Hono (receiveRequest on the Fetch-API Request)',
    async (onEvent) => {
      const app = createHonoApp(receiver, onEvent);
      const server = await new Promise<Server>((resolve) => {
        const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started as Server));
      });
      return listening(server);
    },
  ],
  ['plain node:http', (onEvent) => listening(createNodeServer(receiver, onEvent))],
];

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

describe.each(EXAMPLES)('the %s example', (_name, start) => {
  it('receives the events the test server sends, verified, in order', async () => {
    const received: WebhookEvent[] = [];
    const endpoint = await start((event) => received.push(event));
    cleanup.push(endpoint.close);
    const lk = await startTestServer({ keys: KEYS, webhooks: { urls: [endpoint.url], retries: 0 } });
    cleanup.push(() => lk.close());

    lk.seed.participant('standup', { identity: 'alice', tracks: [{ source: 'camera' }] });
    lk.seed.deleteRoom('standup');
    const deliveries = await lk.webhooks.flush();

    expect(deliveries.map((d) => d.status)).toEqual(Array(deliveries.length).fill(200));
    expect(received.map((e) => e.event)).toEqual([
      'room_started',
      'participant_joined',
      'track_published',
      'track_unpublished',
      'participant_left',
      'room_finished',
    ]);
    expect(received[1]?.participant?.identity).toBe('alice');
  });

  it('answers 401 with the refusal code to a forged or altered request, without calling the handler', async () => {
    const received: WebhookEvent[] = [];
    const endpoint = await start((event) => received.push(event));
    cleanup.push(endpoint.close);
    const post = (body: BodyInit, headers: Record<string, string>) => fetch(endpoint.url, { method: 'POST', body, headers });

    const forged = signWebhook({ event: 'room_started', room: { name: 'x' } }, { apiKey: 'devkey', apiSecret: 'not-the-secret-0123456789' });
    const forgedAnswer = await post(forged.body, { ...forged.headers });
    expect([forgedAnswer.status, await forgedAnswer.text()]).toEqual([401, 'webhook_bad_signature']);

    const genuine = signWebhook({ event: 'room_started', room: { name: 'x' } }, { apiKey: 'devkey', apiSecret: KEYS.devkey });
    const altered = await post(genuine.text.replace('"x"', '"y"'), { ...genuine.headers });
    expect([altered.status, await altered.text()]).toEqual([401, 'webhook_hash_mismatch']);

    const unsigned = await post(genuine.body, { 'Content-Type': 'application/webhook+json' });
    expect([unsigned.status, await unsigned.text()]).toEqual([401, 'webhook_missing_authorization']);
    expect(received).toEqual([]);
  });

  it('accepts a genuine request sent with Bearer in front of the token', async () => {
    const received: WebhookEvent[] = [];
    const endpoint = await start((event) => received.push(event));
    cleanup.push(endpoint.close);
    const signed = signWebhook({ event: 'egress_ended', egressInfo: { egressId: 'EG_1' } }, { apiKey: 'devkey', apiSecret: KEYS.devkey });
    const answer = await fetch(endpoint.url, {
      method: 'POST',
      body: signed.body,
      headers: { ...signed.headers, Authorization: `Bearer ${signed.headers.Authorization}` },
    });
    expect(answer.status).toBe(200);
    expect(received.map((e) => e.egressInfo?.egressId)).toEqual(['EG_1']);
  });
});

describe('the plain node:http example', () => {
  it('refuses a body over 1 MiB unread with 413, and other routes with 404', async () => {
    const endpoint = await listening(createNodeServer(receiver, () => undefined));
    cleanup.push(endpoint.close);
    const big = await fetch(endpoint.url, { method: 'POST', body: new Uint8Array(2 * 1024 * 1024) });
    expect(big.status).toBe(413);
    const elsewhere = await fetch(endpoint.url.replace('/livekit/webhook', '/other'), { method: 'POST', body: '{}' });
    expect(elsewhere.status).toBe(404);
  });
});
