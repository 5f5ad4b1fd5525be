// The manual's code compiles: every ```ts block of README.md and docs/*.md is written as a
// module that imports the built package (`wscengine`, `wscengine/adapters/ws`, ...: the
// package's own name, resolved through its "exports" to dist/) and type-checked strictly,
// as a user's project would. Blocks marked ```ts runnable are also run.
//
// A block may leave out what a reader fills in without thinking:
// - imports of the package's own exports, of `describe`/`it` (node:test) and of `assert`
//   (node:assert/strict): added for the names the block uses and does not declare;
// - helpers of the reader's own application (`getToken()`, `handle()`, `MyAdapter`...):
//   declared once in scripts/doc-blocks/prelude.d.ts.
// A block that is only a fragment is skipped when the line before it (blank lines aside) is
// `<!-- not-checked: reason -->`.
//
// Run: node --import tsx scripts/doc-blocks.ts [--run]   (needs `npm run build` first)
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';

export const root = resolve(import.meta.dirname, '..');

// The reader's own application, as the manual's blocks assume it: declared, never defined.
// A name belongs here only if a block uses it as the reader's code (not the package's).
const PRELUDE = `import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Message, WebSocketClient, WebSocketConnectionAdapter, WebSocketEngine } from 'wscengine';
import type {
  AdapterHints,
  ClauseContext,
  ConformancePeer,
  InMemoryPeerConnection,
  WebSocketConnectionAdapterMock,
} from 'wscengine/testing';
declare global {
  /** An access token for the next connect. */
  function getToken(): Promise<string>;
  function fetchToken(): Promise<string>;
  const token: string;
  /** The application's message handler. */
  function handle(message: unknown): Promise<void>;
  /** The server's URL. */
  const url: string;
  const engine: WebSocketEngine;
  /** An open adapter (a callback's \`conn\`). */
  const conn: WebSocketConnectionAdapter;
  const mock: WebSocketConnectionAdapterMock;
  /** The reader's own code under test, in docs/testing.md. */
  function subscribe(adapter: WebSocketConnectionAdapter, topic: string): Promise<unknown>;
  /** The reader's own adapter and its factories, in docs/conformance.md. */
  function createAdapter(peer: ConformancePeer, hints: AdapterHints): WebSocketConnectionAdapter;
  function createPeer(): Promise<ConformancePeer>;
  /** What the reader expects of an adapter that fails the connection on overflow. */
  function overflowFailsTheConnection(ctx: ClauseContext): Promise<void>;
  const peer: InMemoryPeerConnection;
  const message: Message;
  /** What an engine is built with, where a block is about another option. */
  const adapter: WebSocketConnectionAdapter;
  const client: WebSocketClient;
  /** The reader's OpenTelemetry SDK. */
  const tracerProvider: TracerProvider;
  const meterProvider: MeterProvider;
  const exporter: SpanExporter;
  const metricExporter: PushMetricExporter;
}
export {};
`;

const MY_ADAPTER = `import type { WebSocketConnectionAdapter } from 'wscengine';
export declare class MyAdapter implements WebSocketConnectionAdapter {
  constructor(options?: { closeTimeoutMs?: number; inboundQueue?: { maxMessages?: number; maxBytes?: number } });
  dial: WebSocketConnectionAdapter['dial'];
  close: WebSocketConnectionAdapter['close'];
  ping: WebSocketConnectionAdapter['ping'];
  read: WebSocketConnectionAdapter['read'];
  write: WebSocketConnectionAdapter['write'];
  getUnderlyingConnection(): unknown;
}
`;

/** One fenced TypeScript block of the manual. */
export interface DocBlock {
  /** The Markdown file, relative to the repository root. */
  readonly doc: string;
  /** 1-based line of the block's first code line in `doc`. */
  readonly line: number;
  readonly code: string;
  readonly runnable: boolean;
  /** The reason given in a `<!-- not-checked: reason -->` line before the block. */
  readonly notChecked?: string;
}

/** A problem found in a block, located in the Markdown file. */
export interface BlockProblem {
  readonly doc: string;
  readonly line: number;
  readonly message: string;
}

/** The Markdown files whose blocks are checked: README.md and docs/*.md. */
export function manualFiles(): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

