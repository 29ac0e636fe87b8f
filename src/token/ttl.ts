import { formatValue } from './grants.js';

/**
 * A token lifetime: seconds as a number, or a duration string in the vercel/ms format such
 * as `'10h'`, `'2 days'` or `'90s'`.
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

// The grammar of vercel/ms, the format every LiveKit SDK documents for ttl strings. Parsed
// here rather than by the `ms` package: that package is CommonJS, and loading the first
// CommonJS module from an ES module costs more than the rest of the `/token` entry. The
// test suite checks this parser against `ms` itself.
const DURATION = /^(-?(?:\d+)?\.?\d+) *(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)?$/i;
const SECOND = 1;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const UNIT_SECONDS: Readonly<Record<string, number>> = {
  y: DAY * 365.25,
  w: DAY * 7,
  d: DAY,
  h: HOUR,
  m: MINUTE,
  s: SECOND,
};

/**
 * Reads a vercel/ms duration string as seconds; undefined when it is not one. Like
 * vercel/ms, a unit-less number is milliseconds and strings over 100 characters are refused.
 */
export function parseDurationSeconds(text: string): number | undefined {
  if (text.length > 100) return undefined;
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  const amount = Number.parseFloat(match[1]!);
  const unit = (match[2] ?? 'ms').toLowerCase();
  // 'ms', 'msec(s)' and 'millisecond(s)' all start with 'm' but are not minutes.
  if (unit === 'ms' || unit.startsWith('msec') || unit.startsWith('milli')) return amount / 1000;
  return amount * UNIT_SECONDS[unit[0]!]!;
}

// Programs mint with one or two ttl strings over and over ('1h', '10m'); remembering what
// they parse to saves the regular expressions on every token. Only valid strings are kept,
// and the map is emptied when full so that a caller with endless distinct strings cannot
// grow it.
const parsedTtls = new Map<string, number>();
const PARSED_TTL_LIMIT = 64;

/**
 * Converts a ttl to whole seconds. Throws a RangeError for zero, negative, non-finite or
 * sub-second lifetimes and a TypeError for strings that are not durations — including
 * unit-less ones like `'3600'`, which vercel/ms would read as milliseconds.
 */
export function ttlToSeconds(ttl: Ttl, what = 'ttl'): number {
  if (typeof ttl === 'string') {
    const cached = parsedTtls.get(ttl);
    if (cached !== undefined) return cached;
  }
  let seconds: number;
  if (typeof ttl === 'number') {
    seconds = ttl;
  } else if (typeof ttl === 'string') {
    const trimmed = ttl.trim();
    if (/^[+-]?\d+(\.\d+)?$/.test(trimmed)) {
      throw new TypeError(
        `${what} is a string of digits without a unit: pass a number of seconds, or a string with a unit such as '3600s' or '1h'`,
      );
    }
    const parsed = parseDurationSeconds(trimmed);
    if (parsed === undefined) {
      throw new TypeError(`${what} (${formatValue(ttl)}) is not a duration; use seconds as a number or a string such as '10h', '30m' or '2 days'`);
    }
    seconds = parsed;
  } else {
    throw new TypeError(`${what} must be a number of seconds or a duration string such as '10h', got ${formatValue(ttl)}`);
  }
  if (!Number.isFinite(seconds) || seconds < 1) {
    throw new RangeError(`${what} must be at least 1 second and finite, got ${formatValue(ttl)}`);
  }
  const whole = Math.floor(seconds);
  if (typeof ttl === 'string') {
    if (parsedTtls.size >= PARSED_TTL_LIMIT) parsedTtls.clear();
    parsedTtls.set(ttl, whole);
  }
  return whole;
}
