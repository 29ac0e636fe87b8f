// Whatever body arrives, the token endpoint answers 201 with a token holding exactly what
// the policy returned, or a 4xx JSON error: never a 5xx, never a rejected promise, never a
// grant, room or identity the policy did not return.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTokenHandler, TokenVerifier, type TokenPolicyResult, type TokenRequest } from '../../src/token/index.js';

const KEY = 'prop-endpoint-key';
const SECRET = 'prop-endpoint-secret-0123456789abcdefgh';
const verifier = new TokenVerifier(KEY, SECRET);

// The policy under test: a fixed user, in the room asked for only when it is one of two
// allowed, and never the requested identity, attributes or agents.
const ALLOWED_ROOMS = ['lobby', 'standup'];
function policy(body: TokenRequest): TokenPolicyResult | null {
  if (body.roomName !== undefined && !ALLOWED_ROOMS.includes(body.roomName)) return null;
  return { identity: 'policy-user', name: 'Policy User', grant: { roomJoin: true, room: body.roomName ?? 'lobby', canPublish: false } };
}

const handler = createTokenHandler({
  authorize: (_request, body) => policy(body),
  serverUrl: 'wss://prop.example',
  apiKey: KEY,
  apiSecret: SECRET,
  maxBodyBytes: 8 * 1024,
});

const request = (body: string | Uint8Array) =>
  new Request('https://prop.example/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: body as BodyInit });

// Bodies shaped like a TokenSourceRequest, with every field fuzzed: right and wrong types,
// both spellings, hostile keys, deep nesting.
const anything = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string(), fc.constant(null), fc.constant(''));
const stringish = fc.oneof(fc.constantFrom('lobby', 'standup', 'admin', '', '__proto__'), fc.string({ maxLength: 20 }), anything);
const agent = fc.dictionary(fc.constantFrom('agent_name', 'agentName', 'metadata', 'deployment', 'restart_policy', 'attributes', 'x'), anything);
const roomConfig = fc.oneof(
  anything,
  fc.record(
    {
      agents: fc.oneof(fc.array(fc.oneof(agent, anything), { maxLength: 3 }), anything),
      empty_timeout: fc.oneof(fc.integer(), fc.string(), anything),
      egress: fc.oneof(fc.object({ maxDepth: 4 }), anything),
      tags: fc.oneof(fc.dictionary(fc.string(), fc.string()), anything),
      name: stringish,
    },
    { requiredKeys: [] },
  ),
);
const tokenRequestLike = fc.record(
  {
    room_name: stringish,
    roomName: stringish,
    participant_identity: stringish,
    participantIdentity: stringish,
    participant_name: stringish,
    participant_metadata: stringish,
    participant_attributes: fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), anything)), anything),
    room_config: roomConfig,
    roomConfig: roomConfig,
    __proto__: anything,
    video: fc.constant({ roomAdmin: true }),
  },
  { requiredKeys: [] },
);
const nested = fc.integer({ min: 1, max: 3000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
const deepObject = fc.integer({ min: 1, max: 1500 }).map((depth) => `{"room_config":{"egress":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`);
const bodies = fc.oneof(
  tokenRequestLike.map((body) => JSON.stringify(body)),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  nested,
  deepObject,
  fc.uint8Array({ maxLength: 200 }),
  fc.record({ room_name: fc.string({ maxLength: 12 }), participant_identity: fc.string({ maxLength: 12 }) }).map((body) => JSON.stringify(body)),
);

describe('the token endpoint under arbitrary bodies', () => {
  it('answers 201 with exactly the policy grant, or a 4xx JSON error, never anything else', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const response = await handler(request(body));
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.headers.get('cache-control')).toBe('no-store');
        const answer = (await response.json()) as Record<string, unknown>;
        if (response.status !== 201) {
          expect([400, 403, 413]).toContain(response.status);
          expect(typeof answer['code']).toBe('string');
          return;
        }
        const claims = verifier.verifySync(answer['participant_token'] as string);
        // Exactly the grants and identity a policy can return: nothing from the request.
        expect(claims.sub).toBe('policy-user');
        expect(claims.name).toBe('Policy User');
        expect(ALLOWED_ROOMS).toContain(claims.video?.room);
        expect(claims.video).toEqual({ roomJoin: true, room: claims.video?.room, canPublish: false });
        const allowedClaims = ['name', 'video', 'iss', 'exp', 'nbf', 'sub'];
        expect(Object.keys(claims).filter((claim) => !allowedClaims.includes(claim))).toEqual([]);
      }),
      { numRuns: 600 },
    );
    // The fuzzing reached every kind of answer, signed tokens included.
    for (const status of [201, 400, 403]) expect(statuses.get(status)).toBeGreaterThan(0);
    expect(statuses.get(201)).toBeGreaterThan(20);
  });

  it('asks the policy only with a body whose fields have their declared types', async () => {
    const seen: TokenRequest[] = [];
    const recording = createTokenHandler({
      authorize: (_request, body) => (seen.push(body), null),
      serverUrl: 'wss://prop.example',
      apiKey: KEY,
      apiSecret: SECRET,
    });
    await fc.assert(
      fc.asyncProperty(tokenRequestLike, async (body) => {
        seen.length = 0;
        const response = await recording(request(JSON.stringify(body)));
        if (response.status === 400) {
          expect(seen).toEqual([]);
          return;
        }
        expect(response.status).toBe(403);
        const [parsed] = seen as [TokenRequest];
        for (const field of ['roomName', 'participantIdentity', 'participantName', 'participantMetadata'] as const) {
          if (parsed[field] !== undefined) expect(typeof parsed[field]).toBe('string');
          if (parsed[field] !== undefined) expect(parsed[field]).not.toBe('');
        }
        for (const value of Object.values(parsed.participantAttributes ?? {})) expect(typeof value).toBe('string');
        for (const dispatch of parsed.roomConfig?.agents ?? []) {
          if (dispatch.agentName !== undefined) expect(typeof dispatch.agentName).toBe('string');
        }
        expect(Object.keys(parsed).every((key) => /^[a-z][A-Za-z]+$/.test(key))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
