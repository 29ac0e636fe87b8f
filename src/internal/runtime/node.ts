import { createRequire } from 'node:module';
import type * as NodeBufferModule from 'node:buffer';
import type * as NodeCryptoModule from 'node:crypto';
import type { RuntimePrimitives } from './types.js';

type NodeCrypto = typeof NodeCryptoModule;

// Built-ins are reached without import statements where possible: every
// `import … from 'node:…'` in an ES module costs about half a millisecond on a cold start
// (Node builds a module namespace for it), and node:crypto several more (it pulls in Node's
// streams). A program that never signs or verifies never loads node:crypto; one that does
// loads it once, on first use. `process.getBuiltinModule` (Node ≥ 20.16 and ≥ 22.3, Bun,
// Deno) loads a built-in synchronously from ES modules; older Node goes through require,
// which is why node:module is the one built-in imported above.
function builtin(id: string): unknown {
  const getBuiltinModule = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  return typeof getBuiltinModule === 'function'
    ? getBuiltinModule.call(process, id)
    : // A built-in resolves the same from anywhere: any absolute base path will do.
      createRequire(`${process.cwd()}/`)(id);
}

// Node, Bun and Deno (for npm packages) all have Buffer as a global.
const Buffer: typeof NodeBufferModule.Buffer =
  (globalThis as { Buffer?: typeof NodeBufferModule.Buffer }).Buffer ?? (builtin('node:buffer') as typeof NodeBufferModule).Buffer;

let loadedCrypto: NodeCrypto | undefined;
function nodeCrypto(): NodeCrypto {
  loadedCrypto ??= builtin('node:crypto') as NodeCrypto;
  return loadedCrypto;
}

// `crypto.hash` (Node ≥ 20.12 and ≥ 21.7; Bun and Deno have it too) hashes in one call,
// without the object set-up that makes each createHmac/createHash cost several
// microseconds. HMAC (RFC 2104) is computed over it where it exists; older runtimes keep
// createHmac. Its `'buffer'` output is several times slower than a string encoding, so the
// inner digest travels as a latin1 string (one char per byte) and the outer as base64url.
type OneShotHash = (algorithm: string, data: string | NodeJS.ArrayBufferView, outputEncoding: string) => string;
let oneShotHash: OneShotHash | null | undefined;
function hashFunction(): OneShotHash | null {
  if (oneShotHash === undefined) oneShotHash = (nodeCrypto() as { hash?: OneShotHash }).hash ?? null;
  return oneShotHash;
}

