// LiveKit Cloud region failover, as the official SDKs do it: a project host under
// *.livekit.cloud lists its regions at GET /settings/regions; when a call to one region fails
// at the network level or with a 5xx, the retry goes to a region not tried yet, after 200 ms,
// then 400 ms. Only for calls whose timeout is at least 5 s (a shorter budget cannot afford a
// discovery round trip and a second region).
import type { HttpTransport } from './http.js';

/** Back-off before the first failover hop; it doubles on each further hop. */
export const FAILOVER_BACKOFF_BASE_MS = 200;
/** Calls with a shorter per-attempt timeout never fail over. */
export const MIN_FAILOVER_TIMEOUT_MS = 5_000;
/** A region list is a few hundred bytes; anything much larger is not one. */
const MAX_REGIONS_BYTES = 64 * 1024;
/** How long region discovery may take before the retry goes to the same host instead. */
const DISCOVERY_TIMEOUT_MS = 2_000;

/** Whether `hostname` is a LiveKit Cloud project host. */
export function isCloudHost(hostname: string): boolean {
  return hostname.toLowerCase().endsWith('.livekit.cloud');
}

/** The back-off before failover hop `hop` (1-based): 200 ms, 400 ms, 800 ms… */
export function failoverDelayMs(hop: number): number {
  return FAILOVER_BACKOFF_BASE_MS * 2 ** (hop - 1);
}

/**
 * The https origin of a region URL (`wss://…` becomes `https://…`), or undefined when it is
 * invalid, not TLS, or not a LiveKit Cloud host: the region list decides where the bearer
 * token goes next, so a tampered or misconfigured list must not send it anywhere else.
 */
export function regionOrigin(url: string): string | undefined {
  try {
    const parsed = new URL(url.replace(/^wss:/i, 'https:'));
    return parsed.protocol === 'https:' && isCloudHost(parsed.hostname) && parsed.username === '' && parsed.password === ''
      ? parsed.origin
      : undefined;
  } catch {
    return undefined;
  }
}

interface CachedRegions {
  origins: string[];
  expiresAtMs: number;
}

/** Region lists per project origin, cached as long as the answer's `Cache-Control: max-age` says. */
export class RegionDirectory {
  readonly #transport: HttpTransport;
  readonly #now: () => number;
  readonly #cache = new Map<string, CachedRegions>();

  constructor(transport: HttpTransport, now: () => number = Date.now) {
    this.#transport = transport;
    this.#now = now;
  }

  /**
   * The region origins of `origin`'s project, in the server's order. Never rejects: a failed
   * discovery yields the last known list, or an empty one.
   */
  async origins(origin: string, authorization: string, signal: AbortSignal | undefined): Promise<string[]> {
    const cached = this.#cache.get(origin);
    if (cached !== undefined && cached.expiresAtMs > this.#now()) return cached.origins;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), DISCOVERY_TIMEOUT_MS);
    const onAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await this.#transport({
        url: `${origin}/settings/regions`,
        method: 'GET',
        headers: { authorization, accept: 'application/json' },
        signal: controller.signal,
        maxResponseBytes: MAX_REGIONS_BYTES,
      });
      if (response.status !== 200) return cached?.origins ?? [];
      const origins = parseRegions(new TextDecoder().decode(response.body));
      const maxAgeMs = parseMaxAgeMs(response.header('cache-control'));
      if (maxAgeMs > 0) this.#cache.set(origin, { origins, expiresAtMs: this.#now() + maxAgeMs });
      return origins;
    } catch {
      return cached?.origins ?? [];
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/** The origins listed by a `/settings/regions` body: `{"regions":[{"region":"…","url":"…"}]}`. */
export function parseRegions(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  const regions = (value as { regions?: unknown } | null)?.regions;
  if (!Array.isArray(regions)) return [];
  const origins: string[] = [];
  for (const region of regions) {
    const url = (region as { url?: unknown } | null)?.url;
    const origin = typeof url === 'string' ? regionOrigin(url) : undefined;
    if (origin !== undefined && !origins.includes(origin)) origins.push(origin);
  }
  return origins;
}

/** `max-age` of a Cache-Control header in milliseconds; 0 when absent. */
export function parseMaxAgeMs(header: string | undefined): number {
  const match = header === undefined ? null : /(?:^|,)\s*max-age\s*=\s*(\d+)/i.exec(header);
  return match === null ? 0 : Number(match[1]) * 1000;
}
