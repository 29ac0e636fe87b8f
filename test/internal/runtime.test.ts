// Both runtime providers must compute the same bytes as node:crypto and Buffer; the suite
// also runs under each provider through the '#runtime' alias (see vitest.config.ts).
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runtime as active } from '#runtime';
import { runtime as nodeRuntime } from '../../src/internal/runtime/node.js';
import { runtime as portableRuntime } from '../../src/internal/runtime/portable.js';

describe.each([nodeRuntime, portableRuntime])('runtime primitives: $name', (runtime) => {
  it('computes HMAC-SHA256 like node:crypto', () => {
    fc.assert(
      fc.property(fc.string(), fc.oneof(fc.string(), fc.uint8Array()), (key, data) => {
        const expected = createHmac('sha256', key).update(data).digest();
        expect(Buffer.from(runtime.hmacSha256(key, data))).toEqual(expected);
        if (typeof data === 'string') expect(runtime.hmacSha256Base64Url(key, data)).toBe(expected.toString('base64url'));
      }),
    );
  });

  it.each([0, 1, 63, 64, 65, 200])('computes HMAC-SHA256 like node:crypto with a %d-character key', (keyLength) => {
    const key = 'k'.repeat(keyLength);
    for (const data of ['', 'a.b', 'x'.repeat(600), 'é✓'.repeat(3000), 'y'.repeat(40_000)]) {
      const expected = createHmac('sha256', key).update(data).digest();
      expect(runtime.hmacSha256Base64Url(key, data)).toBe(expected.toString('base64url'));
      expect(Buffer.from(runtime.hmacSha256(key, data))).toEqual(expected);
    }
  });

  // ASCII secrets of up to 64 bytes take the node provider's string path; longer ones are
  // hashed first and non-ASCII ones have ipad bytes above 0x7f, so both take its byte path.
  it('computes HMAC-SHA256 like node:crypto with non-ASCII and full-Unicode keys', () => {
    for (const key of ['ключ-секрет', '\u0080', 'ß'.repeat(40), '😀 key', '\u007f'.repeat(64)]) {
      for (const data of ['', 'header.payload', 'é✓😀'.repeat(50)]) {
        const expected = createHmac('sha256', key).update(data).digest();
        expect(runtime.hmacSha256Base64Url(key, data)).toBe(expected.toString('base64url'));
        expect(Buffer.from(runtime.hmacSha256(key, data))).toEqual(expected);
      }
    }
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), (key, data) => {
        expect(runtime.hmacSha256Base64Url(key, data)).toBe(createHmac('sha256', key).update(data).digest('base64url'));
      }),
    );
  });

  it('keeps many keys apart', () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 100; i++) {
        const key = `secret-${i}`;
        expect(runtime.hmacSha256Base64Url(key, 'm')).toBe(createHmac('sha256', key).update('m').digest('base64url'));
      }
    }
  });

  it('computes SHA-256 like node:crypto', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.uint8Array()), (data) => {
        expect(Buffer.from(runtime.sha256(data))).toEqual(createHash('sha256').update(data).digest());
        expect(runtime.sha256Base64(data)).toBe(createHash('sha256').update(data).digest('base64'));
      }),
    );
  });

  it('encodes and decodes base64 and base64url like Buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.string(), (bytes, text) => {
        const buffer = Buffer.from(bytes);
        expect(runtime.base64Encode(bytes)).toBe(buffer.toString('base64'));
        expect(runtime.base64UrlEncodeBytes(bytes)).toBe(buffer.toString('base64url'));
        expect(Buffer.from(runtime.base64Decode(buffer.toString('base64')))).toEqual(buffer);
        expect(runtime.base64UrlEncodeString(text)).toBe(Buffer.from(text).toString('base64url'));
        expect(runtime.base64UrlDecodeToString(Buffer.from(text).toString('base64url'))).toBe(
          Buffer.from(Buffer.from(text).toString('base64url'), 'base64url').toString('utf8'),
        );
      }),
    );
  });

  // What a token part may be: unpadded base64url. Anything else is refused, never decoded
  // leniently (Buffer skips foreign characters and reads only the low byte of non-ASCII).
  const STRICT_BASE64URL = /^[A-Za-z0-9_-]*$/;
  const decodesStrictly = (text: string) => STRICT_BASE64URL.test(text) && text.length % 4 !== 1;

  it('decodes exactly the strings that are unpadded base64url', () => {
    const alphabetAndNeighbours = fc.constantFrom(
      ...'ABCXYZabcxyz0189-_+/=. \n\t$%é✓\u0100\u012d\u0141\u4e00\ud800'.split(''),
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: alphabetAndNeighbours }), fc.string({ unit: 'binary' })), (text) => {
        const decoded = runtime.base64UrlDecodeToString(text);
        if (decodesStrictly(text)) {
          expect(decoded).toBe(Buffer.from(text, 'base64url').toString('utf8'));
        } else {
          expect(decoded).toBeUndefined();
        }
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['a character Buffer would skip', 'eyJh$bGci'],
    ['padding', 'eyJhbA=='],
    ['standard base64 characters', 'ab+/'],
    ['a non-ASCII character whose low byte is in the alphabet', 'ab\u012dd'],
    ['a length no bytes encode to', 'abcde'],
    ['whitespace', 'ab cd'],
  ])('refuses %s', (_, text) => {
    expect(runtime.base64UrlDecodeToString(text)).toBeUndefined();
  });

  it('encodes and decodes text longer than the scratch buffer', () => {
    for (const text of ['ü✓'.repeat(10_000), 'x'.repeat(2731), 'x'.repeat(2732), '✓'.repeat(2731), '😀'.repeat(1400)]) {
      const encoded = Buffer.from(text).toString('base64url');
      expect(runtime.base64UrlEncodeString(text)).toBe(encoded);
      expect(runtime.base64UrlDecodeToString(encoded)).toBe(text);
    }
  });

  it('returns the requested number of random bytes, different each time', () => {
    const a = runtime.randomBytes(16);
    const b = runtime.randomBytes(16);
    expect(a).toHaveLength(16);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });
});

it('resolves #runtime to the provider this test project runs on', () => {
  expect(active.name).toBe(process.env['EXPECTED_RUNTIME']);
});
