// `npm run bench`: every benchmark, ours vs livekit-server-sdk, in one process run.
// Each section module exports `run()` that records its comparisons with `report()`.
import { existsSync } from 'node:fs';
import { printReport } from './lib.mjs';

const sections = ['token.mjs', 'import.mjs', 'rooms.mjs', 'webhook.mjs', 'endpoint.mjs', 'footprint.mjs'];
const only = process.argv.slice(2);

for (const file of sections) {
  if (only.length > 0 && !only.some((name) => file.startsWith(name))) continue;
  const url = new URL(`./${file}`, import.meta.url);
  if (!existsSync(url)) continue;
  process.stderr.write(`bench: ${file}\n`);
  const section = await import(url.href);
  await section.run();
}
printReport();
