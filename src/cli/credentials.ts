// Which API key and secret a command signs or verifies with, and which server it calls.
import type { FlagSpec, ParsedArgs } from './args.js';
import { describeValue, PROGRAM, UsageError, writeLine, type CliIo } from './io.js';

/** The key `livekit-server --dev` accepts. Its secret is the word `secret`. */
export const DEV_API_KEY = 'devkey';
const DEV_API_SECRET = 'secret';

/** The flags every command that signs or verifies takes. */
export const KEY_FLAGS: readonly FlagSpec[] = [
  {
    name: 'api-key',
    type: 'string',
    value: '<key>',
    description: 'API key (default: $LIVEKIT_API_KEY, else the dev key "devkey")',
    group: 'Credentials',
  },
  {
    name: 'api-secret',
    type: 'string',
    value: '<secret>',
    description: 'API secret (default: $LIVEKIT_API_SECRET, else the dev secret)',
    group: 'Credentials',
  },
];

/** A resolved key pair, and whether it is the development fallback. */
export interface ResolvedKeys {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly source: 'flags-or-env' | 'dev';
}

/**
 * `--api-key`/`--api-secret`, else `LIVEKIT_API_KEY`/`LIVEKIT_API_SECRET` (each on its
 * own), else — when neither half is set anywhere — the `livekit-server --dev` keys, saying
 * so on stderr. Half a pair is a usage error: silently mixing it with the dev keys would
 * sign with a key the server does not know.
 */
export function resolveKeys(args: ParsedArgs, io: CliIo, command: string): ResolvedKeys {
  const apiKey = nonEmpty(args.string('api-key'), '--api-key', command) ?? nonEmpty(io.env['LIVEKIT_API_KEY']);
  const apiSecret =
    nonEmpty(args.string('api-secret'), '--api-secret', command) ?? nonEmpty(io.env['LIVEKIT_API_SECRET']);
  if (apiKey !== undefined && apiSecret !== undefined) return { apiKey, apiSecret, source: 'flags-or-env' };
  if (apiKey === undefined && apiSecret === undefined) {
    writeLine(
      io.stderr,
      `${PROGRAM}: no API key given (--api-key/--api-secret or LIVEKIT_API_KEY/LIVEKIT_API_SECRET); ` +
        `using the local development key "${DEV_API_KEY}" that \`livekit-server --dev\` accepts`,
    );
    return { apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, source: 'dev' };
  }
  throw new UsageError(
    apiKey === undefined
      ? 'an API secret was given without its key: pass --api-key <key> or set LIVEKIT_API_KEY'
      : 'an API key was given without its secret: pass --api-secret <secret> or set LIVEKIT_API_SECRET',
    command,
  );
}

/** The flag for the server address. */
export const URL_FLAG: FlagSpec = {
  name: 'url',
  type: 'string',
  value: '<url>',
  description: 'LiveKit server, e.g. https://my-project.livekit.cloud (default: $LIVEKIT_URL)',
  group: 'Credentials',
};

/** `--url`, else `LIVEKIT_URL`; a usage error naming both when neither is set. */
export function resolveUrl(args: ParsedArgs, io: CliIo, command: string): string {
  const url = nonEmpty(args.string('url'), '--url', command) ?? nonEmpty(io.env['LIVEKIT_URL']);
  if (url === undefined) {
    throw new UsageError(
      'no server to talk to: pass --url <url> or set LIVEKIT_URL (for `livekit-server --dev`, that is ws://localhost:7880)',
      command,
    );
  }
  if (!/^(https?|wss?):\/\/[^/]/i.test(url)) {
    throw new UsageError(
      `--url (${describeValue(url)}) is not a server address; use http(s):// or ws(s)://, e.g. https://my-project.livekit.cloud`,
      command,
    );
  }
  return url;
}

function nonEmpty(value: string | undefined, flag?: string, command?: string): string | undefined {
  if (value === undefined) return undefined;
  if (value === '') {
    if (flag !== undefined) throw new UsageError(`${flag} is empty`, command);
    return undefined;
  }
  return value;
}
