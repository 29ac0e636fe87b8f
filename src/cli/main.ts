#!/usr/bin/env node
// The `livekit-server-api` executable: hands the process's argv, streams and environment
// to run() and exits with its status. Everything else lives in run.ts and the commands.
import { realpathSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run } from './run.js';

// `livekit-server-api rooms list | head -1`: a closed pipe ends the output, not in a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

void run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  readStdin,
  version: packageVersion,
}).then((code) => {
  process.exitCode = code;
});

async function readStdin(): Promise<Uint8Array> {
  if (process.stdin.isTTY) process.stderr.write('(reading from stdin; end with Ctrl-D)\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// The version of the package this file belongs to: the nearest package.json above the
// script (followed through the node_modules/.bin symlink) named livekit-server-api.
function packageVersion(): string {
  let dir = dirname(realpathSync(process.argv[1] ?? '.'));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'livekit-server-api' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here: keep going up
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
