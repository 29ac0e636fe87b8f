// A LiveKit webhook endpoint in Fastify.
//
//   const receiver = new WebhookReceiver(process.env.LIVEKIT_API_KEY!, process.env.LIVEKIT_API_SECRET!);
//   await createFastifyApp(receiver, async (event) => console.log(event.event)).listen({ port: 3000 });
//
// In your app, import from 'livekit-server-api'.
import Fastify, { type FastifyInstance } from 'fastify';
import { WebhookVerificationError, type WebhookEvent, type WebhookReceiver } from '../../src/index.js';

/**
 * A Fastify app that answers `POST /livekit/webhook`: verifies each request and hands the
 * event to `onEvent`, answering 200 once it has run, 401 (with the refusal code) otherwise.
 */
export function createFastifyApp(receiver: WebhookReceiver, onEvent: (event: WebhookEvent) => unknown): FastifyInstance {
  const app = Fastify();
  // LiveKit sends `application/webhook+json`: keep such bodies as the raw bytes the hash covers.
  app.addContentTypeParser('application/webhook+json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.post('/livekit/webhook', async (request, reply) => {
    let event: WebhookEvent;
    try {
      event = await receiver.receive(request.body as Buffer, request.headers.authorization);
    } catch (err) {
      if (err instanceof WebhookVerificationError) {
        return reply.code(err.code === 'webhook_malformed_body' ? 400 : 401).type('text/plain').send(err.code);
      }
      throw err;
    }
    // The server retries deliveries: use event.id to ignore an event seen before.
    await onEvent(event);
    return reply.code(200).send();
  });
  return app;
}
