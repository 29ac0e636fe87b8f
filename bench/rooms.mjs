// RoomService round trips, ours vs livekit-server-sdk, against the same lean local server.
//
// The server runs in its own child process and answers pre-encoded bytes (protobuf, or the
// snake_case JSON with every default a livekit-server writes), so that what is measured is
// the client: encoding, token, HTTP, decoding. Each client speaks its default encoding (ours
// protobuf, the peer JSON, the only one it has); ours in JSON is reported too, for an
// apples-to-apples row, and ours over fetch instead of node:http, the measurement behind the
// choice of node:http as the default transport on Node.
//
// - sequential round trips per second: listRooms (50 rooms in the answer) and createRoom;
// - the same with 32 calls in flight;
// - cold: a fresh process doing import + one listRooms, wall-clock ms above a bare process.
//
// `node bench/rooms.mjs --serve` is the server itself (used by run() below).
import { spawnSync } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { callRates, median, report, startServerProcess } from './lib.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OURS = new URL('../dist/esm/index.js', import.meta.url).href;
const KEY = 'bench-key';
const SECRET = 'bench-secret-0123456789abcdefghijklmnop';
const IN_FLIGHT = 32;
const COLD_ROUNDS = 11;

// ---------------------------------------------------------------------------------------
// The server (child process).

async function serve() {
  const { Codec, ListRoomsResponse, Room } = await import('@livekit/protocol');
  const room = (i) =>
    new Room({
      sid: `RM_${String(i).padStart(12, '0')}`,
      name: `room-${i}`,
      emptyTimeout: 300,
      departureTimeout: 20,
      maxParticipants: 50,
      creationTime: 1_700_000_000n + BigInt(i),
      creationTimeMs: 1_700_000_000_000n + BigInt(i),
      turnPassword: 'ICkSr2rEeslkN6e9bXL4Ji5zzMD5Z7zzr6ulOaxMj6N',
      enabledCodecs: [{ mime: 'audio/opus' }, { mime: 'audio/red' }, { mime: 'video/VP8' }, { mime: 'video/H264' }].map(
        (c) => new Codec(c),
      ),
      metadata: JSON.stringify({ topic: `topic ${i}`, owner: `user-${i}` }),
      numParticipants: i % 7,
      numPublishers: i % 3,
    });
  const listRooms = new ListRoomsResponse({ rooms: Array.from({ length: 50 }, (_, i) => room(i)) });
  const created = room(1000);
  // The server's JSON: snake_case, every field including defaults, int64 as strings.
  const serverJson = (message) =>
    Buffer.from(message.toJsonString({ useProtoFieldName: true, emitDefaultValues: true }));
  const answers = {
    ListRooms: { protobuf: Buffer.from(listRooms.toBinary()), json: serverJson(listRooms) },
    CreateRoom: { protobuf: Buffer.from(created.toBinary()), json: serverJson(created) },
  };
  const server = createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      const method = req.url.slice(req.url.lastIndexOf('/') + 1);
      const encoding = String(req.headers['content-type']).startsWith('application/json') ? 'json' : 'protobuf';
      const body = answers[method]?.[encoding];
      if (body === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"bad_route","msg":"no such method"}');
        return;
      }
      res.writeHead(200, {
        'content-type': encoding === 'json' ? 'application/json' : 'application/protobuf',
        'content-length': body.length,
      });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
}

// ---------------------------------------------------------------------------------------
// Throughput.

