// The room commands, run in-process against the in-process test server over loopback HTTP:
// what they send, what they print (table and --json), and how failures come out.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataPacket_Kind, TrackSource } from '@livekit/protocol';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { cli } from './helpers.js';

let lk: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  lk = await startTestServer();
  env = { LIVEKIT_URL: lk.url, LIVEKIT_API_KEY: lk.apiKey, LIVEKIT_API_SECRET: lk.apiSecret };
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

const run = (argv: string[], extra: { env?: Record<string, string>; stdin?: string | Uint8Array } = {}) =>
  cli(argv, { env: extra.env ?? env, ...(extra.stdin === undefined ? {} : { stdin: extra.stdin }) });

function seedAlice(): void {
  lk.seed.room({ name: 'demo', metadata: '{"topic":"retro"}' });
  lk.seed.participant('demo', {
    identity: 'alice',
    name: 'Alice',
    attributes: { role: 'host' },
    tracks: [{ source: 'camera', width: 1280, height: 720 }, { source: 'microphone' }],
  });
  lk.seed.participant('demo', { identity: 'bob' });
}

describe('rooms list', () => {
  it('prints the rooms as a table with a header row', async () => {
    seedAlice();
    lk.seed.room('empty');
    const result = await run(['rooms', 'list']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+SID\s+PARTICIPANTS\s+PUBLISHERS\s+CREATED\s+METADATA$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^demo\s+RM_\w+\s+2\s+1\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+\{"topic":"retro"\}$/);
    expect(lines[2]).toMatch(/^empty\s+RM_\w+\s+0\s+0\s+.*\s-$/);
  });

  it('prints every field as JSON with --json, zeros included, without the TURN password', async () => {
    lk.seed.room('quiet');
    const result = await run(['rooms', 'list', '--json']);
    expect(result.code).toBe(0);
    const rooms = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(rooms).toHaveLength(1);
    expect(rooms[0]).toMatchObject({ name: 'quiet', numParticipants: 0, maxParticipants: 0 });
    expect(rooms[0]?.['sid']).toMatch(/^RM_/);
    expect(rooms[0]).not.toHaveProperty('turnPassword');
  });

  it('lists only the rooms named, and says so on stderr when there are none', async () => {
    lk.seed.room('a');
    lk.seed.room('b');
    const named = await run(['rooms', 'list', 'b', '--json']);
    expect((JSON.parse(named.stdout) as { name: string }[]).map((r) => r.name)).toEqual(['b']);
    expect(lk.requestsFor('ListRooms').at(-1)?.message?.names).toEqual(['b']);
    const none = await run(['rooms', 'list', 'zzz']);
    expect(none).toEqual({ code: 0, stdout: '', stderr: 'No active room named zzz.\n' });
  });

  it('prints [] with --json when there are no rooms', async () => {
    expect(await run(['rooms', 'list', '--json'])).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
  });
});

