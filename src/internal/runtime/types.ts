/**
 * The few primitives that differ between runtimes. `node.ts` implements them with
 * `node:crypto` and `Buffer` (Node, Bun, Deno); `portable.ts` with `@noble/hashes` and
 * plain JavaScript (Cloudflare Workers, Vercel Edge, browsers). Which one a program gets
 * is decided once, by the `#runtime` entry of package.json `imports` — never by runtime
 * checks scattered through the code.
 */
export interface RuntimePrimitives {
  /** Which implementation this is, for diagnostics and tests. */
  readonly name: 'node' | 'portable';
  /** HMAC-SHA256 of `data` under `key` (strings are UTF-8), as unpadded base64url. */
  hmacSha256Base64Url(key: string | Uint8Array, data: string): string;
  /** HMAC-SHA256 of `data` under `key` (strings are UTF-8). */
  hmacSha256(key: string | Uint8Array, data: string | Uint8Array): Uint8Array;
  /** SHA-256 digest. */
  sha256(data: string | Uint8Array): Uint8Array;
  /** SHA-256 digest as standard, padded base64 (the webhook `sha256` claim). */
  sha256Base64(data: string | Uint8Array): string;
  /** Cryptographically secure random bytes. */
  randomBytes(length: number): Uint8Array;
  /** UTF-8 string to unpadded base64url. */
  base64UrlEncodeString(text: string): string;
  /**
   * Unpadded base64url to a UTF-8 string, or undefined when `encoded` is not unpadded
   * base64url (a character outside `A–Z a–z 0–9 - _`, padding, or a length that no byte
   * string encodes to). The check is this function's job so that callers need no
   * separate pass over the text.
   */
  base64UrlDecodeToString(encoded: string): string | undefined;
  /** Bytes to unpadded base64url. */
  base64UrlEncodeBytes(bytes: Uint8Array): string;
  /** Bytes to standard, padded base64. */
  base64Encode(bytes: Uint8Array): string;
  /** Standard base64 (padding optional) to bytes. */
  base64Decode(encoded: string): Uint8Array;
}
