// Egress round trips, ours vs livekit-server-sdk: listEgress with 20 egresses in the answer,
// sequential and 32 in flight, against a lean local server in a child process that answers
// pre-encoded bytes (protobuf, or the server's snake_case JSON with every default), so that
// what is measured is the client. Each client speaks its default encoding (ours protobuf, the
// peer JSON, the only one it has); ours in JSON is reported too.
//
// `node bench/egress.mjs --serve` is the server itself (used by run() below); run the
// comparison with `npm run bench -- egress`.
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { callRates, report, startServerProcess } from './lib.mjs';

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

export async function run() {
  const server = await startServerProcess(import.meta.url);
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
    const { sequential, parallel } = await callRates(clients, (client) => () => client.listEgress({ active: true }), IN_FLIGHT);
    for (const [label, figures] of [
      ['sequential', sequential],
      [`${IN_FLIGHT} in flight`, parallel],
    ]) {
      const row = { section: 'egress', unit: 'calls/s', peer: figures.peer, higherIsBetter: true };
      report({ ...row, metric: `listEgress (${EGRESSES}), ${label}`, ours: figures.ours, target: '≥ 1.5x' });
      report({ ...row, metric: `listEgress (${EGRESSES}), ${label} (ours in JSON)`, ours: figures.oursJson, target: '' });
    }
  } finally {
    server.stop();
  }
}

if (process.argv[2] === '--serve' && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await serve();
}
