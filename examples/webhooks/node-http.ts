// A LiveKit webhook endpoint on plain node:http, no framework.
//
//   const receiver = new WebhookReceiver(process.env.LIVEKIT_API_KEY!, process.env.LIVEKIT_API_SECRET!);
//   createNodeServer(receiver, async (event) => console.log(event.event)).listen(3000);
//
// In your app, import from 'livekit-server-api'.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { WebhookVerificationError, type WebhookEvent, type WebhookReceiver } from '../../src/index.js';

/** Webhook bodies are a few kilobytes; refuse anything far larger unread. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * A node:http server that answers `POST /livekit/webhook`: verifies each request and hands
 * the event to `onEvent`, answering 200 once it has run, 401 (with the refusal code) otherwise.
 */
export function createNodeServer(receiver: WebhookReceiver, onEvent: (event: WebhookEvent) => unknown): Server {
  return createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/livekit/webhook') {
      res.writeHead(404).end();
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      res.writeHead(413, { Connection: 'close' }).end();
      return;
    }
    readBody(req)
      .then(async (body) => {
        if (body === undefined) {
          res.writeHead(413).end();
          return;
        }
        let event: WebhookEvent;
        try {
          event = await receiver.receive(body, req.headers.authorization);
        } catch (err) {
          if (!(err instanceof WebhookVerificationError)) throw err;
          res.writeHead(err.code === 'webhook_malformed_body' ? 400 : 401, { 'Content-Type': 'text/plain' }).end(err.code);
          return;
        }
        // The server retries deliveries: use event.id to ignore an event seen before.
        await onEvent(event);
        res.writeHead(200).end();
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
}

/** The raw body as one Buffer, or undefined when it grows larger than MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
