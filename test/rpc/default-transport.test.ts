// Which transport a runtime gets by default, judged by what reaches the server: fetch
// (undici) always sends `sec-fetch-mode`, node:http sends nothing it is not told to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transportFor } from '../../src/rpc/default-transport.js';
import type { RuntimeScope } from '../../src/rpc/default-transport.js';
import { startLocalServer } from './local-server.js';
import type { LocalServer } from './local-server.js';

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer();
});
afterAll(() => server.close());

async function usesFetch(scope: RuntimeScope): Promise<boolean> {
  const before = server.requests.length;
  await transportFor(scope)({ url: `${server.url}/x`, method: 'POST', headers: {}, body: '{}', signal: new AbortController().signal });
  const request = server.requests[before];
  return request?.headers['sec-fetch-mode'] !== undefined;
}

describe('the default transport', () => {
  it('is node:http where process.getBuiltinModule exists (Node ≥ 20.16, Bun, Deno)', async () => {
    expect(await usesFetch(globalThis as RuntimeScope)).toBe(false);
  });

  it('is fetch without process.getBuiltinModule (edge runtimes, browsers, older Node)', async () => {
    expect(await usesFetch({})).toBe(true);
    expect(await usesFetch({ process: {} })).toBe(true);
  });

  it('is fetch on Cloudflare Workers even with Node compatibility on', async () => {
    const scope: RuntimeScope = {
      process: { getBuiltinModule: (id) => process.getBuiltinModule(id) },
      navigator: { userAgent: 'Cloudflare-Workers' },
    };
    expect(await usesFetch(scope)).toBe(true);
  });

  it('is fetch when node:http cannot be loaded', async () => {
    const throwing: RuntimeScope = {
      process: {
        getBuiltinModule: () => {
          throw new Error('no such module');
        },
      },
    };
    expect(await usesFetch(throwing)).toBe(true);
    expect(await usesFetch({ process: { getBuiltinModule: () => undefined } })).toBe(true);
  });
});
