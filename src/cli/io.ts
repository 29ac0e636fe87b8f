// What a command needs from the outside world, injected so tests run commands in-process.

/** Anything with a `write(text)` method: `process.stdout`, or a collector in tests. */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * The streams and environment a command runs with. `main.ts` passes the process's own;
 * tests pass collectors and a fake environment.
 *
 * @example
 * ```ts
 * const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env };
 * const exitCode = await run(['token', '--room', 'demo', '--identity', 'alice'], io);
 * ```
 */
export interface CliIo {
  /** Results only: a token, JSON, a table. */
  readonly stdout: TextSink;
  /** Notices and errors. */
  readonly stderr: TextSink;
  /** Environment variables (`LIVEKIT_URL`, `LIVEKIT_API_KEY`, `LIVEKIT_API_SECRET`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads all of standard input, for arguments given as `-`. */
  readonly readStdin?: () => Promise<Uint8Array>;
  /** Stops a long-running command (`serve-token`); without it, SIGINT or SIGTERM does. */
  readonly signal?: AbortSignal;
  /** The package version, for `--version`. */
  readonly version?: () => string;
}

/** Exit status: success. */
export const EXIT_OK = 0;
/** Exit status: the operation failed (a token was refused, the server answered an error). */
export const EXIT_FAILURE = 1;
/** Exit status: the command line was wrong (unknown command or flag, missing value). */
export const EXIT_USAGE = 2;

/**
 * The command line was wrong. The message says what to pass instead; `helpFor` names the
 * command whose `--help` the user should read.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly helpFor?: string,
  ) {
    super(message);
  }
}

/** The operation failed for a reason that is not the command line's fault (exit status 1). */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The program name, as users type it. */
export const PROGRAM = 'livekit-server-api';

/**
 * How a message refers to a value the user typed: by its length, never its content. Any value
 * may be a secret that landed in the wrong flag (`--ttl "$LIVEKIT_API_SECRET"`), and what the
 * CLI prints ends up in terminals, CI logs and bug reports.
 */
export function describeValue(text: string): string {
  return text === '' ? 'an empty value' : `a value of ${text.length} character${text.length === 1 ? '' : 's'} (not shown)`;
}

/** Shorter values are not redacted: they cannot be a real secret and would blank common words. */
const MIN_REDACTED_LENGTH = 8;

/**
 * The secrets a command line carries: the `--api-secret` value and `LIVEKIT_API_SECRET`. Every
 * line the CLI writes has them replaced by `[redacted]`, whichever message they would end up in.
 */
export function secretsOf(argv: readonly string[], env: CliIo['env']): string[] {
  const secrets = new Set<string>();
  const fromEnv = env['LIVEKIT_API_SECRET'];
  if (fromEnv !== undefined) secrets.add(fromEnv);
  argv.forEach((arg, i) => {
    if (arg === '--api-secret' && argv[i + 1] !== undefined) secrets.add(argv[i + 1]!);
    else if (arg.startsWith('--api-secret=')) secrets.add(arg.slice('--api-secret='.length));
  });
  return [...secrets].filter((secret) => secret.length >= MIN_REDACTED_LENGTH);
}

/** `io` with every occurrence of `secrets` in what it writes replaced by `[redacted]`. */
export function redactingIo(io: CliIo, secrets: readonly string[]): CliIo {
  if (secrets.length === 0) return io;
  const redact = (text: string): string => secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
  const sink = (target: TextSink): TextSink => ({ write: (text) => target.write(redact(String(text))) });
  return { ...io, stdout: sink(io.stdout), stderr: sink(io.stderr) };
}

/** Writes one line (a newline is added). */
export function writeLine(sink: TextSink, text = ''): void {
  sink.write(`${text}\n`);
}
