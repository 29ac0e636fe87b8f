// The egress commands, run in-process against the in-process test server over loopback HTTP:
// what they send, what they print (table and --json), and how failures come out.
import { EgressStatus, EncodingOptionsPreset, StreamProtocol } from '@livekit/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { cli } from './helpers.js';

let lk: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  lk = await startTestServer({ egress: { pageSize: 2 } });
  env = { LIVEKIT_URL: lk.url, LIVEKIT_API_KEY: lk.apiKey, LIVEKIT_API_SECRET: lk.apiSecret };
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

const run = (argv: string[]) => cli(argv, { env });

async function startThree(): Promise<string[]> {
  lk.seed.room('demo');
  lk.seed.room('other');
  const ids: string[] = [];
  for (const room of ['demo', 'other', 'demo']) {
    const result = await run(['egress', 'start-room', room, '--file', `${room}.mp4`, '--json']);
    expect(result.code).toBe(0);
    ids.push((JSON.parse(result.stdout) as { egressId: string }).egressId);
  }
  return ids;
}

describe('egress start-room', () => {
  it('starts a room composite egress with the outputs and options given, and prints it', async () => {
    lk.seed.room('demo');
    const result = await run([
      'egress', 'start-room', 'demo',
      '--file', 'rec/{room_name}.mp4',
      '--stream', 'rtmp://live.example.com/app/key',
      '--segments', 'hls/demo', '--playlist', 'index.m3u8',
      '--layout', 'speaker', '--preset', 'h264_1080p_30', '--audio-only',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Egress ID:\s+EG_\w{12}\nRoom:\s+demo\nStatus:\s+starting\nOutputs:\s+rec\/\{room_name\}\.mp4, rtmp:\/\/live\.example\.com\/app\/key, index\.m3u8\n$/);
    const message = lk.requestsFor('Egress.StartRoomCompositeEgress')[0]?.message;
    expect(message).toMatchObject({ roomName: 'demo', layout: 'speaker', audioOnly: true });
    expect(message?.options).toEqual({ case: 'preset', value: EncodingOptionsPreset.H264_1080P_30 });
    expect(message?.streamOutputs[0]).toMatchObject({ protocol: StreamProtocol.RTMP, urls: ['rtmp://live.example.com/app/key'] });
    expect(message?.segmentOutputs[0]).toMatchObject({ filenamePrefix: 'hls/demo', playlistName: 'index.m3u8' });
  });

  it('prints the EgressInfo as JSON with --json', async () => {
    lk.seed.room('demo');
    const result = await run(['egress', 'start-room', 'demo', '--file', 'a.mp4', '--json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ roomName: 'demo', status: 'EGRESS_STARTING', endedAt: '0' });
  });

  it('needs an output: a usage error, exit 2, nothing sent', async () => {
    const result = await run(['egress', 'start-room', 'demo']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs an output: --file <path>, --stream <url> or --segments <prefix>/);
    expect(lk.requests).toHaveLength(0);
  });

  it('suggests the preset meant, and refuses a stream URL it cannot send to', async () => {
    const preset = await run(['egress', 'start-room', 'demo', '--file', 'a.mp4', '--preset', 'H264_1080P_31']);
    expect(preset.code).toBe(2);
    expect(preset.stderr).toMatch(/did you mean H264_1080P_30\?/);
    const stream = await run(['egress', 'start-room', 'demo', '--stream', 'https://example.com/live']);
    expect(stream.code).toBe(2);
    expect(stream.stderr).toMatch(/--stream takes an rtmp:\/\/, rtmps:\/\/ or srt:\/\/ URL/);
    expect(lk.requests).toHaveLength(0);
  });

  it('reports a missing room as the server\'s not_found, exit 1', async () => {
    const result = await run(['egress', 'start-room', 'nowhere', '--file', 'a.mp4']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/requested room does not exist \(Egress\.StartRoomCompositeEgress, HTTP 404\)/);
  });
});

describe('egress list', () => {
  it('lists every page as a table', async () => {
    const ids = await startThree();
    const result = await run(['egress', 'list']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^EGRESS ID\s+STATUS\s+ROOM\s+KIND\s+STARTED\s+ENDED\s+OUTPUTS$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(ids);
    expect(lines[1]).toMatch(/^EG_\w+\s+starting\s+demo\s+roomComposite\s+-\s+-\s+demo\.mp4$/);
    expect(lk.requestsFor('Egress.ListEgress')).toHaveLength(2);
  });

  it('filters by room, id and activity', async () => {
    const ids = await startThree();
    lk.egress.advance(ids[0]!, 'complete');
    const byRoom = JSON.parse((await run(['egress', 'list', 'demo', '--active', '--json'])).stdout) as { egressId: string }[];
    expect(byRoom.map((e) => e.egressId)).toEqual([ids[2]]);
    const byId = JSON.parse((await run(['egress', 'list', '--id', ids[1]!, '--json'])).stdout) as { roomName: string }[];
    expect(byId.map((e) => e.roomName)).toEqual(['other']);
  });

  it('says so on stderr when there are none, and prints [] with --json', async () => {
    expect(await run(['egress', 'list', 'demo'])).toEqual({ code: 0, stdout: '', stderr: 'No egresses for room demo.\n' });
    expect(await run(['egress', 'list', '--json'])).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
  });

  it('reports a server without egress, exit 1', async () => {
    lk.egress.notConnected = true;
    const result = await run(['egress', 'list']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/egress not connected \(redis required\) \(Egress\.ListEgress, HTTP 500\)/);
  });
});

describe('egress stop', () => {
  it('stops an egress and says it is ending', async () => {
    const [id] = await startThree();
    const result = await run(['egress', 'stop', id!]);
    expect(result).toEqual({ code: 0, stdout: `Stopping egress ${id} (status ending).\n`, stderr: '' });
    expect(lk.egress.get(id!)?.status).toBe(EgressStatus.EGRESS_ENDING);
  });

  it('reports an egress that has ended as failed_precondition, exit 1', async () => {
    const [id] = await startThree();
    lk.egress.advance(id!, 'complete');
    const result = await run(['egress', 'stop', '--id', id!]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/egress with status EGRESS_COMPLETE cannot be stopped/);
  });

  it('needs the egress id', async () => {
    const result = await run(['egress', 'stop']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs the egress id: egress stop <egress-id>/);
  });
});

describe('egress group', () => {
  it('suggests the command meant', async () => {
    const result = await run(['egress', 'lsit']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/did you mean 'egress list'\?/);
  });

  it('shows help for the group and for each command', async () => {
    const group = await run(['egress', '--help']);
    expect(group.code).toBe(0);
    expect(group.stdout).toMatch(/egress start-room\s+record or stream a whole room/);
    const help = await run(['egress', 'start-room', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--segments <prefix>/);
  });
});
