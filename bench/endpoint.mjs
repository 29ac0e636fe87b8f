// Tokens served per second by a Fetch API token endpoint, in-process (a Request built, the
// handler awaited, the Response body read): ours (createTokenHandler from the built /token
// file) vs the same endpoint written by hand on livekit-server-sdk's AccessToken, the way
// apps write it today — method, content type and field checks, the policy, 201 JSON.
/* global Request, Response -- Node's Fetch API globals */
import * as peer from 'livekit-server-sdk';
import { createTokenHandler } from '../dist/esm/token/index.js';
import { compare, report } from './lib.mjs';

const KEY = 'bench-api-key';
const SECRET = 'bench-api-secret-0123456789abcdefghijklmnopqrstuv';
const SERVER_URL = 'wss://bench.livekit.example';
const BODY = JSON.stringify({
  room_name: 'bench-room',
  participant_identity: 'ignored',
  participant_name: 'Participant 42',
  room_config: { agents: [{ agent_name: 'helper' }] },
});

// The same policy for both: a fixed user in the room asked for, one hour.
const policy = (roomName) => ({
  identity: 'participant-42',
  name: 'Participant 42',
  grant: { roomJoin: true, room: roomName ?? 'lobby', canPublish: true, canSubscribe: true },
  ttl: '1h',
});

const ours = createTokenHandler({
  authorize: (_request, body) => policy(body.roomName),
  serverUrl: SERVER_URL,
  apiKey: KEY,
  apiSecret: SECRET,
});

const json = (status, body) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });

async function peerHandler(request) {
  if (request.method !== 'POST') return json(405, { code: 'method_not_allowed' });
  if (!(request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json')) return json(415, { code: 'unsupported_media_type' });
  let body;
  try {
    body = await request.json();
  } catch {
    return json(400, { code: 'invalid_json' });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return json(400, { code: 'invalid_field' });
  const roomName = body.room_name ?? body.roomName;
  if (roomName !== undefined && typeof roomName !== 'string') return json(400, { code: 'invalid_field' });
  const decision = policy(roomName === '' ? undefined : roomName);
  const at = new peer.AccessToken(KEY, SECRET, { identity: decision.identity, name: decision.name, ttl: decision.ttl });
  at.addGrant(decision.grant);
  return json(201, { server_url: SERVER_URL, participant_token: await at.toJwt() });
}

const serve = (handler) => async () => {
  const response = await handler(
    new Request('https://app.example/api/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY }),
  );
  if (response.status !== 201) throw new Error(`bench endpoint: answered ${response.status}`);
  await response.text();
};

export async function run() {
  // Both answer the same request with a token before anything is timed.
  for (const handler of [ours, peerHandler]) await serve(handler)();
  const served = await compare(serve(ours), serve(peerHandler));
  report({
    section: 'endpoint',
    metric: 'tokens served (Request→Response)',
    unit: 'ops/s',
    ours: served.ours,
    peer: served.peer,
    higherIsBetter: true,
  });
}
