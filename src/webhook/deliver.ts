import { formatValue } from '../token/grants.js';
import { WebhookDeliveryError } from './errors.js';
import type { SignedWebhook } from './sign.js';
import { sleep } from '../internal/sleep.js';

/**
 * The `fetch` a delivery uses: the global one by default, or any function with its shape
 * (a test double, undici's, one with a proxy agent).
 *
 * @example
 * ```ts
 * const logged: WebhookFetch = (url, init) => { console.log('POST', url); return fetch(url, init); };
 * ```
 */
export type WebhookFetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Options for {@link deliverWebhook}.
 *
 * @example
 * ```ts
 * await deliverWebhook(url, signed, { retries: 5, backoffMs: 100, timeoutMs: 2000 });
 * ```
 */
export interface DeliverWebhookOptions {
  /** The fetch to use. Default: `globalThis.fetch`. */
  fetch?: WebhookFetch;
  /** Further attempts after the first fails with a transport error, 408, 429 or 5xx. Default 3. */
  retries?: number;
  /** Delay before the first retry, doubled before each next one. Default 500 ms. */
  backoffMs?: number;
  /** Longest delay between attempts. Default 5000 ms. */
  maxBackoffMs?: number;
  /** Time allowed for each attempt. Default 10 000 ms. */
  timeoutMs?: number;
  /** Aborts the delivery: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * A successful delivery: the endpoint answered 2xx.
 *
 * @example
 * ```ts
 * const { status, attempts } = await deliverWebhook(url, signed);
 * ```
 */
export interface WebhookDeliveryResult {
  readonly url: string;
  /** The 2xx status the endpoint answered. */
  readonly status: number;
  /** How many requests were made (1 when the first one succeeded). */
  readonly attempts: number;
}

const DEFAULTS = { retries: 3, backoffMs: 500, maxBackoffMs: 5000, timeoutMs: 10_000 } as const;

/**
 * POSTs a signed webhook to `url` the way a LiveKit server delivers it: the exact body and
 * headers of {@link signWebhook}, retried with doubling back-off on transport errors, 408,
 * 429 and 5xx (other 4xx answers are final: retrying a 401 does not fix a wrong secret).
 * Resolves once the endpoint answered 2xx.
 *
 * @throws WebhookDeliveryError (as a rejected promise) when every attempt failed; the
 *   signal's reason when aborted; TypeError / RangeError for invalid arguments.
 * @example
 * ```ts
 * import { deliverWebhook, signWebhook } from 'livekit-server-api';
 *
 * const signed = signWebhook({ event: 'room_started', room: { name: 'standup' } }, { apiKey, apiSecret });
 * const { status, attempts } = await deliverWebhook('http://127.0.0.1:3000/livekit/webhook', signed, {
 *   retries: 2,
 *   backoffMs: 50,
 * });
 * ```
 */
export async function deliverWebhook(
  url: string | URL,
  webhook: SignedWebhook,
  options: DeliverWebhookOptions = {},
): Promise<WebhookDeliveryResult> {
  const target = checkUrl(url);
  if (typeof webhook !== 'object' || webhook === null || !(webhook.body instanceof Uint8Array) || typeof webhook.headers !== 'object') {
    throw new TypeError(`deliverWebhook expects the result of signWebhook(event, { apiKey, apiSecret }), got ${formatValue(webhook)}`);
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`deliverWebhook options must be an object such as { retries: 3 }, got ${formatValue(options)}`);
  }
  const fetchFn = options.fetch ?? (globalThis.fetch as WebhookFetch | undefined);
  if (typeof fetchFn !== 'function') {
    throw new TypeError('deliverWebhook needs fetch: this runtime has no global fetch, pass { fetch } in the options');
  }
  const retries = checkCount(options.retries ?? DEFAULTS.retries, 'retries', true);
  const backoffMs = checkCount(options.backoffMs ?? DEFAULTS.backoffMs, 'backoffMs', true);
  const maxBackoffMs = checkCount(options.maxBackoffMs ?? DEFAULTS.maxBackoffMs, 'maxBackoffMs', true);
  const timeoutMs = checkCount(options.timeoutMs ?? DEFAULTS.timeoutMs, 'timeoutMs', false);
  const { signal } = options;

  let lastStatus: number | undefined;
  let lastError: unknown;
  let lastDetail = '';
  let attempts = 0;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(Math.min(backoffMs * 2 ** (attempt - 1), maxBackoffMs), signal);
    signal?.throwIfAborted();
    attempts++;
    const attemptSignal = signal === undefined ? AbortSignal.timeout(timeoutMs) : anySignal(signal, AbortSignal.timeout(timeoutMs));
    let response: Response;
    try {
      response = await fetchFn(target, {
        method: 'POST',
        headers: { ...webhook.headers },
        body: webhook.body,
        signal: attemptSignal,
      });
    } catch (cause) {
      signal?.throwIfAborted();
      lastStatus = undefined;
      lastError = cause;
      lastDetail = attemptSignal.aborted ? `no answer within ${timeoutMs} ms` : `request failed: ${errorMessage(cause)}`;
      continue;
    }
    lastStatus = response.status;
    lastError = undefined;
    if (response.status >= 200 && response.status < 300) {
      await discard(response);
      return { url: target, status: response.status, attempts };
    }
    lastDetail = `answered ${response.status}${await snippet(response)}`;
    if (!isRetryable(response.status)) break;
  }
  throw new WebhookDeliveryError(
    `webhook ${webhook.event.event} (${webhook.event.id}) to ${redact(target)} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${lastDetail}`,
    { url: target, attempts, ...(lastStatus === undefined ? {} : { status: lastStatus }), cause: lastError },
  );
}

function isRetryable(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501);
}

function checkUrl(url: unknown): string {
  const text = url instanceof URL ? url.href : url;
  if (typeof text !== 'string') throw new TypeError(`deliverWebhook needs a URL, got ${formatValue(url)}`);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new TypeError(`deliverWebhook needs an absolute http(s) URL, got ${formatValue(text)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`deliverWebhook needs an http(s) URL, got ${formatValue(text)}`);
  }
  return parsed.href;
}

function checkCount(value: unknown, name: string, zeroAllowed: boolean): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < (zeroAllowed ? 0 : 1)) {
    throw new RangeError(`${name} must be an integer ≥ ${zeroAllowed ? 0 : 1}, got ${formatValue(value)}`);
  }
  return value;
}

/** The URL without credentials, query or fragment, which may hold secrets. */
function redact(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  // undici's "fetch failed" hides the reason (ECONNREFUSED…) in `cause`.
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}

async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Nothing to free.
  }
}

async function snippet(response: Response): Promise<string> {
  try {
    const text = (await response.text()).trim();
    if (text === '') return '';
    return `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
  } catch {
    return '';
  }
}

function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  const any = (AbortSignal as { any?: (signals: AbortSignal[]) => AbortSignal }).any;
  if (typeof any === 'function') return any([a, b]);
  // Node 18.x before 18.17 has no AbortSignal.any.
  const controller = new AbortController();
  const forward = (from: AbortSignal) => () => controller.abort(from.reason);
  if (a.aborted || b.aborted) controller.abort(a.aborted ? a.reason : b.reason);
  a.addEventListener('abort', forward(a), { once: true });
  b.addEventListener('abort', forward(b), { once: true });
  return controller.signal;
}

