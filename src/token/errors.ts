import { LiveKitError } from '../errors.js';

/**
 * Why a token was refused. Stable: safe to switch on.
 *
 * - `token_malformed`: not a compact JWS with a JSON-object header and payload.
 * - `token_too_large`: longer than the verifier's `maxTokenLength`; not decoded at all.
 * - `token_unsupported_algorithm`: `alg` is not HS256 (LiveKit servers accept nothing else).
 * - `token_unknown_key`: no `iss`, or an `iss` that names no key the verifier holds.
 * - `token_bad_signature`: the signature does not match the key named by `iss`.
 * - `token_missing_claim`: a required claim is absent or of the wrong type (`exp`).
 * - `token_expired`: `exp` is in the past, beyond the leeway.
 * - `token_not_yet_valid`: `nbf` is in the future, beyond the leeway.
 *
 * @example
 * ```ts
 * function status(code: TokenVerificationErrorCode): number {
 *   return code === 'token_expired' ? 401 : 400;
 * }
 * ```
 */
export type TokenVerificationErrorCode =
  | 'token_malformed'
  | 'token_too_large'
  | 'token_unsupported_algorithm'
  | 'token_unknown_key'
  | 'token_bad_signature'
  | 'token_missing_claim'
  | 'token_expired'
  | 'token_not_yet_valid';

/**
 * A token failed verification. `code` says why; the message says what to check. The
 * token itself is never part of the message.
 *
 * @example
 * ```ts
 * import { TokenVerifier, TokenVerificationError } from 'livekit-server-api';
 * try {
 *   await new TokenVerifier('api-key', 'secret').verify(token);
 * } catch (err) {
 *   if (err instanceof TokenVerificationError && err.code === 'token_expired') {
 *     // ask the client to fetch a fresh token
 *   }
 * }
 * ```
 */
export class TokenVerificationError extends LiveKitError {
  declare readonly code: TokenVerificationErrorCode;

  constructor(code: TokenVerificationErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
