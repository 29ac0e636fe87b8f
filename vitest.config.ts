import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const runtimeModule = (name: 'node' | 'portable') =>
  fileURLToPath(new URL(`./src/internal/runtime/${name}.ts`, import.meta.url));

// The token, webhook and RoomService-client suites run twice: once on node:crypto, once on the portable
// (@noble/hashes) primitives that edge runtimes get. Everything else runs once, on Node's.
const perProvider = [
  'test/token/**/*.test.ts',
  'test/webhook/**/*.test.ts',
  'test/services/**/*.test.ts',
  'test/internal/runtime*.test.ts',
];

export default defineConfig({
  test: {
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
    projects: [
      {
        resolve: { alias: { '#runtime': runtimeModule('node') } },
        test: { name: 'node', include: ['test/**/*.test.ts'], testTimeout: 20_000, env: { EXPECTED_RUNTIME: 'node' } },
      },
      {
        resolve: { alias: { '#runtime': runtimeModule('portable') } },
        test: { name: 'portable', include: perProvider, testTimeout: 20_000, env: { EXPECTED_RUNTIME: 'portable' } },
      },
    ],
  },
});
