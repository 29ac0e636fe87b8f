// What the wire-compatibility tests share: one fake server's requests captured one call at a
// time, and decoded into the request message whichever encoding they were sent in.
import { expect } from 'vitest';
import type { LocalServer, RecordedRequest } from '../rpc/local-server.js';

export const KEY = 'APIwirecompat';
export const SECRET = 'wire-compat-secret-long-enough-for-hs256-0123';

/** A request message class, as far as comparing two decoded requests needs it. */
export interface RequestType {
  fromBinary(bytes: Uint8Array): Comparable;
  fromJsonString(json: string): Comparable;
  equals(a: Comparable, b: Comparable): boolean;
}
export interface Comparable {
  toJson(): unknown;
}

/** Runs `call` and returns the one request it made to `server`. */
export async function capture(server: LocalServer, call: () => Promise<unknown>): Promise<RecordedRequest> {
  const before = server.requests.length;
  await call();
  expect(server.requests.length).toBe(before + 1);
  return server.requests.at(-1)!;
}

/** The request message of `request`, read as JSON or protobuf by its content type. */
export function decodeRequest(type: RequestType, request: RecordedRequest): Comparable {
  const json = String(request.headers['content-type']).startsWith('application/json');
  return json ? type.fromJsonString(request.body.toString('utf8')) : type.fromBinary(request.body);
}
