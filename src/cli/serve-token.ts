// `serve-token`: a local token endpoint for front-end work, the handler of
// createTokenHandler behind node:http. Runs until Ctrl-C (or io.signal in tests).
import type { AddressInfo } from 'node:net';
import { newId } from '../internal/ids.js';
import { createTokenHandler, type TokenPolicy } from '../token/endpoint.js';
import { toNodeListener } from '../token/node-listener.js';
import type { FlagSpec, ParsedArgs } from './args.js';
import type { Command } from './command.js';
import { KEY_FLAGS, URL_FLAG, resolveKeys } from './credentials.js';
import { CommandFailure, PROGRAM, UsageError, writeLine, type CliIo } from './io.js';

const COMMAND = 'serve-token';
const DEFAULT_PORT = 8080;
// `livekit-server --dev` listens here.
const DEV_SERVER_URL = 'ws://localhost:7880';

const SERVE_FLAGS: readonly FlagSpec[] = [
  { name: 'port', type: 'string', value: '<port>', description: `port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)` },
  { name: 'host', type: 'string', value: '<address>', description: 'address to listen on (default 127.0.0.1: this machine only)' },
  { name: 'room', type: 'string', value: '<name>', description: 'the room tokens join (with --dev: when the request names none)' },
  {
    name: 'dev',
    type: 'boolean',
    description: 'sign any room and identity a request asks for, with its agent dispatch (development only)',
  },
  {
    name: 'cors',
    type: 'strings',
    value: '<origin>',
    description: "a browser origin that may call it, e.g. http://localhost:3000, or '*'",
  },
  { name: 'ttl', type: 'string', value: '<duration>', description: 'token lifetime, over one minute (default 15m)' },
  { ...URL_FLAG, description: `server_url handed to clients (default: $LIVEKIT_URL, else ${DEV_SERVER_URL})` },
  ...KEY_FLAGS,
];

/** `livekit-server-api serve-token`. */
export const serveTokenCommand: Command = {
  path: COMMAND,
  summary: 'serve tokens to TokenSource.endpoint(url) on this machine',
  flags: SERVE_FLAGS,
  maxPositionals: 0,
  help: {
    usage: ['serve-token --room <name> [flags]', 'serve-token --dev [flags]'],
    description: `Serves LiveKit's standard token endpoint on this machine, for front-end work:
give the URL it prints to livekit-client's TokenSource.endpoint(url). Each POST
gets { server_url, participant_token } (201); each answer is logged on stderr.
Runs until Ctrl-C.

With --room, every token joins that room, as the identity the request asks
for (else a random one); a request for another room is refused (403).
With --dev, any room and identity asked for is signed, with the agents the
request dispatches. Neither is a policy for production: there, write one with
createTokenHandler({ authorize }).

--cors lets a page on another origin (your dev server) call it.
Signs with --api-key/--api-secret, else LIVEKIT_API_KEY/LIVEKIT_API_SECRET,
else the development key that \`livekit-server --dev\` accepts.`,
    examples: [
      '# tokens for room demo, for a page served by a dev server on port 3000',
      'serve-token --room demo --cors http://localhost:3000',
      '# any room and identity, on port 9000',
      'serve-token --dev --port 9000 --cors http://localhost:5173',
    ],
  },
  run: serveTokens,
};

