// When and how long to wait before trying a call again.

/** First back-off step; it doubles on each retry up to {@link RETRY_MAX_DELAY_MS}. */
export const RETRY_BASE_DELAY_MS = 200;
/** The back-off never waits longer than this between two attempts (Retry-After aside). */
export const RETRY_MAX_DELAY_MS = 5_000;
/** A Retry-After longer than this is not waited for: the error is returned instead. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** HTTP statuses that mean "not now" from a server or proxy: retried for calls safe to repeat. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/**
 * The wait before retry number `retry` (1-based): capped exponential back-off with "equal
 * jitter", i.e. uniformly between half and all of `min(cap, base * 2^(retry-1))`. The jitter
 * keeps many clients that failed together from retrying together.
 */
export function backoffDelayMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Reads a `Retry-After` header: delay-seconds or an HTTP date. Returns milliseconds, or
 * undefined when absent or unreadable.
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date starts with the day name: "Wed, 21 Oct 2015 07:28:00 GMT".
  const date = /^[A-Za-z]{3},/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
