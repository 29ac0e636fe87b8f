// A LiveKit webhook endpoint in Hono: the Fetch-API form, the same in Next.js route handlers,
// Cloudflare Workers, Bun and Deno.
//
//   const receiver = new WebhookReceiver(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET);
//   export default createHonoApp(receiver, async (event) => console.log(event.event));
//
// In your app, import from 'livekit-server-api'.
import { Hono } from 'hono';
import { WebhookVerificationError, type WebhookEvent, type WebhookReceiver } from '../../src/index.js';

/**
 * A Hono app that answers `POST /livekit/webhook`: verifies each request and hands the
 * event to `onEvent`, answering 200 once it has run, 401 (with the refusal code) otherwise.
 */
export function createHonoApp(receiver: WebhookReceiver, onEvent: (event: WebhookEvent) => unknown): Hono {
  const app = new Hono();
  app.post('/livekit/webhook', async (c) => {
    let event: WebhookEvent;
    try {
      // The standard Request: receiveRequest reads its raw bytes and Authorization header.
      event = await receiver.receiveRequest(c.req.raw);
    } catch (err) {
      if (err instanceof WebhookVerificationError) {
        return c.text(err.code, err.code === 'webhook_malformed_body' ? 400 : 401);
      }
      throw err;
    }
    // The server retries deliveries: use event.id to ignore an event seen before.
    await onEvent(event);
    return c.body(null, 200);
  });
  return app;
}