async function throughput(url) {
  const ours = await import(OURS);
  const peerSdk = await import('livekit-server-sdk');
  const clients = {
    ours: new ours.RoomServiceClient(url, KEY, SECRET),
    oursJson: new ours.RoomServiceClient(url, KEY, SECRET, { encoding: 'json' }),
    oursFetch: new ours.RoomServiceClient(url, KEY, SECRET, { fetch: (input, init) => globalThis.fetch(input, init) }),
    peer: new peerSdk.RoomServiceClient(url, KEY, SECRET),
  };
  // Sanity: everyone reads the same 50 rooms.
  for (const [name, client] of Object.entries(clients)) {
    const rooms = await client.listRooms();
    if (rooms.length !== 50 || rooms[49].creationTimeMs !== 1_700_000_000_049n) throw new Error(`${name}: bad listRooms`);
  }

  const calls = {
    listRooms: (client) => () => client.listRooms(),
    createRoom: (client) => () => client.createRoom({ name: 'bench', emptyTimeout: 300, metadata: '{"a":1}' }),
  };
  for (const [method, call] of Object.entries(calls)) {
    const { sequential, parallel } = await callRates(clients, call, IN_FLIGHT);
    for (const [label, figures] of [
      ['sequential', sequential],
      [`${IN_FLIGHT} in flight`, parallel],
    ]) {
      report({
        section: 'rooms',
        metric: `${method}, ${label}`,
        unit: 'calls/s',
        ours: figures.ours,
        peer: figures.peer,
        higherIsBetter: true,
        target: '≥ 1.5x',
      });
      for (const [variant, name] of [
        ['ours in JSON', 'oursJson'],
        ['ours over fetch', 'oursFetch'],
      ]) {
        report({
          section: 'rooms',
          metric: `${method}, ${label} (${variant})`,
          unit: 'calls/s',
          ours: figures[name],
          peer: figures.peer,
          higherIsBetter: true,
          target: '',
        });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// Cold start: a fresh process, import + one listRooms.

function coldProgram(specifier, options) {
  return (
    `const t0 = performance.now();` +
    `const { RoomServiceClient } = await import(${JSON.stringify(specifier)});` +
    `const client = new RoomServiceClient(process.env.BENCH_URL, ${JSON.stringify(KEY)}, ${JSON.stringify(SECRET)}${options});` +
    `const rooms = await client.listRooms();` +
    `if (rooms.length !== 50) throw new Error('bad answer');` +
    // The time is taken before touching process.stdout: a stream's first use costs a few
    // ms, the same for everyone, and would pull every ratio towards 1.
    `const elapsed = performance.now() - t0;` +
    `process.stdout.write(String(elapsed));` +
    // Keep-alive sockets must not hold the process open.
    `process.exitCode = 0;`
  );
}

function once(code, url) {
  const start = performance.now();
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, BENCH_URL: url },
    timeout: 30_000,
  });
  const wallMs = performance.now() - start;
  if (result.status !== 0) throw new Error(`bench rooms cold: a child failed:\n${result.stderr}`);
  return { wallMs, insideMs: Number(result.stdout) };
}

async function cold(url) {
  const cases = {
    bare: '',
    ours: coldProgram(OURS, ''),
    oursFetch: coldProgram(OURS, ', { fetch: (input, init) => fetch(input, init) }'),
    peer: coldProgram('livekit-server-sdk', ''),
  };
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, { wallMs: [], insideMs: [] }]));
  for (const code of Object.values(cases)) once(code || '1', url);
  for (let round = 0; round < COLD_ROUNDS; round++) {
    for (const [name, code] of Object.entries(cases)) {
      const { wallMs, insideMs } = once(code || '1', url);
      samples[name].wallMs.push(wallMs);
      samples[name].insideMs.push(insideMs);
    }
  }
  const bare = median(samples.bare.wallMs);
  report({
    section: 'rooms',
    metric: 'fresh process: import + 1 listRooms, cold (wall, above bare node)',
    unit: 'ms',
    ours: median(samples.ours.wallMs) - bare,
    peer: median(samples.peer.wallMs) - bare,
    higherIsBetter: false,
    target: '≥ 2x (≤ 0.5x the peer)',
  });
  report({
    section: 'rooms',
    metric: 'fresh process: import + 1 listRooms, cold (wall, ours over fetch)',
    unit: 'ms',
    ours: median(samples.oursFetch.wallMs) - bare,
    peer: median(samples.peer.wallMs) - bare,
    higherIsBetter: false,
    target: '',
  });
  report({
    section: 'rooms',
    metric: 'fresh process: import + 1 listRooms, cold (timed inside)',
    unit: 'ms',
    ours: median(samples.ours.insideMs),
    peer: median(samples.peer.insideMs),
    higherIsBetter: false,
    target: '≥ 2x (≤ 0.5x the peer)',
  });
  report({
    section: 'rooms',
    metric: 'fresh process: import + 1 listRooms, cold (timed inside, ours over fetch)',
    unit: 'ms',
    ours: median(samples.oursFetch.insideMs),
    peer: median(samples.peer.insideMs),
    higherIsBetter: false,
    target: '',
  });
  process.stderr.write(`bench: rooms cold baseline (bare node): ${bare.toFixed(1)} ms; ${COLD_ROUNDS} rounds, medians\n`);
}

export async function run() {
  const server = await startServerProcess(import.meta.url);
  try {
    await throughput(server.url);
    await cold(server.url);
  } finally {
    server.stop();
  }
}

if (process.argv[2] === '--serve' && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await serve();
}
