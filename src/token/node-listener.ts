// Runs a Fetch API handler as a node:http request listener (node:http, Express, Fastify's
// raw request). Typed structurally and importing nothing from node: it sits in the /token
// file, which every runtime loads, and uses only the request and response it is given.

/**
 * The parts of a node:http `IncomingMessage` the listener reads. Express's and Fastify's
 * raw requests are ones; `body` is what a framework's parser left there, if any.
 *
 * @example
 * ```ts
 * const request: NodeRequestLike = req; // an IncomingMessage
 * ```
 */
export interface NodeRequestLike {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly readableEnded?: boolean;
  readonly body?: unknown;
  on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/**
 * The parts of a node:http `ServerResponse` the listener writes.
 *
 * @example
 * ```ts
 * const response: NodeResponseLike = res; // a ServerResponse
 * ```
 */
export interface NodeResponseLike {
  statusCode: number;
  readonly headersSent?: boolean;
  setHeader(name: string, value: string | readonly string[]): unknown;
  end(body?: Uint8Array): unknown;
}

/**
 * A node:http request listener; the optional third argument (Express's `next`) is ignored.
 *
 * @example
 * ```ts
 * const listener: NodeListener = toNodeListener(handler);
 * createServer(listener).listen(8080);
 * ```
 */
export type NodeListener = (request: NodeRequestLike, response: NodeResponseLike, next?: unknown) => void;

/**
 * Adapts a Fetch API handler, such as {@link createTokenHandler}'s, to a node:http request
 * listener for `http.createServer`, Express (`app.post('/token', ...)`) or Fastify (pass
 * `request.raw, reply.raw` after `reply.hijack()`). It reads the raw body itself, so no
 * framework body parser is needed; when one ran first (`express.json()`), the body it left
 * in `req.body` is used instead. The handler's answer is written as is.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createTokenHandler, toNodeListener } from 'livekit-server-api/token';
 *
 * const handler = createTokenHandler({ authorize });
 * createServer(toNodeListener(handler)).listen(8080);
 * // Express: app.post('/token', toNodeListener(handler));
 * ```
 */
export function toNodeListener(handler: (request: Request) => Promise<Response>): NodeListener {
  if (typeof handler !== 'function') {
    throw new TypeError('toNodeListener takes a Fetch API handler, e.g. toNodeListener(createTokenHandler({ authorize }))');
  }
  return (request, response) => {
    void serve(handler, request, response).catch(() => {
      // The answer could not be written (the client went away): nothing is left to do.
    });
  };
}

async function serve(
  handler: (request: Request) => Promise<Response>,
  incoming: NodeRequestLike,
  outgoing: NodeResponseLike,
): Promise<void> {
  let answer: Response;
  try {
    answer = await handler(toFetchRequest(incoming));
  } catch {
    answer = new Response(JSON.stringify({ code: 'internal', message: 'the request could not be handled' }), {
      status: 500,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    });
  }
  if (outgoing.headersSent === true) return;
  outgoing.statusCode = answer.status;
  const setCookies = answer.headers.getSetCookie?.() ?? [];
  answer.headers.forEach((value, name) => {
    if (name !== 'set-cookie') outgoing.setHeader(name, value);
  });
  if (setCookies.length > 0) outgoing.setHeader('set-cookie', setCookies);
  // A body refused for its size is not read to its end: close the connection rather than
  // keep it alive behind a body still arriving.
  if (answer.status === 413) outgoing.setHeader('connection', 'close');
  outgoing.end(new Uint8Array(await answer.arrayBuffer()));
}

function toFetchRequest(incoming: NodeRequestLike): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    // Pseudo-headers (HTTP/2's :path …) are not headers a Request can carry.
    if (name.startsWith(':')) continue;
    try {
      if (typeof value === 'string') headers.set(name, value);
      else for (const item of value) headers.append(name, item);
    } catch {
      // A header value the Fetch API refuses: leave it out.
    }
  }
  const method = (incoming.method ?? 'GET').toUpperCase();
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  if (method !== 'GET' && method !== 'HEAD') {
    const parsed = parsedBody(incoming);
    if (parsed !== undefined) {
      init.body = parsed;
      headers.delete('content-length');
    } else {
      init.body = streamOf(incoming);
      // Node's fetch needs to be told a streamed body is sent in one direction.
      init.duplex = 'half';
    }
  }
  return new Request(requestUrl(incoming, headers), init);
}

// The body when it was read before the listener ran: what a framework's parser
// (express.json(), express.raw(), express.text()) left in req.body, as bytes to read
// again. Undefined while the body is still to be read from the request itself.
function parsedBody(incoming: NodeRequestLike): Uint8Array<ArrayBuffer> | string | undefined {
  if (incoming.readableEnded !== true) return undefined;
  const { body } = incoming;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new Uint8Array(body);
  if (body === undefined || body === null) return '';
  return JSON.stringify(body) ?? '';
}

function streamOf(incoming: NodeRequestLike): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let open = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      incoming.on('data', (chunk) => {
        if (!open) return;
        controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : new Uint8Array(chunk));
        // Read on only when the handler asks for more.
        if ((controller.desiredSize ?? 0) <= 0) incoming.pause();
      });
      incoming.on('end', () => {
        if (open) controller.close();
        open = false;
      });
      incoming.on('error', (error) => {
        if (open) controller.error(error);
        open = false;
      });
    },
    pull() {
      incoming.resume();
    },
    cancel() {
      open = false;
      incoming.pause();
    },
  });
}

function requestUrl(incoming: NodeRequestLike, headers: Headers): string {
  const path = incoming.url ?? '/';
  try {
    return new URL(path.startsWith('/') ? path : `/${path}`, `http://${headers.get('host') ?? 'localhost'}`).href;
  } catch {
    return 'http://localhost/';
  }
}
