// The sip commands, run in-process against the test server over loopback HTTP: what they
// send, what they print (table and --json), and how failures come out.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ParticipantInfo_Kind, SIPTransport } from '@livekit/protocol';
import { startTestServer, type TestServer } from '../../src/testing/index.js';
import { cli } from './helpers.js';

let lk: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  lk = await startTestServer();
  env = { LIVEKIT_URL: lk.url, LIVEKIT_API_KEY: lk.apiKey, LIVEKIT_API_SECRET: lk.apiSecret };
});
afterEach(() => lk.reset());
afterAll(() => lk.close());

const run = (argv: string[]) => cli(argv, { env });

async function outboundTrunk(): Promise<string> {
  const result = await run(['sip', 'trunks', 'create', 'carrier', '--outbound', '--address', 'sip.example.com', '--number', '+15550100', '--json']);
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { sipTrunkId: string }).sipTrunkId;
}

describe('sip trunks', () => {
  it('create --outbound makes an outbound trunk with its transport, and never prints the password', async () => {
    const result = await run([
      'sip', 'trunks', 'create', 'carrier', '--outbound', '--address', 'sip.example.com', '--number', '+15550100',
      '--transport', 'tls', '--auth-username', 'lk', '--auth-password', 'hunter2-secret',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ID:\s+ST_\w+$/m);
    expect(result.stdout).toMatch(/^Auth:\s+lk \(password set\)$/m);
    expect(result.stdout).not.toContain('hunter2-secret');
    const [trunk] = lk.sip.outboundTrunks();
    expect(trunk).toMatchObject({ name: 'carrier', address: 'sip.example.com', transport: SIPTransport.SIP_TRANSPORT_TLS, authPassword: 'hunter2-secret' });
    const json = await run(['sip', 'trunks', 'list', '--json']);
    expect(json.stdout).not.toContain('hunter2-secret');
  });

  it('create needs exactly one of --inbound and --outbound, and an address for outbound (exit 2, no request)', async () => {
    expect((await run(['sip', 'trunks', 'create', 'x', '--number', '+1'])).code).toBe(2);
    const noAddress = await run(['sip', 'trunks', 'create', 'x', '--outbound', '--number', '+1']);
    expect(noAddress.code).toBe(2);
    expect(noAddress.stderr).toMatch(/--address/);
    expect(lk.requests).toHaveLength(0);
  });

  it('list prints both kinds as a table; --inbound restricts it', async () => {
    await run(['sip', 'trunks', 'create', 'main', '--inbound', '--number', '+15550111']);
    await outboundTrunk();
    const result = await run(['sip', 'trunks', 'list']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+KIND\s+NAME\s+NUMBERS\s+ADDRESS$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[1]).sort()).toEqual(['inbound', 'outbound']);
    const inbound = JSON.parse((await run(['sip', 'trunks', 'list', '--inbound', '--json'])).stdout) as { inbound: unknown[]; outbound: unknown[] };
    expect(inbound.inbound).toHaveLength(1);
    expect(inbound.outbound).toHaveLength(0);
  });

  it('delete removes a trunk; an unknown one exits 1 with not_found', async () => {
    const id = await outboundTrunk();
    const result = await run(['sip', 'trunks', 'delete', id]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Deleted SIP trunk ${id}.\n`);
    const again = await run(['sip', 'trunks', 'delete', id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not_found/);
  });
});

describe('sip rules', () => {
  it('create direct|individual|callee, then list them', async () => {
    expect((await run(['sip', 'rules', 'create', 'direct', 'support', '--pin', '1234', '--name', 'desk'])).code).toBe(0);
    expect((await run(['sip', 'rules', 'create', 'callee', 'line-', '--randomize'])).code).toBe(0);
    const list = await run(['sip', 'rules', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^SDR_\w+\s+desk\s+direct\s+room support\s+all$/m);
    expect(list.stdout).toMatch(/callee\s+prefix line-, randomized/);
    const json = JSON.parse((await run(['sip', 'rules', 'list', '--json'])).stdout) as unknown[];
    expect(json).toHaveLength(2);
  });

  it('an unknown rule type is a usage error naming the three', async () => {
    const result = await run(['sip', 'rules', 'create', 'fanout', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/direct, individual or callee/);
  });

  it('delete removes a rule', async () => {
    const created = JSON.parse((await run(['sip', 'rules', 'create', 'individual', 'call-', '--json'])).stdout) as { sipDispatchRuleId: string };
    expect((await run(['sip', 'rules', 'delete', created.sipDispatchRuleId])).code).toBe(0);
    expect(lk.sip.dispatchRules()).toEqual([]);
  });
});

describe('sip call and sip transfer', () => {
  it('call --wait dials, waits for the answer and prints the call', async () => {
    const trunk = await outboundTrunk();
    lk.sip.nextCall({ answer: true, ringMs: 20 });
    const result = await run(['sip', 'call', trunk, '+15550199', 'support', '--wait', '--identity', 'caller', '--ringing-timeout', '20s']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Status:\s+answered$/m);
    expect(lk.participant('support', 'caller')?.kind).toBe(ParticipantInfo_Kind.SIP);
    const [request] = lk.requestsFor('SIP.CreateSIPParticipant');
    expect(request?.message?.ringingTimeout?.seconds).toBe(20n);
    expect(request?.timeoutMs).toBe(25_000);
  });

  it('a busy callee exits 1 with the SIP status', async () => {
    const trunk = await outboundTrunk();
    lk.sip.nextCall({ sipStatus: 486 });
    const result = await run(['sip', 'call', trunk, '+15550199', 'support', '--wait']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/SIP call failed: 486 Busy Here/);
  });

  it('a --timeout shorter than the ring window with --wait is a usage error, nothing dialled', async () => {
    const result = await run(['sip', 'call', 'ST_x', '+1', 'support', '--wait', '--timeout', '5s']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/ring window/);
    expect(lk.requests).toHaveLength(0);
  });

  it('transfer prints the transfer result', async () => {
    lk.seed.participant('support', { identity: 'caller', kind: 'sip' });
    const result = await run(['sip', 'transfer', 'support', 'caller', 'tel:+15550123', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'STS_TRANSFER_SUCCESSFUL' });
    expect(lk.participant('support', 'caller')).toBeUndefined();
  });
});

describe('sip help', () => {
  it('lists the commands of the nested groups and suggests one for a typo', async () => {
    const help = await run(['sip', '--help']);
    expect(help.code).toBe(0);
    for (const command of ['sip trunks list', 'sip rules create', 'sip call', 'sip transfer']) expect(help.stdout).toContain(command);
    const typo = await run(['sip', 'trunk', 'list']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/did you mean 'sip trunks'/);
    const nested = await run(['sip', 'trunks']);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toMatch(/sip trunks list/);
  });
});
