// The ingress and dispatch commands, run in-process against the in-process test server over
// loopback HTTP: what they send, what they print (table and --json), and how they fail.
import { IngressInput, JobRestartPolicy } from '@livekit/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { cli } from './helpers.js';

let lk: TestServer;
let env: Record<string, string>;
beforeAll(async () => {
  lk = await startTestServer({ ingress: { pageSize: 2 } });
  env = { LIVEKIT_URL: lk.url, LIVEKIT_API_KEY: lk.apiKey, LIVEKIT_API_SECRET: lk.apiSecret };
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

const run = (argv: string[]) => cli(argv, { env });

describe('ingress create', () => {
  it('creates an RTMP ingress and prints its URL and stream key', async () => {
    const result = await run(['ingress', 'create', 'rtmp', '--room', 'stage', '--identity', 'obs', '--participant-name', 'OBS', '--name', 'main']);
    expect(result.code).toBe(0);
    const [info] = lk.ingress.list();
    expect(info).toMatchObject({ inputType: IngressInput.RTMP_INPUT, roomName: 'stage', participantIdentity: 'obs', participantName: 'OBS', name: 'main' });
    expect(result.stdout).toContain(`ID:`);
    expect(result.stdout).toMatch(new RegExp(`Stream key:\\s+${info!.streamKey}`));
    expect(result.stdout).toMatch(/URL:\s+rtmp:\/\//);
  });

  it('creates a WHIP ingress without transcoding, disabled, and prints JSON with --json', async () => {
    const result = await run(['ingress', 'create', 'WHIP', '--identity', 'cam', '--no-transcoding', '--disabled', '--json']);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(printed).toMatchObject({ inputType: 'WHIP_INPUT', enableTranscoding: false, enabled: false, participantIdentity: 'cam' });
    expect(lk.requestsFor('Ingress.CreateIngress')[0]?.message?.enableTranscoding).toBe(false);
  });

  it('pulls a URL with --source-url', async () => {
    const result = await run(['ingress', 'create', 'url', '--room', 'stage', '--identity', 'movie', '--source-url', 'https://example.com/a.m3u8', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ url: 'https://example.com/a.m3u8', inputType: 'URL_INPUT' });
  });

  it.each([
    [['ingress', 'create', 'rtpm', '--identity', 'x'], /unknown input type 'rtpm'; did you mean 'rtmp'\?/],
    [['ingress', 'create', '--identity', 'x'], /needs the input type/],
    [['ingress', 'create', 'rtmp'], /needs --identity/],
    [['ingress', 'create', 'url', '--identity', 'x', '--room', 'r'], /needs --source-url/],
    [['ingress', 'create', 'rtmp', '--identity', 'x', '--source-url', 'https://a/b'], /--source-url is for url inputs/],
    [['ingress', 'create', 'url', '--identity', 'x', '--room', 'r', '--source-url', 'ftp://a/b'], /http:\/\/, https:\/\/ or srt:\/\//],
  ])('refuses %j with a usage error (exit 2) and sends nothing', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(lk.requests).toHaveLength(0);
  });
});

describe('ingress list and delete', () => {
  it('lists every page as a table, or only one room', async () => {
    for (const room of ['a', 'a', 'b']) await run(['ingress', 'create', 'rtmp', '--room', room, '--identity', 'p']);
    const all = await run(['ingress', 'list']);
    expect(all.code).toBe(0);
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+INPUT\s+ROOM\s+IDENTITY\s+STATUS\s+URL$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[3])).toEqual(['a', 'a', 'b']);
    expect(lines[1]).toMatch(/^IN_\w+\s+-\s+rtmp\s+a\s+p\s+inactive\s+rtmp:/);
    const inB = await run(['ingress', 'list', '--room', 'b', '--json']);
    expect((JSON.parse(inB.stdout) as { roomName: string }[]).map((i) => i.roomName)).toEqual(['b']);
  });

  it('says so on stderr when there are none, and prints [] with --json', async () => {
    expect(await run(['ingress', 'list'])).toEqual({ code: 0, stdout: '', stderr: 'No ingresses.\n' });
    expect(await run(['ingress', 'list', '--json'])).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
  });

  it('deletes an ingress, and an unknown one fails with not_found (exit 1)', async () => {
    await run(['ingress', 'create', 'rtmp', '--identity', 'p']);
    const [info] = lk.ingress.list();
    expect(await run(['ingress', 'delete', info!.ingressId])).toEqual({ code: 0, stdout: `Deleted ingress ${info!.ingressId}.\n`, stderr: '' });
    const again = await run(['ingress', 'delete', info!.ingressId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/ingress does not exist \(Ingress\.DeleteIngress, HTTP 404\)/);
  });

  it('reports a server without ingress as a failure (exit 1)', async () => {
    lk.ingress.notConnected = true;
    const result = await run(['ingress', 'list']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ingress not connected \(redis required\)/);
  });
});

describe('dispatch', () => {
  it('creates a dispatch with metadata, attributes and --no-restart, and prints it', async () => {
    const result = await run(['dispatch', 'create', 'support', 'helper', '--metadata', '{"t":1}', '--attributes', 'locale=fr', '--no-restart']);
    expect(result.code).toBe(0);
    const [dispatch] = lk.agentDispatch.list('support');
    expect(dispatch).toMatchObject({ agentName: 'helper', metadata: '{"t":1}', attributes: { locale: 'fr' }, restartPolicy: JobRestartPolicy.JRP_NEVER });
    expect(result.stdout).toMatch(new RegExp(`ID:\\s+${dispatch!.id}`));
    expect(result.stdout).toMatch(/Restart:\s+never/);
  });

  it('lists, gets and deletes dispatches of a room', async () => {
    await run(['dispatch', 'create', 'support', 'helper']);
    const [dispatch] = lk.agentDispatch.list('support');
    const id = dispatch!.id;
    const list = await run(['dispatch', 'list', 'support']);
    expect(list.stdout.trimEnd().split('\n')[1]).toMatch(new RegExp(`^${id}\\s+helper\\s+-\\s+0\\s+\\d{4}-`));
    const got = await run(['dispatch', 'get', 'support', id, '--json']);
    expect(JSON.parse(got.stdout)).toMatchObject({ id, agentName: 'helper', room: 'support' });
    expect(await run(['dispatch', 'delete', 'support', id])).toEqual({ code: 0, stdout: `Deleted agent dispatch ${id} from support.\n`, stderr: '' });
    expect(await run(['dispatch', 'list', 'support'])).toEqual({ code: 0, stdout: '', stderr: 'No agent dispatches in support.\n' });
  });

  it('fails with not_found (exit 1) for a dispatch that does not exist', async () => {
    lk.seed.room('support');
    const result = await run(['dispatch', 'get', 'support', 'AD_missing']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/room support has no agent dispatch AD_missing/);
  });

  it.each([
    [['dispatch', 'create', 'support'], /needs the agent name/],
    [['dispatch', 'get', 'support'], /needs the dispatch id/],
    [['dispatch', 'lst'], /did you mean 'dispatch list'\?/],
    [['dispatch', 'create', 'support', 'helper', '--attributes', 'oops'], /--attributes takes key=value/],
  ])('refuses %j with a usage error (exit 2)', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(lk.requests).toHaveLength(0);
  });

  it('suggests the group for a near miss at the top level', async () => {
    const result = await run(['dispach', 'list', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/did you mean 'dispatch'\?/);
  });
});
