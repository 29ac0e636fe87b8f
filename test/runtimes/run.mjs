// The runtime matrix: the packed package (`npm pack`), installed into a throw-away project, run
// on every runtime this folder's package-lock.json pins (Node 18–26, Bun, Deno, workerd) as ES
// module and as CommonJS, and used the ways users install it (require, import, TypeScript under
// each moduleResolution, an esbuild bundle for browsers). Prints one table; exits 1 if any row
// failed. Run by .ci/run after `npm ci` in this folder; by hand: `node test/runtimes/run.mjs`
// (`--keep` keeps the throw-away project).
//
// Everything it starts listens on 127.0.0.1 only, and everything it starts is stopped.
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';

const suite = dirname(fileURLToPath(import.meta.url));
const repo = resolve(suite, '../..');
const installed = join(suite, 'node_modules');
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const suitePackage = readJson(join(suite, 'package.json'));
const versionOf = (name) => readJson(join(installed, name, 'package.json')).version.replace(/^v/, '');

const PROCESS_TIMEOUT_MS = 120_000;
const run = promisify(execFile);

// The runtimes, from package.json: every `nodeNN` alias is one Node line (add a line there to
// add one here). Each binary is its platform package's own; bun's postinstall moves its binary
// into the wrapper package, so that place is the fallback (npm may or may not run postinstalls).
const nodeLines = Object.keys(suitePackage.dependencies)
  .filter((name) => /^node\d+$/.test(name))
  .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
const firstExisting = (...paths) => paths.map((path) => join(installed, path)).find((path) => existsSync(path)) ?? paths[0];
const binaries = {
  bun: firstExisting('@oven/bun-linux-x64/bin/bun', 'bun/bin/bun.exe'),
  deno: firstExisting('@deno/linux-x64-glibc/deno', 'deno/deno'),
  workerd: firstExisting('@cloudflare/workerd-linux-64/bin/workerd', 'workerd/bin/workerd'),
};

/** Runs a command to its end; resolves to its stdout, rejects with its stderr's tail. */
async function exec(command, args, options = {}) {
  try {
    const { stdout } = await run(command, args, { timeout: PROCESS_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, ...options });
    return stdout;
  } catch (err) {
    const output = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    // The test server's address and key travel as a JSON argument: shown as <server>.
    const shown = [command, ...args].map((arg) => (arg.startsWith('{') ? '<server>' : arg)).join(' ');
    throw new Error(`${shown} failed (${err.code ?? err.signal}):\n${output || err.message}`);
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts a long-running child (the test server, workerd). `exited` rejects when it ends on
 * its own, with its stderr; `stop()` ends it.
 */
function startService(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  let stopping = false;
  const exited = new Promise((_, reject) => {
    const report = (why) => !stopping && reject(new Error(`${command} ${args[0] ?? ''} ${why}\n${stderr.trim()}`));
    child.once('error', (err) => report(`failed to start: ${err.message}`));
    child.once('exit', (code, signal) => report(`exited (${code ?? signal})`));
  });
  exited.catch(() => {});
  const stop = () => {
    stopping = true;
    child.kill();
  };
  return { child, exited, stop };
}

/** The first line a child prints, or its failure, within 30 s. */
function firstLine(service) {
  const line = new Promise((resolveLine) => {
    let out = '';
    service.child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolveLine(out.slice(0, out.indexOf('\n')));
    });
  });
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 30 s')), 30_000).unref());
  return Promise.race([line, service.exited, timeout]);
}

const sleep = (ms) => new Promise((wake) => setTimeout(wake, ms));

// ── The throw-away project: the tarball installed as a user installs it ─────────────────
const work = mkdtempSync(join(tmpdir(), 'livekit-server-api-runtimes-'));
const project = join(work, 'project');

async function prepareProject() {
  // `npm pack` runs prepack (the build): the tarball is exactly what would be published.
  const [packed] = JSON.parse(await exec('npm', ['pack', '--json', '--pack-destination', work], { cwd: repo }));
  const tarball = join(work, packed.filename);
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'runtime-smoke-project',
      private: true,
      dependencies: { 'livekit-server-api': `file:${tarball}`, '@types/node': readJson(join(repo, 'node_modules/@types/node/package.json')).version },
    }),
  );
  await exec('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project });
  cpSync(join(suite, 'smoke'), join(project, 'smoke'), { recursive: true });
  // The checks as CommonJS, for the require() rows: the same text, transpiled.
  const checks = readFileSync(join(project, 'smoke/checks.mjs'), 'utf8');
  writeFileSync(join(project, 'smoke/checks.cjs'), (await esbuild.transform(checks, { format: 'cjs', target: 'es2022' })).code);
  return packed;
}

