// Conformance, generated from the service tables the clients are built on — not from a
// hand-written list. For every method of every service:
// - its path is the Twirp route of the service and method;
// - the test server (whose grant checks are its own, written from the server's behaviour)
//   accepts a call signed with exactly the grants the table derives from the request, in both
//   encodings, and refuses it with any one grant taken away: the grants are sufficient and
//   least-privilege;
// - an `unavailable` answer is retried exactly when the table says the method is idempotent;
// - a request that is not a message or object, or names an unknown field, fails with a
//   TypeError before any request.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallGrants } from '../../src/rpc/auth.js';
import { ServerError } from '../../src/rpc/errors.js';
import type { RpcEncoding } from '../../src/rpc/options.js';
import { methodsOf, type ServiceMethod } from '../../src/rpc/service.js';
import { TwirpClient } from '../../src/rpc/twirp-client.js';
import { SERVICE_TABLES } from '../../src/services/tables.js';
import { startTestServer, type TestServer } from '../../src/testing/index.js';

const METHODS = SERVICE_TABLES.flatMap((table) => methodsOf(table));
const SAMPLE = 'conformance';

interface FieldInfo {
  readonly kind: string;
  readonly localName: string;
  readonly T: unknown;
  readonly repeated: boolean;
  readonly oneof?: unknown;
}

/** A request whose every plain string field holds the same name, so room-scoped grants name it. */
function sampleRequest(method: ServiceMethod<object, unknown>): object {
  const init: Record<string, unknown> = {};
  for (const field of method.input.fields.list() as readonly FieldInfo[]) {
    if (field.kind === 'scalar' && field.T === 9 && !field.repeated && field.oneof === undefined) init[field.localName] = SAMPLE;
  }
  return new (method.input as unknown as new (init: object) => object)(init);
}

/** Every grant set with exactly one leaf of `grants` removed. */
function oneGrantLess(grants: CallGrants): Array<[string, CallGrants]> {
  const out: Array<[string, CallGrants]> = [];
  for (const [claim, fields] of Object.entries(grants)) {
    for (const field of Object.keys(fields)) {
      const rest = Object.fromEntries(Object.entries(fields).filter(([name]) => name !== field));
      out.push([`${claim}.${field}`, { ...grants, [claim]: rest }]);
    }
  }
  return out;
}

let lk: TestServer;
beforeAll(async () => {
  lk = await startTestServer();
});
afterAll(() => lk.close());
beforeEach(() => lk.reset());

const noWait = { sleep: async () => undefined };
const client = (encoding: RpcEncoding = 'protobuf') =>
  new TwirpClient('conformance', lk.url, lk.apiKey, lk.apiSecret, { encoding }, noWait);

async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    if (error instanceof ServerError) return error.code;
    throw error;
  }
}

describe.each(METHODS.map((m) => [`${m.service}.${m.method}`, m] as const))('%s', (_name, method) => {
  it('lives at its Twirp route', () => {
    expect(method.path).toBe(`/twirp/livekit.${method.service}/${method.method}`);
  });

  it.each(['protobuf', 'json'] as const)('is accepted with exactly the grants the table gives (%s)', async (encoding) => {
    const request = sampleRequest(method);
    const result = await outcome(client(encoding).call(method, request as never, method.grants(request), { retries: 0 }));
    expect(result).not.toBe('unauthenticated');
    expect(lk.requestsFor(`${method.service}.${method.method}` as never)).toHaveLength(1);
  });

  it('is refused with any one grant taken away', async () => {
    const request = sampleRequest(method);
    const reduced = oneGrantLess(method.grants(request));
    expect(reduced.length).toBeGreaterThan(0);
    for (const [removed, grants] of reduced) {
      const result = await outcome(client().call(method, request as never, grants, { retries: 0 }));
      expect(result, `without ${removed}`).toBe('unauthenticated');
    }
  });

  it(`is ${method.idempotent ? '' : 'not '}retried after an unavailable answer`, async () => {
    lk.failNext({ method: `${method.service}.${method.method}`, twirp: { code: 'unavailable' } });
    const request = sampleRequest(method);
    await outcome(client().call(method, request as never, method.grants(request), { retries: 1 }));
    expect(lk.requestsFor(`${method.service}.${method.method}` as never)).toHaveLength(method.idempotent ? 2 : 1);
  });

  it('refuses a request that is not an object, or names an unknown field, before any I/O', async () => {
    await expect(client().invoke(method, 42)).rejects.toThrow(TypeError);
    await expect(client().invoke(method, { notAFieldOfAnyRequest: 1 })).rejects.toThrow(/is not a field of/);
    expect(lk.requests).toHaveLength(0);
  });
});
