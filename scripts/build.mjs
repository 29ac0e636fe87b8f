// Builds dist/esm (ES modules) and dist/cjs (CommonJS) from the same sources.
//
// JavaScript: rolldown, one build with every entry point and code splitting, written twice
// (ESM and CJS) with the same chunks. Each entry point is one small file; the code entries
// share lives in shared chunks (dist/*/chunks/), so every class exists once and `instanceof`
// works across `livekit-server-api`, `/token` and `/testing`. A cold import loads a handful
// of modules instead of one per source file. Not minified (readable stack traces), with
// source maps back to src/.
//
// Kept external, resolved by the consumer's runtime: the dependencies, node: builtins, and
// `#runtime`, so that the root package.json `imports` still chooses node:crypto or the
// portable primitives by condition. The two runtime providers are entries of their own at
// the paths `imports` names (dist/*/internal/runtime/{node,portable}). The command line's
// room commands stay a separate chunk behind import(): `token`/`verify` load no protocol code.
//
// Declarations: tsc, types only, per source file as before. The CommonJS ones get .d.cts
// extensions (and their relative specifiers are rewritten to match) so that the root
// package.json governs both builds: Node reads `imports` only from the package's root.
import { execFile } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { rolldown } from 'rolldown';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');

const input = {
  index: 'src/index.ts',
  'token/index': 'src/token/index.ts',
  'testing/index': 'src/testing/index.ts',
  'cli/main': 'src/cli/main.ts',
  'internal/runtime/node': 'src/internal/runtime/node.ts',
  'internal/runtime/portable': 'src/internal/runtime/portable.ts',
};

// Everything not ours: bare specifiers (dependencies, `#runtime`) and node: builtins.
const external = (id) => !id.startsWith('.') && !isAbsolute(id);

// What the /token entry needs, in one chunk: the fewer modules a cold import loads, the
// faster it is (each ES module costs about a millisecond on top of its code).
const tokenChunk = { name: 'token', test: /[\\/]src[\\/](?:token[\\/]|errors\.ts$|internal[\\/]env\.ts$)/ };

const formats = [
  { dir: 'dist/esm', format: 'esm', ext: 'js' },
  { dir: 'dist/cjs', format: 'cjs', ext: 'cjs' },
];

async function bundle() {
  const build = await rolldown({
    input,
    external,
    platform: 'node',
    tsconfig: 'tsconfig.build.json',
    // A bundler warning (an unresolved import, a missing export…) fails the build.
    onLog(level, log, handler) {
      if (level === 'warn') throw new Error(`rolldown: ${log.message}`);
      handler(level, log);
    },
  });
  try {
    for (const { dir, format, ext } of formats) {
      await build.write({
        dir,
        format,
        entryFileNames: `[name].${ext}`,
        chunkFileNames: `chunks/[name].${ext}`,
        codeSplitting: { groups: [tokenChunk] },
        sourcemap: true,
        // The maps point at src/, which the package ships: no second copy of it inside them.
        sourcemapExcludeSources: true,
        minify: false,
        comments: { legal: true, annotation: true, jsdoc: false },
        // CommonJS `exports` as tsc emitted them: named exports only, marked `__esModule`.
        exports: 'named',
        esModule: true,
      });
    }
  } finally {
    await build.close();
  }
  chmodSync('dist/esm/cli/main.js', 0o755);
  chmodSync('dist/cjs/cli/main.cjs', 0o755);
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
