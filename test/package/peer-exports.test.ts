// A drop-in must export every name livekit-server-sdk's root exports: values (checked on the
// built package, in both module systems) and types (read from the peer's declarations and
// checked against ours by the compiler's view of our root).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

/** Names that arrive with a later issue; each entry says which. Empty once all have landed. */
const PENDING: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries({
    'issue 8 (egress)': ['EgressClient', 'BaseOptions', 'EncodedOutputs', 'ListEgressOptions', 'ParticipantEgressOptions', 'RoomCompositeOptions', 'TrackCompositeOptions', 'WebOptions'],
    'issue 9 (sip)': [
      'SipClient', 'SipCallError', 'CreateSipDispatchRuleOptions', 'CreateSipInboundTrunkOptions', 'CreateSipOutboundTrunkOptions',
      'CreateSipParticipantOptions', 'CreateSipTrunkOptions', 'ListSipDispatchRuleOptions', 'ListSipTrunkOptions', 'SipDispatchRuleCallee',
      'SipDispatchRuleDirect', 'SipDispatchRuleIndividual', 'SipDispatchRuleUpdateOptions', 'SipInboundTrunkUpdateOptions',
      'SipOutboundTrunkUpdateOptions', 'TransferSipParticipantOptions',
    ],
    'issue 9 (connector)': ['ConnectorClient', 'AcceptWhatsAppCallOptions', 'ConnectTwilioCallOptions', 'DialWhatsAppCallOptions'],
  }).flatMap(([issue, names]) => names.map((name) => [name, issue])),
);

function runtimeKeys(specifier: string, kind: 'esm' | 'cjs'): string[] {
  const code =
    kind === 'esm'
      ? `import(${JSON.stringify(specifier)}).then((m) => console.log(JSON.stringify(Object.keys(m))))`
      : `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)}))))`;
  const out = execFileSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8' });
  return (JSON.parse(out) as string[]).filter((name) => name !== 'default' && name !== '__esModule');
}

/** Every name a declaration file exports, types included, as the compiler resolves it. */
function declaredExports(file: string): string[] {
  const program = ts.createProgram([file], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (source === undefined) throw new Error(`cannot read ${file}`);
  const symbol = checker.getSymbolAtLocation(source);
  if (symbol === undefined) throw new Error(`${file} has no exports`);
  return checker.getExportsOfModule(symbol).map((s) => s.getName());
}

const peerDeclarations = join(dirname(require.resolve('livekit-server-sdk')), 'index.d.ts');

describe('the export list of livekit-server-sdk 2.19.2', () => {
  let ours: Set<string>;
  beforeAll(() => {
    ours = new Set(declaredExports(join(root, 'dist/esm/index.d.ts')));
  }, 60_000);

  it.each(['esm', 'cjs'] as const)('has every runtime name of the peer in our built root (%s)', (kind) => {
    const values = new Set(runtimeKeys('livekit-server-api', kind));
    const missing = runtimeKeys('livekit-server-sdk', kind).filter((name) => !values.has(name) && PENDING[name] === undefined);
    expect(missing).toEqual([]);
  });

  it('has every type and value name of the peer in our declarations', () => {
    const peer = declaredExports(peerDeclarations);
    expect(peer.length).toBeGreaterThan(90);
    const missing = peer.filter((name) => !ours.has(name) && PENDING[name] === undefined);
    expect(missing).toEqual([]);
  });

  it('lists as pending only names we still lack', () => {
    const landed = Object.keys(PENDING).filter((name) => ours.has(name));
    expect(landed).toEqual([]);
    expect(readFileSync(peerDeclarations, 'utf8')).toContain('SipCallError');
  });
});
