import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';
import type { RuntimePrimitives } from './types.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
function decodeTable(...alphabets: string[]): Int16Array {
  const table = new Int16Array(128).fill(-1);
  for (const alphabet of alphabets) for (let i = 0; i < 64; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}
// Both alphabets for the lenient decoder ('+' and '-' are 62, '/' and '_' are 63); the URL
// alphabet alone for the strict one.
const ANY_ALPHABET = decodeTable(ALPHABET, URL_ALPHABET);
const URL_ALPHABET_ONLY = decodeTable(URL_ALPHABET);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function utf8(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? encoder.encode(data) : data;
}

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

/**
 * Base64 to bytes. Lenient, like Node's Buffer: either alphabet, padding optional, foreign
 * characters skipped. Strict: unpadded base64url only; undefined for any other character or
 * for a length no bytes encode to.
 */
function decode(encoded: string, strict: false): Uint8Array;
function decode(encoded: string, strict: true): Uint8Array | undefined;
function decode(encoded: string, strict: boolean): Uint8Array | undefined {
  if (strict && encoded.length % 4 === 1) return undefined;
  const values = strict ? URL_ALPHABET_ONLY : ANY_ALPHABET;
  const out = new Uint8Array((encoded.length * 3) >>> 2);
  let length = 0;
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < encoded.length; i++) {
    const code = encoded.charCodeAt(i);
    if (code === 61 && !strict) break; // '='
    const value = code < 128 ? values[code]! : -1;
    if (value < 0) {
      if (strict) return undefined;
      continue;
    }
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[length++] = (buffer >> bits) & 0xff;
    }
  }
  return out.subarray(0, length);
}

function hmacBytes(key: string | Uint8Array, data: string | Uint8Array): Uint8Array {
  return hmac(sha256, utf8(key), utf8(data));
}

/** Runtime primitives in plain JavaScript (Cloudflare Workers, Vercel Edge, browsers). */
export const runtime: RuntimePrimitives = {
  name: 'portable',
  hmacSha256Base64Url: (key, data) => encode(hmacBytes(key, data), URL_ALPHABET, false),
  hmacSha256: hmacBytes,
  sha256: (data) => sha256(utf8(data)),
  sha256Base64: (data) => encode(sha256(utf8(data)), ALPHABET, true),
  randomBytes: (length) => globalThis.crypto.getRandomValues(new Uint8Array(length)),
  base64UrlEncodeString: (text) => encode(encoder.encode(text), URL_ALPHABET, false),
  base64UrlDecodeToString: (encoded) => {
    const bytes = decode(encoded, true);
    return bytes === undefined ? undefined : decoder.decode(bytes);
  },
  base64UrlEncodeBytes: (bytes) => encode(bytes, URL_ALPHABET, false),
  base64Encode: (bytes) => encode(bytes, ALPHABET, true),
  base64Decode: (encoded) => decode(encoded, false),
};