const FENCE_OPEN = /^(\s*)```(ts|typescript)((?:\s+[\w-]+)*)\s*$/;
const NOT_CHECKED = /^\s*<!--\s*not-checked:\s*(.+?)\s*-->\s*$/;

/** Every ```ts block of `doc` (a path relative to the repository root). */
export function extractBlocks(doc: string, text = readFileSync(join(root, doc), 'utf8')): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i]);
    if (!open) {
      if (/^\s*```/.test(lines[i])) i = closingFence(lines, i); // skip other languages' blocks
      continue;
    }
    const indent = open[1].length;
    const end = closingFence(lines, i);
    const code = lines
      .slice(i + 1, end)
      .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
      .join('\n');
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const notChecked = before >= 0 ? NOT_CHECKED.exec(lines[before])?.[1] : undefined;
    const runnable = open[3].split(/\s+/).includes('runnable');
    blocks.push({ doc, line: i + 2, code, runnable, ...(notChecked ? { notChecked } : {}) });
    i = end;
  }
  return blocks;
}

function closingFence(lines: string[], open: number): number {
  for (let j = open + 1; j < lines.length; j++) if (/^\s*```\s*$/.test(lines[j])) return j;
  throw new Error(`unclosed code fence at line ${open + 1}`);
}

/** The subpaths a user imports, from package.json "exports", in the order names are looked up. */
export function packageSubpaths(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return Object.keys(pkg.exports)
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noImplicitOverride: true,
  noFallthroughCasesInSwitch: true,
  skipLibCheck: false,
  types: ['node'],
  typeRoots: [join(root, 'node_modules', '@types')],
  noEmit: true,
};

/** Where a block goes in the work folder, and the lines added above its code. */
interface BlockFile {
  readonly block: DocBlock;
  readonly path: string;
  header: string[];
}

/** The work folder: inside the repository, so that `wscengine` resolves to this package. */
function workFolder(): string {
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(root, '.tmp', 'doc-blocks-'));
  writeFileSync(join(dir, 'prelude.d.ts'), PRELUDE);
  writeFileSync(join(dir, 'my-adapter.d.ts'), MY_ADAPTER);
  // A stand-in for `vitest`, for the blocks that show the conformance suite under it.
  const vitest = join(dir, 'node_modules', 'vitest');
  mkdirSync(vitest, { recursive: true });
  writeFileSync(join(vitest, 'package.json'), '{ "name": "vitest", "type": "module", "main": "index.js" }\n');
  writeFileSync(join(vitest, 'index.js'), "export { describe, it } from 'node:test';\n");
  writeFileSync(join(vitest, 'index.d.ts'), "export { describe, it } from 'node:test';\n");
  return dir;
}

function slug(block: DocBlock): string {
  return `${block.doc.replace(/\.md$/, '').replace(/[^\w]+/g, '-')}-L${block.line}`;
}

function writeBlock(file: BlockFile): void {
  // `export {}` makes every block a module of its own, even one with no import.
  writeFileSync(
    file.path,
    `${file.header.map((line) => `${line}\n`).join('')}${file.block.code}\nexport {};\n`,
  );
}

// Cannot find name (plain, "did you mean", "install a test runner's types"), shorthand property.
const NOT_FOUND = new Set([2304, 2552, 2582, 2593, 18004]);

/** For each export name of the package's subpaths (and the test helpers), where it comes from. */
function importSources(program: ts.Program, dir: string): Map<string, string> {
  const checker = program.getTypeChecker();
  const probe = program.getSourceFile(join(dir, 'exports.ts'))!;
  const sources = new Map<string, string>([
    ['describe', "import { describe } from 'node:test';"],
    ['it', "import { it } from 'node:test';"],
    ['before', "import { before } from 'node:test';"],
    ['after', "import { after } from 'node:test';"],
    ['assert', "import assert from 'node:assert/strict';"],
  ]);
  for (const statement of probe.statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    const specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
    const symbol = checker.getSymbolAtLocation(statement.moduleSpecifier);
    if (!symbol) throw new Error(`${specifier} does not resolve: run \`npm run build\` first`);
    for (const exported of checker.getExportsOfModule(symbol)) {
      if (!sources.has(exported.name))
        sources.set(exported.name, `import { ${exported.name} } from '${specifier}';`);
    }
  }
  return sources;
}

function compile(dir: string, files: BlockFile[]): ts.Program {
  const roots = [join(dir, 'prelude.d.ts'), join(dir, 'exports.ts'), ...files.map((f) => f.path)];
  return ts.createProgram(roots, COMPILER_OPTIONS);
}