async function serveTokens(args: ParsedArgs, io: CliIo): Promise<void> {
  const port = parsePort(args.string('port'));
  const host = args.string('host') ?? '127.0.0.1';
  const room = nonEmpty(args, 'room');
  const dev = args.boolean('dev') === true;
  if (!dev && room === undefined) {
    throw new UsageError('serve-token needs --room <name> (tokens for that room only), or --dev to sign any room asked for', COMMAND);
  }
  const origins = args.strings('cors');
  const serverUrl = nonEmpty(args, 'url') ?? (io.env['LIVEKIT_URL'] === '' ? undefined : io.env['LIVEKIT_URL']);
  const ttl = args.string('ttl');
  const keys = resolveKeys(args, io, COMMAND);
  if (serverUrl === undefined) {
    writeLine(io.stderr, `${PROGRAM}: no --url or LIVEKIT_URL; handing clients ${DEV_SERVER_URL} (\`livekit-server --dev\`)`);
  }

  let handler: (request: Request) => Promise<Response>;
  try {
    handler = createTokenHandler({
      ...(dev ? { dev: room === undefined ? true : { room } } : { authorize: onlyRoom(room as string) }),
      serverUrl: serverUrl ?? DEV_SERVER_URL,
      apiKey: keys.apiKey,
      apiSecret: keys.apiSecret,
      ...(origins.length === 0 ? {} : { cors: { origins: origins.includes('*') ? '*' : origins } }),
      ...(ttl === undefined ? {} : { ttl: /^\d+$/.test(ttl) ? Number(ttl) : ttl }),
      onWarning: (message) => writeLine(io.stderr, message),
      onError: (error) => writeLine(io.stderr, `${PROGRAM}: the policy failed: ${error instanceof Error ? error.message : String(error)}`),
    });
  } catch (error) {
    // createTokenHandler checks every option; its message says what to pass instead.
    if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(error.message.replace(/^createTokenHandler:? ?/, ''), COMMAND);
    throw error;
  }

  const { createServer } = await import('node:http');
  const server = createServer(toNodeListener(logged(handler, io)));
  await new Promise<void>((listening, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'EADDRINUSE'
          ? new CommandFailure(`port ${port} on ${host} is in use; pick another with --port (0 picks a free one)`)
          : new CommandFailure(`cannot listen on ${host}:${port}: ${error.message}`),
      ),
    );
    server.listen(port, host, listening);
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.address === '0.0.0.0' || address.address === '::' ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}/`;
  writeLine(io.stdout, url);
  writeLine(
    io.stderr,
    `${PROGRAM}: serving ${dev ? 'tokens for any room (--dev)' : `tokens for room "${room}"`} on ${url}, ` +
      `signed with key "${keys.apiKey}" for ${serverUrl ?? DEV_SERVER_URL}${origins.length === 0 ? '' : `, CORS for ${origins.join(', ')}`}; Ctrl-C to stop`,
  );

  await stopped(io.signal);
  server.closeAllConnections();
  await new Promise((closed) => server.close(closed));
}

// Without --dev: the one room, any identity the client asks for (else a random one).
function onlyRoom(room: string): TokenPolicy {
  return (_request, body) => {
    if (body.roomName !== undefined && body.roomName !== room) return null;
    return {
      identity: body.participantIdentity ?? newId('user-', 8),
      name: body.participantName,
      grant: { roomJoin: true, room },
    };
  };
}

// One stderr line per answer: what a developer watching the terminal wants to see.
function logged(handler: (request: Request) => Promise<Response>, io: CliIo): (request: Request) => Promise<Response> {
  return async (request) => {
    const response = await handler(request);
    let detail = '';
    if (response.status === 201) {
      const { participant_token: token } = (await response.clone().json()) as { participant_token: string };
      const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
        sub?: string;
        video?: { room?: string };
      };
      detail = ` token for "${claims.sub}" in room "${claims.video?.room}"`;
    } else if (response.headers.get('content-type') === 'application/json') {
      const body = (await response.clone().json()) as { message?: string };
      if (typeof body.message === 'string') detail = ` ${body.message}`;
    }
    writeLine(io.stderr, `${request.method} ${new URL(request.url).pathname} ${response.status}${detail}`);
    return response;
  };
}

function stopped(signal: AbortSignal | undefined): Promise<void> {
  if (signal !== undefined) {
    return signal.aborted ? Promise.resolve() : new Promise((done) => signal.addEventListener('abort', () => done(), { once: true }));
  }
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) {
    throw new UsageError(`--port takes a port number from 0 to 65535, got ${JSON.stringify(text)}`, COMMAND);
  }
  return port;
}

function nonEmpty(args: ParsedArgs, flag: string): string | undefined {
  const value = args.string(flag);
  if (value === '') throw new UsageError(`--${flag} is empty`, COMMAND);
  return value;
}
