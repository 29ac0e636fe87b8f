// What the test server remembers of the requests it received: the most recent ones, bodies
// cut at a size, so a soak test of millions of calls, or a client posting 10 MB bodies in a
// loop, cannot make the test process grow without limit.

/**
 * How much of its traffic the test server keeps for `lk.requests`.
 *
 * @example
 * ```ts
 * const lk = await startTestServer({ requestLog: { maxRequests: 100, maxBodyBytes: 4096 } });
 * ```
 */
export interface RequestLogOptions {
  /** How many of the most recent requests are kept; older ones are forgotten. Default 1000. */
  maxRequests?: number;
  /**
   * How many bytes of each body are kept. A longer body is cut to this size and its decoded
   * message is not kept. Default 64 KiB.
   */
  maxBodyBytes?: number;
}

/** The defaults of {@link RequestLogOptions}. */
export const REQUEST_LOG_DEFAULTS = Object.freeze({ maxRequests: 1000, maxBodyBytes: 64 * 1024 });

/** Checks request log options and fills in the defaults. */
export function requestLogLimits(options: RequestLogOptions | undefined): Required<RequestLogOptions> {
  const limits = { ...REQUEST_LOG_DEFAULTS, ...options };
  for (const name of ['maxRequests', 'maxBodyBytes'] as const) {
    const value = limits[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`startTestServer: requestLog.${name} must be a non-negative integer, got ${String(value)}`);
    }
  }
  return limits;
}

/**
 * A log that keeps the last `capacity` items, oldest first: a ring, so pushing is O(1) and
 * memory stays at `capacity` items however many are pushed.
 */
export class RequestLog<T> {
  readonly #capacity: number;
  readonly #items: (T | undefined)[] = [];
  /** Index of the oldest item once the ring is full. */
  #start = 0;
  #dropped = 0;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) {
      throw new RangeError(`RequestLog capacity must be a non-negative integer, got ${String(capacity)}`);
    }
    this.#capacity = capacity;
  }

  /** Adds an item, forgetting the oldest one when the log is full. */
  push(item: T): void {
    if (this.#capacity === 0) {
      this.#dropped++;
      return;
    }
    if (this.#items.length < this.#capacity) {
      this.#items.push(item);
      return;
    }
    this.#items[this.#start] = item;
    this.#start = (this.#start + 1) % this.#capacity;
    this.#dropped++;
  }

  /** How many items are kept. */
  get size(): number {
    return this.#items.length;
  }

  /** How many items were forgotten to stay within capacity since the last `clear()`. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The kept items, oldest first, as a new array. */
  toArray(): T[] {
    const items = this.#items as T[];
    return [...items.slice(this.#start), ...items.slice(0, this.#start)];
  }

  /** Forgets everything. */
  clear(): void {
    this.#items.length = 0;
    this.#start = 0;
    this.#dropped = 0;
  }
}

/**
 * The body and message a log entry keeps: both as they are, or the first `maxBytes` bytes of
 * the body (a copy) and no message when the body is longer: a decoded message is as large as
 * its body.
 */
export function recordedBody<M>(
  body: Uint8Array,
  message: M | undefined,
  maxBytes: number,
): { body: Uint8Array; bodyLength: number; message: M | undefined } {
  if (body.byteLength <= maxBytes) return { body, bodyLength: body.byteLength, message };
  return { body: body.slice(0, maxBytes), bodyLength: body.byteLength, message: undefined };
}

/** How many SendData nonces the test server remembers to drop retries, like a server's window. */
export const MAX_REMEMBERED_NONCES = 65_536;