function asBuffer(data: string | Uint8Array): Buffer | string {
  return typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function toUint8(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

const BLOCK_SIZE = 64;

/**
 * A key prepared for HMAC: the `ipad` and `opad` blocks, computed once per secret.
 * `innerText` is the ipad block as a string when every byte of it is ASCII (any ASCII
 * secret of at most 64 bytes, i.e. nearly every LiveKit secret): then the inner hash takes
 * `innerText + data` as one UTF-8 string and no bytes are copied by hand.
 */
interface PreparedKey {
  innerText: string | undefined;
  /** ipad followed by room for the message (non-ASCII keys only). */
  inner: Buffer;
  /** opad followed by the 32-byte inner digest. */
  outer: Buffer;
}

const preparedKeys = new Map<string, PreparedKey>();
// A server signs with a handful of secrets; bound the cache for the odd caller with many.
const PREPARED_KEY_LIMIT = 32;

function prepareKey(secret: string, hash: OneShotHash): PreparedKey {
  let key: Buffer = Buffer.from(secret, 'utf8');
  if (key.length > BLOCK_SIZE) key = Buffer.from(hash('sha256', key, 'latin1'), 'latin1');
  const inner = Buffer.alloc(BLOCK_SIZE + 512);
  const outer = Buffer.alloc(BLOCK_SIZE + 32);
  let ascii = true;
  for (let i = 0; i < BLOCK_SIZE; i++) {
    inner[i] = (key[i] ?? 0) ^ 0x36;
    outer[i] = (key[i] ?? 0) ^ 0x5c;
    if (inner[i]! >= 0x80) ascii = false;
  }
  return { innerText: ascii ? inner.toString('latin1', 0, BLOCK_SIZE) : undefined, inner, outer };
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
function hmacOneShot(secret: string, data: string, hash: OneShotHash, encoding: 'base64url' | 'latin1'): string {
  const prepared = preparedKeyFor(secret, hash);
  let innerDigest: string;
  if (prepared.innerText !== undefined) {
    innerDigest = hash('sha256', prepared.innerText + data, 'latin1');
  } else {
    const length = Buffer.byteLength(data, 'utf8');
    if (BLOCK_SIZE + length > prepared.inner.length) {
      const grown = Buffer.alloc(BLOCK_SIZE + length * 2);
      prepared.inner.copy(grown, 0, 0, BLOCK_SIZE);
      prepared.inner = grown;
    }
    // The buffers are reused: this function is synchronous, so no two calls overlap.
    prepared.inner.write(data, BLOCK_SIZE, 'utf8');
    innerDigest = hash('sha256', prepared.inner.subarray(0, BLOCK_SIZE + length), 'latin1');
  }
  latin1Write(prepared.outer, innerDigest, BLOCK_SIZE);
  return hash('sha256', prepared.outer, encoding);
}

// Encoding and decoding go through here: tokens are small, and a fresh Buffer per call
// costs more than the conversion. Synchronous use only, like the HMAC buffers.
const scratch = Buffer.allocUnsafe(8 * 1024);

/**
 * Buffer's per-encoding methods (`utf8Write`, `base64urlSlice`…), which the documented
 * `write`/`toString` dispatch to after normalising their arguments. For token-sized strings
 * that normalising costs more than the conversion, so the hot paths call them directly
 * where they exist (Node has had them since base64url arrived; Bun and Deno's Buffer have
 * them too) and the documented calls otherwise. Checked once, here.
 */
interface BufferCodecs {
  utf8Write(text: string, offset: number): number;
  latin1Write(text: string, offset: number): number;
  base64urlWrite(text: string, offset: number): number;
  utf8Slice(start: number, end: number): string;
  base64urlSlice(start: number, end: number): string;
}
const CODEC_METHODS = ['utf8Write', 'latin1Write', 'base64urlWrite', 'utf8Slice', 'base64urlSlice'] as const;
const hasCodecs = CODEC_METHODS.every((name) => typeof (scratch as unknown as Record<string, unknown>)[name] === 'function');
const codecs = (buffer: Buffer): BufferCodecs => buffer as unknown as BufferCodecs;

const utf8Write = (buffer: Buffer, text: string, offset: number): number =>
  hasCodecs ? codecs(buffer).utf8Write(text, offset) : buffer.write(text, offset, 'utf8');
const latin1Write = (buffer: Buffer, text: string, offset: number): number =>
  hasCodecs ? codecs(buffer).latin1Write(text, offset) : buffer.write(text, offset, 'latin1');
const base64urlWrite = (buffer: Buffer, text: string, offset: number): number =>
  hasCodecs ? codecs(buffer).base64urlWrite(text, offset) : buffer.write(text, offset, 'base64url');
const utf8Slice = (buffer: Buffer, start: number, end: number): string =>
  hasCodecs ? codecs(buffer).utf8Slice(start, end) : buffer.toString('utf8', start, end);
const base64urlSlice = (buffer: Buffer, start: number, end: number): string =>
  hasCodecs ? codecs(buffer).base64urlSlice(start, end) : buffer.toString('base64url', start, end);

function encodeBase64UrlString(text: string): string {
  // Three UTF-8 bytes per UTF-16 unit at most, so a text this short always fits.
  if (text.length * 3 > scratch.length) return Buffer.from(text, 'utf8').toString('base64url');
  return base64urlSlice(scratch, 0, utf8Write(scratch, text, 0));
}

// Buffer's base64url decoder is lenient: it skips characters outside the alphabet (and
// reads only the low byte of non-ASCII ones), stops at '=', and also takes '+' and '/'.
// Rather than a regular expression over the text (slower than the decoding itself), the
// checks below reject exactly what is not unpadded base64url: every character must be
// ASCII (UTF-8 length equals string length), '+' and '/' are refused, and any character
// skipped or stopped at leaves fewer bytes than the length promises.
function decodeBase64UrlStrict(encoded: string): string | undefined {
  const length = encoded.length;
  if (length % 4 === 1 || Buffer.byteLength(encoded, 'utf8') !== length) return undefined;
  if (encoded.includes('+') || encoded.includes('/')) return undefined;
  const expected = (length * 3) >>> 2;
  if (expected <= scratch.length) {
    if (base64urlWrite(scratch, encoded, 0) !== expected) return undefined;
    return utf8Slice(scratch, 0, expected);
  }
  const bytes = Buffer.from(encoded, 'base64url');
  return bytes.length === expected ? bytes.toString('utf8') : undefined;
}

/** Runtime primitives backed by `node:crypto` and `Buffer` (Node, Bun, Deno). */
export const runtime: RuntimePrimitives = {
  name: 'node',
  hmacSha256Base64Url: (key, data) => {
    const hash = hashFunction();
    return hash !== null && typeof key === 'string'
      ? hmacOneShot(key, data, hash, 'base64url')
      : nodeCrypto().createHmac('sha256', asBuffer(key)).update(data).digest('base64url');
  },
  hmacSha256: (key, data) => {
    const hash = hashFunction();
    return hash !== null && typeof key === 'string' && typeof data === 'string'
      ? toUint8(Buffer.from(hmacOneShot(key, data, hash, 'latin1'), 'latin1'))
      : toUint8(nodeCrypto().createHmac('sha256', asBuffer(key)).update(asBuffer(data)).digest());
  },
  sha256: (data) => {
    const hash = hashFunction();
    return hash !== null
      ? toUint8(Buffer.from(hash('sha256', asBuffer(data), 'latin1'), 'latin1'))
      : toUint8(nodeCrypto().createHash('sha256').update(asBuffer(data)).digest());
  },
  sha256Base64: (data) => {
    const hash = hashFunction();
    return hash !== null
      ? hash('sha256', asBuffer(data), 'base64')
      : nodeCrypto().createHash('sha256').update(asBuffer(data)).digest('base64');
  },
  randomBytes: (length) => nodeCrypto().randomFillSync(new Uint8Array(length)),
  base64UrlEncodeString: encodeBase64UrlString,
  base64UrlDecodeToString: decodeBase64UrlStrict,
  base64UrlEncodeBytes: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url'),
  base64Encode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  base64Decode: (encoded) => toUint8(Buffer.from(encoded, 'base64')),
};
