// AgentDispatchClient against the project's LiveKit test server over loopback HTTP, in both
// encodings: every method, and every way a call fails (missing or wrong-room grant,
// not_found, invalid_argument), plus caller mistakes refused before any request.
import { AgentDispatch, JobRestartPolicy } from '@livekit/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ServerError } from '../../src/rpc/errors.js';
import { AgentDispatchClient } from '../../src/services/agent-dispatch.js';
import { LiveKitAPI } from '../../src/services/livekit-api.js';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { failure } from './outcome.js';

let lk: TestServer;
beforeAll(async () => {
  lk = await startTestServer();
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

describe.each(['protobuf', 'json'] as const)('AgentDispatchClient against the test server (%s)', (encoding) => {
  const client = (token?: string) =>
    token === undefined
      ? new AgentDispatchClient(lk.url, lk.apiKey, lk.apiSecret, { encoding })
      : new AgentDispatchClient(lk.url, undefined, undefined, { encoding, token });

  it('createDispatch creates the room when missing and returns the dispatch, signed for that room only', async () => {
    const created = await client().createDispatch('support', 'helper', {
      metadata: '{"ticket":42}',
      restartPolicy: JobRestartPolicy.JRP_NEVER,
      deployment: 'staging',
      attributes: { locale: 'fr' },
    });
    expect(created).toBeInstanceOf(AgentDispatch);
    expect(created).toMatchObject({
      agentName: 'helper',
      room: 'support',
      metadata: '{"ticket":42}',
      restartPolicy: JobRestartPolicy.JRP_NEVER,
      deployment: 'staging',
      attributes: { locale: 'fr' },
    });
    expect(created.id).toMatch(/^AD_/);
    expect(created.state?.createdAt).toBeGreaterThan(0n);
    expect(lk.room('support')).toBeDefined();
    expect(lk.agentDispatch.list('support').map((d) => d.id)).toEqual([created.id]);
    const [request] = lk.requestsFor('AgentDispatchService.CreateDispatch');
    expect(request?.encoding).toBe(encoding);
    expect(request?.claims?.video).toEqual({ roomAdmin: true, room: 'support' });
  });

  it('listDispatch lists the dispatches of one room; getDispatch finds one or returns undefined', async () => {
    const a = await client().createDispatch('support', 'helper');
    const b = await client().createDispatch('support', 'notetaker');
    await client().createDispatch('other', 'helper');
    expect((await client().listDispatch('support')).map((d) => d.id)).toEqual([a.id, b.id]);
    expect((await client().getDispatch(b.id, 'support'))?.agentName).toBe('notetaker');
    expect(await client().getDispatch('AD_missing', 'support')).toBeUndefined();
    expect(await client().getDispatch(a.id, 'other')).toBeUndefined();
  });

  it('deleteDispatch removes it; deleting it again is not_found', async () => {
    const created = await client().createDispatch('support', 'helper');
    await client().deleteDispatch(created.id, 'support');
    expect(await client().listDispatch('support')).toEqual([]);
    expect(await failure(client().deleteDispatch(created.id, 'support'))).toMatchObject({ code: 'not_found', status: 404, msg: 'dispatch ID not found' });
  });

  it('a room that does not exist is not_found for list, get and delete', async () => {
    for (const call of [client().listDispatch('nowhere'), client().getDispatch('AD_x', 'nowhere'), client().deleteDispatch('AD_x', 'nowhere')]) {
      expect(await failure(call)).toMatchObject({ code: 'not_found', msg: 'requested room does not exist' });
    }
  });

  it('a room deleted takes its dispatches with it', async () => {
    await client().createDispatch('support', 'helper');
    lk.seed.deleteRoom('support');
    lk.seed.room('support');
    expect(await client().listDispatch('support')).toEqual([]);
  });

  it('a token without roomAdmin, or for another room, is unauthenticated, for every method', async () => {
    lk.seed.room('support');
    for (const token of [lk.token({ video: { roomCreate: true, roomList: true, ingressAdmin: true, room: 'support' } }), lk.token({ video: { roomAdmin: true, room: 'other' } })]) {
      const weak = client(token);
      for (const call of [weak.createDispatch('support', 'helper'), weak.listDispatch('support'), weak.getDispatch('AD_x', 'support'), weak.deleteDispatch('AD_x', 'support')]) {
        const err = await failure(call);
        expect(err).toBeInstanceOf(ServerError);
        expect(err).toMatchObject({ code: 'unauthenticated', status: 401, service: 'AgentDispatchService' });
      }
    }
    expect(lk.agentDispatch.list()).toEqual([]);
  });

  it.each([
    ['a deployment with an underscore', { deployment: 'my_deploy' }, "deployment contains reserved character '_'"],
    ['a deployment with a space', { deployment: 'my deploy' }, 'deployment contains whitespace or control byte at position 2'],
    ['a deployment over 64 bytes', { deployment: 'd'.repeat(65) }, 'deployment exceeds 64 bytes'],
    ['metadata over 512 KiB', { metadata: 'm'.repeat(512 * 1024 + 1) }, 'metadata size exceeds limits'],
    ['attributes over 64 KiB', { attributes: { big: 'a'.repeat(64 * 1024) } }, 'attribute size exceeds limits'],
  ])('the server refuses %s with invalid_argument, and creates nothing', async (_name, options, msg) => {
    expect(await failure(client().createDispatch('support', 'helper', options))).toMatchObject({ code: 'invalid_argument', status: 400, msg });
    expect(lk.room('support')).toBeUndefined();
  });
});

describe('AgentDispatchClient retries', () => {
  it('retries listDispatch after a 503, never a createDispatch that reached the server', async () => {
    const client = new AgentDispatchClient(lk.url, lk.apiKey, lk.apiSecret, { retries: 2 });
    lk.seed.room('support');
    lk.failNext({ method: 'AgentDispatchService.ListDispatch', twirp: { code: 'unavailable' } });
    expect(await client.listDispatch('support')).toEqual([]);
    expect(lk.requestsFor('AgentDispatchService.ListDispatch')).toHaveLength(2);
    lk.failNext({ method: 'AgentDispatchService.CreateDispatch', twirp: { code: 'unavailable' } });
    await failure(client.createDispatch('support', 'helper'));
    expect(lk.requestsFor('AgentDispatchService.CreateDispatch')).toHaveLength(1);
  });
});

describe('AgentDispatchClient caller mistakes', () => {
  const client = () => new AgentDispatchClient(lk.url, lk.apiKey, lk.apiSecret);
  it.each([
    ['an empty room name', () => client().createDispatch('', 'helper'), TypeError, /roomName/],
    ['an empty agent name', () => client().createDispatch('support', ''), TypeError, /agentName/],
    ['options that are not an object', () => client().createDispatch('support', 'helper', 'meta' as never), TypeError, /options must be an object/],
    ['a metadata that is not a string', () => client().createDispatch('support', 'helper', { metadata: 42 as never }), TypeError, /options.metadata must be a string/],
    ['an unknown restart policy', () => client().createDispatch('support', 'helper', { restartPolicy: 9 as JobRestartPolicy }), RangeError, /restartPolicy/],
    ['a non-string attribute', () => client().createDispatch('support', 'helper', { attributes: { a: 1 } as never }), TypeError, /attributes\["a"\]/],
    ['a misspelt option', () => client().createDispatch('support', 'helper', { metaData: 'x' } as never), TypeError, /did you mean metadata\?/],
    ['deleteDispatch without an id', () => client().deleteDispatch('', 'support'), TypeError, /dispatchId/],
    ['getDispatch without an id', () => client().getDispatch('', 'support'), TypeError, /dispatchId/],
    ['listDispatch without a room', () => client().listDispatch(undefined as never), TypeError, /roomName/],
  ])('refuses %s before any request', async (_name, call, kind, message) => {
    const err = await failure(call());
    expect(err).toBeInstanceOf(kind);
    expect(err.message).toMatch(message);
    expect(lk.requests).toHaveLength(0);
  });
});

describe('LiveKitAPI.agentDispatch', () => {
  it('is an AgentDispatchClient on the shared transport', async () => {
    const api = new LiveKitAPI({ host: lk.url, apiKey: lk.apiKey, secret: lk.apiSecret });
    expect(api.agentDispatch).toBeInstanceOf(AgentDispatchClient);
    await api.agentDispatch.createDispatch('support', 'helper');
    expect(await api.room.listRooms()).toHaveLength(1);
  });
});
