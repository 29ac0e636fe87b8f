// Egress round trips, ours vs livekit-server-sdk: listEgress with 20 egresses in the answer,
// sequential and 32 in flight, against a lean local server in a child process that answers
// pre-encoded bytes (protobuf, or the server's snake_case JSON with every default), so that
// what is measured is the client. Each client speaks its default encoding (ours protobuf, the
// peer JSON, the only one it has); ours in JSON is reported too.
//
// `node bench/egress.mjs --serve` is the server itself (used by run() below).
import { spawn } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { opsPerSecond, report } from './lib.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OURS = new URL('../dist/esm/index.js', import.meta.url).href;
const KEY = 'bench-key';
const SECRET = 'bench-secret-0123456789abcdefghijklmnop';
const IN_FLIGHT = 32;
const EGRESSES = 20;

async function serve() {
  const { EgressInfo, EgressStatus, EncodedFileType, ListEgressResponse, RoomCompositeEgressRequest } = await import('@livekit/protocol');
  // What a running room composite recording to S3 plus an RTMP stream looks like in a list.
  const egress = (i) =>
    new EgressInfo({
      egressId: `EG_${String(i).padStart(12, '0')}`,
      roomId: `RM_${String(i).padStart(12, '0')}`,
      roomName: `room-${i}`,
      status: i % 4 === 0 ? EgressStatus.EGRESS_COMPLETE : EgressStatus.EGRESS_ACTIVE,
      startedAt: 1_700_000_000_000_000_000n + BigInt(i),
      updatedAt: 1_700_000_000_500_000_000n + BigInt(i),
      request: {
        case: 'roomComposite',
        value: new RoomCompositeEgressRequest({
          roomName: `room-${i}`,
          layout: 'speaker',
          fileOutputs: [{ fileType: EncodedFileType.MP4, filepath: `recordings/room-${i}/{time}.mp4`, output: { case: 's3', value: { bucket: 'recordings', region: 'eu-west-1', accessKey: '{access_key}', secret: '{secret}' } } }],
          streamOutputs: [{ protocol: 1, urls: [`rtmp://live.example.com/app/{stream_key}`] }],
        }),
      },
      fileResults: [{ filename: `recordings/room-${i}/2026-12-01T200000.mp4`, startedAt: 1_700_000_000_000_000_000n, size: 12_345_678n, location: `https://recordings.s3.amazonaws.com/room-${i}.mp4` }],
      streamResults: [{ url: 'rtmp://live.example.com/app/{stream_key}', startedAt: 1_700_000_000_000_000_000n, duration: 60_000_000_000n }],
    });
  const list = new ListEgressResponse({ items: Array.from({ length: EGRESSES }, (_, i) => egress(i)) });
  const answers = {
    protobuf: Buffer.from(list.toBinary()),
    json: Buffer.from(list.toJsonString({ useProtoFieldName: true, emitDefaultValues: true })),
  };
  const server = createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      const encoding = String(req.headers['content-type']).startsWith('application/json') ? 'json' : 'protobuf';
      const body = answers[encoding];
      res.writeHead(200, { 'content-type': `application/${encoding}`, 'content-length': body.length });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
}

async function startServer() {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.on('exit', (code) => reject(new Error(`bench egress server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

/** Best of two interleaved runs per contender, so that noise hits everyone alike. */
async function bestOfTwo(contenders, options) {
  const best = Object.fromEntries(Object.keys(contenders).map((name) => [name, 0]));
  for (let round = 0; round < 2; round++) {
    for (const [name, fn] of Object.entries(contenders)) best[name] = Math.max(best[name], await opsPerSecond(fn, options));
  }
  return best;
}

export async function run() {
  const server = await startServer();
  try {
    const ours = await import(OURS);
    const peerSdk = await import('livekit-server-sdk');
    const clients = {
      ours: new ours.EgressClient(server.url, KEY, SECRET),
      oursJson: new ours.EgressClient(server.url, KEY, SECRET, { encoding: 'json' }),
      peer: new peerSdk.EgressClient(server.url, KEY, SECRET),
    };
    // Sanity: everyone reads the same 20 egresses.
    for (const [name, client] of Object.entries(clients)) {
      const items = await client.listEgress({ active: true });
      if (items.length !== EGRESSES || items[19].fileResults[0].size !== 12_345_678n) throw new Error(`${name}: bad listEgress`);
    }
    const call = (client) => () => client.listEgress({ active: true });
    const sequential = await bestOfTwo(
      Object.fromEntries(Object.entries(clients).map(([name, client]) => [name, call(client)])),
      { durationMs: 2000, warmupMs: 500, batch: 50 },
    );
    const parallel = await bestOfTwo(
      Object.fromEntries(
        Object.entries(clients).map(([name, client]) => {
          const one = call(client);
          return [name, () => Promise.all(Array.from({ length: IN_FLIGHT }, one))];
        }),
      ),
      { durationMs: 2000, warmupMs: 500, batch: 5 },
    );
    for (const [label, figures, scale] of [
      ['sequential', sequential, 1],
      [`${IN_FLIGHT} in flight`, parallel, IN_FLIGHT],
    ]) {
      const row = { section: 'egress', unit: 'calls/s', peer: figures.peer * scale, higherIsBetter: true };
      report({ ...row, metric: `listEgress (${EGRESSES}), ${label}`, ours: figures.ours * scale, target: '≥ 1.5x' });
      report({ ...row, metric: `listEgress (${EGRESSES}), ${label} (ours in JSON)`, ours: figures.oursJson * scale, target: '' });
    }
  } finally {
    server.stop();
  }
}

if (process.argv.includes('--serve')) await serve();
else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { printReport } = await import('./lib.mjs');
  await run();
  printReport();
}
