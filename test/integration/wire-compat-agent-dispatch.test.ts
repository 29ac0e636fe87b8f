// Wire compatibility of AgentDispatchClient with livekit-server-sdk's: every method sends the
// same request message (ours in JSON and in protobuf) to the same path with the same grant,
// `roomAdmin` for the room. One difference on purpose: the peer drops `attributes`.
import { CreateAgentDispatchRequest, DeleteAgentDispatchRequest, JobRestartPolicy, ListAgentDispatchRequest } from '@livekit/protocol';
import { AgentDispatchClient as PeerClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentDispatchClient } from '../../src/services/agent-dispatch.js';
import { tokenClaims, type LocalServer } from '../rpc/local-server.js';
import { capture, decode, expectSameRequest, KEY, SECRET, startWireServer, type RequestType } from './wire-compat-harness.js';

let server: LocalServer;
beforeAll(async () => {
  server = await startWireServer();
});
afterAll(() => server.close());

const peer = () => new PeerClient(server.url, KEY, SECRET);
const ours = (encoding: 'json' | 'protobuf') => new AgentDispatchClient(server.url, KEY, SECRET, { encoding });
const path = (method: string) => `/twirp/livekit.AgentDispatchService/${method}`;

type Case = [string, string, RequestType, (c: PeerClient) => Promise<unknown>, (c: AgentDispatchClient) => Promise<unknown>];
const CASES: Case[] = [
  [
    'createDispatch without options',
    'CreateDispatch',
    CreateAgentDispatchRequest as unknown as RequestType,
    (c) => c.createDispatch('support', 'helper'),
    (c) => c.createDispatch('support', 'helper'),
  ],
  [
    'createDispatch with metadata, restart policy and deployment',
    'CreateDispatch',
    CreateAgentDispatchRequest as unknown as RequestType,
    (c) => c.createDispatch('support', 'helper', { metadata: '{"ticket":42}', restartPolicy: JobRestartPolicy.JRP_NEVER, deployment: 'staging' }),
    (c) => c.createDispatch('support', 'helper', { metadata: '{"ticket":42}', restartPolicy: JobRestartPolicy.JRP_NEVER, deployment: 'staging' }),
  ],
  [
    'deleteDispatch',
    'DeleteDispatch',
    DeleteAgentDispatchRequest as unknown as RequestType,
    (c) => c.deleteDispatch('AD_abc', 'support'),
    (c) => c.deleteDispatch('AD_abc', 'support'),
  ],
  [
    'getDispatch',
    'ListDispatch',
    ListAgentDispatchRequest as unknown as RequestType,
    (c) => c.getDispatch('AD_abc', 'support'),
    (c) => c.getDispatch('AD_abc', 'support'),
  ],
  ['listDispatch', 'ListDispatch', ListAgentDispatchRequest as unknown as RequestType, (c) => c.listDispatch('support'), (c) => c.listDispatch('support')],
];

describe('AgentDispatchClient wire compatibility with livekit-server-sdk', () => {
  it.each(CASES)('%s: same path, same request message, same grant', async (_name, method, type, peerCall, ourCall) => {
    await expectSameRequest(server, path(method), type, () => peerCall(peer()), (encoding) => ourCall(ours(encoding)));
    expect(tokenClaims(server.requests.at(-1)!)['video']).toEqual({ roomAdmin: true, room: 'support' });
  });

  it('sends the attributes the peer drops, and otherwise the same request', async () => {
    const options = { metadata: 'm', attributes: { locale: 'fr' } };
    const theirs = decode(CreateAgentDispatchRequest as unknown as RequestType, await capture(server, () => peer().createDispatch('support', 'helper', options)));
    const mine = decode(CreateAgentDispatchRequest as unknown as RequestType, await capture(server, () => ours('protobuf').createDispatch('support', 'helper', options)));
    expect(theirs.toJson()).toEqual({ agentName: 'helper', room: 'support', metadata: 'm' });
    expect(mine.toJson()).toEqual({ agentName: 'helper', room: 'support', metadata: 'm', attributes: { locale: 'fr' } });
  });

  it('getDispatch returns undefined for an empty answer, as the peer', async () => {
    expect(await peer().getDispatch('AD_abc', 'support')).toBeUndefined();
    expect(await ours('json').getDispatch('AD_abc', 'support')).toBeUndefined();
  });
});
