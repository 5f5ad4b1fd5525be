// Every symbol a user can import carries TSDoc: the public API is documented where it is
// declared, and this test keeps it so as the API grows.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..', '..');
const entries = {
  wscengine: 'src/index.ts',
  'wscengine/adapters/ws': 'src/adapters/ws/index.ts',
  'wscengine/adapters/whatwg': 'src/adapters/whatwg/index.ts',
  'wscengine/testing': 'src/testing/index.ts',
};

const program = ts.createProgram(
  Object.values(entries).map((file) => resolve(root, file)),
  {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
  },
);
const checker = program.getTypeChecker();

function undocumented(entry: string): string[] {
  const source = program.getSourceFile(resolve(root, entry));
  assert.ok(source, `${entry} is part of the program`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  assert.ok(moduleSymbol, `${entry} is a module`);
  const missing: string[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const documented =
      symbol.getDocumentationComment(checker).length > 0 ||
      (symbol.declarations ?? []).some((d) => ts.getJSDocCommentsAndTags(d).length > 0);
    if (!documented) missing.push(exported.getName());
  }
  return missing;
}

describe('public API documentation', () => {
  for (const [specifier, entry] of Object.entries(entries)) {
    it(`every export of ${specifier} has TSDoc`, () => {
      assert.deepEqual(undocumented(entry), [], `undocumented exports of ${specifier}`);
    });
  }
});
