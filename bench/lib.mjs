// Shared helpers for the benchmarks: every figure is measured for ours and the peer
// (livekit-server-sdk) in the same process run and reported side by side with the ratio.
import { performance } from 'node:perf_hooks';

/**
 * Runs `fn` (sync or async) repeatedly for about `durationMs` after a warm-up and returns
 * operations per second. `fn` may return a promise; calls are sequential.
 */
export async function opsPerSecond(fn, { durationMs = 1500, warmupMs = 300, batch = 100 } = {}) {
  const run = async (ms) => {
    let count = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      for (let i = 0; i < batch; i++) {
        const r = fn();
        if (r && typeof r.then === 'function') await r;
      }
      count += batch;
      now = performance.now();
    }
    return (count * 1000) / (now - start);
  };
  await run(warmupMs);
  return run(durationMs);
}

/**
 * Ours vs the peer, as operations per second. The machine may be busy with other work,
 * which moves every figure by ±50 % from one second to the next, and the peer's async
 * signing (WebCrypto) most. So each round measures
 * ours and the peer back to back (alternating which goes first) and takes their ratio; the
 * round with the median ratio is reported: its figures are real measurements, and its ratio
 * the typical one. BENCH_VERBOSE=1 prints every round.
 */
export async function compare(oursFn, peerFn, rounds = 11) {
  const results = [];
  for (let round = 0; round < rounds; round++) {
    const pair = {};
    for (const side of round % 2 === 0 ? ['ours', 'peer'] : ['peer', 'ours']) {
      pair[side] = await opsPerSecond(side === 'ours' ? oursFn : peerFn, { durationMs: 300, warmupMs: 100 });
    }
    results.push(pair);
  }
  if (process.env.BENCH_VERBOSE) console.error(results);
  const ratio = (pair) => pair.ours / pair.peer;
  const typical = median(results.map(ratio));
  return results.find((pair) => ratio(pair) === typical);
}

/** Median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const rows = [];

/**
 * Records one comparison. `higherIsBetter` says which way the ratio reads: the ratio is
 * always "how many times better ours is" (ours/peer for throughput, peer/ours for costs).
 */
export function report({ section, metric, unit, ours, peer, higherIsBetter, target }) {
  const ratio = higherIsBetter ? ours / peer : peer / ours;
  rows.push({ section, metric, unit, ours, peer, ratio, target });
}

function fmt(n) {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** Prints every recorded comparison as one table. */
export function printReport() {
  const header = ['section', 'metric', 'ours', 'peer', 'better by', 'target'];
  const lines = rows.map((r) => [
    r.section,
    r.metric,
    `${fmt(r.ours)} ${r.unit}`,
    `${fmt(r.peer)} ${r.unit}`,
    `${r.ratio.toFixed(2)}x`,
    r.target ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(line(l));
}
