// The node provider calls Buffer's per-encoding methods (utf8Write, base64urlSlice…) where
// they exist and the documented write/toString otherwise. Node always has them, so this
// loads a fresh copy of the provider under a Buffer whose scratch buffers hide them, and
// checks that the documented path computes the same bytes.
import { createHmac } from 'node:crypto';
import { afterEach, expect, it, vi } from 'vitest';
import type { RuntimePrimitives } from '../../src/internal/runtime/types.js';

// Captured before the global is stubbed: everything here uses the real Buffer.
const RealBuffer = globalThis.Buffer;
const CODECS = ['utf8Write', 'latin1Write', 'base64urlWrite', 'utf8Slice', 'base64urlSlice'] as const;

let documentedCalls = 0;

/** A Buffer.allocUnsafe whose results look like a runtime without the per-encoding methods. */
function withoutCodecs(size: number): Buffer {
  const real = RealBuffer.allocUnsafe(size);
  const hidden = Object.fromEntries(CODECS.map((name) => [name, (RealBuffer.prototype as unknown as Record<string, unknown>)[name]]));
  const view = () => RealBuffer.from(real.buffer, real.byteOffset, real.length);
  // The documented methods must still work, so they call the hidden ones directly.
  Object.defineProperties(real, {
    ...Object.fromEntries(CODECS.map((name) => [name, { value: undefined }])),
    write: {
      value(text: string, offset: number, encoding: 'utf8' | 'latin1' | 'base64url') {
        documentedCalls++;
        return (hidden[`${encoding}Write`] as (t: string, o: number) => number).call(view(), text, offset);
      },
    },
    toString: {
      value(encoding: 'utf8' | 'base64url', start: number, end: number) {
        documentedCalls++;
        return (hidden[`${encoding}Slice`] as (s: number, e: number) => string).call(view(), start, end);
      },
    },
  });
  return real;
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

it('computes the same tokens through the documented Buffer methods', async () => {
  const FakeBuffer = Object.assign(Object.create(RealBuffer) as typeof Buffer, { allocUnsafe: withoutCodecs });
  vi.stubGlobal('Buffer', FakeBuffer);
  vi.resetModules();
  const { runtime } = (await import('../../src/internal/runtime/node.js')) as { runtime: RuntimePrimitives };
  vi.unstubAllGlobals();

  for (const text of ['', 'header.payload', '{"name":"é✓😀","video":{"room":"r"}}', 'x'.repeat(5000)]) {
    const encoded = Buffer.from(text).toString('base64url');
    expect(runtime.base64UrlEncodeString(text)).toBe(encoded);
    expect(runtime.base64UrlDecodeToString(encoded)).toBe(text);
    expect(runtime.hmacSha256Base64Url('a-secret', text)).toBe(createHmac('sha256', 'a-secret').update(text).digest('base64url'));
  }
  expect(runtime.base64UrlDecodeToString('ab$d')).toBeUndefined();
  // The scratch buffer went through the documented methods, so the fallback really ran.
  expect(documentedCalls).toBeGreaterThan(0);
});
