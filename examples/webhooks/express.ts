// A LiveKit webhook endpoint in Express.
//
//   const receiver = new WebhookReceiver(process.env.LIVEKIT_API_KEY!, process.env.LIVEKIT_API_SECRET!);
//   createExpressApp(receiver, async (event) => console.log(event.event)).listen(3000);
//
// In your app, import from 'livekit-server-api'.
import express, { type Express } from 'express';
import { WebhookVerificationError, type WebhookEvent, type WebhookReceiver } from '../../src/index.js';

/**
 * An Express app that answers `POST /livekit/webhook`: verifies each request and hands the
 * event to `onEvent`, answering 200 once it has run, 401 (with the refusal code) otherwise.
 */
export function createExpressApp(receiver: WebhookReceiver, onEvent: (event: WebhookEvent) => unknown): Express {
  const app = express();
  // The raw body, on this route only: a JSON parser in front would re-serialise the body and
  // the hash in the token would no longer match.
  app.post('/livekit/webhook', express.raw({ type: 'application/webhook+json' }), async (req, res) => {
    let event: WebhookEvent;
    try {
      event = await receiver.receive(req.body as Buffer, req.get('Authorization'));
    } catch (err) {
      if (err instanceof WebhookVerificationError) {
        res.status(err.code === 'webhook_malformed_body' ? 400 : 401).type('text/plain').send(err.code);
        return;
      }
      throw err;
    }
    // The server retries deliveries: use event.id to ignore an event seen before.
    await onEvent(event);
    res.sendStatus(200);
  });
  return app;
}
