import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';
import type { RuntimePrimitives } from './types.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// One lookup table for both alphabets: '+' and '-' are 62, '/' and '_' are 63.
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  DECODE[ALPHABET.charCodeAt(i)] = i;
  DECODE[URL_ALPHABET.charCodeAt(i)] = i;
}

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

// Lenient in the same way as Node's Buffer: padding is optional and characters outside the
// alphabet are skipped. Callers that need strictness check the alphabet first.
function decode(encoded: string): Uint8Array {
  const out = new Uint8Array(Math.floor((encoded.length * 3) / 4));
  let length = 0;
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < encoded.length; i++) {
    const code = encoded.charCodeAt(i);
    if (code === 61) break; // '='
    const value = code < 128 ? DECODE[code]! : -1;
    if (value < 0) continue;
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[length++] = (buffer >> bits) & 0xff;
    }
  }
  return out.subarray(0, length);
}

const URL_DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) URL_DECODE[URL_ALPHABET.charCodeAt(i)] = i;

/** Unpadded base64url to bytes; undefined for any character outside its alphabet or a length no bytes encode to. */
function decodeBase64UrlStrict(encoded: string): Uint8Array | undefined {
  if (encoded.length % 4 === 1) return undefined;
  const out = new Uint8Array((encoded.length * 3) >>> 2);
  let length = 0;
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < encoded.length; i++) {
    const code = encoded.charCodeAt(i);
    const value = code < 128 ? URL_DECODE[code]! : -1;
    if (value < 0) return undefined;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[length++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
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
    const bytes = decodeBase64UrlStrict(encoded);
    return bytes === undefined ? undefined : decoder.decode(bytes);
  },
  base64UrlEncodeBytes: (bytes) => encode(bytes, URL_ALPHABET, false),
  base64Encode: (bytes) => encode(bytes, ALPHABET, true),
  base64Decode: decode,
};
