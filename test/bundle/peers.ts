// Measures reconnecting WebSocket clients of other projects the way size.test.ts measures
// wscengine (esbuild, minified, platform browser, gzipped), for the "Bundle size" table of
// bench/README.md. Installs them into .tmp/bundle-peers (never into package.json), then
// prints one line per bundle. Run: node --import tsx test/bundle/peers.ts
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundle, bytes } from './measure.js';
import { packageSnapshot, ROOT } from './package.js';

const PEERS = join(ROOT, '.tmp', 'bundle-peers');
const PACKAGES = ['partysocket', 'reconnecting-websocket', 'websocket-ts'];

/** What is bundled for each: the import an application writes. */
const ENTRIES: [string, string][] = [
  ['partysocket (PartySocket)', `export { default } from 'partysocket';`],
  ['partysocket/ws (ReconnectingWebSocket)', `export { default } from 'partysocket/ws';`],
  ['reconnecting-websocket', `export { default } from 'reconnecting-websocket';`],
  ['websocket-ts (whole package)', `export * from 'websocket-ts';`],
];

function version(name: string): string {
  return JSON.parse(readFileSync(join(PEERS, 'node_modules', name, 'package.json'), 'utf8')).version;
}

execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', PEERS, ...PACKAGES], {
  stdio: 'inherit',
});
const { root } = await packageSnapshot();
const rows: [string, string, Promise<Awaited<ReturnType<typeof bundle>>>][] = [
  [
    'wscengine + wscengine/adapters/whatwg',
    'this tree',
    bundle(
      `export { WebSocketEngine } from 'wscengine';\nexport { WhatwgWebSocketAdapter } from 'wscengine/adapters/whatwg';`,
      root,
    ),
  ],
  [
    'wscengine/adapters/whatwg alone',
    'this tree',
    bundle(`export { WhatwgWebSocketAdapter } from 'wscengine/adapters/whatwg';`, root),
  ],
  ...ENTRIES.map(([label, entry]): (typeof rows)[number] => [
    label,
    version(label.split(/[ /]/)[0]),
    bundle(entry, PEERS),
  ]),
];
for (const [label, from, figures] of rows) {
  const { minified, gzipped, forbidden } = await figures;
  const note = forbidden.length > 0 ? ` (left out: ${forbidden.join(', ')})` : '';
  console.log(`${label} [${from}]: ${bytes(minified)} minified, ${bytes(gzipped)} gzipped${note}`);
}
