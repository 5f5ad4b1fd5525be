// What each part of the engine costs a browser bundle: `WebSocketEngine` + the WHATWG
// adapter bundled as size.test.ts bundles them, once whole and once per part with that
// part's modules replaced by empty exports, so the difference is what the part adds
// (gzipped). Then what the bundle would weigh without the opt-in features alone, and with
// every property name mangled. For deciding what a smaller design would leave out;
// bench/README.md, "Bundle size", has the figures. Run: node --import tsx test/bundle/parts.ts
import { readFileSync } from 'node:fs';
import type { Plugin } from 'esbuild';
import { bundle, bytes } from './measure.js';
import { packageSnapshot } from './package.js';

const ENTRY = `export { WebSocketEngine } from 'wscengine';
export { WhatwgWebSocketAdapter } from 'wscengine/adapters/whatwg';`;

/** Each part: the dist/esm modules it is made of. */
const PARTS: Record<string, RegExp[]> = {
  'option validation': [
    /engine\/(resolve-options|option-checks)\.js$/,
    /core\/option-(rules|keys)\.js$/,
    /adapters\/whatwg\/options\.js$/,
  ],
  'outbox, requests, messages()': [/engine\/send\//],
  'keepalive, heartbeat, network events': [
    /engine\/session\/(keepalive|keepalive-sweep|network-events)\.js$/,
  ],
  'URL redaction': [/core\/redact\.js$/],
  'telemetry seam': [/engine\/(telemetry|callbacks)\.js$/],
};

/** Replaces the modules `paths` match with `export const name = void 0` for each export. */
function emptied(paths: RegExp[]): Plugin {
  return {
    name: 'empty-part',
    setup(on) {
      on.onLoad({ filter: /\.js$/ }, ({ path }) => {
        if (!paths.some((p) => p.test(path))) return undefined;
        const source = readFileSync(path, 'utf8');
        const names = new Set<string>();
        for (const [, name] of source.matchAll(/export (?:async )?(?:class|function\*?|const|let) (\w+)/g)) {
          names.add(name);
        }
        for (const [, list] of source.matchAll(/export \{([^}]*)\}/g)) {
          for (const item of list.split(','))
            names.add(
              item
                .trim()
                .split(/\s+as\s+/)
                .pop() ?? '',
            );
        }
        names.delete('');
        return { contents: [...names].map((n) => `export const ${n} = void 0;`).join('\n'), loader: 'js' };
      });
    },
  };
}

/** The parts a user opts into with an option; the rest every engine needs. */
const OPT_IN = ['outbox, requests, messages()', 'keepalive, heartbeat, network events', 'telemetry seam'];

// Every property name renamed but those of the platform the bundle calls by name. The
// bundle no longer runs: this bounds what renaming could save, nothing more.
const MANGLED = {
  mangleProps: /./,
  reserveProps:
    /^(length|push|then|resolve|reject|signal|reason|aborted|addEventListener|removeEventListener|prototype|constructor)$/,
};

const { root } = await packageSnapshot();
const whole = (await bundle(ENTRY, root)).gzipped;
console.log(`engine + WHATWG adapter: ${bytes(whole)} gzipped`);
const all: RegExp[] = [];
for (const [part, paths] of Object.entries(PARTS)) {
  all.push(...paths);
  const without = (await bundle(ENTRY, root, [emptied(paths)])).gzipped;
  console.log(`  ${part}: ${bytes(whole - without)}`);
}
const optIn = OPT_IN.flatMap((part) => PARTS[part]);
const weigh = async (paths: RegExp[], extra = {}) =>
  bytes((await bundle(ENTRY, root, [emptied(paths)], extra)).gzipped);
console.log(`without the opt-in features (${OPT_IN.join('; ')}): ${await weigh(optIn)}`);
console.log(`without all of them: ${await weigh(all)}`);
console.log(`with every property name mangled: ${await weigh([], MANGLED)}`);
console.log(`without all of them, every property name mangled: ${await weigh(all, MANGLED)}`);
