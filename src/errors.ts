/**
 * The root of every error this SDK throws on purpose.
 *
 * Each family (token verification, webhooks, server answers, transport failures) has its
 * own subclass; all of them carry a stable, machine-readable {@link LiveKitError.code}
 * in snake_case, so callers can branch without parsing messages. Messages never contain a
 * secret or a whole token.
 *
 * Caller mistakes (a wrong argument type, an empty room name) are reported with the
 * built-in `TypeError` / `RangeError` before any work is done, not with this class.
 *
 * @example
 * ```ts
 * import { LiveKitError } from 'livekit-server-api';
 * try {
 *   await verifier.verify(token);
 * } catch (err) {
 *   if (err instanceof LiveKitError) console.error(err.code, err.message);
 *   else throw err;
 * }
 * ```
 */
export class LiveKitError extends Error {
  /** A stable snake_case code, e.g. `token_expired` or `not_found`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    // Subclasses get their own name ("TokenVerificationError") without repeating it.
    this.name = new.target.name;
  }
}
