// toNodeListener: the Fetch handler behind node:http, Express and Fastify, on loopback.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createTokenHandler, toNodeListener, TokenVerifier, type TokenHandler } from '../../src/token/index.js';

const KEY = 'listener-key';
const SECRET = 'listener-secret-0123456789abcdefghijkl';
const verifier = new TokenVerifier(KEY, SECRET);

const handler = createTokenHandler({
  authorize: (request, body) =>
    request.headers.get('authorization') === 'Bearer let-me-in'
      ? { identity: 'alice', grant: { roomJoin: true, room: body.roomName ?? 'lobby' } }
      : null,
  serverUrl: 'ws://127.0.0.1:7880',
  apiKey: KEY,
  apiSecret: SECRET,
  maxBodyBytes: 1024,
});

const servers: Server[] = [];
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const askFor = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer let-me-in', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function expectToken(response: Response, room: string): Promise<void> {
  expect(response.status).toBe(201);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = (await response.json()) as { server_url: string; participant_token: string };
  expect(body.server_url).toBe('ws://127.0.0.1:7880');
  expect(verifier.verifySync(body.participant_token)).toMatchObject({ sub: 'alice', video: { roomJoin: true, room } });
}

describe('toNodeListener', () => {
  it('serves tokens from node:http, passing headers through to the policy', async () => {
    const url = await listen(createServer(toNodeListener(handler)));
    await expectToken(await askFor(url, { room_name: 'r1' }), 'r1');
    const refused = await askFor(url, {}, { authorization: 'Bearer wrong' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'forbidden' });
  });

  it('answers 405 and 415 through node:http as the handler does', async () => {
    const url = await listen(createServer(toNodeListener(handler)));
    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const form = await fetch(url, { method: 'POST', body: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
  });

  it('answers 413 to an oversized body sent in chunks without a length, and closes the connection', async () => {
    const url = new URL(await listen(createServer(toNodeListener(handler))));
    const answer = await new Promise<{ status: number; connection: string | undefined; body: string }>((done, fail) => {
      const request = httpRequest(
        { host: url.hostname, port: url.port, method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => done({ status: response.statusCode ?? 0, connection: response.headers.connection, body }));
        },
      );
      request.on('error', fail);
      // Far more than the 1 KiB cap, in small pieces: the server must answer before the end.
      let sent = 0;
      const pump = () => {
        while (sent < 64 && request.write(' '.repeat(256))) sent++;
        if (sent < 64) request.once('drain', pump);
        else request.end();
      };
      pump();
    });
    expect(answer.status).toBe(413);
    expect(answer.connection).toBe('close');
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'payload_too_large' });
  });

  it('serves tokens as an Express route, with or without express.json() before it', async () => {
    const raw = express();
    raw.post('/token', toNodeListener(handler));
    await expectToken(await askFor(`${await listen(createServer(raw))}/token`, { room_name: 'express-raw' }), 'express-raw');

    const parsed = express();
    parsed.use(express.json());
    parsed.post('/token', toNodeListener(handler));
    await expectToken(await askFor(`${await listen(createServer(parsed))}/token`, { room_name: 'express-json' }), 'express-json');
  });

  it('serves tokens from Fastify through request.raw and reply.raw, its own parser set aside', async () => {
    const app = Fastify();
    closers.push(() => app.close());
    const listener = toNodeListener(handler);
    await app.register(async (scope) => {
      // The handler reads the raw body: keep Fastify's parsers from consuming it.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
      scope.post('/token', (request, reply) => {
        reply.hijack();
        listener(request.raw, reply.raw);
      });
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    await expectToken(await askFor(`${address}/token`, { room_name: 'fastify' }), 'fastify');
    const oversized = await askFor(`${address}/token`, JSON.stringify({ room_name: 'x'.repeat(2000) }));
    expect(oversized.status).toBe(413);
  });

  it('answers 500 in JSON when the handler itself rejects, rather than leaving the request pending', async () => {
    const broken: TokenHandler = () => Promise.reject(new Error('broken'));
    const url = await listen(createServer(toNodeListener(broken)));
    const response = await askFor(url, {});
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ code: 'internal', message: 'the request could not be handled' });
  });

  it('writes every header of a policy Response, several Set-Cookie headers included', async () => {
    const withCookies = createTokenHandler({
      authorize: () => {
        const headers = new Headers({ 'content-type': 'text/plain' });
        headers.append('set-cookie', 'a=1');
        headers.append('set-cookie', 'b=2');
        return new Response('no', { status: 401, headers });
      },
      serverUrl: 'ws://127.0.0.1:7880',
      apiKey: KEY,
      apiSecret: SECRET,
    });
    const url = await listen(createServer(toNodeListener(withCookies)));
    const response = await askFor(url, {});
    expect(response.status).toBe(401);
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses something that is not a handler', () => {
    expect(() => toNodeListener('handler' as unknown as TokenHandler)).toThrow(TypeError);
  });
});