function describeDiagnostic(diagnostic: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n    ');
}

/**
 * Type-checks every block that is not marked not-checked; returns the problems, located in
 * the Markdown, and the work folder (removed unless `keep`).
 */
export function checkBlocks(
  blocks: DocBlock[],
  { keep = false } = {},
): { problems: BlockProblem[]; dir: string } {
  const dir = workFolder();
  writeFileSync(
    join(dir, 'exports.ts'),
    `${packageSubpaths()
      .map((s, i) => `import * as m${i} from '${s}';\nvoid m${i};`)
      .join('\n')}\nexport {};\n`,
  );
  const files: BlockFile[] = blocks
    .filter((block) => block.notChecked === undefined)
    .map((block) => ({ block, path: join(dir, `${slug(block)}.ts`), header: [] }));
  for (const file of files) writeBlock(file);

  // First pass: which names does each block use without declaring them?
  let program = compile(dir, files);
  const sources = importSources(program, dir);
  let rewritten = false;
  for (const file of files) {
    const source = program.getSourceFile(file.path)!;
    const missing = new Set<string>();
    for (const d of program.getSemanticDiagnostics(source)) {
      if (NOT_FOUND.has(d.code) && d.start !== undefined) {
        const name = source.text.slice(d.start, d.start + d.length!);
        if (sources.has(name)) missing.add(name);
      }
    }
    if (missing.size === 0) continue;
    file.header = [...missing].sort().map((name) => sources.get(name)!);
    writeBlock(file);
    rewritten = true;
  }
  if (rewritten) program = compile(dir, files);

  const problems: BlockProblem[] = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = files.find((f) => f.path === d.file?.fileName);
    if (!file || d.start === undefined) {
      problems.push({
        doc: relative(root, d.file?.fileName ?? dir),
        line: 0,
        message: describeDiagnostic(d),
      });
      continue;
    }
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start);
    const inBlock = line - file.header.length;
    problems.push({
      doc: file.block.doc,
      line: file.block.line + inBlock,
      message: `TS${d.code}: ${describeDiagnostic(d)}`,
    });
  }
  if (!keep) rmSync(dir, { recursive: true, force: true });
  problems.sort((a, b) => a.doc.localeCompare(b.doc) || a.line - b.line);
  return { problems, dir };
}

/**
 * Runs each block marked runnable, as written to the work folder by {@link checkBlocks}
 * (with its added imports), with Node and tsx; resolves with one problem per block that
 * did not exit 0 within `timeoutMs`.
 */
export async function runBlocks(
  dir: string,
  blocks: DocBlock[],
  timeoutMs = 30_000,
): Promise<BlockProblem[]> {
  const run = promisify(execFile);
  const problems: BlockProblem[] = [];
  for (const block of blocks.filter((b) => b.runnable && b.notChecked === undefined)) {
    const file = join(dir, `${slug(block)}.ts`);
    try {
      await run(process.execPath, ['--import', 'tsx', file], { cwd: dir, timeout: timeoutMs });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      problems.push({
        doc: block.doc,
        line: block.line,
        message: `runnable block failed (${basename(file)}): ${(error as Error).message}\n${stdout}${stderr}`,
      });
    }
  }
  return problems;
}

/** All blocks of the manual. */
export function manualBlocks(): DocBlock[] {
  return manualFiles().flatMap((doc) => extractBlocks(doc));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!existsSync(join(root, 'dist', 'esm', 'index.d.ts'))) {
    console.error('doc-blocks: dist/ is missing; run `npm run build` first');
    process.exit(1);
  }
  const blocks = manualBlocks();
  const { problems, dir } = checkBlocks(blocks, { keep: true });
  if (process.argv.includes('--run')) problems.push(...(await runBlocks(dir, blocks)));
  rmSync(dir, { recursive: true, force: true });
  for (const p of problems) console.error(`${p.doc}:${p.line}: ${p.message}`);
  const skipped = blocks.filter((b) => b.notChecked !== undefined);
  for (const b of skipped) console.log(`${b.doc}:${b.line}: not checked: ${b.notChecked}`);
  console.log(
    `doc-blocks: ${blocks.length - skipped.length} blocks type-checked, ${skipped.length} not checked, ${problems.length} problems`,
  );
  process.exit(problems.length ? 1 : 0);
}
