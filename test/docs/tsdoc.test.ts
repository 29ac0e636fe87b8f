// Every symbol the package exports carries TSDoc with an @example (STYLE.md). Checked
// with the TypeScript compiler on the entry points, so a new export without one fails.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const entries = ['src/index.ts', 'src/token/index.ts', 'src/testing/index.ts'].filter((entry) => existsSync(resolve(root, entry)));

function undocumentedExports(): string[] {
  const configPath = resolve(root, 'tsconfig.build.json');
  const config = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const program = ts.createProgram(entries.map((entry) => resolve(root, entry)), parsed.options);
  const checker = program.getTypeChecker();
  const missing = new Set<string>();
  for (const entry of entries) {
    const source = program.getSourceFile(resolve(root, entry));
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`cannot read exports of ${entry}`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.declarations?.[0];
      // Re-exports of @livekit/protocol are documented there.
      if (!declaration || declaration.getSourceFile().fileName.includes('node_modules')) continue;
      const tags = symbol.getJsDocTags(checker).map((tag) => tag.name);
      const text = ts.displayPartsToString(symbol.getDocumentationComment(checker));
      if (text.trim() === '' || !tags.includes('example')) {
        missing.add(`${exported.name} (${declaration.getSourceFile().fileName.replace(`${root}/`, '')})`);
      }
    }
  }
  return [...missing].sort();
}

describe('TSDoc', () => {
  it('documents every export with a description and an @example', () => {
    expect(undocumentedExports()).toEqual([]);
  });
});
