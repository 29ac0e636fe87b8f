import {
  CreateRoomRequest,
  EncodedFileOutput,
  EncodingOptionsPreset,
  ListEgressRequest,
  Room,
  RoomCompositeEgressRequest,
  SendDataRequest,
  StreamOutput,
} from '@livekit/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../src/rpc/message-init.js';

const P = 'Egress.StartRoomCompositeEgress: options';

describe('buildMessage', () => {
  it('returns an instance of the class as it is', () => {
    const request = new ListEgressRequest({ roomName: 'a' });
    expect(buildMessage(ListEgressRequest, request, P)).toBe(request);
  });

  it('builds nested messages, repeated fields, maps, enums by name and oneofs given by member', () => {
    const built = buildMessage(
      RoomCompositeEgressRequest,
      {
        roomName: 'standup',
        layout: 'grid',
        audioMixing: 'DUAL_CHANNEL_AGENT',
        file: { filepath: 'out.mp4' },
        preset: EncodingOptionsPreset.H264_1080P_30,
        streamOutputs: [{ urls: ['rtmp://a/b'] }, new StreamOutput({ urls: ['rtmp://c/d'] })],
      },
      P,
    );
    expect(built).toBeInstanceOf(RoomCompositeEgressRequest);
    expect(built.audioMixing).toBe(1);
    expect(built.output.case).toBe('file');
    expect(built.output.value).toBeInstanceOf(EncodedFileOutput);
    expect(built.options).toEqual({ case: 'preset', value: EncodingOptionsPreset.H264_1080P_30 });
    expect(built.streamOutputs.map((s) => s.urls[0])).toEqual(['rtmp://a/b', 'rtmp://c/d']);
    expect(buildMessage(CreateRoomRequest, { name: 'a', tags: { team: 'x' } }, P).tags).toEqual({ team: 'x' });
  });

  it("accepts protobuf-es's { case, value } form of a oneof and keeps preset 0", () => {
    const built = buildMessage(RoomCompositeEgressRequest, { options: { case: 'preset', value: 0 } }, P);
    expect(built.options).toEqual({ case: 'preset', value: 0 });
  });

  it('takes int64 fields as bigint or a safe integer, and refuses what does not fit', () => {
    expect(buildMessage(Room, { creationTime: 5 }, P).creationTime).toBe(5n);
    expect(buildMessage(Room, { creationTime: 2n ** 62n }, P).creationTime).toBe(2n ** 62n);
    expect(() => buildMessage(Room, { creationTime: 2n ** 63n }, P)).toThrow(RangeError);
    expect(() => buildMessage(Room, { creationTime: 2 ** 60 }, P)).toThrow(RangeError);
    expect(() => buildMessage(Room, { creationTime: '5' }, P)).toThrow(TypeError);
  });

  it('skips undefined and null fields', () => {
    expect(buildMessage(ListEgressRequest, { roomName: undefined, egressId: null }, P).roomName).toBe('');
  });

  it.each<[string, unknown, ErrorConstructor, string]>([
    ['a number for a string', { layout: 42 }, TypeError, `${P}.layout must be a string, got 42`],
    ['a string for a boolean', { audioOnly: 'yes' }, TypeError, `${P}.audioOnly must be true or false`],
    ['an unknown field, with a suggestion', { layuot: 'grid' }, TypeError, `${P}.layuot is not a field of RoomCompositeEgressRequest (did you mean layout?)`],
    ['an unknown enum name', { audioMixing: 'LOUD' }, RangeError, `${P}.audioMixing must be one of DEFAULT_MIXING (0)`],
    ['an unknown enum number', { audioMixing: 9 }, RangeError, `${P}.audioMixing must be one of`],
    ['two members of one oneof', { file: {}, stream: {} }, TypeError, `${P}: set only one of file and stream`],
    ['a bad oneof case', { output: { case: 'tape', value: {} } }, TypeError, `${P}.output.case must be one of file, stream, segments`],
    ['a non-array for a repeated field', { streamOutputs: {} }, TypeError, `${P}.streamOutputs must be an array`],
    ['a bad nested field', { streamOutputs: [{ urls: [1] }] }, TypeError, `${P}.streamOutputs[0].urls[0] must be a string`],
    ['a non-object for a message', { file: 'out.mp4' }, TypeError, `${P}.file must be an object of EncodedFileOutput fields`],
  ])('refuses %s', (_name, init, type, message) => {
    const attempt = () => buildMessage(RoomCompositeEgressRequest, init, P);
    expect(attempt).toThrow(type);
    expect(attempt).toThrow(message);
  });

  it.each<[unknown, ErrorConstructor]>([
    [-1, RangeError],
    [1.5, RangeError],
    [2 ** 32, RangeError],
    ['5', TypeError],
  ])('refuses %s for a uint32', (value, type) => {
    expect(() => buildMessage(CreateRoomRequest, { emptyTimeout: value }, 'RoomService.CreateRoom: options')).toThrow(type);
  });

  it('refuses bytes that are not a Uint8Array and a map with a non-string value', () => {
    expect(() => buildMessage(SendDataRequest, { data: 'hi' }, P)).toThrow(`${P}.data must be a Uint8Array`);
    expect(() => buildMessage(CreateRoomRequest, { tags: { a: 1 } }, P)).toThrow(`${P}.tags["a"] must be a string, got 1`);
  });

  it('never echoes a string value in a message', () => {
    const secret = 'sk_live_this_is_a_secret_value_0123456789';
    expect(() => buildMessage(CreateRoomRequest, { emptyTimeout: secret }, P)).toThrow(/got a string/);
    expect(() => buildMessage(CreateRoomRequest, { emptyTimeout: secret }, P)).not.toThrow(secret);
  });

  it('agrees with the message constructor for any valid plain init (property)', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            name: fc.string(),
            emptyTimeout: fc.nat({ max: 2 ** 32 - 1 }),
            maxParticipants: fc.nat({ max: 2 ** 32 - 1 }),
            metadata: fc.string(),
            tags: fc.dictionary(fc.string().filter((k) => k !== '__proto__'), fc.string()),
            syncStreams: fc.boolean(),
          },
          { requiredKeys: [] },
        ),
        (init) => {
          const ours = buildMessage(CreateRoomRequest, init, P);
          expect(CreateRoomRequest.equals(ours, new CreateRoomRequest(init))).toBe(true);
        },
      ),
    );
  });
});

describe('buildMessage and request options in a message slot', () => {
  it.each(['signal', 'timeoutMs', 'retries', 'headers', 'totalTimeoutMs'])('says to pass %s last', (key) => {
    expect(() => buildMessage(ListEgressRequest, { [key]: 1 }, 'Egress.ListEgress: options')).toThrow(
      `Egress.ListEgress: options.${key} is a request option, not a field of ListEgressRequest: pass request options as the last argument`,
    );
  });
});
