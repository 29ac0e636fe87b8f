// Builds dist/esm (ES modules) and dist/cjs (CommonJS) from the same sources.
//
// JavaScript: rolldown, in two parts, each written twice (ESM and CJS).
//
// 1. The token file, once per runtime provider: dist/*/token/index (node:crypto and Buffer)
//    and dist/*/token/portable (@noble/hashes), each ONE file holding the token API, its
//    internals and the runtime primitives (src/token/bundle.ts). `livekit-server-api/token`
//    resolves to one of them by package.json `exports` condition. A cold import then loads
//    a single module: every extra ES module costs a millisecond or more, and the /token
//    entry exists for cold starts.
// 2. Everything else (the root, /testing, the command line), with code splitting between
//    them. Imports of the token modules, the shared errors, env and `#runtime` become imports
//    of `#token`, which package.json `imports` resolves by the same conditions to the same
//    token file: so every class exists once and `instanceof` works across entries. The
//    command line's room commands stay a chunk behind import(): `token`/`verify` load no
//    protocol code.
//
// Kept external: the dependencies and node: builtins. Not minified: stack traces read as the
// source does. Source maps are written but not linked from the code, and not packed (package.json
// `files`): they are for this repo's tests, which map dist files back to src/. Shipping maps and
// src/ made the tarball 378 kB instead of about 220 kB, for a step-into-TypeScript that unminified
// output hardly needs (`npm run bench` prints the tarball figures).
//
// Declarations: tsc, types only, per source file as before. The CommonJS ones get .d.cts
// extensions (and their relative specifiers are rewritten to match) so that the root
// package.json governs both builds: Node reads `imports` only from the package's root.
import { execFile } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { rolldown } from 'rolldown';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');

const formats = [
  { dir: 'dist/esm', format: 'esm', ext: 'js' },
  { dir: 'dist/cjs', format: 'cjs', ext: 'cjs' },
];

// Everything not ours: bare specifiers (dependencies) and node: builtins.
const isExternal = (id) => !id.startsWith('.') && !isAbsolute(id) && !id.startsWith('#');

// The modules the token file owns. Outside it they are reached through `#token` only.
const TOKEN_OWNED = /[\\/]src[\\/](?:token[\\/]|errors\.ts$|internal[\\/](?:env|closest|ids)\.ts$|internal[\\/]runtime[\\/])/;

const providers = { index: 'src/internal/runtime/node.ts', portable: 'src/internal/runtime/portable.ts' };

const failOnWarning = (level, log, handler) => {
  // A bundler warning (an unresolved import, a missing export…) fails the build.
  if (level === 'warn') throw new Error(`rolldown: ${log.message}`);
  handler(level, log);
};

const outputOptions = {
  sourcemap: 'hidden',
  sourcemapExcludeSources: true,
  minify: false,
  comments: { legal: true, annotation: true, jsdoc: false },
  // CommonJS `exports` as tsc emitted them: named exports only, marked `__esModule`.
  exports: 'named',
  esModule: true,
};

async function write(build, options) {
  try {
    for (const { dir, format, ext } of formats) await build.write({ ...outputOptions, ...options(ext), dir, format });
  } finally {
    await build.close();
  }
}

/** Part 1: the token file for one runtime provider, `#runtime` bound to that provider. */
async function bundleToken(name, provider) {
  const build = await rolldown({
    input: { [`token/${name}`]: 'src/token/bundle.ts' },
    external: isExternal,
    platform: 'node',
    tsconfig: 'tsconfig.build.json',
    onLog: failOnWarning,
    plugins: [{ name: 'runtime-provider', resolveId: (id) => (id === '#runtime' ? resolve(provider) : null) }],
  });
  await write(build, (ext) => ({ entryFileNames: `[name].${ext}` }));
}

/** Part 2: the other entries, reaching the token file through `#token`. */
async function bundleRest() {
  const build = await rolldown({
    input: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', 'cli/main': 'src/cli/main.ts' },
    external: isExternal,
    platform: 'node',
    tsconfig: 'tsconfig.build.json',
    onLog: failOnWarning,
    plugins: [
      {
        name: 'token-file',
        resolveId(id, importer) {
          if (id === '#runtime' || id === '#token') return { id: '#token', external: true };
          if (importer === undefined || !id.startsWith('.')) return null;
          const target = resolve(dirname(importer), id).replace(/\.js$/, '.ts');
          return TOKEN_OWNED.test(target) ? { id: '#token', external: true } : null;
        },
      },
    ],
  });
  await write(build, (ext) => ({
    entryFileNames: `[name].${ext}`,
    chunkFileNames: `chunks/[name].${ext}`,
    // The code the root shares with /testing and the command line's room commands, in one
    // chunk rather than one per sharing pattern: fewer modules for a cold root import.
    codeSplitting: { groups: [{ name: 'shared', test: /[\\/]src[\\/](?:rpc|services|webhook|internal)[\\/]/ }] },
  }));
  chmodSync('dist/esm/cli/main.js', 0o755);
  chmodSync('dist/cjs/cli/main.cjs', 0o755);
}

async function bundle() {
  await Promise.all([...Object.entries(providers).map(([name, provider]) => bundleToken(name, provider)), bundleRest()]);
}

const run = promisify(execFile);
async function declarations(project) {
  try {
    await run(process.execPath, [tsc, '-p', project]);
  } catch (error) {
    process.stderr.write(`${error.stdout ?? ''}${error.stderr ?? ''}`);
    throw new Error(`tsc -p ${project} failed`);
  }
}

const relativeJs = /((?:require\(|from |import\()\s*["'])(\.{1,2}\/[^"']+?)\.js(["'])/g;
const renames = [
  ['.d.ts.map', '.d.cts.map'],
  ['.d.ts', '.d.cts'],
];

function convert(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      convert(path);
      continue;
    }
    const rename = renames.find(([from]) => entry.name.endsWith(from));
    if (!rename) continue;
    const [from, to] = rename;
    const target = path.slice(0, -from.length) + to;
    let text = readFileSync(path, 'utf8');
    if (to.endsWith('.map')) {
      text = text.replace(/"file":"([^"]+?)\.d\.ts"/, '"file":"$1.d.cts"');
    } else {
      text = text
        .replace(relativeJs, '$1$2.cjs$3')
        .replace(/\/\/# sourceMappingURL=(.+?)\.d\.ts\.map/, '//# sourceMappingURL=$1.d.cts.map');
    }
    writeFileSync(target, text);
    rmSync(path);
  }
}

rmSync('dist', { recursive: true, force: true });
await Promise.all([
  bundle(),
  declarations('tsconfig.build.json'),
  declarations('tsconfig.cjs.json').then(() => convert('dist/cjs')),
]);
