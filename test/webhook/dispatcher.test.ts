import { afterEach, describe, expect, it } from 'vitest';
import { WebhookDeliveryError, WebhookDispatcher, WebhookReceiver } from '../../src/webhook/index.js';
import { startEndpoint, type ScriptedEndpoint } from './endpoint.js';
import { KEY, SECRET } from './helpers.js';

const open: ScriptedEndpoint[] = [];
const dispatchers: WebhookDispatcher[] = [];

async function endpoint(script?: Array<number | 'hang'>): Promise<ScriptedEndpoint> {
  const started = await startEndpoint(script);
  open.push(started);
  return started;
}

function dispatcher(urls: string[]): WebhookDispatcher {
  const created = new WebhookDispatcher({ urls, apiKey: KEY, apiSecret: SECRET, backoffMs: 1, maxBackoffMs: 2 });
  dispatchers.push(created);
  return created;
}

afterEach(async () => {
  for (const d of dispatchers.splice(0)) d.close();
  await Promise.all(open.splice(0).map((e) => e.close()));
});

const receiver = new WebhookReceiver(KEY, SECRET);

describe('WebhookDispatcher', () => {
  it('delivers events to every URL in the order they were sent, each verifiable', async () => {
    const [a, b] = [await endpoint(), await endpoint()];
    const d = dispatcher([a.url, b.url]);
    const names = ['room_started', 'participant_joined', 'track_published', 'participant_left', 'room_finished'] as const;
    for (const name of names) d.send({ event: name, room: { name: 'standup' } });
    const settled = await d.flush();
    expect(settled).toHaveLength(10);
    expect(settled.every((delivery) => delivery.ok && delivery.status === 200)).toBe(true);
    for (const hook of [a, b]) {
      const events = await Promise.all(hook.requests.map((r) => receiver.receive(r.body, r.headers['authorization'])));
      expect(events.map((e) => e.event)).toEqual(names);
    }
    expect(new Set(a.requests.map((r) => r.body.toString())).size).toBe(5);
  });

  it('returns the signed event from send, with the id the endpoint receives', async () => {
    const hook = await endpoint();
    const d = dispatcher([hook.url]);
    const sent = d.send({ event: 'room_started', room: { name: 'r' } });
    await d.flush();
    expect(sent.id).toMatch(/^EV_/);
    expect((await receiver.receive(hook.requests[0]!.body, hook.requests[0]!.headers['authorization'])).id).toBe(sent.id);
  });

  it('keeps the order to one URL while an earlier event is being retried', async () => {
    const hook = await endpoint([503, 503, 200]);
    const d = dispatcher([hook.url]);
    d.send({ event: 'room_started', room: { name: 'r' } });
    d.send({ event: 'room_finished', room: { name: 'r' } });
    const settled = await d.flush();
    expect(settled.map((s) => [s.event.event, s.attempts])).toEqual([
      ['room_started', 3],
      ['room_finished', 1],
    ]);
    const events = await Promise.all(hook.requests.map((r) => receiver.receive(r.body, r.headers['authorization'])));
    expect(events.map((e) => e.event)).toEqual(['room_started', 'room_started', 'room_started', 'room_finished']);
  });

  it('rejects flush with the delivery error when an endpoint refuses, then starts clean', async () => {
    const hook = await endpoint([401]);
    const d = dispatcher([hook.url]);
    d.send({ event: 'room_started', room: { name: 'r' } });
    const error = await d.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect((error as WebhookDeliveryError).status).toBe(401);
    expect(d.deliveries.map((x) => x.ok)).toEqual([false]);
    expect(await d.flush()).toEqual([]);
  });

  it('counts every failure in the flush error', async () => {
    const hook = await endpoint([400]);
    const d = dispatcher([hook.url]);
    d.send({ event: 'room_started', room: { name: 'r' } });
    d.send({ event: 'room_finished', room: { name: 'r' } });
    await expect(d.flush()).rejects.toThrow(/^2 webhook deliveries failed/);
  });

  it('resolves flush at once when nothing was sent', async () => {
    expect(await dispatcher(['http://127.0.0.1:9/']).flush()).toEqual([]);
  });

  it('stops delivering after close, and flush still settles', async () => {
    const hook = await endpoint(['hang']);
    const d = dispatcher([hook.url]);
    d.send({ event: 'room_started', room: { name: 'r' } });
    d.send({ event: 'room_finished', room: { name: 'r' } });
    await expect.poll(() => hook.requests.length, { timeout: 5000 }).toBeGreaterThan(0);
    d.close();
    expect(await d.flush()).toEqual([]);
    d.send({ event: 'room_started', room: { name: 'late' } });
    expect(await d.flush()).toEqual([]);
    expect(hook.requests).toHaveLength(1);
  });

  it('refuses construction without urls or credentials', () => {
    expect(() => new WebhookDispatcher({ urls: 'http://x' as never, apiKey: KEY, apiSecret: SECRET })).toThrow(TypeError);
    expect(() => new WebhookDispatcher({ urls: [], apiKey: '', apiSecret: SECRET })).toThrow(TypeError);
    expect(() => new WebhookDispatcher({ urls: ['not a url'], apiKey: KEY, apiSecret: SECRET })).toThrow(TypeError);
  });
});
