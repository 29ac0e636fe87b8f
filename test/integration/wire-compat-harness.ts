// What the wire-compatibility tests of each service share: a loopback server answering `{}`
// in JSON (the peer reads nothing else), the request each call sent, decoded in its own
// encoding, and the check that the peer's call and ours agree in both of our encodings.
import { expect } from 'vitest';
import { startLocalServer, tokenClaims } from '../rpc/local-server.js';
import type { LocalServer, RecordedRequest } from '../rpc/local-server.js';

export const KEY = 'APIwirecompat';
export const SECRET = 'wire-compat-secret-long-enough-for-hs256-0123';

/** A request message class, as far as comparing requests needs it. */
export interface RequestType {
  fromBinary(bytes: Uint8Array): Comparable;
  fromJsonString(json: string): Comparable;
  equals(a: Comparable, b: Comparable): boolean;
}
export interface Comparable {
  toJson(): unknown;
}

export async function startWireServer(): Promise<LocalServer> {
  return startLocalServer(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{}' }));
}

/** Runs one call and returns the one request it sent. */
export async function capture(server: LocalServer, call: () => Promise<unknown>): Promise<RecordedRequest> {
  const before = server.requests.length;
  await call();
  expect(server.requests.length).toBe(before + 1);
  return server.requests.at(-1)!;
}

export function decode(type: RequestType, request: RecordedRequest): Comparable {
  const json = String(request.headers['content-type']).startsWith('application/json');
  return json ? type.fromJsonString(request.body.toString('utf8')) : type.fromBinary(request.body);
}

/**
 * Checks that `peerCall` and `ourCall` (made in JSON and in protobuf) go to `path`, decode to
 * the same request message and carry the same video grant. Returns our protobuf request.
 */
export async function expectSameRequest(
  server: LocalServer,
  path: string,
  type: RequestType,
  peerCall: () => Promise<unknown>,
  ourCall: (encoding: 'json' | 'protobuf') => Promise<unknown>,
): Promise<Comparable> {
  const theirs = await capture(server, peerCall);
  expect(theirs.url).toBe(path);
  const expected = decode(type, theirs);
  let actual: Comparable = expected;
  for (const encoding of ['json', 'protobuf'] as const) {
    const mine = await capture(server, () => ourCall(encoding));
    expect(mine.url).toBe(path);
    actual = decode(type, mine);
    expect(actual.toJson()).toEqual(expected.toJson());
    expect(type.equals(actual, expected)).toBe(true);
    expect(tokenClaims(mine)['video']).toEqual(tokenClaims(theirs)['video']);
  }
  return actual;
}
