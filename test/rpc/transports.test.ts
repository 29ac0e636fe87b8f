import * as http from 'node:http';
import * as https from 'node:https';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchTransport } from '../../src/rpc/http-fetch.js';
import { nodeHttpTransport } from '../../src/rpc/http-node.js';
import { TransportFailure } from '../../src/rpc/http.js';
import type { HttpTransport } from '../../src/rpc/http.js';
import { startLocalServer, unusedPort } from './local-server.js';
import type { LocalServer } from './local-server.js';

const transports: Array<[string, () => HttpTransport]> = [
  ['node:http', () => nodeHttpTransport({ http, https: () => https })],
  ['fetch', () => fetchTransport((url, init) => fetch(url, init))],
];

describe.each(transports)('the %s transport', (_name, make) => {
  let server: LocalServer;
  let transport: HttpTransport;

  beforeEach(async () => {
    server = await startLocalServer();
    transport = make();
  });
  afterEach(() => server.close());

  const post = (body: Uint8Array | string, signal = new AbortController().signal, path = '/twirp/x') =>
    transport({
      url: server.url + path,
      method: 'POST',
      headers: { 'content-type': 'application/protobuf', 'x-custom': 'yes' },
      body,
      signal,
    });

  it('sends the method, headers and body bytes', async () => {
    await post(new Uint8Array([1, 2, 3]));
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/twirp/x');
    expect(request?.headers['x-custom']).toBe('yes');
    expect(request?.headers['content-type']).toBe('application/protobuf');
    expect([...(request?.body ?? [])]).toEqual([1, 2, 3]);
  });

  it('sends a string body as UTF-8 with its byte length', async () => {
    await post('{"name":"café"}');
    const [request] = server.requests;
    expect(request?.body.toString('utf8')).toBe('{"name":"café"}');
    expect(request?.headers['content-length']).toBe(String(Buffer.byteLength('{"name":"café"}')));
  });

  it('resolves an error status with its headers and body instead of rejecting', async () => {
    server.handle(() => ({ status: 503, headers: { 'Retry-After': '2', 'Content-Type': 'text/html' }, body: '<h1>busy</h1>' }));
    const response = await post('{}');
    expect(response.status).toBe(503);
    expect(response.header('retry-after')).toBe('2');
    expect(response.header('content-type')).toBe('text/html');
    expect(new TextDecoder().decode(response.body)).toBe('<h1>busy</h1>');
  });

  it('rejects with the signal reason when aborted while waiting', async () => {
    server.handle(() => 'hang');
    const controller = new AbortController();
    const pending = post('{}', controller.signal);
    await expect.poll(() => server.requests.length).toBe(1);
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('reports a refused connection as a failure that never reached the server', async () => {
    const port = await unusedPort();
    const failure = await transport({
      url: `http://127.0.0.1:${port}/twirp/x`,
      method: 'POST',
      headers: {},
      body: '{}',
      signal: new AbortController().signal,
    }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(TransportFailure);
    expect((failure as TransportFailure).mayHaveReachedServer).toBe(false);
    expect((failure as TransportFailure).message).toContain('ECONNREFUSED');
  });

  it('reports a connection the server closed as a failure that may have reached it', async () => {
    server.handle(() => 'destroy');
    const failure = await post('{}').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(TransportFailure);
    expect((failure as TransportFailure).mayHaveReachedServer).toBe(true);
  });

  it('reports an answer cut off mid-body as a failure', async () => {
    server.handle(() => 'destroy-mid-body');
    const failure = await post('{}').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(TransportFailure);
    expect((failure as TransportFailure).mayHaveReachedServer).toBe(true);
  });
});

describe('the node:http transport', () => {
  it('reuses one keep-alive connection for sequential requests', async () => {
    const server = await startLocalServer();
    try {
      const transport = nodeHttpTransport({ http, https: () => https });
      for (let i = 0; i < 3; i++) {
        await transport({ url: `${server.url}/a`, method: 'POST', headers: {}, body: '{}', signal: new AbortController().signal });
      }
      expect(new Set(server.requests.map((r) => r.remotePort)).size).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('never loads node:https for http:// requests', async () => {
    const server = await startLocalServer();
    try {
      const transport = nodeHttpTransport({
        http,
        https: () => {
          throw new Error('node:https was loaded');
        },
      });
      const response = await transport({ url: `${server.url}/a`, method: 'POST', headers: {}, body: '{}', signal: new AbortController().signal });
      expect(response.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('does not send a request whose signal already fired', async () => {
    const server = await startLocalServer();
    try {
      const reason = new Error('early');
      const transport = nodeHttpTransport({ http, https: () => https });
      await expect(
        transport({ url: `${server.url}/a`, method: 'POST', headers: {}, body: '{}', signal: AbortSignal.abort(reason) }),
      ).rejects.toBe(reason);
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});
