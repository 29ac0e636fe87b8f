import { resolveCredentials } from '../internal/env.js';
import { formatValue, type ClaimGrants } from './grants.js';
import { verifyHs256 } from './jwt.js';
import { ttlToSeconds } from './ttl.js';

/**
 * Clock leeway a LiveKit server allows on `exp` and `nbf`, in seconds (60).
 *
 * @example
 * ```ts
 * const strict = new TokenVerifier(key, secret, { leewaySeconds: DEFAULT_LEEWAY_SECONDS / 2 });
 * ```
 */
export const DEFAULT_LEEWAY_SECONDS = 60;
/**
 * Longest token a verifier decodes by default (64 KiB); longer ones are refused unread.
 *
 * @example
 * ```ts
 * const roomy = new TokenVerifier(key, secret, { maxTokenLength: 4 * DEFAULT_MAX_TOKEN_LENGTH });
 * ```
 */
export const DEFAULT_MAX_TOKEN_LENGTH = 64 * 1024;

/**
 * Options for {@link TokenVerifier.verify}.
 *
 * @example
 * ```ts
 * const claims = await verifier.verify(token, { leewaySeconds: 5, now: new Date('2030-01-01') });
 * ```
 */
export interface VerifyOptions {
  /** Clock leeway on `exp`/`nbf`, in seconds. Default 60, as the server. */
  leewaySeconds?: number;
  /** The current time (a Date or epoch milliseconds). Default: the clock. For tests. */
  now?: Date | number;
  /** Longest token to decode, in characters. Default 64 KiB. */
  maxTokenLength?: number;
}

/**
 * Options for the {@link TokenVerifier} constructor: defaults for every `verify` call.
 *
 * @example
 * ```ts
 * const verifier = new TokenVerifier({ 'key-2025': secretA, 'key-2026': secretB }, { leewaySeconds: 30 });
 * ```
 */
export type TokenVerifierOptions = Pick<VerifyOptions, 'leewaySeconds' | 'maxTokenLength'>;

/**
 * API keys and their secrets: a plain object or a Map from key to secret.
 *
 * @example
 * ```ts
 * const keys: ApiKeySecrets = { 'key-2025': process.env.OLD_SECRET!, 'key-2026': process.env.NEW_SECRET! };
 * ```
 */
export type ApiKeySecrets = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

/**
 * Verifies LiveKit access tokens the way a LiveKit server does: HS256 only, `exp`
 * required, `nbf` checked, 60 s of clock leeway, the secret chosen by the token's `iss`,
 * the signature compared in constant time. Stricter than `livekit-server-sdk`'s verifier,
 * which also accepts HS384/HS512 and allows only 10 s of leeway.
 *
 * Every rejection is a {@link TokenVerificationError} whose `code` says why.
 *
 * @example
 * ```ts
 * import { TokenVerifier } from 'livekit-server-api';
 *
 * const verifier = new TokenVerifier('api-key', 'secret-key');
 * const claims = await verifier.verify(token);
 * console.log(claims.sub, claims.video?.room);
 *
 * // Key rotation: several keys, the secret picked by the token's `iss`.
 * const rotating = new TokenVerifier({ 'old-key': oldSecret, 'new-key': newSecret });
 * ```
 */
export class TokenVerifier {
  readonly #secrets: ReadonlyMap<string, string>;
  readonly #leewaySeconds: number;
  readonly #maxTokenLength: number;

  /** One key and its secret; they default to `LIVEKIT_API_KEY` and `LIVEKIT_API_SECRET`. */
  constructor(apiKey?: string, apiSecret?: string, options?: TokenVerifierOptions);
  /** Several keys: an object or Map from API key to secret. */
  constructor(keys: ApiKeySecrets, options?: TokenVerifierOptions);
  constructor(
    keyOrKeys?: string | ApiKeySecrets,
    secretOrOptions?: string | TokenVerifierOptions,
    maybeOptions?: TokenVerifierOptions,
  ) {
    let options: TokenVerifierOptions | undefined;
    if (keyOrKeys === undefined || typeof keyOrKeys === 'string') {
      const secret = typeof secretOrOptions === 'string' ? secretOrOptions : undefined;
      const { apiKey, apiSecret } = resolveCredentials(keyOrKeys, secret, 'TokenVerifier');
      this.#secrets = new Map([[apiKey, apiSecret]]);
      options = maybeOptions ?? (typeof secretOrOptions === 'object' ? secretOrOptions : undefined);
    } else {
      this.#secrets = toSecretMap(keyOrKeys, 'TokenVerifier');
      options = typeof secretOrOptions === 'object' ? secretOrOptions : undefined;
    }
    this.#leewaySeconds = checkLeeway(options?.leewaySeconds ?? DEFAULT_LEEWAY_SECONDS);
    this.#maxTokenLength = checkMaxLength(options?.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH);
  }

