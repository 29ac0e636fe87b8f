// Reading a non-2xx answer into a Twirp code, message and metadata, whatever its body holds:
// Twirp JSON from the server, plain text (401 for a bad token, 413, 404 for a Cloud-only
// service), or an HTML page from a proxy. Never throws.
import type { TwirpErrorCode } from './errors.js';

/** What a failed answer says, ready for a ServerError. */
export interface ParsedErrorBody {
  code: string;
  msg: string;
  meta: Readonly<Record<string, string>>;
  /** Whether the body was a Twirp error object (rather than something a proxy wrote). */
  twirp: boolean;
}

const MAX_EXCERPT = 200;
const EMPTY_META: Readonly<Record<string, string>> = Object.freeze({});
const decoder = new TextDecoder();

/**
 * The code a Twirp client gives an answer that is not Twirp JSON, from its HTTP status. As
 * the Go client does, except that 413 and 429 map to `resource_exhausted` (Go: unknown and
 * unavailable), so that a rate limit is never mistaken for a retryable outage.
 */
export function codeForStatus(status: number): TwirpErrorCode {
  if (status >= 300 && status < 400) return 'internal';
  switch (status) {
    case 400:
      return 'internal';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'permission_denied';
    case 404:
      return 'bad_route';
    case 413:
    case 429:
      return 'resource_exhausted';
    case 502:
    case 503:
    case 504:
      return 'unavailable';
    default:
      return 'unknown';
  }
}

/** Reads a failed answer. `contentType` is the raw header value, if any. */
export function parseErrorBody(
  status: number,
  contentType: string | undefined,
  body: Uint8Array,
  location?: string,
): ParsedErrorBody {
  const text = decoder.decode(body.length > 65_536 ? body.subarray(0, 65_536) : body);
  const trimmed = text.trimStart();
  if ((contentType?.includes('json') ?? false) || trimmed.startsWith('{')) {
    const twirp = readTwirpJson(trimmed);
    if (twirp !== undefined) return twirp;
  }
  const meta: Record<string, string> = { http_error_from_intermediary: 'true', status_code: String(status) };
  if (location !== undefined && status >= 300 && status < 400) meta['location'] = redact(location);
  const isHtml = (contentType?.includes('html') ?? false) || trimmed.startsWith('<');
  return { code: codeForStatus(status), msg: excerpt(isHtml ? htmlToText(text) : text), meta, twirp: false };
}

function readTwirpJson(text: string): ParsedErrorBody | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const code = record['code'];
  if (typeof code !== 'string' || code === '') return undefined;
  const msg = typeof record['msg'] === 'string' ? redact(record['msg']) : '';
  let meta = EMPTY_META;
  const rawMeta = record['meta'];
  if (typeof rawMeta === 'object' && rawMeta !== null && !Array.isArray(rawMeta)) {
    const entries = Object.entries(rawMeta as Record<string, unknown>);
    if (entries.length > 0) {
      const copy: Record<string, string> = {};
      for (const [key, item] of entries) copy[key] = typeof item === 'string' ? item : JSON.stringify(item);
      meta = Object.freeze(copy);
    }
  }
  return { code, msg, meta, twirp: true };
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Whitespace collapsed, tokens redacted, at most 200 characters. */
export function excerpt(text: string): string {
  const flat = redact(text.replace(/\s+/g, ' ').trim());
  return flat.length > MAX_EXCERPT ? `${flat.slice(0, MAX_EXCERPT - 1)}…` : flat;
}

const JWT_LIKE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const BEARER = /(Bearer\s+)[^\s"',;]+/gi;

/** Removes anything that looks like a token from text that ends up in an error message. */
export function redact(text: string): string {
  return text.replace(BEARER, '$1[redacted]').replace(JWT_LIKE, '[redacted token]');
}
