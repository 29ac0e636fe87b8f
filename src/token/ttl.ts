import ms from 'ms';
import { formatValue } from './grants.js';

/**
 * A token lifetime: seconds as a number, or a vercel/ms string such as `'10h'`,
 * `'2 days'` or `'90s'`.
 *
 * @example
 * ```ts
 * const ttl: Ttl = '10h'; // or 36_000
 * ```
 */
export type Ttl = number | string;

/**
 * The default token lifetime in every official SDK: 6 hours, in seconds.
 *
 * @example
 * ```ts
 * const at = new AccessToken(key, secret, { ttl: DEFAULT_TTL_SECONDS * 2 });
 * ```
 */
export const DEFAULT_TTL_SECONDS = 6 * 60 * 60;

/**
 * Converts a ttl to whole seconds. Throws a RangeError for zero, negative, non-finite or
 * sub-second lifetimes and a TypeError for strings that are not durations — including
 * unit-less ones like `'3600'`, which vercel/ms would read as milliseconds.
 */
export function ttlToSeconds(ttl: Ttl, what = 'ttl'): number {
  let seconds: number;
  if (typeof ttl === 'number') {
    seconds = ttl;
  } else if (typeof ttl === 'string') {
    const trimmed = ttl.trim();
    if (/^[+-]?\d+(\.\d+)?$/.test(trimmed)) {
      throw new TypeError(
        `${what} ${formatValue(ttl)} has no unit: pass a number of seconds (${trimmed}) or a string with a unit ('${trimmed}s')`,
      );
    }
    let millis: number | undefined;
    try {
      millis = ms(trimmed as ms.StringValue) as number | undefined;
    } catch {
      millis = undefined; // ms throws for the empty string
    }
    if (typeof millis !== 'number' || Number.isNaN(millis)) {
      throw new TypeError(`${what} ${formatValue(ttl)} is not a duration; use seconds as a number or a string such as '10h', '30m' or '2 days'`);
    }
    seconds = millis / 1000;
  } else {
    throw new TypeError(`${what} must be a number of seconds or a duration string such as '10h', got ${formatValue(ttl)}`);
  }
  if (!Number.isFinite(seconds) || seconds < 1) {
    throw new RangeError(`${what} must be at least 1 second and finite, got ${formatValue(ttl)}`);
  }
  return Math.floor(seconds);
}
