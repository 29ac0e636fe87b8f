import { createHash, createHmac, randomFillSync } from 'node:crypto';
import { Buffer } from 'node:buffer';
import type { RuntimePrimitives } from './types.js';

function asBuffer(data: string | Uint8Array): Buffer | string {
  return typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function toUint8(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Runtime primitives backed by `node:crypto` and `Buffer` (Node, Bun, Deno). */
export const runtime: RuntimePrimitives = {
  name: 'node',
  hmacSha256Base64Url: (key, data) => createHmac('sha256', asBuffer(key)).update(data).digest('base64url'),
  hmacSha256: (key, data) => toUint8(createHmac('sha256', asBuffer(key)).update(asBuffer(data)).digest()),
  sha256: (data) => toUint8(createHash('sha256').update(asBuffer(data)).digest()),
  randomBytes: (length) => randomFillSync(new Uint8Array(length)),
  base64UrlEncodeString: (text) => Buffer.from(text, 'utf8').toString('base64url'),
  base64UrlDecodeToString: (encoded) => Buffer.from(encoded, 'base64url').toString('utf8'),
  base64UrlEncodeBytes: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url'),
  base64Encode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  base64Decode: (encoded) => toUint8(Buffer.from(encoded, 'base64')),
};
