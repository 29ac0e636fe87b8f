// Cold cost of loading the package, in a fresh process each time: the milliseconds the import
// takes and the RSS it adds above a bare process that imports nothing. Ours (the package root
// and the /token entry, resolved by name from the built package) vs livekit-server-sdk; plus
// import and the first token minted, what a serverless token endpoint pays on a cold start.
//
// The time is taken inside the child, around the import, so that process start-up and exit
// (the same for everyone, and noisy) do not blur it; RSS is read at the end and compared with
// the bare process's. Each case runs ROUNDS times, interleaved with the others so that machine
// noise spreads evenly, and medians are reported.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { median, report } from './lib.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = 15;

const MINT_ARGS = "('bench-key', 'bench-secret-0123456789abcdefghijklmnop', { identity: 'alice' })";
const mint = (specifier) =>
  `const { AccessToken } = await import('${specifier}');` +
  `const at = new AccessToken${MINT_ARGS}; at.addGrant({ roomJoin: true, room: 'demo' });` +
  'const jwt = await at.toJwt(); if (jwt.split(".").length !== 3) throw new Error("no token");';

// A cold token endpoint: import, build the handler, answer one Request with a token. Ours is
// createTokenHandler; the peer's the same endpoint written by hand on its AccessToken.
const ENDPOINT_REQUEST =
  "new Request('https://app.example/api/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{\"room_name\":\"demo\"}' })";
const oursServe =
  "const { createTokenHandler } = await import('livekit-server-api/token');" +
  "const handler = createTokenHandler({ authorize: (request, body) => ({ identity: 'alice', grant: { roomJoin: true, room: body.roomName ?? 'lobby' } })," +
  " serverUrl: 'wss://x.example', apiKey: 'bench-key', apiSecret: 'bench-secret-0123456789abcdefghijklmnop' });" +
  `const response = await handler(${ENDPOINT_REQUEST}); if (response.status !== 201) throw new Error('no token'); await response.text();`;
const peerServe =
  "const { AccessToken } = await import('livekit-server-sdk');" +
  `const request = ${ENDPOINT_REQUEST}; const body = await request.json();` +
  "const at = new AccessToken('bench-key', 'bench-secret-0123456789abcdefghijklmnop', { identity: 'alice' }); at.addGrant({ roomJoin: true, room: body.room_name ?? 'lobby' });" +
  "const response = new Response(JSON.stringify({ server_url: 'wss://x.example', participant_token: await at.toJwt() }), { status: 201 }); await response.text();";

// Each program is timed by the child itself and prints `<ms> <rss bytes>`.
const CASES = {
  bare: '',
  oursRoot: "await import('livekit-server-api');",
  oursToken: "await import('livekit-server-api/token');",
  peer: "await import('livekit-server-sdk');",
  oursRootMint: mint('livekit-server-api'),
  oursTokenMint: mint('livekit-server-api/token'),
  peerMint: mint('livekit-server-sdk'),
  oursHandler: "const { createTokenHandler } = await import('livekit-server-api/token'); if (typeof createTokenHandler !== 'function') throw new Error('no handler');",
  oursServe,
  peerServe,
};

function once(code) {
  const program =
    `const __start = performance.now();\n${code}\nconst __ms = performance.now() - __start;\n` +
    'process.stdout.write(`${__ms} ${process.memoryUsage().rss}`);';
  // cwd = the package root, so `livekit-server-api` resolves to this package (self-reference
  // through its `exports`, i.e. dist/) and `livekit-server-sdk` to node_modules.
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', program], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`bench import: ${code || '(bare)'} failed:\n${result.stderr}`);
  const [ms, rss] = result.stdout.split(' ').map(Number);
  return { ms, rssMb: rss / (1024 * 1024) };
}

export async function run() {
  const samples = Object.fromEntries(Object.keys(CASES).map((name) => [name, { ms: [], rssMb: [] }]));
  // One untimed round first: the disk cache and the OS warm up the same way for everyone.
  for (const code of Object.values(CASES)) once(code);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, code] of Object.entries(CASES)) {
      const { ms, rssMb } = once(code);
      samples[name].ms.push(ms);
      samples[name].rssMb.push(rssMb);
    }
  }
  const ms = (name) => median(samples[name].ms) - median(samples.bare.ms);
  const mb = (name) => median(samples[name].rssMb) - median(samples.bare.rssMb);

  const rows = [
    ['import livekit-server-api (root)', 'oursRoot', 'peer', '≥ 2x (under half the peer)', ''],
    ['import livekit-server-api/token', 'oursToken', 'peer', '≤ 15 ms', ''],
    ['import root + first token', 'oursRootMint', 'peerMint', '', ''],
    ['import /token + first token', 'oursTokenMint', 'peerMint', '', ''],
    ['import createTokenHandler from /token', 'oursHandler', 'peer', '≤ 15 ms', ''],
    ['import + first token served by the endpoint', 'oursServe', 'peerServe', '', ''],
  ];
  for (const [metric, ours, peer, msTarget, mbTarget] of rows) {
    report({ section: 'import', metric: `${metric}, cold`, unit: 'ms', ours: ms(ours), peer: ms(peer), higherIsBetter: false, target: msTarget });
    report({ section: 'import', metric: `${metric}, RSS`, unit: 'MB', ours: mb(ours), peer: mb(peer), higherIsBetter: false, target: mbTarget });
  }
  process.stderr.write(
    `bench: import: bare process ${median(samples.bare.rssMb).toFixed(1)} MB RSS; ${ROUNDS} rounds, medians; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
}
