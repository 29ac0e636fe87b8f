// Every TypeScript snippet in the README and MIGRATING.md compiles under `strict`, against the
// built package as users get it (the package's own name resolves to dist/ through `exports`)
// and, for MIGRATING's "before" code, against livekit-server-sdk's own types.
//
// Each ```ts block becomes one module. Names a snippet uses without defining (apiKey, token…)
// come from the declared preamble below, as if the reader's code around it had them.
// A block preceded by the line `<!-- snippet: runs -->` is also run (transpiled, in a Node
// process whose preamble gives those names real values) and must finish without an error:
// mark those that need no server other than the test server they start themselves.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const documents = ['README.md', 'MIGRATING.md'];
// Inside the package (so that its name resolves to itself) and ignored by git.
const outDir = join(root, '.vitest/snippets');

const PREAMBLE = `// The reader's surroundings that the snippets assume.
declare const apiKey: string;
declare const apiSecret: string;
declare const token: string;
declare const oldSecret: string;
declare const newSecret: string;
declare const receiver: import('livekit-server-api').WebhookReceiver;
declare const handler: import('livekit-server-api/token').TokenHandler;
/** The reader's own authentication. */
declare function sessionUser(request: Request): Promise<{ id: string; name: string; rooms: string[] } | undefined>;
`;

// The same names with values, for the snippets that run: a key pair, a token it signed, a
// receiver for it.
const RUNTIME_PREAMBLE = `import { AccessToken, WebhookReceiver } from 'livekit-server-api';
globalThis.apiKey = 'api-key';
globalThis.apiSecret = 'secret-key';
globalThis.oldSecret = 'old-secret';
globalThis.newSecret = 'secret-key';
const at = new AccessToken(apiKey, apiSecret, { identity: 'alice' });
at.addGrant({ roomJoin: true, room: 'standup' });
globalThis.token = at.toJwt();
globalThis.receiver = new WebhookReceiver(apiKey, apiSecret);
globalThis.sessionUser = async () => undefined;
`;
const RUN_MARKER = '<!-- snippet: runs -->';

interface Snippet {
  readonly document: string;
  readonly line: number;
  readonly code: string;
  readonly file: string;
  readonly runs: boolean;
}

function extractSnippets(document: string): Snippet[] {
  const lines = readFileSync(join(root, document), 'utf8').split('\n');
  const snippets: Snippet[] = [];
  let start = -1;
  for (const [index, line] of lines.entries()) {
    if (start < 0 && /^```(?:ts|typescript)\s*$/.test(line)) start = index;
    else if (start >= 0 && line.startsWith('```')) {
      const code = lines.slice(start + 1, index).join('\n');
      const name = `${document.replace(/\W/g, '_')}_line_${start + 1}.ts`;
      const runs = lines[start - 1]?.trim() === RUN_MARKER;
      snippets.push({ document, line: start + 1, code, file: join(outDir, name), runs });
      start = -1;
    }
  }
  return snippets;
}

const snippets = documents.filter((document) => existsSync(join(root, document))).flatMap(extractSnippets);
const diagnostics = new Map<string, string[]>();

beforeAll(() => {
  if (!existsSync(join(root, 'dist/esm/index.d.ts'))) {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'preamble.d.ts'), PREAMBLE);
  writeFileSync(join(outDir, 'preamble.mjs'), RUNTIME_PREAMBLE);
  // Every snippet is a module of its own (top-level await, no names shared between snippets).
  for (const snippet of snippets) writeFileSync(snippet.file, `${snippet.code}\nexport {};\n`);
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    skipLibCheck: true,
  };
  const program = ts.createProgram([join(outDir, 'preamble.d.ts'), ...snippets.map((s) => s.file)], options);
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file?.fileName ?? '(global)';
    const where = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start) : undefined;
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const entry = diagnostics.get(file) ?? [];
    entry.push(where ? `snippet line ${where.line + 1}: ${text}` : text);
    diagnostics.set(file, entry);
  }
}, 120_000);

describe('documentation snippets', () => {
  it('finds the TypeScript snippets of every document', () => {
    expect(snippets.filter((s) => s.document === 'README.md').length).toBeGreaterThan(5);
    expect(snippets.some((s) => s.document === 'MIGRATING.md')).toBe(true);
  });

  it('declares the preamble without errors of its own', () => {
    expect(diagnostics.get(join(outDir, 'preamble.d.ts')) ?? []).toEqual([]);
    expect(diagnostics.get('(global)') ?? []).toEqual([]);
  });

  it.each(snippets.map((s) => [`${s.document}:${s.line}`, s] as const))('%s compiles under strict', (_, snippet) => {
    expect(diagnostics.get(snippet.file) ?? []).toEqual([]);
  });

  it('runs some snippets of the README, not only compiles them', () => {
    expect(snippets.filter((s) => s.runs && s.document === 'README.md').length).toBeGreaterThan(2);
  });

  it.each(snippets.filter((s) => s.runs).map((s) => [`${s.document}:${s.line}`, s] as const))(
    '%s runs to completion',
    async (_, snippet) => {
      const { outputText } = ts.transpileModule(snippet.code, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      });
      const script = snippet.file.replace(/\.ts$/, '.mjs');
      writeFileSync(script, outputText);
      // Rejects (with the snippet's stderr) on a non-zero exit or after 20 s.
      await promisify(execFile)(process.execPath, ['--import', join(outDir, 'preamble.mjs'), script], { cwd: outDir, timeout: 20_000 });
    },
    30_000,
  );
});
