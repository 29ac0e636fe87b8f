// A scripted webhook endpoint on 127.0.0.1 for the delivery tests: records every request
// and answers with the statuses it is given, in order (the last one repeats).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string | undefined;
  path: string | undefined;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface ScriptedEndpoint {
  url: string;
  requests: RecordedRequest[];
  /** Statuses to answer with, in order; the last repeats. `'hang'` never answers. */
  script: Array<number | 'hang'>;
  close(): Promise<void>;
}

export async function startEndpoint(script: Array<number | 'hang'> = [200]): Promise<ScriptedEndpoint> {
  const requests: RecordedRequest[] = [];
  const endpoint: ScriptedEndpoint = { url: '', requests, script, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method, path: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      const step = endpoint.script[Math.min(requests.length - 1, endpoint.script.length - 1)] ?? 200;
      if (step === 'hang') return;
      res.writeHead(step, { 'Content-Type': 'text/plain' }).end(step >= 400 ? `status ${step} from the endpoint` : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  endpoint.url = `http://127.0.0.1:${port}/livekit/webhook`;
  endpoint.close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
  return endpoint;
}

/** A URL on 127.0.0.1 where nothing listens (a port that was just freed). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/livekit/webhook`;
}