// ── The runtime rows: each runs smoke/checks.mjs and reports every check ────────────────
function smokeRows(serverInfo) {
  const arg = JSON.stringify(serverInfo);
  const { host } = new URL(serverInfo.url);
  // Deno, the narrowest permissions that work (each one below was tried away and the row
  // failed without it): network access to the test server's address only, and the one
  // environment variable @bufbuild/protobuf reads when the root is imported. require() reads
  // files through Deno's fs: the CommonJS row may read its own folder and node_modules.
  const denoRun = (permissions, entry) => ['run', '--no-prompt', '--no-lock', '--node-modules-dir=manual', ...permissions, entry, arg];
  const deno = (entry, extra = []) => denoRun([`--allow-net=${host}`, '--allow-env=BUF_BIGINT_DISABLE', ...extra], entry);
  const rows = [];
  for (const line of nodeLines) {
    const binary = join(installed, line, 'bin/node');
    const version = versionOf(line);
    rows.push({ runtime: 'node', version, module: 'esm', command: binary, args: ['entry.mjs', arg] });
    rows.push({ runtime: 'node', version, module: 'cjs', command: binary, args: ['entry.cjs', arg] });
  }
  const bun = versionOf('bun');
  rows.push({ runtime: 'bun', version: bun, module: 'esm', command: binaries.bun, args: ['entry.mjs', arg] });
  rows.push({ runtime: 'bun', version: bun, module: 'cjs', command: binaries.bun, args: ['entry.cjs', arg] });
  const denoVersion = versionOf('deno');
  rows.push({ runtime: 'deno', version: denoVersion, module: 'esm', command: binaries.deno, args: deno('entry.mjs') });
  rows.push({ runtime: 'deno', version: denoVersion, module: 'cjs', command: binaries.deno, args: deno('entry.cjs', [`--allow-read=${join(project, 'smoke')},${join(project, 'node_modules')}`]) });
  // The token API alone needs no permission at all.
  rows.push({ runtime: 'deno', version: denoVersion, module: 'esm, /token, no permissions', command: binaries.deno, args: denoRun([], 'entry-token.mjs') });
  return rows;
}

async function runSmokeRow(row) {
  const stdout = await exec(row.command, row.args, { cwd: join(project, 'smoke') });
  return parseResults(stdout);
}

function parseResults(text) {
  const last = text.trim().split('\n').at(-1);
  const results = JSON.parse(last);
  if (!Array.isArray(results) || results.length === 0) throw new Error(`no check results in ${last}`);
  return results;
}

// workerd: the smoke entry bundled by esbuild for the worker platform, served by workerd,
// whose only outbound service may reach the loopback address (the test server) and nothing else.
async function runWorkerd(serverInfo) {
  const dir = join(project, 'workerd');
  mkdirSync(dir);
  await esbuild.build({
    entryPoints: [join(project, 'smoke/worker.mjs')],
    outfile: join(dir, 'worker.js'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    target: 'es2022',
    logLevel: 'error',
  });
  const port = await freePort();
  const version = versionOf('workerd');
  // workerd refuses a compatibility date later than its own build: its version carries it.
  const compatibilityDate = version.replace(/^1\.(\d{4})(\d{2})(\d{2})\..*$/, '$1-$2-$3');
  writeFileSync(
    join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "smoke", worker = .smokeWorker),
    (name = "loopback-only", network = (allow = ["127.0.0.1/32"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "smoke")],
);

const smokeWorker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "${compatibilityDate}",
  globalOutbound = "loopback-only",
  bindings = [(name = "SERVER", json = ${JSON.stringify(JSON.stringify(serverInfo))})],
);
`,
  );
  const workerd = startService(binaries.workerd, ['serve', join(dir, 'config.capnp')], { cwd: dir });
  try {
    // workerd prints nothing once it listens: ask until it answers (bounded), or it exits.
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await Promise.race([fetch(`http://127.0.0.1:${port}/`), workerd.exited]);
        const text = await response.text();
        if (!response.ok) throw new Error(`workerd answered ${response.status}: ${text.slice(0, 2000)}`);
        return parseResults(text);
      } catch (err) {
        if (attempt >= 150 || err.cause?.code !== 'ECONNREFUSED') throw err;
        await sleep(200);
      }
    }
  } finally {
    workerd.stop();
  }
}

