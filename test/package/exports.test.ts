// The built package, as users load it: ES modules and CommonJS, each entry point, each
// runtime condition. Runs against dist/ (`npm test` builds first).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { isProtocolSpecifier, sourcesOf, staticGraph } from '../fixtures/module-graph.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function node(args: string[], env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } }).trim();
}
const esm = (code: string, flags: string[] = []) => node([...flags, '--input-type=module', '-e', code]);
const cjs = (code: string, flags: string[] = []) => node([...flags, '-e', code]);

beforeAll(() => {
  if (!existsSync(join(root, 'dist/esm/index.js')) || !existsSync(join(root, 'dist/cjs/index.cjs'))) {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  }
}, 120_000);

describe('the built package', () => {
  it('mints a token from an ES module import of the root', () => {
    const out = esm(
      "import { AccessToken } from 'livekit-server-api'; const at = new AccessToken('k', 's', { identity: 'a' }); at.addGrant({ roomJoin: true, room: 'r' }); console.log(at.toJwt().split('.').length)",
    );
    expect(out).toBe('3');
  });

  it('mints a token from a CommonJS require of the root', () => {
    const out = cjs(
      "const { AccessToken } = require('livekit-server-api'); const at = new AccessToken('k', 's', { identity: 'a' }); console.log(typeof at.toJwt())",
    );
    expect(out).toBe('string');
  });

  it.each([[[]], [['-C', 'workerd']]])('shares classes between the root and the /token entry, in both module systems (%j)', (flags) => {
    expect(
      esm(
        "import * as rootApi from 'livekit-server-api'; import * as tokenApi from 'livekit-server-api/token'; console.log(rootApi.AccessToken === tokenApi.AccessToken && rootApi.TokenVerificationError === tokenApi.TokenVerificationError)",
        flags,
      ),
    ).toBe('true');
    expect(
      cjs(
        "console.log(require('livekit-server-api').TokenVerifier === require('livekit-server-api/token').TokenVerifier)",
        flags,
      ),
    ).toBe('true');
  });

  it('shares the error classes with the /testing entry, in both module systems', () => {
    const check =
      "const e = new testingApi.TestServerTwirpError('not_found', 'x'); console.log(e instanceof rootApi.LiveKitError && e instanceof tokenApi.LiveKitError && rootApi.LiveKitError === tokenApi.LiveKitError)";
    expect(
      esm(
        "import * as rootApi from 'livekit-server-api'; import * as tokenApi from 'livekit-server-api/token'; import * as testingApi from 'livekit-server-api/testing'; " +
          check,
      ),
    ).toBe('true');
    expect(
      cjs(
        "const rootApi = require('livekit-server-api'), tokenApi = require('livekit-server-api/token'), testingApi = require('livekit-server-api/testing'); " +
          check,
      ),
    ).toBe('true');
  });

  it('loads no @livekit/protocol code through the /token entry (CommonJS)', () => {
    const loaded = JSON.parse(
      cjs("require('livekit-server-api/token'); console.log(JSON.stringify(Object.keys(require.cache)))"),
    ) as string[];
    expect(loaded.some((file) => file.includes('@livekit/protocol') || file.includes('@bufbuild'))).toBe(false);
    // …while the token code itself was loaded, from the built package.
    const sources = loaded.filter((file) => file.startsWith(join(root, 'dist/cjs/'))).flatMap(sourcesOf);
    expect(sources).toContain('src/token/access-token.ts');
    expect(sources).toContain('src/token/verifier.ts');
  });

  it('reaches no @livekit/protocol import from either /token file (ES modules, static graph)', () => {
    for (const [file, provider] of [
      ['dist/esm/token/index.js', 'src/internal/runtime/node.ts'],
      ['dist/esm/token/portable.js', 'src/internal/runtime/portable.ts'],
    ] as const) {
      const graph = staticGraph(join(root, file));
      // One file: a cold import of /token loads a single module of ours.
      expect(graph.files.size).toBe(1);
      expect(graph.dynamicImports.size).toBe(0);
      const sources = [...graph.files].flatMap(sourcesOf);
      expect(sources).toContain('src/token/access-token.ts');
      expect(sources).toContain('src/token/verifier.ts');
      expect(sources).toContain(provider);
      expect([...graph.bare].filter((s) => isProtocolSpecifier(s) || s.startsWith('#'))).toEqual([]);
    }
  });

  it('serves tokens from the /token file itself under the node and the edge conditions, and shares the handler with the root', () => {
    for (const file of ['dist/esm/token/index.js', 'dist/esm/token/portable.js']) {
      const sources = [...staticGraph(join(root, file)).files].flatMap(sourcesOf);
      expect(sources).toContain('src/token/endpoint.ts');
      expect(sources).toContain('src/token/node-listener.ts');
    }
    const serve =
      "const { createTokenHandler, TokenVerifier } = await import('livekit-server-api/token'); const root = await import('livekit-server-api');" +
      "const handler = createTokenHandler({ authorize: () => ({ identity: 'a', grant: { roomJoin: true, room: 'r' } }), serverUrl: 'wss://x', apiKey: 'k', apiSecret: 's' });" +
      "const response = await handler(new Request('http://x/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));" +
      "const { participant_token } = await response.json();" +
      "console.log(response.status, new TokenVerifier('k', 's').verifySync(participant_token).video.room, root.createTokenHandler === createTokenHandler, root.toNodeListener !== undefined)";
    expect(esm(serve)).toBe('201 r true true');
    expect(esm(serve, ['-C', 'workerd'])).toBe('201 r true true');
    expect(
      cjs(
        "const token = require('livekit-server-api/token'), root = require('livekit-server-api'); console.log(typeof token.createTokenHandler, token.createTokenHandler === root.createTokenHandler, token.toNodeListener === root.toNodeListener)",
      ),
    ).toBe('function true true');
  });

  // The build leaves `#token` external, so it cannot see a name the other entries import
  // from it that src/token/bundle.ts forgot to export; in CommonJS that would only show as
  // undefined at run time. Both token files must export every such name.
  it('exports from both token files every name the other entries import through #token', async () => {
    const imported = new Set<string>();
    const visit = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) visit(path);
        else if (entry.name.endsWith('.js')) {
          for (const match of readFileSync(path, 'utf8').matchAll(/import\s*\{([^}]*)\}\s*from\s*"#token"/g)) {
            for (const binding of match[1]!.split(',')) imported.add(binding.trim().split(/\s+as\s+/)[0]!);
          }
        }
      }
    };
    visit(join(root, 'dist/esm'));
    expect(imported.size).toBeGreaterThan(10);
    for (const file of ['dist/esm/token/index.js', 'dist/esm/token/portable.js']) {
      const exported = Object.keys((await import(join(root, file))) as object);
      expect([...imported].filter((name) => !exported.includes(name))).toEqual([]);
    }
  });

  it('reads no LIVEKIT_ environment variable at import time', () => {
    const code =
      "const seen = []; const env = process.env; process.env = new Proxy(env, { get(t, k) { if (typeof k === 'string') seen.push(k); return t[k]; } });" +
      "await import('livekit-server-api'); await import('livekit-server-api/token'); console.log(JSON.stringify(seen.filter((k) => k.startsWith('LIVEKIT'))))";
    expect(esm(code)).toBe('[]');
  });

  it('uses node:crypto on Node and the portable primitives under edge conditions, for every entry', () => {
    // Which token file a program loads, whichever entry it starts from: the root and
    // /testing reach it through `#token`, which must pick the same file as /token.
    const which = (entry: string, flags: string[]) =>
      cjs(
        `require('${entry}'); console.log(Object.keys(require.cache).filter((f) => f.includes('dist/cjs/token/')).map((f) => f.split('/').pop()).join(','))`,
        flags,
      );
    for (const entry of ['livekit-server-api/token', 'livekit-server-api', 'livekit-server-api/testing']) {
      expect(which(entry, [])).toBe('index.cjs');
      expect(which(entry, ['-C', 'workerd'])).toBe('portable.cjs');
      expect(which(entry, ['-C', 'edge-light'])).toBe('portable.cjs');
    }
  });

  // node:crypto drags in Node's streams (several ms cold), so the /token entry defers it to
  // the first signature. process.moduleLoadList names every built-in loaded so far.
  it('loads node:crypto on the first signature, not at import, in both module systems', () => {
    const probe = (load: string) =>
      `${load}; const before = process.moduleLoadList.includes('NativeModule crypto');` +
      "const at = new AccessToken('k', 's', { identity: 'a' }); const jwt = at.toJwt();" +
      "console.log(JSON.stringify([before, process.moduleLoadList.includes('NativeModule crypto'), jwt.split('.').length]))";
    expect(esm(probe("const { AccessToken } = await import('livekit-server-api/token')"))).toBe('[false,true,3]');
    // CommonJS `node -e` has node:crypto loaded before any user code runs; the ES module
    // case above is the one that shows the deferral, this one that the lazy load works.
    expect(cjs(probe("const { AccessToken } = require('livekit-server-api/token')"))).toMatch(/,true,3\]$/);
  });

  it('signs on runtimes without process.getBuiltinModule (Node < 20.16), in both module systems', () => {
    const expected = cjs(
      "const { AccessToken } = require('livekit-server-api/token'); console.log(new AccessToken('k', 's', { identity: 'a' }).toJwt())",
      ['--require', join(root, 'test/fixtures/fixed-clock.cjs')],
    );
    const withoutGetBuiltin = ['--require', join(root, 'test/fixtures/fixed-clock.cjs'), '--require', join(root, 'test/fixtures/no-get-builtin-module.cjs')];
    expect(
      esm(
        "const { AccessToken } = await import('livekit-server-api/token'); console.log(new AccessToken('k', 's', { identity: 'a' }).toJwt())",
        withoutGetBuiltin,
      ),
    ).toBe(expected);
    expect(
      cjs(
        "const { AccessToken } = require('livekit-server-api/token'); console.log(new AccessToken('k', 's', { identity: 'a' }).toJwt())",
        withoutGetBuiltin,
      ),
    ).toBe(expected);
  });

  it('signs and verifies without a global Buffer, in both module systems', () => {
    const preload = ['--require', join(root, 'test/fixtures/no-global-buffer.cjs')];
    const roundTrip = "const at = new AccessToken('k', 's', { identity: 'ü' }); const claims = new TokenVerifier('k', 's').verifySync(at.toJwt()); console.log(typeof Buffer, claims.sub)";
    expect(esm(`const { AccessToken, TokenVerifier } = await import('livekit-server-api/token'); ${roundTrip}`, preload)).toBe('undefined ü');
    expect(cjs(`const { AccessToken, TokenVerifier } = require('livekit-server-api/token'); ${roundTrip}`, preload)).toBe('undefined ü');
  });

  it('mints byte-identical tokens under the node and the edge conditions', () => {
    const code =
      "const { AccessToken } = require('livekit-server-api/token'); const at = new AccessToken('k', 's', { identity: 'ü', metadata: '✓' }); console.log(at.toJwt())";
    const fixedClock = ['--require', join(root, 'test/fixtures/fixed-clock.cjs')];
    expect(cjs(code, [...fixedClock, '-C', 'workerd'])).toBe(cjs(code, fixedClock));
  });
});
