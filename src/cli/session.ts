// What every command that talks to a server shares: the session its flags open (one
// LiveKitAPI for every service, the request options of --timeout and --retries, --json), one
// way to run a call and show its failure, and the argument helpers of those commands.
import { LiveKitError } from '../errors.js';
import { ConnectionError, RequestTimeoutError, ServerError } from '../rpc/errors.js';
import type { RequestOptions } from '../rpc/options.js';
import { LiveKitAPI } from '../services/livekit-api.js';
import { ttlToSeconds } from '../token/ttl.js';
import type { ParsedArgs } from './args.js';
import { resolveKeys, resolveUrl, type ResolvedKeys } from './credentials.js';
import { CommandFailure, describeValue, UsageError, writeLine, type CliIo } from './io.js';

/** The server the flags name, every service of it, and what to tell the user when a call fails. */
export interface Session {
  readonly api: LiveKitAPI;
  readonly url: string;
  readonly keys: ResolvedKeys;
  readonly requestOptions: RequestOptions;
  readonly json: boolean;
}

/** Opens the session a server command works in, from its flags and the environment. */
export function connect(args: ParsedArgs, io: CliIo, command: string): Session {
  const url = resolveUrl(args, io, command);
  const timeoutText = args.string('timeout');
  const requestOptions: RequestOptions = {};
  if (timeoutText !== undefined) requestOptions.timeoutMs = parseTimeoutMs(timeoutText, command);
  const retriesText = args.string('retries');
  if (retriesText !== undefined) {
    if (!/^\d+$/.test(retriesText.trim()) || Number(retriesText) > 10) {
      throw new UsageError(`--retries takes a whole number from 0 to 10, got ${describeValue(retriesText)}`, command);
    }
    requestOptions.retries = Number(retriesText);
  }
  const keys = resolveKeys(args, io, command);
  let api: LiveKitAPI;
  try {
    api = new LiveKitAPI({ host: url, apiKey: keys.apiKey, secret: keys.apiSecret });
  } catch (error) {
    throw asUsageError(error, command);
  }
  return { api, url, keys, requestOptions, json: args.boolean('json') === true };
}

/** Runs one call, turning its failure into what the command line shows. */
export async function call<T>(session: Session, command: string, work: (api: LiveKitAPI) => Promise<T>): Promise<T> {
  try {
    return await work(session.api);
  } catch (error) {
    throw describeFailure(error, session, command);
  }
}

function describeFailure(error: unknown, session: Session, command: string): unknown {
  if (error instanceof ServerError) {
    const where = `${error.service}.${error.method}, HTTP ${error.status}`;
    const hint =
      error.code === 'unauthenticated' || error.code === 'permission_denied'
        ? session.keys.source === 'dev'
          ? `; signed with the development key "${session.keys.apiKey}": pass --api-key/--api-secret or set LIVEKIT_API_KEY/LIVEKIT_API_SECRET`
          : `; check that API key "${session.keys.apiKey}" and its secret belong to ${session.url}`
        : '';
    return new CommandFailure(`${error.msg === '' ? '(no message)' : error.msg} (${where})${hint}`, error.code);
  }
  if (error instanceof RequestTimeoutError) {
    return new CommandFailure(
      `no answer from ${session.url} within ${error.timeoutMs} ms (${error.service}.${error.method}); pass a larger --timeout if the call is expected to be slow`,
      error.code,
    );
  }
  if (error instanceof ConnectionError) {
    return new CommandFailure(`${error.message}; is a LiveKit server running at ${session.url}?`, error.code);
  }
  if (error instanceof LiveKitError) return new CommandFailure(error.message, error.code);
  return asUsageError(error, command);
}

// The client checks arguments before sending anything; its TypeError/RangeError says what
// to pass. Anything else is unexpected and goes up as it is.
function asUsageError(error: unknown, command: string): unknown {
  if (error instanceof TypeError || error instanceof RangeError) return new UsageError(error.message, command);
  return error;
}

/** A `--timeout` value: seconds, or a duration such as 500ms, 30s, 2m. */
export function parseTimeoutMs(text: string, command: string): number {
  const trimmed = text.trim();
  try {
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000) || fail();
    if (/^\d+(\.\d+)?\s*ms$/i.test(trimmed)) return Math.ceil(Number.parseFloat(trimmed)) || fail();
    return ttlToSeconds(trimmed) * 1000;
  } catch {
    throw new UsageError(`--timeout (${describeValue(text)}) is not a duration; use seconds (30) or 500ms, 30s, 2m`, command);
  }
}

function fail(): never {
  throw new RangeError('zero');
}

/** The first positional argument, else the flag; a usage error naming both when neither is given. */
export function required(args: ParsedArgs, index: number, flag: string, what: string, command: string): string {
  const positional = args.positionals[index];
  const flagged = args.string(flag);
  if (positional !== undefined && flagged !== undefined && positional !== flagged) {
    throw new UsageError(`the ${what} is given twice, as an argument and as --${flag}, with different values; give it once`, command);
  }
  const value = positional ?? flagged;
  if (value === undefined || value === '') {
    throw new UsageError(`'${command}' needs the ${what}: ${args.usage}`, command);
  }
  return value;
}

/** Prints `value` as indented JSON: what --json gives scripts. */
export function printJson(io: CliIo, value: unknown): void {
  writeLine(io.stdout, JSON.stringify(value, null, 2));
}
