// The Authorization header of each call: a short-lived token carrying exactly the grants the
// method needs, signed with the API secret and cached per grant set, or a pre-signed token.
import { signHs256 } from '../token/jwt.js';

/**
 * The grant claims one call needs, e.g. `{ video: { roomAdmin: true, room: 'standup' } }` or
 * `{ sip: { call: true } }`. Built by the service clients, in a fixed key order.
 */
export type CallGrants = Readonly<Record<string, Readonly<Record<string, string | boolean>>>>;

/** Produces the `Authorization` header value for a call needing `grants`. */
export interface Authorizer {
  authorization(grants: CallGrants): string;
}

/** Lifetime of a minted service token. */
export const SERVICE_TOKEN_TTL_SECONDS = 600;
/**
 * A cached token is replaced once less than this is left, so that every request leaves with a
 * token valid for at least five more minutes, whatever the call's timeout and retries.
 */
export const SERVICE_TOKEN_MIN_REMAINING_SECONDS = 300;
/** Room-scoped grants make one cache entry per room; beyond this many the oldest go first. */
const MAX_CACHED_TOKENS = 512;

interface CachedToken {
  header: string;
  expiresAt: number;
}

/** Signs service tokens with an API key and secret; one cached token per grant set. */
export class SigningAuthorizer implements Authorizer {
  // Private fields: neither the secret nor a token shows in util.inspect or JSON.stringify.
  readonly #apiKey: string;
  readonly #apiSecret: string;
  readonly #now: () => number;
  readonly #cache = new Map<string, CachedToken>();

  constructor(apiKey: string, apiSecret: string, now: () => number = Date.now) {
    this.#apiKey = apiKey;
    this.#apiSecret = apiSecret;
    this.#now = now;
  }

  authorization(grants: CallGrants): string {
    const key = JSON.stringify(grants);
    const nowSeconds = Math.floor(this.#now() / 1000);
    const cached = this.#cache.get(key);
    if (cached !== undefined && cached.expiresAt - nowSeconds >= SERVICE_TOKEN_MIN_REMAINING_SECONDS) {
      return cached.header;
    }
    const expiresAt = nowSeconds + SERVICE_TOKEN_TTL_SECONDS;
    const token = signHs256({ ...grants, iss: this.#apiKey, nbf: nowSeconds, exp: expiresAt }, this.#apiSecret);
    const header = `Bearer ${token}`;
    if (cached !== undefined) this.#cache.delete(key);
    else if (this.#cache.size >= MAX_CACHED_TOKENS) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(key, { header, expiresAt });
    return header;
  }
}

/** Sends one pre-signed token with every call; it must carry the grants the calls need. */
export class StaticTokenAuthorizer implements Authorizer {
  readonly #header: string;

  constructor(token: string) {
    this.#header = `Bearer ${token}`;
  }

  authorization(): string {
    return this.#header;
  }
}
