/**
 * Reads an environment variable where the runtime has `process.env` (Node, Bun, Deno,
 * Vercel Edge) and returns undefined elsewhere. Called at construction time, never at
 * import time.
 */
export function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name];
  return value === undefined || value === '' ? undefined : value;
}

/** The API key and secret a client or token signs with. */
export interface Credentials {
  apiKey: string;
  apiSecret: string;
}

/**
 * Uses the given key and secret, else `LIVEKIT_API_KEY` / `LIVEKIT_API_SECRET`. Throws a
 * TypeError naming both variables when either is still missing.
 */
export function resolveCredentials(apiKey: string | undefined, apiSecret: string | undefined, who: string): Credentials {
  const key = apiKey ?? readEnv('LIVEKIT_API_KEY');
  const secret = apiSecret ?? readEnv('LIVEKIT_API_SECRET');
  if (typeof key !== 'string' || key === '' || typeof secret !== 'string' || secret === '') {
    const missing = [
      typeof key !== 'string' || key === '' ? 'API key' : undefined,
      typeof secret !== 'string' || secret === '' ? 'API secret' : undefined,
    ].filter(Boolean);
    throw new TypeError(
      `${who} needs an ${missing.join(' and ')}: pass them as arguments or set LIVEKIT_API_KEY and LIVEKIT_API_SECRET`,
    );
  }
  return { apiKey: key, apiSecret: secret };
}
