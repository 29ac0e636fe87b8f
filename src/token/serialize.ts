// JSON for token claims, written out by hand. The output is exactly JSON.stringify's (the
// test suite checks that on arbitrary JSON values); it is about twice as fast on claim
// sets, where most strings need no escaping and JSON.stringify's general path dominates
// the cost of minting.

// A string needs JSON.stringify when it holds a quote, a backslash, a control character or
// a surrogate (a lone one is escaped as \uXXXX; paired ones are simply sent to it too).
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as JSON. */
export function quote(text: string): string {
  return NEEDS_ESCAPING.test(text) ? JSON.stringify(text) : `"${text}"`;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return (prototype === Object.prototype || prototype === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** Like JSON.stringify(value) for a value that is not undefined. */
export function stringifyJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      // Number-to-string is the same algorithm JSON.stringify uses; -0 prints as "0".
      return Number.isFinite(value) ? `${value}` : 'null';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return stringifyArray(value as unknown[]);
      if (isPlainObject(value)) return stringifyObject(value);
      break;
    default:
      break;
  }
  // Anything unusual (a toJSON method, a class instance, a bigint to throw on) takes
  // JSON.stringify's own path.
  return JSON.stringify(value) as string;
}

function stringifyArray(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (i > 0) out += ',';
    out += item === undefined || typeof item === 'function' || typeof item === 'symbol' ? 'null' : stringifyJson(item);
  }
  return `${out}]`;
}

function stringifyObject(object: Record<string, unknown>): string {
  let out = '{';
  let first = true;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const item = object[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    out += `${first ? '' : ','}${quote(key)}:${stringifyJson(item)}`;
    first = false;
  }
  return `${out}}`;
}

// `"key":` for the member names seen so far. Grant objects reuse a few dozen names on every
// token; quoting each anew (a regular expression test) was half the cost of writing them.
// Bounded, because attribute names come from callers.
const memberPrefixes = new Map<string, string>();
const MEMBER_PREFIX_LIMIT = 256;

function memberPrefix(key: string): string {
  let prefix = memberPrefixes.get(key);
  if (prefix === undefined) {
    prefix = `${quote(key)}:`;
    if (memberPrefixes.size >= MEMBER_PREFIX_LIMIT) memberPrefixes.clear();
    memberPrefixes.set(key, prefix);
  }
  return prefix;
}

/**
 * A grant object as JSON: a flat object whose members are nearly always booleans and
 * strings, so those are written directly and anything else goes through stringifyJson.
 */
export function stringifyFlatObject(object: object): string {
  let out = '';
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const item = (object as Record<string, unknown>)[key];
    let text: string;
    if (item === true) text = 'true';
    else if (item === false) text = 'false';
    else if (typeof item === 'string') text = quote(item);
    else if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    else text = stringifyJson(item);
    out += out === '' ? memberPrefix(key) + text : `,${memberPrefix(key)}${text}`;
  }
  return `{${out}}`;
}
