// The smoke checks every runtime runs against the packed package: one named entry per thing a
// user does. `run` gets the package's entry points as that runtime loaded them (`root` is
// 'livekit-server-api', `token` is 'livekit-server-api/token') and the test server the suite
// started (`server.url`, `server.apiKey`, `server.apiSecret`).
//
// `uses` names the entry points a check loads: an entry that loads only /token (the Deno row
// without permissions) runs the checks that use only `token`.
//
// This file is plain ES2022 with no imports, so that the same text runs as an ES module, as
// CommonJS (the suite transpiles it to checks.cjs) and inside a workerd bundle.
//
// Reach every export through `need(api, 'Name')`: a missing export fails the check by name,
// it is never skipped.

class CheckFailed extends Error {}

function need(api, name) {
  const value = api[name];
  if (value === undefined) throw new CheckFailed(`the package exports no ${name}`);
  return value;
}

function expect(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

async function rejection(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new CheckFailed('expected a rejection, the call succeeded');
}

export const checks = [
  {
    name: 'token: mint and verify, both synchronous',
    uses: ['token'],
    run({ token, server }) {
      const AccessToken = need(token, 'AccessToken');
      const TokenVerifier = need(token, 'TokenVerifier');
      const at = new AccessToken(server.apiKey, server.apiSecret, { identity: 'alice', ttl: '10m' });
      at.addGrant({ roomJoin: true, room: 'standup', canPublish: false });
      const jwt = at.toJwt();
      expect(typeof jwt === 'string' && jwt.split('.').length === 3, `toJwt() returned ${typeof jwt}, not a JWT string`);
      const claims = new TokenVerifier(server.apiKey, server.apiSecret).verifySync(jwt);
      expect(claims.sub === 'alice' && claims.video?.room === 'standup', `verifySync read sub ${claims.sub}, room ${claims.video?.room}`);
      expect(claims.video?.canPublish === false, 'the canPublish: false grant was lost');
    },
  },
  {
    name: 'token: a token signed with another secret is refused with its code',
    uses: ['token'],
    run({ token, server }) {
      const jwt = new (need(token, 'AccessToken'))(server.apiKey, 'another-secret-of-sufficient-length', { identity: 'mallory' }).toJwt();
      const verifier = new (need(token, 'TokenVerifier'))(server.apiKey, server.apiSecret);
      let error;
      try {
        verifier.verifySync(jwt);
      } catch (err) {
        error = err;
      }
      expect(error instanceof need(token, 'TokenVerificationError'), `expected a TokenVerificationError, got ${error}`);
      expect(error.code === 'token_bad_signature', `expected code token_bad_signature, got ${error.code}`);
    },
  },
  {
    name: 'root: the same classes as the /token entry',
    uses: ['root', 'token'],
    run({ root, token }) {
      for (const name of ['AccessToken', 'TokenVerifier', 'TokenVerificationError', 'LiveKitError']) {
        expect(need(root, name) === need(token, name), `${name} from the root is not the class from /token`);
      }
    },
  },
  {
    name: 'webhook: sign, then receive the bytes and a Fetch-API Request',
    uses: ['root'],
    async run({ root, server }) {
      const signed = need(root, 'signWebhook')(
        { event: 'participant_joined', room: { name: 'standup' }, participant: { identity: 'alice' } },
        { apiKey: server.apiKey, apiSecret: server.apiSecret },
      );
      const receiver = new (need(root, 'WebhookReceiver'))(server.apiKey, server.apiSecret);
      const event = await receiver.receive(signed.body, signed.headers.Authorization);
      expect(event.event === 'participant_joined' && event.participant?.identity === 'alice', `received ${event.event}`);
      const request = new Request('http://127.0.0.1/livekit/webhook', { method: 'POST', headers: signed.headers, body: signed.body });
      const fromRequest = await receiver.receiveRequest(request);
      expect(fromRequest.id === event.id, 'receiveRequest read another event than receive');
      const tampered = new TextEncoder().encode(signed.text.replace('alice', 'mallo'));
      const refused = await rejection(receiver.receive(tampered, signed.headers.Authorization));
      expect(refused?.code === 'webhook_hash_mismatch', `a changed body gave ${refused?.code ?? refused}`);
    },
  },
  {
    name: 'RoomService: create, list and delete a room on the test server',
    uses: ['root'],
    async run({ root, server }) {
      const rooms = new (need(root, 'RoomServiceClient'))(server.url, server.apiKey, server.apiSecret);
      const name = `smoke-${Math.random().toString(36).slice(2, 10)}`;
      const created = await rooms.createRoom({ name, emptyTimeout: 60, maxParticipants: 5 });
      expect(created.name === name && created.maxParticipants === 5, `createRoom answered ${created.name}`);
      const listed = await rooms.listRooms([name]);
      expect(listed.length === 1 && listed[0].name === name, `listRooms found ${listed.length} rooms`);
      await rooms.deleteRoom(name);
      expect((await rooms.listRooms([name])).length === 0, 'the room is still listed after deleteRoom');
    },
  },
  {
    name: 'RoomService: a server error arrives as a typed ServerError',
    uses: ['root'],
    async run({ root, server }) {
      const rooms = new (need(root, 'RoomServiceClient'))(server.url, server.apiKey, server.apiSecret, { retries: 0 });
      const error = await rejection(rooms.getParticipant('no-such-room', 'nobody'));
      expect(error instanceof need(root, 'ServerError'), `expected a ServerError, got ${error}`);
      expect(error.code === 'not_found' && error.status === 404, `expected not_found / 404, got ${error.code} / ${error.status}`);
    },
  },
  {
    name: 'LiveKitAPI: a room created through .room is listed',
    uses: ['root'],
    async run({ root, server }) {
      const api = new (need(root, 'LiveKitAPI'))({ host: server.url, apiKey: server.apiKey, secret: server.apiSecret });
      const name = `smoke-api-${Math.random().toString(36).slice(2, 10)}`;
      await api.room.createRoom({ name });
      const listed = await api.room.listRooms([name]);
      expect(listed.length === 1 && listed[0].name === name, `listRooms found ${listed.length} rooms`);
      await api.room.deleteRoom(name);
    },
  },
  {
    name: 'token endpoint: createTokenHandler answers 201 with a token that verifies',
    uses: ['token'],
    async run({ token, server }) {
      const handler = need(token, 'createTokenHandler')({
        authorize: (_request, body) => ({ identity: 'alice', grant: { roomJoin: true, room: body.roomName ?? 'lobby' } }),
        serverUrl: server.url,
        apiKey: server.apiKey,
        apiSecret: server.apiSecret,
      });
      const response = await handler(
        new Request('http://127.0.0.1/token', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ room_name: 'standup' }),
        }),
      );
      const answer = await response.json();
      expect(response.status === 201, `the handler answered ${response.status}: ${JSON.stringify(answer)}`);
      expect(answer.server_url === server.url, `server_url is ${answer.server_url}`);
      const claims = new (need(token, 'TokenVerifier'))(server.apiKey, server.apiSecret).verifySync(answer.participant_token);
      expect(claims.sub === 'alice' && claims.video?.room === 'standup', `the token grants ${claims.sub} room ${claims.video?.room}`);
    },
  },
  {
    name: 'IngressClient: create, list and delete a WHIP ingress',
    uses: ['root'],
    async run({ root, server }) {
      const ingress = new (need(root, 'IngressClient'))(server.url, server.apiKey, server.apiSecret);
      const whip = need(root, 'IngressInput').WHIP_INPUT;
      const created = await ingress.createIngress(whip, { name: 'smoke', roomName: 'stage', participantIdentity: 'cam-1' });
      expect(typeof created.ingressId === 'string' && created.ingressId !== '', 'createIngress returned no ingressId');
      const listed = await ingress.listIngress({ ingressId: created.ingressId });
      expect(listed.length === 1 && listed[0].name === 'smoke', `listIngress found ${listed.length} ingresses`);
      await ingress.deleteIngress(created.ingressId);
    },
  },
  {
    name: 'AgentDispatchClient: a dispatch created through LiveKitAPI is listed',
    uses: ['root'],
    async run({ root, server }) {
      const api = new (need(root, 'LiveKitAPI'))({ host: server.url, apiKey: server.apiKey, secret: server.apiSecret });
      expect(api.agentDispatch instanceof need(root, 'AgentDispatchClient'), 'LiveKitAPI.agentDispatch is no AgentDispatchClient');
      const room = `smoke-agents-${Math.random().toString(36).slice(2, 10)}`;
      const created = await api.agentDispatch.createDispatch(room, 'support-agent', { metadata: '{"ticket":42}' });
      const listed = await api.agentDispatch.listDispatch(room);
      expect(listed.some((d) => d.id === created.id && d.agentName === 'support-agent'), `listDispatch found ${listed.length} dispatches`);
    },
  },
  // ── The other service clients go here ────────────────────────────────────────────────
  // One entry each (uses: ['root']), one call against the same test server, reached through
  // need() so that a client missing from the package fails here: EgressClient (e.g.
  // listEgress), SipClient (listSipInboundTrunk); and LiveKitAPI's matching property
  // (api.egress, api.sip) checked as the AgentDispatchClient entry does.
];

/**
 * Runs every check whose entry points the context holds, each on its own, and reports each by
 * name: one failure hides no other.
 */
export async function runChecks(context) {
  const results = [];
  for (const check of checks.filter((candidate) => candidate.uses.every((entry) => context[entry] !== undefined))) {
    try {
      await check.run(context);
      results.push({ name: check.name, ok: true });
    } catch (err) {
      const detail = err instanceof CheckFailed ? err.message : `${err?.name ?? 'Error'}: ${err?.message ?? err}`;
      results.push({ name: check.name, ok: false, error: detail });
    }
  }
  return results;
}
