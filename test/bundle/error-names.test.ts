// A minifier renames classes (`HandshakeError` becomes `be`), so an error's `name` must not
// come from its class: `err.name === 'HandshakeError'` has to hold in a minified browser
// bundle too. Every subpath of the package is bundled and minified with esbuild, loaded,
// and every exported error class is constructed. Issue "Browser-grade", item 2.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { bundle } from './measure.js';
import { packageSnapshot } from './package.js';

/** Constructor arguments per error class; a class missing here is constructed without any. */
const ARGUMENTS: Record<string, unknown[]> = {
  WscEngineError: ['ERR_DIAL', 'message'],
  WebSocketCloseError: [4001, 'reason'],
  HandshakeError: [401],
  DialError: ['message'],
  InvalidArgumentError: ['ERR_INVALID_ARGUMENT', 'message'],
  UnsupportedOperationError: ['message'],
  InvalidOptionsError: [['an issue']],
  EngineStartError: ['message'],
  EngineStopError: ['message'],
  EngineStateError: ['message'],
  CallbackError: ['onMessage', new Error('cause')],
  SendError: ['ERR_OUTBOX_FULL', 'message', 'data'],
  RequestError: ['ERR_REQUEST_TIMEOUT', 'message', 'id'],
  ConformanceAssertionError: ['message'],
};

type Namespace = Record<string, unknown>;
type ErrorClass = new (...args: unknown[]) => Error;

function errorClasses(namespace: Namespace): [string, ErrorClass][] {
  return Object.entries(namespace).filter(
    (entry): entry is [string, ErrorClass] =>
      typeof entry[1] === 'function' && (entry[1] as ErrorClass).prototype instanceof Error,
  );
}

describe('error names in a minified bundle', () => {
  const subpaths: string[] = [];
  let loaded: Record<string, Namespace>;

  before(async () => {
    const { root, dir } = await packageSnapshot();
    const { exports } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    subpaths.push(...Object.keys(exports).filter((key) => key !== './package.json'));
    const specifier = (key: string) => `wscengine${key.slice(1)}`;
    const entry = subpaths.map((key, i) => `export * as s${i} from '${specifier(key)}';`).join('\n');
    // Node built-ins, ws and OpenTelemetry stay imports, resolved when Node loads the file.
    const { text } = await bundle(entry, root);
    const file = join(root, 'error-names.min.mjs');
    await writeFile(file, text);
    const module = (await import(pathToFileURL(file).href)) as Record<string, Namespace>;
    loaded = Object.fromEntries(subpaths.map((key, i) => [key, module[`s${i}`]]));
  });

  it('the minifier did rename the classes (otherwise this test proves nothing)', () => {
    const renamed = errorClasses(loaded['.']).filter(([exported, Class]) => Class.name !== exported);
    assert.ok(renamed.length > 0, 'no error class was renamed by the minifier');
  });

  it('every exported error class keeps its name as `name`', () => {
    const found = new Set<string>();
    for (const key of subpaths) {
      for (const [exported, Class] of errorClasses(loaded[key])) {
        const error = Reflect.construct(Class, ARGUMENTS[exported] ?? []) as Error;
        assert.equal(error.name, exported, `wscengine${key.slice(1)}: ${exported}`);
        assert.match(String(error), new RegExp(`^${exported}: `));
        found.add(exported);
      }
    }
    const missing = Object.keys(ARGUMENTS).filter((name) => !found.has(name));
    assert.deepEqual(missing, [], 'error classes listed here but exported by no subpath');
  });
});
