// Runs the command line in-process with collected output and an injected environment.
import { run } from '../../src/cli/run.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  stdin?: string | Uint8Array;
  version?: string;
}

/** Runs `livekit-server-api <argv>` in this process and returns its exit code and output. */
export async function cli(argv: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const { stdin } = options;
  const code = await run(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? {},
    ...(stdin === undefined
      ? {}
      : { readStdin: async () => (typeof stdin === 'string' ? new TextEncoder().encode(stdin) : stdin) }),
    version: () => options.version ?? '9.9.9-test',
  });
  return { code, stdout, stderr };
}

/** The payload of a JWT, decoded without checking anything. */
export function decodePayload(token: string): Record<string, unknown> {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
