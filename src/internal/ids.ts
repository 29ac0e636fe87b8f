// LiveKit-style ids (`RM_TkVjUvAqgzKz`, `EV_…`, `EG_…`): a prefix and random base62
// characters. The one generator for event ids and every id the test server hands out.
import { runtime } from '#runtime';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `prefix` and `length` random characters of [A-Za-z0-9], each equally likely.
 *
 * @example
 * ```ts
 * newId('EG_'); // 'EG_3fJq9ZkR2mXa'
 * newId('', 40); // a 40-character secret
 * ```
 */
export function newId(prefix: string, length = 12): string {
  let id = prefix;
  const end = prefix.length + length;
  while (id.length < end) {
    for (const byte of runtime.randomBytes(length + 8)) {
      // 248 = 4 × 62: rejecting bytes at or above it keeps every character equally likely.
      if (byte < 248 && id.length < end) id += ID_ALPHABET[byte % 62];
    }
  }
  return id;
}
