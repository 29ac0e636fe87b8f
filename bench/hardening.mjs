// `npm run soak`: the figures behind issue 10, measured in fresh child processes against
// loopback servers. Not timings, so not part of `npm run bench`; nothing here is asserted.
//
//   answers   RSS peak of a call that gets a 64 MB answer (announced, or chunked without a
//             Content-Length) and an endless one, on both transports: bounded, typed error.
//   idle      calls spaced around a server's keep-alive timeout, and a server that closes
//             every connection right after answering: failed and duplicated calls.
//   soak      the test server's memory after 1 M recorded calls.
//
// `node bench/hardening.mjs [answers|idle|soak] [--dist <dir>]` runs one section; --dist
// points at another build (e.g. a checkout of main) to measure the code before a change.
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const distFlag = args.indexOf('--dist');
const DIST = distFlag >= 0 ? args[distFlag + 1] : fileURLToPath(new URL('../dist', import.meta.url));
const child = args.indexOf('--child');
const KEY = 'soak-key';
const SECRET = 'soak-secret-0123456789abcdefghijklmnop';
const MB = 1024 * 1024;

const lib = () => import(pathToFileURL(`${DIST}/esm/index.js`).href);
const testing = () => import(pathToFileURL(`${DIST}/esm/testing/index.js`).href);

