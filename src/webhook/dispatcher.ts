import { deliverWebhook, type DeliverWebhookOptions } from './deliver.js';
import { WebhookDeliveryError } from './errors.js';
import type { WebhookEvent } from './event.js';
import { signWebhook, type SignableWebhookEvent } from './sign.js';

/**
 * Options for {@link WebhookDispatcher}.
 *
 * @example
 * ```ts
 * const options: WebhookDispatcherOptions = { urls: ['http://127.0.0.1:3000/hook'], apiKey: 'devkey', apiSecret: 'secret' };
 * ```
 */
export interface WebhookDispatcherOptions extends Omit<DeliverWebhookOptions, 'signal'> {
  /** Where to POST every event. */
  urls: readonly (string | URL)[];
  /** The key events are signed with. */
  apiKey: string;
  /** Its secret. */
  apiSecret: string;
  /** The clock tokens and `createdAt` are stamped with, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
}

/**
 * The outcome of sending one event to one URL.
 *
 * @example
 * ```ts
 * const failed = (await dispatcher.settled()).filter((d) => !d.ok);
 * ```
 */
export interface WebhookDelivery {
  readonly url: string;
  /** The event as it was signed (with its `id` and `createdAt`). */
  readonly event: WebhookEvent;
  /** Whether the endpoint answered 2xx. */
  readonly ok: boolean;
  /** The last HTTP status, if there was an answer. */
  readonly status: number | undefined;
  /** How many requests were made. */
  readonly attempts: number;
  /** Why the delivery failed, when it did. */
  readonly error: WebhookDeliveryError | undefined;
}

/**
 * Sends events to a set of URLs the way a LiveKit server does: each event signed once, the
 * events to one URL delivered one after another in the order they happened, each retried on
 * failure. `flush()` waits for everything sent so far. Used by the test server.
 *
 * @example
 * ```ts
 * const dispatcher = new WebhookDispatcher({ urls: [url], apiKey: 'devkey', apiSecret: 'secret' });
 * dispatcher.send({ event: 'room_started', room: { name: 'standup' } });
 * await dispatcher.flush();
 * ```
 */
export class WebhookDispatcher {
  readonly #urls: readonly string[];
  readonly #apiKey: string;
  readonly #apiSecret: string;
  readonly #deliverOptions: DeliverWebhookOptions;
  readonly #now: (() => number) | undefined;
  readonly #queues = new Map<string, Promise<void>>();
  readonly #deliveries: WebhookDelivery[] = [];
  readonly #abort = new AbortController();
  #pending = 0;
  #idle: Array<() => void> = [];
  #unreported: WebhookDelivery[] = [];

  constructor(options: WebhookDispatcherOptions) {
    const { urls, apiKey, apiSecret, now, ...deliverOptions } = options;
    if (!Array.isArray(urls)) throw new TypeError("WebhookDispatcher needs { urls: ['http://…'] }");
    if (typeof apiKey !== 'string' || apiKey === '' || typeof apiSecret !== 'string' || apiSecret === '') {
      throw new TypeError('WebhookDispatcher needs the apiKey and apiSecret to sign events with');
    }
    this.#urls = urls.map((url: string | URL) => new URL(url).href);
    this.#apiKey = apiKey;
    this.#apiSecret = apiSecret;
    this.#now = now;
    this.#deliverOptions = { ...deliverOptions, signal: this.#abort.signal };
  }

  /** The URLs events go to. */
  get urls(): readonly string[] {
    return this.#urls;
  }

  /** Every delivery settled so far, in the order they settled. */
  get deliveries(): readonly WebhookDelivery[] {
    return [...this.#deliveries];
  }

  /**
   * Signs `event` and queues it for every URL. Returns the event as signed; does not wait.
   *
   * @example
   * ```ts
   * const signed = dispatcher.send({ event: 'participant_joined', room: { name: 'r' }, participant: { identity: 'a' } });
   * ```
   */
  send(event: SignableWebhookEvent): WebhookEvent {
    const signed = signWebhook(event, {
      apiKey: this.#apiKey,
      apiSecret: this.#apiSecret,
      ...(this.#now === undefined ? {} : { now: this.#now() }),
    });
    if (this.#abort.signal.aborted) return signed.event;
    for (const url of this.#urls) {
      this.#pending++;
      const previous = this.#queues.get(url) ?? Promise.resolve();
      const next = previous.then(async () => {
        let delivery: WebhookDelivery;
        try {
          const result = await deliverWebhook(url, signed, this.#deliverOptions);
          delivery = { url, event: signed.event, ok: true, status: result.status, attempts: result.attempts, error: undefined };
        } catch (error) {
          if (this.#abort.signal.aborted) {
            delivery = settledByClose(url, signed.event);
          } else {
            const failure =
              error instanceof WebhookDeliveryError
                ? error
                : new WebhookDeliveryError(`webhook to ${url} failed: ${String(error)}`, { url, attempts: 0, cause: error });
            delivery = { url, event: signed.event, ok: false, status: failure.status, attempts: failure.attempts, error: failure };
          }
        }
        this.#settle(delivery);
      });
      this.#queues.set(url, next);
    }
    return signed.event;
  }

  /**
   * Waits until every event sent so far (and any sent while waiting) has been delivered or
   * has failed for good. Resolves to the deliveries settled since the previous `flush()`;
   * rejects with the first {@link WebhookDeliveryError} among them if any failed, so a test
   * whose endpoint refuses webhooks fails with the reason.
   *
   * @example
   * ```ts
   * await dispatcher.flush();
   * ```
   */
  async flush(): Promise<WebhookDelivery[]> {
    if (this.#pending > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
    const settled = this.#unreported;
    this.#unreported = [];
    const failed = settled.filter((delivery) => delivery.error !== undefined);
    const first = failed[0]?.error;
    if (first !== undefined) {
      if (failed.length > 1) {
        throw new WebhookDeliveryError(`${failed.length} webhook deliveries failed; the first: ${first.message}`, {
          url: first.url,
          attempts: first.attempts,
          ...(first.status === undefined ? {} : { status: first.status }),
          cause: first,
        });
      }
      throw first;
    }
    return settled;
  }

  /**
   * Forgets the deliveries settled so far, failures included (deliveries in flight are
   * kept and reported when they settle).
   *
   * @example
   * ```ts
   * afterEach(() => dispatcher.clearLog());
   * ```
   */
  clearLog(): void {
    this.#deliveries.length = 0;
    this.#unreported = [];
  }

  /**
   * Stops delivering: aborts what is in flight and drops what is queued.
   *
   * @example
   * ```ts
   * dispatcher.close();
   * ```
   */
  close(): void {
    this.#abort.abort(new Error('webhook dispatcher closed'));
  }

  #settle(delivery: WebhookDelivery): void {
    this.#deliveries.push(delivery);
    if (delivery.error !== undefined || delivery.ok) this.#unreported.push(delivery);
    this.#pending--;
    if (this.#pending === 0) {
      const waiting = this.#idle;
      this.#idle = [];
      for (const resolve of waiting) resolve();
    }
  }
}

function settledByClose(url: string, event: WebhookEvent): WebhookDelivery {
  return { url, event, ok: false, status: undefined, attempts: 0, error: undefined };
}
