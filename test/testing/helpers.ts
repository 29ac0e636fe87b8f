// Raw HTTP helpers for the test-server tests: requests built by hand with fetch and with
// @livekit/protocol messages, independent of any client under test.
import { createHmac } from 'node:crypto';
import type { TestServer } from '../../src/testing/index.js';

export interface RawAnswer {
  status: number;
  contentType: string | null;
  headers: Headers;
  bytes: Uint8Array;
  text: string;
  /** The body parsed as JSON (throws when it is not JSON). */
  json(): Record<string, unknown>;
}

export interface RawCallOptions {
  /** 'json' (default) or 'protobuf'; sets the content type unless contentType is given. */
  encoding?: 'json' | 'protobuf';
  contentType?: string;
  /** Bearer token; `null` sends no Authorization header. Default: a token with every RoomService grant for `room`. */
  token?: string | null;
  /** Raw Authorization header (overrides token). */
  authorization?: string;
  headers?: Record<string, string>;
  httpMethod?: string;
  signal?: AbortSignal;
  /** Room the default token is scoped to. */
  room?: string;
  destinationRoom?: string;
}

/** A token with every RoomService grant, signed by the server's own helper. */
export function adminToken(lk: TestServer, room = '', destinationRoom = ''): string {
  return lk.token({
    video: { roomCreate: true, roomList: true, roomAdmin: true, room, destinationRoom },
  });
}

/** POSTs `body` to `/twirp/livekit.{service}/{method}` and reads the whole answer. */
export async function call(
  lk: TestServer,
  route: string,
  body: string | Uint8Array | { toBinary(): Uint8Array; toJsonString(): string },
  options: RawCallOptions = {},
): Promise<RawAnswer> {
  const encoding = options.encoding ?? 'json';
  const headers: Record<string, string> = {
    'Content-Type': options.contentType ?? (encoding === 'json' ? 'application/json' : 'application/protobuf'),
    ...options.headers,
  };
  const token = options.token === undefined ? adminToken(lk, options.room ?? '', options.destinationRoom ?? '') : options.token;
  if (options.authorization !== undefined) headers['Authorization'] = options.authorization;
  else if (token !== null) headers['Authorization'] = `Bearer ${token}`;
  let payload: string | Uint8Array;
  if (typeof body === 'string' || body instanceof Uint8Array) payload = body;
  else payload = encoding === 'json' ? body.toJsonString() : body.toBinary();
  const path = route.startsWith('/') ? route : `/twirp/livekit.${route.includes('.') ? route.replace('.', '/') : `RoomService/${route}`}`;
  const init: RequestInit = { method: options.httpMethod ?? 'POST', headers };
  if (init.method !== 'GET' && init.method !== 'HEAD') init.body = typeof payload === 'string' ? payload : new Uint8Array(payload);
  if (options.signal !== undefined) init.signal = options.signal;
  const response = await fetch(`${lk.url}${path}`, init);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    headers: response.headers,
    bytes,
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
}

/** Signs a JWT by hand with node:crypto (independent of the project's signer). */
export function signJwt(
  payload: Record<string, unknown>,
  secret: string,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string {
  const algorithm = header['alg'] === 'HS512' ? 'sha512' : header['alg'] === 'HS384' ? 'sha384' : 'sha256';
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${createHmac(algorithm, secret).update(input).digest('base64url')}`;
}

/** A fixed key pair for tests that mint tokens by hand. */
export const KEY = 'APItestkey';
export const SECRET = 'a-test-secret-of-reasonable-length-0123456789';