function listen(handler) {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
const urlOf = (server) => `http://127.0.0.1:${server.address().port}`;

/** Samples RSS every 5 ms while `run` goes; returns the peak above the start, in MB. */
async function peakRss(run) {
  globalThis.gc?.();
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  let outcome;
  try {
    const value = await run();
    outcome = `resolved${Array.isArray(value) ? ` (${value.length} items)` : ''}`;
  } catch (err) {
    outcome = `${err?.constructor?.name ?? 'error'} ${err?.code ?? ''}`.trim();
  }
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { outcome, peakMb: (peak - start) / MB };
}

// ---------------------------------------------------------------------------------------
// answers: one scenario per child process, so that one answer's garbage does not blur the next.

/** Writes `chunk` `times` times, then ends, minding back-pressure. */
function writeTimes(res, chunk, times) {
  let left = times;
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      left--;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

const ANSWERS = {
  'announced 64 MiB': (res) => {
    res.writeHead(200, { 'content-type': 'application/protobuf', 'content-length': String(64 * MB) });
    const chunk = Buffer.alloc(MB, 0x0a);
    writeTimes(res, chunk, 64);
  },
  'chunked 64 MiB of unknown fields': (res) => {
    res.writeHead(200, { 'content-type': 'application/protobuf' });
    // Field 999 as a varint 0, three bytes, over and over: each one an object when kept (the
    // 771 MB of heap per 10 MB the issue measured).
    const chunk = Buffer.alloc(3 * 349_525);
    for (let i = 0; i < chunk.length; i += 3) chunk.set([0xb8, 0x3e, 0x00], i);
    writeTimes(res, chunk, 64);
  },
  'the same, cap raised to 128 MiB': (res) => ANSWERS['chunked 64 MiB of unknown fields'](res),
  endless: (res) => {
    res.writeHead(200, { 'content-type': 'application/protobuf' });
    const chunk = Buffer.alloc(64 * 1024, 0x0a);
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  },
};

async function answerChild(name, transport) {
  const { RoomServiceClient } = await lib();
  const server = await listen((req, res) => {
    req.resume();
    req.on('end', () => ANSWERS[name](res));
  });
  const options = {
    retries: 0,
    timeoutMs: 20_000,
    ...(name.includes('cap raised') && { maxResponseBytes: 128 * MB }),
    ...(transport === 'fetch' && { fetch: (u, i) => globalThis.fetch(u, i) }),
  };
  const rooms = new RoomServiceClient(urlOf(server), KEY, SECRET, options);
  const result = await peakRss(() => rooms.listRooms());
  server.closeAllConnections();
  server.close();
  process.stdout.write(JSON.stringify(result));
}

function answers() {
  console.log('answers: RSS peak above the start of the call (fresh process each), and how the call ended');
  for (const transport of ['node:http', 'fetch']) {
    for (const name of Object.keys(ANSWERS)) {
      const out = spawnSync(
        process.execPath,
        ['--expose-gc', '--max-old-space-size=2048', fileURLToPath(import.meta.url), '--child', 'answer', name, transport, '--dist', DIST],
        { encoding: 'utf8', timeout: 120_000 },
      );
      let line = out.stdout;
      try {
        const { outcome, peakMb } = JSON.parse(out.stdout);
        line = `${peakMb.toFixed(0).padStart(5)} MB  ${outcome}`;
      } catch {
        line = `crashed: ${(out.stderr || out.signal || '').toString().split('\n').find((l) => /FATAL|Error/.test(l)) ?? out.status}`;
      }
      console.log(`  ${transport.padEnd(9)} ${name.padEnd(32)} ${line}`);
    }
  }
}

// ---------------------------------------------------------------------------------------
// idle: a node:http server behind what a load balancer does, closing a connection that stayed
// idle for `closeAfterMs` (while still advertising Keep-Alive: timeout=5, as backends do).

async function idle() {
  const { RoomServiceClient } = await lib();
  const { SendDataRequest } = await import('@livekit/protocol');
  const CALLS = 200;
  console.log(
    `idle: ${CALLS} calls per row, retries 2; failed = rejected; duplicated = SendData nonces the server got twice; ` +
      'slow = calls over 80 ms (they paid a retry back-off)',
  );
  const scenarios = [
    ['closes after 100 ms idle, calls 90-110 ms apart', { closeAfterMs: 100, gap: () => 90 + Math.random() * 20 }],
    ['closes right after each answer, calls back to back', { closeAfterMs: 0, gap: () => 0 }],
  ];
  for (const [label, scenario] of scenarios) {
    for (const method of ['listRooms', 'sendData']) {
      const nonces = new Map();
      const server = await listen((req, res) => {
        clearTimeout(req.socket.idleTimer);
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
          if (req.url.endsWith('/SendData')) {
            const key = Buffer.from(SendDataRequest.fromBinary(Buffer.concat(chunks)).nonce).toString('hex');
            nonces.set(key, (nonces.get(key) ?? 0) + 1);
          }
          res.writeHead(200, { 'content-type': 'application/protobuf', 'content-length': '0' });
          res.end();
          res.on('finish', () => {
            req.socket.idleTimer = setTimeout(() => req.socket.destroy(), scenario.closeAfterMs);
          });
        });
      });
      const rooms = new RoomServiceClient(urlOf(server), KEY, SECRET, { retries: 2 });
      let failed = 0;
      let slow = 0;
      const data = new Uint8Array([1, 2, 3]);
      for (let i = 0; i < CALLS; i++) {
        const gap = scenario.gap();
        if (gap > 0) await new Promise((resolve) => setTimeout(resolve, gap));
        const started = performance.now();
        try {
          if (method === 'sendData') await rooms.sendData('standup', data, 0);
          else await rooms.listRooms();
        } catch {
          failed++;
        }
        if (performance.now() - started > 80) slow++;
      }
      const duplicated = [...nonces.values()].filter((n) => n > 1).length;
      server.closeAllConnections();
      server.close();
      console.log(
        `  ${label.padEnd(52)} ${method.padEnd(9)} failed ${String(failed).padStart(3)}  duplicated ${String(duplicated).padStart(3)}  slow ${String(slow).padStart(3)}`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------
// soak: the test server in this process, 1 M calls (half listRooms, half sendData), 32 in flight.

async function soak() {
  const CALLS = Number(process.env.SOAK_CALLS ?? 1_000_000);
  const { RoomServiceClient } = await lib();
  const { startTestServer } = await testing();
  const lk = await startTestServer();
  const rooms = new RoomServiceClient(lk.url, lk.apiKey, lk.apiSecret);
  await rooms.createRoom({ name: 'soak' });
  globalThis.gc?.();
  const before = process.memoryUsage();
  const data = new Uint8Array(64);
  let next = 0;
  const worker = async () => {
    while (next < CALLS) {
      const i = next++;
      if (i % 2 === 0) await rooms.listRooms();
      else await rooms.sendData('soak', data, 0);
      if (i % 100_000 === 0 && i > 0) process.stderr.write(`soak: ${i} calls\n`);
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: 32 }, worker));
  globalThis.gc?.();
  const after = process.memoryUsage();
  const recorded = lk.requests.length;
  await lk.close();
  console.log(`soak: ${CALLS} calls in ${((Date.now() - started) / 1000).toFixed(0)} s; lk.requests holds ${recorded}`);
  console.log(`  heap used  ${(before.heapUsed / MB).toFixed(0)} MB -> ${(after.heapUsed / MB).toFixed(0)} MB (after GC)`);
  console.log(`  RSS        ${(before.rss / MB).toFixed(0)} MB -> ${(after.rss / MB).toFixed(0)} MB`);
  console.log(`  buffers    ${(before.arrayBuffers / MB).toFixed(0)} MB -> ${(after.arrayBuffers / MB).toFixed(0)} MB`);
}

if (child >= 0) {
  const [, kind, name, transport] = args.slice(child);
  if (kind === 'answer') await answerChild(name, transport);
} else {
  const sections = { answers, idle, soak };
  const wanted = args.filter((a) => a in sections);
  for (const name of wanted.length > 0 ? wanted : Object.keys(sections)) await sections[name]();
}