describe('rooms create, delete, update-metadata', () => {
  it('creates a room with durations, limits, metadata and agents, and shows it', async () => {
    const result = await run([
      'rooms', 'create', 'standup', '--empty-timeout', '10m', '--departure-timeout', '30', '--max-participants', '8',
      '--metadata', 'weekly', '--agent', 'helper', '--sync-streams',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Name:\s+standup$/m);
    expect(result.stdout).toMatch(/^Max participants:\s+8$/m);
    expect(result.stdout).toMatch(/^Empty timeout:\s+600 s$/m);
    const request = lk.requestsFor('CreateRoom')[0]?.message;
    expect(request).toMatchObject({ name: 'standup', emptyTimeout: 600, departureTimeout: 30, maxParticipants: 8, metadata: 'weekly', syncStreams: true });
    expect(request?.agents.map((a) => a.agentName)).toEqual(['helper']);
    expect(lk.room('standup')?.maxParticipants).toBe(8);
  });

  it('prints the created room as JSON with --json', async () => {
    const result = await run(['rooms', 'create', 'j', '--json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ name: 'j', emptyTimeout: 300 });
  });

  it('deletes a room', async () => {
    lk.seed.room('gone');
    const result = await run(['rooms', 'delete', 'gone']);
    expect(result).toEqual({ code: 0, stdout: 'Deleted room gone.\n', stderr: '' });
    expect(lk.room('gone')).toBeUndefined();
  });

  it('exits 1 with the server code and message when the room does not exist', async () => {
    const result = await run(['rooms', 'delete', 'nowhere']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'livekit-server-api: not_found: requested room does not exist (RoomService.DeleteRoom, HTTP 404)\n',
    );
  });

  it('replaces room metadata from an argument or from stdin', async () => {
    lk.seed.room('demo');
    const direct = await run(['rooms', 'update-metadata', 'demo', '{"a":1}']);
    expect(direct.code).toBe(0);
    expect(direct.stdout).toMatch(/^Metadata:\s+\{"a":1\}$/m);
    expect(lk.room('demo')?.metadata).toBe('{"a":1}');
    const piped = await run(['rooms', 'update-metadata', 'demo', '-'], { stdin: 'from stdin' });
    expect(piped.code).toBe(0);
    expect(lk.room('demo')?.metadata).toBe('from stdin');
  });

  it('refuses a missing name, a bad duration or a bad count with exit 2 before calling', async () => {
    const noName = await run(['rooms', 'create']);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain("'rooms create' needs the room name: rooms create <name>");
    const badDuration = await run(['rooms', 'create', 'x', '--empty-timeout', 'forever']);
    expect(badDuration.code).toBe(2);
    expect(badDuration.stderr).toContain('--empty-timeout (a value of 7 characters (not shown)) is not a duration');
    const badCount = await run(['rooms', 'create', 'x', '--max-participants', '-3']);
    expect(badCount.code).toBe(2);
    expect(badCount.stderr).toContain('--max-participants takes a whole number');
    const noMetadata = await run(['rooms', 'update-metadata', 'x']);
    expect(noMetadata.code).toBe(2);
    expect(lk.requests).toHaveLength(0);
  });

  it('passes the server-side check on room names through as invalid_argument', async () => {
    const result = await run(['rooms', 'create', 'n'.repeat(300)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^livekit-server-api: invalid_argument: .*\(RoomService.CreateRoom, HTTP 400\)$/m);
  });
});

describe('participants', () => {
  it('lists participants as a table', async () => {
    seedAlice();
    const result = await run(['participants', 'list', 'demo']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^IDENTITY\s+NAME\s+SID\s+STATE\s+KIND\s+TRACKS\s+JOINED$/);
    expect(lines[1]).toMatch(/^alice\s+Alice\s+PA_\w+\s+active\s+standard\s+camera,microphone\s+\d{4}-/);
    expect(lines[2]).toMatch(/^bob\s+-\s+PA_\w+\s+active\s+standard\s+-\s+/);
  });

  it('lists participants as JSON with --json, and takes the room from --room too', async () => {
    seedAlice();
    const result = await run(['participants', 'list', '--room', 'demo', '--json']);
    const participants = JSON.parse(result.stdout) as { identity: string; tracks: unknown[] }[];
    expect(participants.map((p) => [p.identity, p.tracks.length])).toEqual([['alice', 2], ['bob', 0]]);
  });

  it('shows one participant with its permissions, attributes and tracks', async () => {
    seedAlice();
    const result = await run(['participants', 'get', 'demo', 'alice']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Identity:\s+alice$/m);
    expect(result.stdout).toMatch(/^Attributes:\s+role=host$/m);
    expect(result.stdout).toMatch(/^Permissions:\s+publish, subscribe, publish data/m);
    expect(result.stdout).toMatch(/^TR_\w+\s+video\s+camera\s+.*1280x720$/m);
    expect(result.stdout).toMatch(/^TR_\w+\s+audio\s+microphone\s/m);
  });

  it('exits 1 with not_found for a participant that is not there', async () => {
    lk.seed.room('demo');
    const result = await run(['participants', 'get', 'demo', 'nobody']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^livekit-server-api: not_found: /);
  });

  it('removes a participant', async () => {
    seedAlice();
    const result = await run(['participants', 'remove', 'demo', 'bob']);
    expect(result).toEqual({ code: 0, stdout: 'Removed bob from demo.\n', stderr: '' });
    expect(lk.participant('demo', 'bob')).toBeUndefined();
  });

  it('mutes a track by sid or by source', async () => {
    seedAlice();
    const [camera, microphone] = lk.participant('demo', 'alice')?.tracks ?? [];
    const bySid = await run(['participants', 'mute', 'demo', 'alice', camera?.sid ?? '']);
    expect(bySid.code).toBe(0);
    expect(bySid.stdout).toBe(`Muted camera track ${camera?.sid} of alice in demo.\n`);
    const bySource = await run(['participants', 'mute', 'demo', 'alice', '--source', 'microphone', '--json']);
    expect(bySource.code).toBe(0);
    expect(JSON.parse(bySource.stdout)).toMatchObject({ sid: microphone?.sid, muted: true });
    expect(lk.participant('demo', 'alice')?.tracks.every((t) => t.muted)).toBe(true);
  });

  it('says which tracks there are when no track has the source asked for', async () => {
    seedAlice();
    const result = await run(['participants', 'mute', 'demo', 'alice', '--source', 'screen_share']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not_found: alice publishes no screen_share track; its tracks: TR_\w+ \(camera\), TR_\w+ \(microphone\)/);
  });

  it('passes the server refusing a remote unmute through as failed_precondition', async () => {
    seedAlice();
    const result = await run(['participants', 'mute', 'demo', 'alice', '--source', 'camera', '--unmute']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('failed_precondition');
  });

  it('needs the track by sid or by source, not both and not neither', async () => {
    const neither = await run(['participants', 'mute', 'demo', 'alice']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('--source microphone');
    const both = await run(['participants', 'mute', 'demo', 'alice', 'TR_x', '--source', 'camera']);
    expect(both.code).toBe(2);
  });

  it('updates name and attributes, and merges permission flags into the current permissions', async () => {
    seedAlice();
    const result = await run(['participants', 'update', 'demo', 'alice', '--name', 'Alice B.', '--attributes', 'seat=3', '--no-can-publish']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Name:\s+Alice B\.$/m);
    const request = lk.requestsFor('UpdateParticipant')[0]?.message;
    expect(request).toMatchObject({ name: 'Alice B.', attributes: { seat: '3' } });
    expect(request?.permission).toMatchObject({ canPublish: false, canSubscribe: true, canPublishData: true });
    expect(lk.participant('demo', 'alice')?.attributes).toEqual({ role: 'host', seat: '3' });
  });

  it('sets the publishable sources', async () => {
    seedAlice();
    const result = await run(['participants', 'update', 'demo', 'alice', '--sources', 'microphone', '--json']);
    expect(result.code).toBe(0);
    expect(lk.requestsFor('UpdateParticipant')[0]?.message?.permission?.canPublishSources).toEqual([TrackSource.MICROPHONE]);
  });

  it('refuses an update that changes nothing, with exit 2', async () => {
    const result = await run(['participants', 'update', 'demo', 'alice']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nothing to change');
  });
});

describe('send-data', () => {
  it('sends text reliably to everyone, with a 16-byte nonce', async () => {
    seedAlice();
    const result = await run(['send-data', 'demo', 'hello']);
    expect(result).toEqual({ code: 0, stdout: 'Sent 5 bytes to everyone in demo.\n', stderr: '' });
    const [sent] = lk.sentData('demo');
    expect(new TextDecoder().decode(sent?.data)).toBe('hello');
    expect(sent?.kind).toBe(DataPacket_Kind.RELIABLE);
    expect(sent?.nonce).toHaveLength(16);
  });

  it('sends to named participants on a topic, lossy', async () => {
    seedAlice();
    const result = await run(['send-data', 'demo', 'ping', '--to', 'alice', '--to', 'bob', '--topic', 'chat', '--lossy']);
    expect(result.stdout).toBe('Sent 4 bytes to alice, bob in demo on topic chat.\n');
    const [sent] = lk.sentData('demo');
    expect(sent).toMatchObject({ destinationIdentities: ['alice', 'bob'], topic: 'chat', kind: DataPacket_Kind.LOSSY });
  });

  it('sends bytes from stdin as they are', async () => {
    seedAlice();
    const bytes = new Uint8Array([0, 255, 1, 254]);
    const result = await run(['send-data', 'demo', '-'], { stdin: bytes });
    expect(result.code).toBe(0);
    expect([...(lk.sentData('demo')[0]?.data ?? [])]).toEqual([0, 255, 1, 254]);
  });
});

describe('room commands: server, keys and failures', () => {
  it('takes the server from --url over LIVEKIT_URL', async () => {
    lk.seed.room('x');
    const result = await run(['rooms', 'list', '--url', lk.url, '--json'], {
      env: { LIVEKIT_URL: 'http://127.0.0.1:1', LIVEKIT_API_KEY: lk.apiKey, LIVEKIT_API_SECRET: lk.apiSecret },
    });
    expect(result.code).toBe(0);
  });

  it('exits 2 naming --url and LIVEKIT_URL when no server is given, or the URL is not one', async () => {
    const none = await run(['rooms', 'list'], { env: { LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's' } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('pass --url <url> or set LIVEKIT_URL');
    const bad = await run(['rooms', 'list', '--url', 'localhost:7880']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a server address; use http(s):// or ws(s)://');
  });

  it('reports a wrong secret as unauthenticated and names the key to check, never the secret', async () => {
    const secret = 'wrong-secret-0123456789abcdefghijklmnop';
    const result = await run(['rooms', 'list', '--api-secret', secret]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unauthenticated');
    expect(result.stderr).toContain(`check that API key "${lk.apiKey}" and its secret belong to ${lk.url}`);
    expect(result.stderr).not.toContain(secret);
    expect(result.stderr).not.toContain(lk.apiSecret);
  });

  it('says the development key was used when the server refuses it', async () => {
    const result = await run(['rooms', 'list'], { env: { LIVEKIT_URL: lk.url } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no API key given');
    expect(result.stderr).toContain('unauthenticated');
    expect(result.stderr).toContain('signed with the development key "devkey"');
  });

  it('prints an injected Twirp error with its code and message', async () => {
    lk.failNext({ twirp: { code: 'resource_exhausted', msg: 'quota reached' } });
    const result = await run(['rooms', 'list']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('livekit-server-api: resource_exhausted: quota reached (RoomService.ListRooms, HTTP 429)\n');
  });

  it('survives an HTML error page from a proxy', async () => {
    lk.failNext({ http: { status: 502, body: '<html><body>Bad Gateway</body></html>', contentType: 'text/html' }, times: 5 });
    const result = await run(['rooms', 'list', '--timeout', '2s']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('livekit-server-api: unavailable: Bad Gateway (RoomService.ListRooms, HTTP 502)\n');
  });

  it('gives up after --timeout when the server does not answer', async () => {
    lk.failNext({ hang: true, times: 5 });
    const result = await run(['rooms', 'list', '--timeout', '150ms', '--retries', '0']);
    expect(result.code).toBe(1);
    expect(lk.requests).toHaveLength(1);
    expect(result.stderr).toContain(`request_timeout: no answer from ${lk.url} within 150 ms`);
    expect(result.stderr).toContain('--timeout');
  });

  it('retries as often as --retries says on a 503, and refuses a bad count with exit 2', async () => {
    lk.failNext({ http: { status: 503, body: 'busy' }, times: 1 });
    lk.seed.room('after-retry');
    const retried = await run(['rooms', 'list', '--retries', '1', '--json']);
    expect(retried.code).toBe(0);
    expect(lk.requestsFor('ListRooms')).toHaveLength(2);
    const bad = await run(['rooms', 'list', '--retries', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--retries takes a whole number from 0 to 10');
  });

  it('reports a server that is not running as connection_failed', async () => {
    const stopped = await startTestServer();
    const url = stopped.url;
    await stopped.close();
    const result = await run(['rooms', 'list'], { env: { ...env, LIVEKIT_URL: url } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('connection_failed');
    expect(result.stderr).toContain(`is a LiveKit server running at ${url}?`);
  });

  it('exits 2 on an unknown subcommand and suggests the closest', async () => {
    const result = await run(['rooms', 'lst']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown rooms command 'lst'; did you mean 'rooms list'?");
  });

  it('lists the subcommands with --help', async () => {
    const result = await run(['participants', '--help']);
    expect(result.code).toBe(0);
    for (const sub of ['list', 'get', 'remove', 'mute', 'update']) expect(result.stdout).toContain(`participants ${sub}`);
  });
});
