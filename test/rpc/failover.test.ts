import { describe, expect, it } from 'vitest';
import {
  failoverDelayMs,
  isCloudHost,
  parseMaxAgeMs,
  parseRegions,
  RegionDirectory,
  regionOrigin,
} from '../../src/rpc/failover.js';
import type { HttpRequest, HttpTransport } from '../../src/rpc/http.js';

const REGIONS = JSON.stringify({
  regions: [
    { region: 'us-east', url: 'wss://proj-useast.livekit.cloud', distance: '10' },
    { region: 'eu-central', url: 'https://proj-eu.livekit.cloud/', distance: '20' },
    { region: 'broken', url: 'not a url' },
    { region: 'dup', url: 'https://proj-eu.livekit.cloud' },
    { region: 'no-url' },
  ],
});

describe('failover helpers', () => {
  it('recognises LiveKit Cloud project hosts only', () => {
    expect(isCloudHost('my-project.livekit.cloud')).toBe(true);
    expect(isCloudHost('MY-PROJECT.LIVEKIT.CLOUD')).toBe(true);
    expect(isCloudHost('livekit.cloud.example.com')).toBe(false);
    expect(isCloudHost('localhost')).toBe(false);
  });

  it('backs off 200 ms, then 400 ms, then 800 ms', () => {
    expect([1, 2, 3].map(failoverDelayMs)).toEqual([200, 400, 800]);
  });

  it('fails over only to https:// origins under livekit.cloud, so the bearer token goes nowhere else', () => {
    const listed = JSON.stringify({
      regions: [
        { region: 'plain', url: 'http://proj-plain.livekit.cloud' },
        { region: 'plain-ws', url: 'ws://proj-ws.livekit.cloud' },
        { region: 'elsewhere', url: 'https://attacker.example.com' },
        { region: 'lookalike', url: 'https://livekit.cloud.attacker.example' },
        { region: 'with-credentials', url: 'https://user:pass@proj-cred.livekit.cloud' },
        { region: 'good', url: 'wss://proj-good.livekit.cloud' },
      ],
    });
    expect(parseRegions(listed)).toEqual(['https://proj-good.livekit.cloud']);
  });

  it('maps region URLs to https origins, dropping invalid and duplicate entries', () => {
    expect(regionOrigin('wss://a.livekit.cloud/rtc')).toBe('https://a.livekit.cloud');
    expect(regionOrigin('ftp://a.livekit.cloud')).toBeUndefined();
    expect(parseRegions(REGIONS)).toEqual(['https://proj-useast.livekit.cloud', 'https://proj-eu.livekit.cloud']);
    expect(parseRegions('<html>')).toEqual([]);
    expect(parseRegions('{"regions":{}}')).toEqual([]);
  });

  it('reads max-age from Cache-Control', () => {
    expect(parseMaxAgeMs('public, max-age=30')).toBe(30_000);
    expect(parseMaxAgeMs('no-store')).toBe(0);
    expect(parseMaxAgeMs(undefined)).toBe(0);
  });
});

describe('RegionDirectory', () => {
  function fakeTransport(answer: () => { status: number; body: string; cacheControl?: string }) {
    const seen: HttpRequest[] = [];
    const transport: HttpTransport = async (request) => {
      seen.push(request);
      const { status, body, cacheControl } = answer();
      return {
        status,
        body: new TextEncoder().encode(body),
        header: (name) => (name === 'cache-control' ? cacheControl : undefined),
      };
    };
    return { seen, transport };
  }

  it('asks GET /settings/regions with the call authorization', async () => {
    const { seen, transport } = fakeTransport(() => ({ status: 200, body: REGIONS }));
    const directory = new RegionDirectory(transport);
    expect(await directory.origins('https://proj.livekit.cloud', 'Bearer t', undefined)).toHaveLength(2);
    expect(seen[0]).toMatchObject({ url: 'https://proj.livekit.cloud/settings/regions', method: 'GET' });
    expect(seen[0]?.headers['authorization']).toBe('Bearer t');
  });

  it('caches the list for max-age and asks again afterwards', async () => {
    let now = 1_000_000;
    const { seen, transport } = fakeTransport(() => ({ status: 200, body: REGIONS, cacheControl: 'max-age=60' }));
    const directory = new RegionDirectory(transport, () => now);
    await directory.origins('https://proj.livekit.cloud', 'Bearer t', undefined);
    now += 59_000;
    await directory.origins('https://proj.livekit.cloud', 'Bearer t', undefined);
    expect(seen).toHaveLength(1);
    now += 2_000;
    await directory.origins('https://proj.livekit.cloud', 'Bearer t', undefined);
    expect(seen).toHaveLength(2);
  });

  it('does not cache a list without max-age', async () => {
    const { seen, transport } = fakeTransport(() => ({ status: 200, body: REGIONS }));
    const directory = new RegionDirectory(transport);
    await directory.origins('https://proj.livekit.cloud', 'Bearer t', undefined);
    await directory.origins('https://proj.livekit.cloud', 'Bearer t', undefined);
    expect(seen).toHaveLength(2);
  });

  it('yields an empty list when discovery fails, never an error', async () => {
    const failing: HttpTransport = async () => {
      throw new Error('ECONNREFUSED');
    };
    expect(await new RegionDirectory(failing).origins('https://p.livekit.cloud', 'Bearer t', undefined)).toEqual([]);
    const { transport } = fakeTransport(() => ({ status: 404, body: 'not found' }));
    expect(await new RegionDirectory(transport).origins('https://p.livekit.cloud', 'Bearer t', undefined)).toEqual([]);
  });

  it('falls back to the last cached list when a later discovery fails', async () => {
    let now = 0;
    let fail = false;
    const transport: HttpTransport = async () => {
      if (fail) throw new Error('down');
      return { status: 200, body: new TextEncoder().encode(REGIONS), header: () => 'max-age=1' };
    };
    const directory = new RegionDirectory(transport, () => now);
    await directory.origins('https://p.livekit.cloud', 'Bearer t', undefined);
    now = 5_000;
    fail = true;
    expect(await directory.origins('https://p.livekit.cloud', 'Bearer t', undefined)).toHaveLength(2);
  });
});
