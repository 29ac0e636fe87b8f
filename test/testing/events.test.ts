// The event stream the test server emits for state changes: the hook webhook delivery
// (issue 4) builds on. Events are protocol WebhookEvents with snapshots of the state.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ParticipantInfo_Kind, ParticipantInfo_State, TrackSource, TrackType, WebhookEvent } from '@livekit/protocol';
import { startTestServer, type TestServer, type TestServerEvent } from '../../src/testing/index.js';
import { call } from './helpers.js';

const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const fromOption: TestServerEvent[] = [];

let lk: TestServer;
beforeAll(async () => {
  lk = await startTestServer({ now: () => NOW_MS, onEvent: (event) => fromOption.push(event) });
});
afterEach(() => {
  lk.reset();
  fromOption.length = 0;
});
afterAll(() => lk.close());

const names = (events: readonly TestServerEvent[]) =>
  events.map((e) => [e.event, e.participant?.identity ?? '', e.track?.sid ?? ''].filter((s) => s !== '').join(' '));

describe('events', () => {
  it('emits room_started, participant_joined and track_published, in order, when seeding', () => {
    const alice = lk.seed.participant('r', { identity: 'alice', tracks: [{ source: 'microphone' }] });
    const trackSid = alice.tracks[0]!.sid;
    expect(names(lk.events())).toEqual(['room_started', 'participant_joined alice', `track_published alice ${trackSid}`]);
    expect(names(fromOption)).toEqual(names(lk.events()));
  });

  it('emits track_unpublished, participant_left and room_finished when a room is deleted over the API', async () => {
    const alice = lk.seed.participant('r', { identity: 'alice', tracks: [{ source: 'camera' }] });
    const before = lk.events().length;
    await call(lk, 'DeleteRoom', '{"room":"r"}');
    expect(names(lk.events().slice(before))).toEqual([
      `track_unpublished alice ${alice.tracks[0]!.sid}`,
      'participant_left alice',
      'room_finished',
    ]);
  });

  it('emits room_started for CreateRoom only when the room is new', async () => {
    await call(lk, 'CreateRoom', '{"name":"r"}');
    await call(lk, 'CreateRoom', '{"name":"r"}');
    expect(names(lk.events())).toEqual(['room_started']);
  });

  it('emits participant_left for RemoveParticipant and left/joined for MoveParticipant', async () => {
    lk.seed.participant('a', { identity: 'alice' });
    lk.seed.participant('a', { identity: 'bob' });
    lk.seed.room('b');
    const before = lk.events().length;
    await call(lk, 'RemoveParticipant', '{"room":"a","identity":"bob"}', { room: 'a' });
    await call(lk, 'MoveParticipant', '{"room":"a","identity":"alice","destination_room":"b"}', {
      room: 'a',
      destinationRoom: 'b',
    });
    const events = lk.events().slice(before);
    expect(names(events)).toEqual(['participant_left bob', 'participant_left alice', 'participant_joined alice']);
    expect(events.map((e) => e.room?.name)).toEqual(['a', 'a', 'b']);
  });

  it('carries the protocol Room, ParticipantInfo and TrackInfo, an EV_ id and createdAt', () => {
    lk.seed.participant('r', { identity: 'alice', tracks: [{ source: 'camera' }] });
    const events = lk.events();
    const published = events.find((e) => e.event === 'track_published')!;
    expect(published).toBeInstanceOf(WebhookEvent);
    expect(published.room?.name).toBe('r');
    expect(published.participant?.identity).toBe('alice');
    expect(published.track?.sid).toMatch(/^TR_/);
    expect(published.createdAt).toBe(BigInt(NOW_MS / 1000));
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.every((e) => e.id.startsWith('EV_'))).toBe(true);
    // What a webhook body would carry.
    expect(JSON.parse(published.toJsonString())).toMatchObject({ event: 'track_published', room: { name: 'r' } });
  });

  it('holds snapshots: later changes do not alter an event already emitted', () => {
    lk.seed.participant('r', { identity: 'alice' });
    lk.seed.participant('r', { identity: 'bob' });
    const [, firstJoin, secondJoin] = lk.events();
    expect(firstJoin?.room?.numParticipants).toBe(1);
    expect(secondJoin?.room?.numParticipants).toBe(2);
  });

  it('lets listeners subscribe and unsubscribe, and survives a listener that throws', () => {
    const seen: string[] = [];
    const unsubscribeFaulty = lk.onEvent(() => {
      throw new Error('listener bug');
    });
    const unsubscribe = lk.onEvent((event) => seen.push(event.event));
    lk.seed.room('a');
    unsubscribe();
    lk.seed.room('b');
    expect(seen).toEqual(['room_started']);
    expect(lk.rooms()).toHaveLength(2);
    unsubscribeFaulty();
  });

  it('replaces a participant who joins again with the same identity, as a server does', () => {
    const first = lk.seed.participant('r', { identity: 'alice' });
    const second = lk.seed.participant('r', { identity: 'alice' });
    expect(second.sid).not.toBe(first.sid);
    expect(lk.participants('r').map((p) => p.sid)).toEqual([second.sid]);
    expect(names(lk.events())).toEqual(['room_started', 'participant_joined alice', 'participant_left alice', 'participant_joined alice']);
  });
});

describe('seeding', () => {
  it('accepts names for track type/source and participant state/kind', () => {
    const p = lk.seed.participant('r', {
      identity: 'agent-1',
      kind: 'agent',
      state: 'joined',
      tracks: [{ type: 'audio' }, { source: 'screen_share_audio' }, { type: 'video', source: 'screen_share' }],
    });
    expect(p.kind).toBe(ParticipantInfo_Kind.AGENT);
    expect(p.state).toBe(ParticipantInfo_State.JOINED);
    expect(p.tracks.map((t) => [t.type, t.source, t.mimeType])).toEqual([
      [TrackType.AUDIO, TrackSource.MICROPHONE, 'audio/opus'],
      [TrackType.AUDIO, TrackSource.SCREEN_SHARE_AUDIO, 'audio/opus'],
      [TrackType.VIDEO, TrackSource.SCREEN_SHARE, 'video/VP8'],
    ]);
  });

  it('throws clear errors for unknown names and missing participants or rooms', () => {
    expect(() => lk.seed.participant('r', { identity: 'x', kind: 'robot' as never })).toThrow(RangeError);
    expect(() => lk.seed.participant('', { identity: 'x' })).toThrow(TypeError);
    expect(() => lk.seed.track('r', 'ghost', { source: 'camera' })).toThrow(RangeError);
    expect(() => lk.seed.leave('r', 'ghost')).toThrow(RangeError);
    expect(() => lk.seed.deleteRoom('nope')).toThrow(RangeError);
  });

  it('publishes and unpublishes single tracks', () => {
    lk.seed.participant('r', { identity: 'alice' });
    const track = lk.seed.track('r', 'alice', { source: 'camera', name: 'cam' });
    expect(lk.participant('r', 'alice')?.tracks.map((t) => t.name)).toEqual(['cam']);
    expect(lk.room('r')?.numPublishers).toBe(1);
    lk.seed.unpublish('r', 'alice', track.sid);
    expect(lk.participant('r', 'alice')?.tracks).toEqual([]);
    expect(lk.room('r')?.numPublishers).toBe(0);
  });
});
