// What the package costs on disk and in a bundle, ours vs livekit-server-sdk: the packed
// tarball (size, files), node_modules after installing that tarball into an empty project, and
// the minified size of a Worker bundled from it — one that imports only the token API, and
// ones that import the root for a RoomService call, directly and through LiveKitAPI.
//
// Both tarballs come from `npm pack` (ours from this checkout, already built by `npm run
// bench`; the peer's from the registry at the version in our devDependencies), so the
// installs fetch the same way a user's do. The bundler is rolldown (our build's, so the bench
// needs nothing more), for the worker conditions, minified; gzip is what Workers' size limit
// counts.
import { Buffer } from 'node:buffer';
import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { rolldown } from 'rolldown';
import { report } from './lib.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PEER_VERSION = JSON.parse(readFileSync(join(ROOT, 'node_modules/livekit-server-sdk/package.json'), 'utf8')).version;
const execFileAsync = promisify(execFile);

// The Workers each side is measured with: the same code, differing only in the import.
// `api` pulls in every client LiveKitAPI holds: the peer's has all six services, so this row
// compares like with like once ours has them too.
const WORKERS = {
  token: (specifier) => `import { AccessToken } from '${specifier}';
export default {
  async fetch() {
    const at = new AccessToken('key', 'secret', { identity: 'alice' });
    at.addGrant({ roomJoin: true, room: 'demo' });
    return new Response(await at.toJwt());
  },
};
`,
  root: (specifier) => `import { RoomServiceClient } from '${specifier}';
export default {
  async fetch(_request, env) {
    const rooms = await new RoomServiceClient(env.LIVEKIT_URL, env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET).listRooms();
    return Response.json(rooms.map((room) => room.name));
  },
};
`,
  api: (specifier) => `import { LiveKitAPI } from '${specifier}';
export default {
  async fetch(_request, env) {
    const api = new LiveKitAPI({ host: env.LIVEKIT_URL, apiKey: env.LIVEKIT_API_KEY, secret: env.LIVEKIT_API_SECRET });
    const rooms = await api.room.listRooms();
    return Response.json(rooms.map((room) => room.name));
  },
};
`,
};

async function npm(args, cwd) {
  const { stdout } = await execFileAsync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Bytes and files under `dir`, as the disk holds them (no links followed). */
function treeSize(dir) {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = treeSize(path);
      bytes += inner.bytes;
      files += inner.files;
    } else {
      bytes += lstatSync(path).size;
      files += 1;
    }
  }
  return { bytes, files };
}

async function workerBundle(project, source) {
  const input = join(project, 'worker.mjs');
  writeFileSync(input, source);
  const build = await rolldown({
    input,
    cwd: project,
    platform: 'browser',
    resolve: { conditionNames: ['workerd', 'worker', 'browser', 'import', 'module', 'default'] },
    // An unresolved import would be left external and shrink the figure: fail instead.
    onLog: (level, log, handler) => {
      if (level === 'warn') throw new Error(`footprint: bundling a Worker: ${log.message}`);
      handler(level, log);
    },
  });
  try {
    const { output } = await build.generate({ format: 'esm', minify: true, codeSplitting: false });
    const code = output.map((chunk) => chunk.code ?? '').join('');
    return { minKb: Buffer.byteLength(code) / 1000, gzipKb: gzipSync(code).length / 1000 };
  } finally {
    await build.close();
  }
}

/** Packs one side, installs the tarball into an empty project, bundles both Workers. */
async function measure(work, name, packArgs, specifiers) {
  const dir = join(work, name);
  mkdirSync(dir);
  const [packed] = JSON.parse(await npm(['pack', ...packArgs, '--json', '--pack-destination', dir], dir));
  const project = join(dir, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: `footprint-${name}`, private: true, type: 'module' }));
  await npm(['install', join(dir, packed.filename)], project);
  const installed = treeSize(join(project, 'node_modules'));
  return {
    tarballKb: packed.size / 1000,
    tarballFiles: packed.entryCount,
    installedMb: installed.bytes / 1e6,
    installedFiles: installed.files,
    tokenWorker: await workerBundle(project, WORKERS.token(specifiers.token)),
    rootWorker: await workerBundle(project, WORKERS.root(specifiers.root)),
    apiWorker: await workerBundle(project, WORKERS.api(specifiers.root)),
  };
}

export async function run() {
  const work = mkdtempSync(join(tmpdir(), 'livekit-footprint-'));
  try {
    // `--ignore-scripts`: `npm run bench` built dist already; prepack would build it again.
    const ours = await measure(work, 'ours', [ROOT, '--ignore-scripts'], { token: 'livekit-server-api/token', root: 'livekit-server-api' });
    // The peer has no token-only entry: its Worker imports the root for a token too.
    const peer = await measure(work, 'peer', [`livekit-server-sdk@${PEER_VERSION}`], { token: 'livekit-server-sdk', root: 'livekit-server-sdk' });
    const row = (metric, unit, pick, target = '') =>
      report({ section: 'footprint', metric, unit, ours: pick(ours), peer: pick(peer), higherIsBetter: false, target });
    row('tarball (npm pack)', 'kB', (side) => side.tarballKb);
    row('tarball files', 'files', (side) => side.tarballFiles);
    row('node_modules after installing the tarball', 'MB', (side) => side.installedMb);
    row('node_modules files', 'files', (side) => side.installedFiles);
    row('Worker importing the token API, minified', 'kB', (side) => side.tokenWorker.minKb);
    row('Worker importing the token API, min+gzip', 'kB', (side) => side.tokenWorker.gzipKb);
    row('Worker importing the root (RoomService), minified', 'kB', (side) => side.rootWorker.minKb);
    row('Worker importing the root (RoomService), min+gzip', 'kB', (side) => side.rootWorker.gzipKb);
    row('Worker importing the root (LiveKitAPI), minified', 'kB', (side) => side.apiWorker.minKb);
    row('Worker importing the root (LiveKitAPI), min+gzip', 'kB', (side) => side.apiWorker.gzipKb);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
