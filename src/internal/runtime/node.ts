import * as nodeCrypto from 'node:crypto';
import { Buffer } from 'node:buffer';
import type { RuntimePrimitives } from './types.js';

const { createHash, createHmac, randomFillSync } = nodeCrypto;

// `crypto.hash` (Node ≥ 20.12 and ≥ 21.7; Bun and Deno have it too) hashes in one call,
// without the object set-up that makes each createHmac/createHash cost several
// microseconds. Signing and checking tokens is dominated by that set-up, so where it exists
// HMAC (RFC 2104) is computed over it; older runtimes keep createHmac. Read through the
// namespace: a named import of a missing export would fail to link on Node 18/20.0.
type OneShotHash = (algorithm: string, data: string | NodeJS.ArrayBufferView, outputEncoding: string) => string | Buffer;
const oneShotHash = (nodeCrypto as { hash?: OneShotHash }).hash;

function asBuffer(data: string | Uint8Array): Buffer | string {
  return typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function toUint8(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** A key prepared for HMAC: `ipad` ahead of room for the message, `opad` ahead of the inner digest. */
interface PreparedKey {
  inner: Buffer;
  outer: Buffer;
}

const BLOCK_SIZE = 64;
const preparedKeys = new Map<string, PreparedKey>();
// A server signs with a handful of secrets; bound the cache for the odd caller with many.
const PREPARED_KEY_LIMIT = 32;

function prepareKey(secret: string, hash: OneShotHash): PreparedKey {
  let key: Buffer = Buffer.from(secret, 'utf8');
  if (key.length > BLOCK_SIZE) key = hash('sha256', key, 'buffer') as Buffer;
  const inner = Buffer.alloc(BLOCK_SIZE + 512);
  const outer = Buffer.alloc(BLOCK_SIZE + 32);
  for (let i = 0; i < BLOCK_SIZE; i++) {
    inner[i] = (key[i] ?? 0) ^ 0x36;
    outer[i] = (key[i] ?? 0) ^ 0x5c;
  }
  return { inner, outer };
}

function preparedKeyFor(secret: string, hash: OneShotHash): PreparedKey {
  let prepared = preparedKeys.get(secret);
  if (prepared === undefined) {
    prepared = prepareKey(secret, hash);
    if (preparedKeys.size >= PREPARED_KEY_LIMIT) preparedKeys.delete(preparedKeys.keys().next().value as string);
    preparedKeys.set(secret, prepared);
  }
  return prepared;
}

/** HMAC-SHA256 of a string under a string secret, over the one-shot hash. */
function hmacOneShot(secret: string, data: string, hash: OneShotHash, encoding: 'base64url' | 'buffer'): string | Buffer {
  const prepared = preparedKeyFor(secret, hash);
  const length = Buffer.byteLength(data, 'utf8');
  if (BLOCK_SIZE + length > prepared.inner.length) {
    const grown = Buffer.alloc(BLOCK_SIZE + length * 2);
    prepared.inner.copy(grown, 0, 0, BLOCK_SIZE);
    prepared.inner = grown;
  }
  // The buffers are reused: this function is synchronous, so no two calls overlap.
  prepared.inner.write(data, BLOCK_SIZE, 'utf8');
  const innerDigest = hash('sha256', prepared.inner.subarray(0, BLOCK_SIZE + length), 'buffer') as Buffer;
  innerDigest.copy(prepared.outer, BLOCK_SIZE);
  return hash('sha256', prepared.outer, encoding);
}

/** Runtime primitives backed by `node:crypto` and `Buffer` (Node, Bun, Deno). */
export const runtime: RuntimePrimitives = {
  name: 'node',
  hmacSha256Base64Url: (key, data) =>
    oneShotHash !== undefined && typeof key === 'string'
      ? (hmacOneShot(key, data, oneShotHash, 'base64url') as string)
      : createHmac('sha256', asBuffer(key)).update(data).digest('base64url'),
  hmacSha256: (key, data) =>
    oneShotHash !== undefined && typeof key === 'string' && typeof data === 'string'
      ? toUint8(hmacOneShot(key, data, oneShotHash, 'buffer') as Buffer)
      : toUint8(createHmac('sha256', asBuffer(key)).update(asBuffer(data)).digest()),
  sha256: (data) =>
    oneShotHash !== undefined
      ? toUint8(oneShotHash('sha256', asBuffer(data), 'buffer') as Buffer)
      : toUint8(createHash('sha256').update(asBuffer(data)).digest()),
  randomBytes: (length) => randomFillSync(new Uint8Array(length)),
  base64UrlEncodeString: (text) => Buffer.from(text, 'utf8').toString('base64url'),
  base64UrlDecodeToString: (encoded) => Buffer.from(encoded, 'base64url').toString('utf8'),
  base64UrlEncodeBytes: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url'),
  base64Encode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  base64Decode: (encoded) => toUint8(Buffer.from(encoded, 'base64')),
};
