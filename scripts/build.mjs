// Builds dist/esm (ES modules) and dist/cjs (CommonJS) from the same sources with tsc.
// No bundler: each source file becomes one module, so entry points share code and
// `instanceof` works across `livekit-server-api` and `livekit-server-api/token`.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');

rmSync('dist', { recursive: true, force: true });
for (const project of ['tsconfig.build.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
}
// Files under dist/cjs are CommonJS whatever the root package.json says. Node looks up
// `#runtime` in the nearest package.json, so this one carries the same conditions,
// pointing at the CommonJS files.
const root = JSON.parse(readFileSync('package.json', 'utf8'));
const imports = {};
for (const [specifier, conditions] of Object.entries(root.imports)) {
  imports[specifier] = Object.fromEntries(
    Object.entries(conditions).map(([condition, target]) => [condition, target.replace('./dist/esm/', './')]),
  );
}
writeFileSync('dist/cjs/package.json', `${JSON.stringify({ type: 'commonjs', imports }, null, 2)}\n`);
if (existsSync('dist/esm/cli/main.js')) chmodSync('dist/esm/cli/main.js', 0o755);
