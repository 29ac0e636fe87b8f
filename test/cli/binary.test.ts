// The built executable, spawned as users run it: exit statuses, stdout, stderr, stdin.
// Runs against dist/ (built here when missing).
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../src/testing/index.js';
import { TokenVerifier } from '../../src/token/index.js';
import { decodePayload } from './helpers.js';
import { isProtocolSpecifier, sourcesOf, staticGraph } from '../fixtures/module-graph.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(root, 'dist/esm/cli/main.js');

// The environment without any LiveKit settings of the machine running the tests.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('LIVEKIT_')));

function spawnCli(args: string[], options: { env?: Record<string, string>; input?: string } = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...cleanEnv, ...options.env },
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  if (!existsSync(bin)) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
}, 120_000);

describe('the built livekit-server-api executable', () => {
  it('is an executable node script, as package.json bin expects', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(resolve(root, pkg.bin['livekit-server-api'] ?? '')).toBe(bin);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(() => accessSync(bin, constants.X_OK)).not.toThrow();
  });

  it('mints a join token with the dev keys: the token alone on stdout, the notice on stderr, exit 0', () => {
    const result = spawnCli(['token', '--room', 'demo', '--identity', 'alice']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(result.stderr).toContain('"devkey"');
    const token = result.stdout.trim();
    expect(decodePayload(token)).toMatchObject({ iss: 'devkey', sub: 'alice', video: { roomJoin: true, room: 'demo' } });
    expect(new TokenVerifier('devkey', 'secret').verifySync(token).sub).toBe('alice');
  });

  it('verifies a token from stdin and refuses a wrong one with exit 1 and its code', () => {
    const env = { LIVEKIT_API_KEY: 'bin-key', LIVEKIT_API_SECRET: 'bin-secret-0123456789abcdefghijklmnop' };
    const minted = spawnCli(['token', '--room', 'demo', '--identity', 'bob'], { env });
    expect(minted.stderr).toBe('');
    const ok = spawnCli(['verify', '-'], { env, input: minted.stdout });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ iss: 'bin-key', sub: 'bob' });
    const refused = spawnCli(['verify', minted.stdout.trim()], { env: { ...env, LIVEKIT_API_SECRET: 'another-secret-0123456789abcdefghij' } });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^livekit-server-api: token_bad_signature: /);
    expect(refused.stderr).not.toContain(env.LIVEKIT_API_SECRET);
  });

  it('exits 2 on an unknown command and prints the package version with --version', () => {
    const unknown = spawnCli(['mint']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'mint'");
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(spawnCli(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('lists the rooms of a server as JSON, and exits 1 with the code of a server error', async () => {
    const lk = await startTestServer();
    try {
      lk.seed.room('from-binary');
      const env = { ...cleanEnv, LIVEKIT_URL: lk.url, LIVEKIT_API_KEY: lk.apiKey, LIVEKIT_API_SECRET: lk.apiSecret };
      // Asynchronous: the test server answers from this process's event loop.
      const spawn = (args: string[]) =>
        new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
          execFile(process.execPath, [bin, ...args], { cwd: root, env }, (error, stdout, stderr) => {
            done({ code: error === null ? 0 : Number(error.code), stdout, stderr });
          });
        });
      const listed = await spawn(['rooms', 'list', '--json']);
      expect(listed.stderr).toBe('');
      expect(listed.code).toBe(0);
      expect((JSON.parse(listed.stdout) as { name: string }[]).map((room) => room.name)).toEqual(['from-binary']);
      const failed = await spawn(['rooms', 'delete', 'missing']);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('not_found: requested room does not exist');
    } finally {
      await lk.close();
    }
  });

  it('loads no protocol code for token and verify: the room commands are reached only through import()', () => {
    const graph = staticGraph(bin);
    const staticSources = [...graph.files].flatMap(sourcesOf);
    expect(staticSources).toContain('src/cli/token.ts');
    expect(staticSources).toContain('src/token/access-token.ts');
    expect([...graph.bare].filter(isProtocolSpecifier)).toEqual([]);
    expect(staticSources.filter((file) => file.startsWith('src/services/') || file.startsWith('src/rpc/'))).toEqual([]);
    expect(graph.dynamicImports.size).toBeGreaterThan(0);
    expect([...graph.dynamicImports].flatMap(sourcesOf)).toContain('src/cli/room-actions.ts');
  });
});
