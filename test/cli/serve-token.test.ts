// `serve-token`, run in-process on loopback and stopped through io.signal, and the built
// executable stopped by SIGINT.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TokenSource } from 'livekit-client';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { TokenVerifier } from '../../src/token/index.js';
import { run } from '../../src/cli/run.js';
import { cli } from './helpers.js';

const ENV = { LIVEKIT_API_KEY: 'serve-key', LIVEKIT_API_SECRET: 'serve-secret-0123456789abcdefghijklm', LIVEKIT_URL: 'wss://serve.example' };
const verifier = new TokenVerifier(ENV.LIVEKIT_API_KEY, ENV.LIVEKIT_API_SECRET);

interface Running {
  url: string;
  stderr: () => string;
  stop: () => Promise<{ code: number; stdout: string; stderr: string }>;
}

async function serve(argv: string[], env: Record<string, string> = ENV): Promise<Running> {
  let stdout = '';
  let stderr = '';
  const controller = new AbortController();
  let announce: (url: string) => void = () => {};
  const announced = new Promise<string>((done) => (announce = done));
  const exited = run(['serve-token', '--port', '0', ...argv], {
    stdout: {
      write: (text: string) => {
        stdout += text;
        if (stdout.endsWith('\n')) announce(stdout.trim());
      },
    },
    stderr: { write: (text: string) => (stderr += text) },
    env,
    signal: controller.signal,
  });
  const url = await Promise.race([announced, exited.then((code) => Promise.reject(new Error(`exited ${code}: ${stderr}`)))]);
  return {
    url,
    stderr: () => stderr,
    stop: async () => {
      controller.abort();
      return { code: await exited, stdout, stderr };
    },
  };
}

const askFor = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('livekit-server-api serve-token', () => {
  it('prints its URL alone on stdout and serves join tokens for --room, refusing other rooms', async () => {
    const server = await serve(['--room', 'demo']);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const response = await askFor(server.url, { participant_identity: 'alice', participant_name: 'Alice' });
      expect(response.status).toBe(201);
      const body = (await response.json()) as { server_url: string; participant_token: string };
      expect(body.server_url).toBe('wss://serve.example');
      const claims = verifier.verifySync(body.participant_token);
      expect(claims).toMatchObject({ sub: 'alice', name: 'Alice', video: { roomJoin: true, room: 'demo' } });
      expect(claims.exp! - claims.nbf!).toBe(15 * 60);
      expect((await askFor(server.url, { room_name: 'other' })).status).toBe(403);
    } finally {
      const result = await server.stop();
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${server.url}\n`);
      expect(result.stderr).toContain('serving tokens for room "demo"');
      expect(result.stderr).toContain('POST / 201 token for "alice" in room "demo"');
      expect(result.stderr).toContain('POST / 403 this request for a token is not allowed');
      expect(result.stderr).not.toContain(ENV.LIVEKIT_API_SECRET);
    }
  });

  it('with --dev signs the room asked for, warns that it does, and answers CORS preflights for --cors', async () => {
    const server = await serve(['--dev', '--cors', 'http://localhost:3000', '--ttl', '10m']);
    try {
      expect(server.stderr()).toContain('createTokenHandler({ dev: true })');
      const preflight = await fetch(server.url, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
      const response = await askFor(server.url, { room_name: 'anything', participant_identity: 'bob' }, { origin: 'http://localhost:3000' });
      expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
      const claims = verifier.verifySync(((await response.json()) as { participant_token: string }).participant_token);
      expect(claims).toMatchObject({ sub: 'bob', video: { roomJoin: true, room: 'anything' } });
      expect(claims.exp! - claims.nbf!).toBe(600);
    } finally {
      expect((await server.stop()).code).toBe(0);
    }
  });

  it('falls back to the dev key and ws://localhost:7880, saying so', async () => {
    const server = await serve(['--room', 'demo'], {});
    try {
      const body = (await (await askFor(server.url, { participant_identity: 'a' })).json()) as { server_url: string; participant_token: string };
      expect(body.server_url).toBe('ws://localhost:7880');
      expect(new TokenVerifier('devkey', 'secret').verifySync(body.participant_token).sub).toBe('a');
    } finally {
      const { stderr } = await server.stop();
      expect(stderr).toContain('"devkey"');
      expect(stderr).toContain('handing clients ws://localhost:7880');
    }
  });

  it('exits 2 without --room or --dev, for a bad port, a bad origin or a short ttl, and 1 when the port is taken', async () => {
    const noPolicy = await cli(['serve-token'], { env: ENV });
    expect(noPolicy.code).toBe(2);
    expect(noPolicy.stderr).toContain('serve-token needs --room <name>');
    expect((await cli(['serve-token', '--dev', '--port', 'http'], { env: ENV })).stderr).toContain('--port takes a port number');
    const origin = await cli(['serve-token', '--dev', '--cors', 'localhost:3000'], { env: ENV });
    expect(origin.code).toBe(2);
    expect(origin.stderr).toContain("Run 'livekit-server-api serve-token --help'");
    const ttl = await cli(['serve-token', '--dev', '--ttl', '30s'], { env: ENV });
    expect(ttl.code).toBe(2);
    expect(ttl.stderr).toContain('a minute or less');

    const first = await serve(['--room', 'demo']);
    try {
      const port = new URL(first.url).port;
      const taken = await cli(['serve-token', '--room', 'demo', '--port', port], { env: ENV });
      expect(taken.code).toBe(1);
      expect(taken.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
    } finally {
      await first.stop();
    }
  });

  it('refuses --dev when NODE_ENV is production', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    try {
      const result = await cli(['serve-token', '--dev'], { env: ENV });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('refused when NODE_ENV is "production"');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('is listed in the help, suggested for a typo, and documents its flags', async () => {
    expect((await cli(['--help'])).stdout).toContain('serve-token');
    expect((await cli(['serve-tokn'])).stderr).toContain("did you mean 'serve-token'?");
    expect((await cli(['serve'])).stderr).toContain("did you mean 'serve-token'?");
    const help = await cli(['serve-token', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--port', '--dev', '--room', '--cors', '--url', '--api-key']) expect(help.stdout).toContain(flag);
    expect((await cli(['serve-token', '--prot', '80'])).stderr).toContain('did you mean --port?');
  });
});

describe('the built executable: serve-token', () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const bin = join(root, 'dist/esm/cli/main.js');
  beforeAll(() => {
    if (!existsSync(bin)) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  }, 120_000);

  it('serves livekit-client TokenSource.endpoint until SIGINT, then exits 0', async () => {
    const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('LIVEKIT_')));
    const child = spawn(process.execPath, [bin, 'serve-token', '--dev', '--port', '0'], { cwd: root, env: { ...cleanEnv, ...ENV } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      const url = await new Promise<string>((done, fail) => {
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('\n')) done(stdout.trim());
        });
        void exited.then((code) => fail(new Error(`serve-token exited ${code}: ${stderr}`)));
      });
      const answer = await TokenSource.endpoint(url).fetch({ roomName: 'from-cli', participantIdentity: 'carol' });
      expect(answer.serverUrl).toBe(ENV.LIVEKIT_URL);
      expect(verifier.verifySync(answer.participantToken)).toMatchObject({ sub: 'carol', video: { roomJoin: true, room: 'from-cli' } });
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('POST / 201 token for "carol" in room "from-cli"');
  });
});
