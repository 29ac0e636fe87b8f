// Builds dist/esm (ES modules) and dist/cjs (CommonJS) from the same sources with tsc.
// No bundler: each source file becomes one module, so entry points share code and
// `instanceof` works across `livekit-server-api` and `livekit-server-api/token`.
//
// The CommonJS files get .cjs/.d.cts extensions (and their relative requires are
// rewritten to match) so that the root package.json, with its `#runtime` import map,
// governs both builds: Node reads `imports` only from the package's root package.json.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');

rmSync('dist', { recursive: true, force: true });
for (const project of ['tsconfig.build.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
}

const relativeJs = /((?:require\(|from |import\()\s*["'])(\.{1,2}\/[^"']+?)\.js(["'])/g;
const renames = [
  ['.d.ts.map', '.d.cts.map'],
  ['.d.ts', '.d.cts'],
  ['.js.map', '.cjs.map'],
  ['.js', '.cjs'],
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
      text = text.replace(/"file":"([^"]+?)\.(d\.ts|js)"/, (_m, base, ext) => `"file":"${base}.${ext === 'js' ? 'cjs' : 'd.cts'}"`);
    } else {
      text = text
        .replace(relativeJs, '$1$2.cjs$3')
        .replace(/\/\/# sourceMappingURL=(.+?)\.(d\.ts|js)\.map/, (_m, base, ext) => `//# sourceMappingURL=${base}.${ext === 'js' ? 'cjs' : 'd.cts'}.map`);
    }
    writeFileSync(target, text);
    rmSync(path);
  }
}
convert('dist/cjs');
if (existsSync('dist/esm/cli/main.js')) chmodSync('dist/esm/cli/main.js', 0o755);

