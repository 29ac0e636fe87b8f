// The test server's AgentDispatchService, driven by hand-built requests: the grant for the
// request's room, the room created when missing (with its room_started event), both
// encodings, and dispatches that live and end with their room.
import { AgentDispatch, CreateAgentDispatchRequest, ListAgentDispatchResponse } from '@livekit/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { call } from './helpers.js';

let lk: TestServer;
beforeAll(async () => {
  lk = await startTestServer();
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

const admin = (room: string) => lk.token({ video: { roomAdmin: true, room } });

describe('AgentDispatchService', () => {
  it('CreateDispatch creates the missing room (room_started) and answers in protobuf to protobuf', async () => {
    const request = new CreateAgentDispatchRequest({ room: 'support', agentName: 'helper', metadata: 'm' });
    const answer = await call(lk, 'AgentDispatchService.CreateDispatch', request, { encoding: 'protobuf', token: admin('support') });
    expect(answer.contentType).toBe('application/protobuf');
    const dispatch = AgentDispatch.fromBinary(answer.bytes);
    expect(dispatch.id).toMatch(/^AD_[A-Za-z0-9]{12}$/);
    expect(lk.events().map((e) => [e.event, e.room?.name])).toEqual([['room_started', 'support']]);
    expect(lk.agentDispatch.list().map((d) => d.id)).toEqual([dispatch.id]);
  });

  it('a second dispatch joins an existing room without a new room_started', async () => {
    lk.seed.room('support');
    const before = lk.events().length;
    await call(lk, 'AgentDispatchService.CreateDispatch', '{"room":"support","agent_name":"helper"}', { token: admin('support') });
    expect(lk.events()).toHaveLength(before);
  });

  it('checks roomAdmin for the request room, in JSON with snake_case answers', async () => {
    lk.seed.room('support');
    const denied = await call(lk, 'AgentDispatchService.ListDispatch', '{"room":"support"}', { token: admin('other') });
    expect(denied.status).toBe(401);
    expect(denied.json()).toEqual({ code: 'unauthenticated', msg: 'permissions denied' });
    const answer = await call(lk, 'AgentDispatchService.ListDispatch', '{"room":"support"}', { token: admin('support') });
    expect(answer.json()).toEqual({ agent_dispatches: [] });
    expect(ListAgentDispatchResponse.fromJsonString(answer.text).agentDispatches).toEqual([]);
  });

  it('refuses an empty room name with invalid_argument', async () => {
    const answer = await call(lk, 'AgentDispatchService.CreateDispatch', '{"agent_name":"helper"}', { token: admin('') });
    expect(answer.status).toBe(400);
    expect(answer.json()['msg']).toBe('no room name');
  });

  it('forgets dispatches when their room finishes and on reset', async () => {
    await call(lk, 'AgentDispatchService.CreateDispatch', '{"room":"a","agent_name":"x"}', { token: admin('a') });
    await call(lk, 'AgentDispatchService.CreateDispatch', '{"room":"b","agent_name":"x"}', { token: admin('b') });
    lk.seed.deleteRoom('a');
    expect(lk.agentDispatch.list().map((d) => d.room)).toEqual(['b']);
    lk.reset();
    expect(lk.agentDispatch.list()).toEqual([]);
  });
});
