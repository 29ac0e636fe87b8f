// The one HTTP interface every service client goes through. Two implementations exist:
// http-fetch.ts (any runtime with fetch) and http-node.ts (node:http with keep-alive, faster
// on Node); default-transport.ts picks one, in one place.

/** One HTTP request, fully built by the Twirp client. Header names are lower-case. */
export interface HttpRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string | undefined;
  /** Aborts the request; the transport then rejects with `signal.reason`. */
  readonly signal: AbortSignal;
  /**
   * The most answer bytes to read. A larger `Content-Length`, or a body that grows past it,
   * makes the transport drop the connection and reject with {@link ResponseTooLarge}.
   * Default {@link DEFAULT_MAX_RESPONSE_BYTES}.
   */
  readonly maxResponseBytes?: number | undefined;
  /**
   * Send on a new connection, not a pooled keep-alive one: used to re-send a request that
   * failed on a connection the server had closed while it sat idle.
   */
  readonly freshConnection?: boolean | undefined;
}

/** The answer size cap when a request sets none: 32 MiB, far above a ListEgress of thousands. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** A complete answer: status, headers and the whole body. */
export interface HttpResponse {
  readonly status: number;
  /** A header value by lower-case name, or undefined. */
  header(name: string): string | undefined;
  readonly body: Uint8Array;
}

/**
 * Sends one request. Rejects with `request.signal.reason` when the signal fired, and with a
 * {@link TransportFailure} for any other network-level failure. Never rejects for an HTTP
 * error status.
 */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/**
 * A request that failed below HTTP. `mayHaveReachedServer` is false only when surely not sent.
 * `staleConnection` marks a request written on a reused keep-alive connection that broke
 * before a single byte of the answer arrived: the signature of a server (or a proxy) that
 * closed the connection while it sat idle in the pool, as the request was being written.
 */
export class TransportFailure extends Error {
  readonly mayHaveReachedServer: boolean;
  readonly staleConnection: boolean;

  constructor(mayHaveReachedServer: boolean, cause: unknown, staleConnection = false) {
    super(describeFailure(cause), { cause });
    this.name = 'TransportFailure';
    this.mayHaveReachedServer = mayHaveReachedServer;
    this.staleConnection = staleConnection;
  }
}

/** The answer was larger than the request's `maxResponseBytes`; the connection was dropped. */
export class ResponseTooLarge extends Error {
  readonly limitBytes: number;
  /** The announced `Content-Length`, when that is how it was caught before reading. */
  readonly contentLength: number | undefined;

  constructor(limitBytes: number, contentLength?: number) {
    super(
      contentLength === undefined
        ? `the answer grew past ${limitBytes} bytes`
        : `the answer announced ${contentLength} bytes, more than ${limitBytes}`,
    );
    this.name = 'ResponseTooLarge';
    this.limitBytes = limitBytes;
    this.contentLength = contentLength;
  }
}

/** A `Content-Length` header as a number of bytes, or undefined when absent or unreadable. */
export function parseContentLength(value: string | null | undefined): number | undefined {
  if (value === undefined || value === null || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

// Failures that happen before a single byte of the request can have been delivered: the
// connection was never established.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Error codes found on `err`, its `cause` chain and inside AggregateErrors (undici, happy eyeballs). */
export function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (typeof value !== 'object' || value === null || seen.has(value) || depth > 6) return;
    seen.add(value);
    const code = (value as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const errors = (value as { errors?: unknown }).errors;
    if (Array.isArray(errors)) for (const inner of errors) visit(inner, depth + 1);
    visit((value as { cause?: unknown }).cause, depth + 1);
  };
  visit(err, 0);
  return codes;
}

/** True unless the failure shows the connection was never established. */
export function mayHaveReachedServer(err: unknown): boolean {
  return !errorCodes(err).some((code) => NOT_SENT_CODES.has(code));
}

/** A short description of a network failure: the error codes found, or its message. */
export function describeFailure(err: unknown): string {
  const codes = [...new Set(errorCodes(err))];
  if (codes.length > 0) return codes.join(', ');
  if (err instanceof Error) return err.message.slice(0, 200);
  return String(err).slice(0, 200);
}
