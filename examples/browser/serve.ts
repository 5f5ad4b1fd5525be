// Serves examples/browser: bundles app.ts for the browser with esbuild, serves the page on
// 127.0.0.1, and answers its WebSocket on /ws (echo, heartbeat replies, one server-side
// close to show the reconnect). Run: node --import tsx examples/browser/serve.ts
// and open the printed address.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { WebSocketServer } from 'ws';

/** app.ts and what it imports, bundled as the browser loads it. */
export async function bundleApp(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./app.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

export interface BrowserExample {
  /** The page's address. */
  url: string;
  close(): Promise<void>;
}

/** Starts the page's HTTP and WebSocket server on 127.0.0.1, on a free port. */
export async function serveExample(): Promise<BrowserExample> {
  const [html, app] = await Promise.all([
    readFile(new URL('./index.html', import.meta.url), 'utf8'),
    bundleApp(),
  ]);
  const http = createServer((request, response) => {
    const script = request.url === '/app.js';
    response
      .writeHead(script || request.url === '/' ? 200 : 404, {
        'content-type': script ? 'text/javascript' : 'text/html; charset=utf-8',
      })
      .end(script ? app : html);
  });
  const wss = new WebSocketServer({ server: http, path: '/ws' });
  let connections = 0;
  wss.on('connection', (socket) => {
    const first = ++connections === 1;
    socket.on('message', (data) => {
      const text = String(data);
      if (text === 'ping') return socket.send('pong');
      socket.send(`echo: ${text}`);
      // The first connection is closed once it has been answered, so the page shows a reconnect.
      if (first) setTimeout(() => socket.close(4000, 'maintenance'), 50);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const example = await serveExample();
  console.log(`open ${example.url} (Ctrl-C to stop)`);
  process.once('SIGINT', () => void example.close());
}
