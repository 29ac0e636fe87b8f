// The official livekit-server-sdk IngressClient and AgentDispatchClient (JSON, their own
// tokens and parsing) against the test server: independent clients that must work as they
// do against a real server.
import { IngressInput, IngressState_Status } from '@livekit/protocol';
import { AgentDispatchClient, IngressClient, TwirpError } from 'livekit-server-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../src/testing/index.js';

let lk: TestServer;
beforeAll(async () => {
  lk = await startTestServer();
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

describe('livekit-server-sdk against the test server', () => {
  it('IngressClient creates, lists, updates and deletes ingresses', async () => {
    const client = new IngressClient(lk.url, lk.apiKey, lk.apiSecret);
    const created = await client.createIngress(IngressInput.RTMP_INPUT, { roomName: 'stage', participantIdentity: 'obs', name: 'main' });
    expect(created.ingressId).toMatch(/^IN_/);
    expect(created.streamKey).toBe(lk.ingress.get(created.ingressId)?.streamKey);
    expect(created.state?.status).toBe(IngressState_Status.ENDPOINT_INACTIVE);
    expect((await client.listIngress('stage')).map((i) => i.ingressId)).toEqual([created.ingressId]);
    expect((await client.updateIngress(created.ingressId, { name: 'renamed' })).name).toBe('renamed');
    expect((await client.deleteIngress(created.ingressId)).ingressId).toBe(created.ingressId);
    const error = await client.deleteIngress(created.ingressId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwirpError);
    expect(error).toMatchObject({ status: 404, code: 'not_found' });
    expect(lk.requests.every((r) => r.encoding === 'json' && r.claims?.video?.ingressAdmin === true)).toBe(true);
  });

  it('AgentDispatchClient creates, gets, lists and deletes dispatches', async () => {
    const client = new AgentDispatchClient(lk.url, lk.apiKey, lk.apiSecret);
    const created = await client.createDispatch('support', 'helper', { metadata: 'm' });
    expect(created.id).toMatch(/^AD_/);
    expect((await client.getDispatch(created.id, 'support'))?.metadata).toBe('m');
    expect(await client.getDispatch('AD_missing', 'support')).toBeUndefined();
    expect((await client.listDispatch('support')).map((d) => d.id)).toEqual([created.id]);
    await client.deleteDispatch(created.id, 'support');
    expect(lk.agentDispatch.list('support')).toEqual([]);
  });
});
