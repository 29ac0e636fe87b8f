import { afterEach, describe, expect, it } from 'vitest';
import { WebhookDeliveryError, WebhookReceiver, deliverWebhook, signWebhook } from '../../src/webhook/index.js';
import type { WebhookFetch } from '../../src/webhook/index.js';
import { closedPortUrl, startEndpoint, type ScriptedEndpoint } from './endpoint.js';
import { KEY, SECRET } from './helpers.js';

const signed = signWebhook(
  { event: 'participant_joined', room: { name: 'standup' }, participant: { identity: 'alice' } },
  { apiKey: KEY, apiSecret: SECRET },
);
const fast = { backoffMs: 1, maxBackoffMs: 2 };
const open: ScriptedEndpoint[] = [];

async function endpoint(script?: Array<number | 'hang'>): Promise<ScriptedEndpoint> {
  const started = await startEndpoint(script);
  open.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

async function deliveryError(promise: Promise<unknown>): Promise<WebhookDeliveryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WebhookDeliveryError) return error;
    throw error;
  }
  throw new Error('expected the delivery to fail');
}

describe('deliverWebhook', () => {
  it('POSTs the exact signed body and headers, which a receiver accepts', async () => {
    const hook = await endpoint([204]);
    const result = await deliverWebhook(hook.url, signed);
    expect(result).toEqual({ url: hook.url, status: 204, attempts: 1 });
    expect(hook.requests).toHaveLength(1);
    const [request] = hook.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/livekit/webhook');
    expect(request?.headers['content-type']).toBe('application/webhook+json');
    expect(request?.headers['user-agent']).toBe('LiveKit');
    expect(request?.headers['authorization']).toBe(signed.headers.Authorization);
    expect(Buffer.compare(request!.body, Buffer.from(signed.body))).toBe(0);
    const event = await new WebhookReceiver(KEY, SECRET).receive(request!.body, request!.headers['authorization']);
    expect(event.equals(signed.event)).toBe(true);
  });

  it('accepts a URL object', async () => {
    const hook = await endpoint();
    expect((await deliverWebhook(new URL(hook.url), signed)).status).toBe(200);
  });

  it.each([[500], [502], [503], [408], [429]])('retries after a %i and resolves once the endpoint answers 2xx', async (status) => {
    const hook = await endpoint([status, status, 200]);
    const result = await deliverWebhook(hook.url, signed, fast);
    expect(result.attempts).toBe(3);
    expect(result.status).toBe(200);
    expect(hook.requests.map((r) => r.headers['authorization'])).toEqual(Array(3).fill(signed.headers.Authorization));
  });

  it.each([[400], [401], [404], [501]])('does not retry a %i and reports it with the endpoint answer', async (status) => {
    const hook = await endpoint([status]);
    const error = await deliveryError(deliverWebhook(hook.url, signed, fast));
    expect(hook.requests).toHaveLength(1);
    expect(error.code).toBe('webhook_delivery_failed');
    expect(error.status).toBe(status);
    expect(error.attempts).toBe(1);
    expect(error.message).toContain(`status ${status} from the endpoint`);
    expect(error.message).toContain('participant_joined');
  });

  it('gives up after the configured retries with the last status', async () => {
    const hook = await endpoint([503]);
    const error = await deliveryError(deliverWebhook(hook.url, signed, { ...fast, retries: 2 }));
    expect(hook.requests).toHaveLength(3);
    expect(error.attempts).toBe(3);
    expect(error.status).toBe(503);
  });

  it('makes one attempt with retries: 0', async () => {
    const hook = await endpoint([500]);
    await deliveryError(deliverWebhook(hook.url, signed, { retries: 0 }));
    expect(hook.requests).toHaveLength(1);
  });

  it('retries a connection error and reports it as the cause, without a status', async () => {
    const error = await deliveryError(deliverWebhook(await closedPortUrl(), signed, { ...fast, retries: 1 }));
    expect(error.attempts).toBe(2);
    expect(error.status).toBeUndefined();
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.message).toMatch(/request failed/);
  });

  it('abandons an attempt that gets no answer within timeoutMs', async () => {
    const hook = await endpoint(['hang']);
    const error = await deliveryError(deliverWebhook(hook.url, signed, { retries: 0, timeoutMs: 50 }));
    expect(error.message).toContain('no answer within 50 ms');
    expect(hook.requests).toHaveLength(1);
  });

  it("rejects with the signal's reason when aborted", async () => {
    const hook = await endpoint(['hang']);
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const delivery = deliverWebhook(hook.url, signed, { signal: controller.signal });
    await expect.poll(() => hook.requests.length, { timeout: 5000 }).toBeGreaterThan(0);
    controller.abort(reason);
    await expect(delivery).rejects.toBe(reason);
  });

  it('uses an injected fetch instead of the global one', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const fakeFetch: WebhookFetch = async (url, init) => {
      calls.push({ url, init });
      return new Response(null, { status: calls.length === 1 ? 503 : 200 });
    };
    const result = await deliverWebhook('https://hooks.example.com/lk', signed, { ...fast, fetch: fakeFetch });
    expect(result).toEqual({ url: 'https://hooks.example.com/lk', status: 200, attempts: 2 });
    expect(calls[0]?.init.method).toBe('POST');
    expect(calls[0]?.init.body).toBe(signed.body);
    expect(calls[0]?.init.headers).toEqual(signed.headers);
  });

  it('keeps the query string (which may hold a secret) out of the error message', async () => {
    const fakeFetch: WebhookFetch = async () => new Response('no', { status: 403 });
    const error = await deliveryError(
      deliverWebhook('https://hooks.example.com/lk?token=s3cr3t', signed, { fetch: fakeFetch }),
    );
    expect(error.message).not.toContain('s3cr3t');
    expect(error.message).toContain('https://hooks.example.com/lk');
    expect(error.url).toBe('https://hooks.example.com/lk?token=s3cr3t');
  });

  it.each([
    ['a relative URL', () => deliverWebhook('/hook', signed), TypeError],
    ['a non-http URL', () => deliverWebhook('ftp://127.0.0.1/hook', signed), TypeError],
    ['an event instead of a signed webhook', () => deliverWebhook('http://127.0.0.1/', signed.event as never), TypeError],
    ['negative retries', () => deliverWebhook('http://127.0.0.1/', signed, { retries: -1 }), RangeError],
    ['a zero timeout', () => deliverWebhook('http://127.0.0.1/', signed, { timeoutMs: 0 }), RangeError],
  ])('refuses %s with a caller error before any request', async (_name, call, type) => {
    await expect(call()).rejects.toThrow(type);
  });
});