  /** The API keys this verifier accepts (never their secrets). */
  get apiKeys(): string[] {
    return [...this.#secrets.keys()];
  }

  /**
   * Verifies `token` and resolves to its claims. A whole `Bearer <token>` header value is
   * accepted too.
   *
   * @param options - {@link VerifyOptions}; a number or string in its place is read as
   *   `livekit-server-sdk`'s `clockTolerance` (seconds, or a duration like `'30s'`).
   * @throws TokenVerificationError (as a rejected promise) when the token is refused.
   * @example
   * ```ts
   * try {
   *   const { sub, video } = await verifier.verify(req.headers.authorization?.slice(7) ?? '');
   * } catch (err) {
   *   if (err instanceof TokenVerificationError) return res.status(401).send(err.code);
   *   throw err;
   * }
   * ```
   */
  async verify(token: string, options?: VerifyOptions | number | string): Promise<ClaimGrants> {
    return this.verifySync(token, options);
  }

  /**
   * {@link TokenVerifier.verify}, synchronously: returns the claims or throws.
   *
   * @example
   * ```ts
   * const claims = verifier.verifySync(token);
   * ```
   */
  verifySync(token: string, options?: VerifyOptions | number | string): ClaimGrants {
    const resolved = normalizeOptions(options);
    const secrets = this.#secrets;
    return verifyHs256(withoutBearer(token), {
      secretFor: (apiKey) => secrets.get(apiKey),
      leewaySeconds: resolved.leewaySeconds === undefined ? this.#leewaySeconds : checkLeeway(resolved.leewaySeconds),
      nowSeconds: nowInSeconds(resolved.now),
      maxTokenLength:
        resolved.maxTokenLength === undefined ? this.#maxTokenLength : checkMaxLength(resolved.maxTokenLength),
    }) as ClaimGrants;
  }

  /** A summary without secrets, for `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `TokenVerifier { apiKeys: ${JSON.stringify(this.apiKeys)} }`;
  }

  /** A summary without secrets, for `JSON.stringify`. */
  toJSON(): { apiKeys: string[] } {
    return { apiKeys: this.apiKeys };
  }
}

/** Checks a key → secret table; `who` names the class in messages. */
export function toSecretMap(keys: ApiKeySecrets, who: string): ReadonlyMap<string, string> {
  if (typeof keys !== 'object' || keys === null) {
    throw new TypeError(`${who} expects (apiKey, apiSecret) or an object of key → secret, got ${formatValue(keys)}`);
  }
  const entries = keys instanceof Map ? [...keys.entries()] : Object.entries(keys);
  if (entries.length === 0) {
    throw new TypeError(`${who} needs at least one API key and secret`);
  }
  for (const [key, secret] of entries) {
    if (typeof key !== 'string' || key === '' || typeof secret !== 'string' || secret === '') {
      throw new TypeError(`${who} keys must map non-empty API keys to non-empty secrets`);
    }
  }
  return new Map(entries as [string, string][]);
}

/**
 * The token of an `Authorization: Bearer <token>` value given whole. A JWT starts with `eyJ`,
 * so a leading `b`/`B` is all it takes to rule the prefix out on the common path.
 */
function withoutBearer(token: string): string {
  if (typeof token !== 'string' || (token.charCodeAt(0) | 0x20) !== 0x62) return token;
  const prefix = /^bearer\s+/i.exec(token);
  return prefix === null ? token : token.slice(prefix[0].length);
}

function normalizeOptions(options: VerifyOptions | number | string | undefined): VerifyOptions {
  if (options === undefined || options === null) return {};
  if (typeof options === 'number') return { leewaySeconds: options };
  if (typeof options === 'string') return { leewaySeconds: ttlToSeconds(options, 'clockTolerance') };
  if (typeof options !== 'object') {
    throw new TypeError(`verify options must be an object such as { leewaySeconds: 60 }, got ${formatValue(options)}`);
  }
  return options;
}

function checkLeeway(leeway: number): number {
  if (typeof leeway !== 'number' || !Number.isFinite(leeway) || leeway < 0) {
    throw new RangeError(`leewaySeconds must be a finite number ≥ 0, got ${formatValue(leeway)}`);
  }
  return leeway;
}

function checkMaxLength(length: number): number {
  if (typeof length !== 'number' || !Number.isInteger(length) || length <= 0) {
    throw new RangeError(`maxTokenLength must be a positive integer, got ${formatValue(length)}`);
  }
  return length;
}

function nowInSeconds(now: Date | number | undefined): number {
  if (now === undefined) return Math.floor(Date.now() / 1000);
  const millis = now instanceof Date ? now.getTime() : now;
  if (typeof millis !== 'number' || !Number.isFinite(millis)) {
    throw new TypeError(`now must be a Date or epoch milliseconds, got ${formatValue(now)}`);
  }
  return Math.floor(millis / 1000);
}
