// Bundles an entry the way an application's bundler would for a browser (esbuild, minified,
// platform browser, ES modules) and measures it. Shared by the size budget test and by
// peers.ts, which measures other reconnecting clients the same way.
import { isBuiltin } from 'node:module';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';

/** What one bundle weighs and what it pulled in. */
export interface BundleFigures {
  /** Minified bytes. */
  minified: number;
  /** Gzipped bytes (zlib's default level, as `gzip` and most servers use). */
  gzipped: number;
  /** The bundle's code. */
  text: string;
  metafile: Metafile;
  /** Imports of a Node built-in, `ws` or OpenTelemetry, left out of the bundle. */
  forbidden: string[];
}

const FORBIDDEN = /^(ws|@opentelemetry\/.*)(\/.*)?$/;

/** Records imports no browser bundle of this package may have, and leaves them out. */
function flagForbidden(found: string[]): Plugin {
  return {
    name: 'flag-forbidden',
    setup(on) {
      on.onResolve({ filter: /^[^./]/ }, ({ path, importer }) => {
        if (!isBuiltin(path) && !FORBIDDEN.test(path)) return undefined;
        found.push(`${path} (from ${importer})`);
        return { path, external: true };
      });
    },
  };
}

/**
 * Bundles `contents` (an ES module, resolved from `resolveDir`) minified for the browser;
 * `plugins` run before the check for forbidden imports; `extra` adds esbuild options (to
 * measure what a setting would change, e.g. `mangleProps`).
 */
export async function bundle(
  contents: string,
  resolveDir: string,
  plugins: Plugin[] = [],
  extra: Pick<BuildOptions, 'mangleProps' | 'reserveProps'> = {},
): Promise<BundleFigures> {
  const forbidden: string[] = [];
  const result = await build({
    stdin: { contents, resolveDir, loader: 'js', sourcefile: 'entry.js' },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [...plugins, flagForbidden(forbidden)],
    ...extra,
  });
  const text = result.outputFiles[0].text;
  return {
    minified: Buffer.byteLength(text),
    gzipped: gzipSync(text).length,
    text,
    metafile: result.metafile,
    forbidden,
  };
}

/** The inputs that weigh most in the output, biggest first: `path: bytes`. */
export function biggestInputs(metafile: Metafile, count = 12): string[] {
  const output = Object.values(metafile.outputs)[0];
  return Object.entries(output.inputs)
    .sort(([, a], [, b]) => b.bytesInOutput - a.bytesInOutput)
    .slice(0, count)
    .map(([path, { bytesInOutput }]) => `${path.replace(/^.*node_modules\//, '')}: ${bytesInOutput} B`);
}

/** `12,345 B` */
export function bytes(n: number): string {
  return `${n.toLocaleString('en-US')} B`;
}