// The esbuild browser bundle of the same smoke entry: the browser conditions pick the portable
// (@noble/hashes) token file, which the bundle's text must show; then the bundle runs.
async function runBrowserBundle(serverInfo) {
  const outfile = join(project, 'browser/bundle.mjs');
  await esbuild.build({
    entryPoints: [join(project, 'smoke/entry.mjs')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'error',
  });
  if (readFileSync(outfile, 'utf8').includes('node:crypto')) throw new Error('the browser bundle holds the node:crypto token file');
  return parseResults(await exec(process.execPath, [outfile, JSON.stringify(serverInfo)], { cwd: dirname(outfile) }));
}

// ── The ways users install it: each compiles (where TypeScript) and runs consumers/* ─────
const typescript = (compilerOptions, packageType) => ({ compilerOptions, packageType });
const consumers = [
  { how: 'require()', module: 'cjs', copy: { 'consumer.cjs': 'index.cjs' }, main: 'index.cjs' },
  { how: 'import', module: 'esm', copy: { 'consumer.mjs': 'index.mjs' }, main: 'index.mjs' },
  { how: 'TypeScript node16', module: 'esm', ...typescript({ module: 'node16', moduleResolution: 'node16' }, 'module') },
  { how: 'TypeScript node16', module: 'cjs', ...typescript({ module: 'node16', moduleResolution: 'node16' }, 'commonjs') },
  { how: 'TypeScript bundler', module: 'esm', ...typescript({ module: 'esnext', moduleResolution: 'bundler' }, 'module') },
  // The old resolution reads no `exports`: the subpaths' types come from `typesVersions`.
  { how: 'TypeScript node10', module: 'cjs', ...typescript({ module: 'commonjs', moduleResolution: 'node10' }, 'commonjs') },
];

async function runConsumer(consumer, index) {
  const dir = join(project, 'consumers', String(index));
  mkdirSync(dir, { recursive: true });
  let main = consumer.main;
  if (consumer.compilerOptions) {
    cpSync(join(suite, 'consumers/consumer.ts'), join(dir, 'consumer.ts'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: consumer.packageType }));
    const compilerOptions = { strict: true, target: 'es2022', outDir: 'out', types: ['node'], skipLibCheck: false, ...consumer.compilerOptions };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
    await exec(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir });
    main = 'out/consumer.js';
  } else {
    for (const [from, to] of Object.entries(consumer.copy)) cpSync(join(suite, 'consumers', from), join(dir, to));
  }
  const output = (await exec(process.execPath, [main], { cwd: dir })).trim();
  if (output !== 'ok') throw new Error(`printed ${JSON.stringify(output.slice(0, 500))}, not ok`);
  return [{ name: `${consumer.how} (${consumer.module})`, ok: true }];
}

// ── Main: every row, then the table ─────────────────────────────────────────────────────
const rows = [];
async function record(row, runRow) {
  const started = performance.now();
  process.stderr.write(`runtimes: ${row.runtime} ${row.version} ${row.how}…\n`);
  try {
    row.results = await runRow();
  } catch (err) {
    row.results = [{ name: 'run', ok: false, error: err.message }];
  }
  row.seconds = (performance.now() - started) / 1000;
  rows.push(row);
}

let testServer;
try {
  const packed = await prepareProject();
  console.log(`runtimes: ${packed.filename}, ${(packed.size / 1000).toFixed(1)} kB packed, ${packed.entryCount} files`);
  testServer = startService(process.execPath, ['smoke/server.mjs'], { cwd: project });
  const serverInfo = JSON.parse(await firstLine(testServer));
  for (const row of smokeRows(serverInfo)) {
    await record({ runtime: row.runtime, version: row.version, how: row.module }, () => runSmokeRow(row));
  }
  await record({ runtime: 'workerd', version: versionOf('workerd'), how: 'esm, esbuild bundle' }, () => runWorkerd(serverInfo));
  await record({ runtime: 'node (browser bundle)', version: process.versions.node, how: 'esm, esbuild bundle' }, () =>
    runBrowserBundle(serverInfo),
  );
  for (const [index, consumer] of consumers.entries()) {
    await record({ runtime: 'packed tarball', version: `node ${process.versions.node}`, how: `${consumer.how} (${consumer.module})` }, () =>
      runConsumer(consumer, index),
    );
  }
} catch (err) {
  rows.push({ runtime: 'setup', version: '', how: '', results: [{ name: 'setup', ok: false, error: err.stack ?? err.message }] });
} finally {
  testServer?.stop();
  // `--keep` leaves the throw-away project for a look by hand.
  if (process.argv.includes('--keep')) console.log(`runtimes: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

for (const row of rows) {
  for (const result of row.results.filter((r) => !r.ok)) {
    console.log(`FAILED ${row.runtime} ${row.version} ${row.how}: ${result.name}\n  ${result.error.replaceAll('\n', '\n  ')}`);
  }
}
const table = rows.map((row) => {
  const passed = row.results.filter((r) => r.ok).length;
  const ok = passed === row.results.length;
  return [row.runtime, row.version, row.how, `${passed}/${row.results.length}`, ok ? 'pass' : 'FAIL', `${row.seconds?.toFixed(1) ?? '-'} s`];
});
const header = ['runtime', 'version', 'how', 'checks', 'pass', 'time'];
const widths = header.map((h, i) => Math.max(h.length, ...table.map((cells) => cells[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const cells of table) console.log(line(cells));
const failed = table.filter((cells) => cells[4] !== 'pass').length;
console.log(`runtimes: ${table.length - failed} of ${table.length} rows passed`);
process.exitCode = failed === 0 ? 0 : 1;
