import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { WebSocketServer } from 'ws';
import { channel, closedPort } from '../adapters/whatwg/helpers.js';
import { bundle } from '../bundle/measure.js';
import { packageSnapshot } from '../bundle/package.js';
import { ENGINE_PAGE, type EnginePageReport } from './engine-page.js';
import type { PageReport } from './page.js';

const CHROMIUM = '/usr/bin/chromium';
const MISSING = 'chromium not installed: apt-get install chromium';
// CI installs chromium, so there a missing binary is a failure, not a skip.
const skip = !existsSync(CHROMIUM) && !process.env.CI ? MISSING : false;
// A host that is not localhost: a page from it over http: is not a secure context, so
// `crypto.randomUUID` is missing there, as on any LAN or staging host served without TLS.
const INSECURE_HOST = 'insecure.test';

/** A `ws` server socket's TCP socket, paused to make a server that stops answering. */
type RawSocket = { _socket: { pause(): void } };

/** The package as a page imports it: `wscengine` and its WHATWG adapter in one ES module. */
async function bundlePackage(): Promise<string> {
  const entry = `export * from 'wscengine';\nexport * from 'wscengine/adapters/whatwg';`;
  return (await bundle(entry, (await packageSnapshot()).root)).text;
}

async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

describe('WhatwgWebSocketAdapter in Chromium', { skip }, () => {
  let pageBundle: string;
  let packageBundle: string;
  let browser: Browser | undefined;
  const serverCloses = channel<{ code: number; reason: string }>();
  let wss: WebSocketServer;
  let http: Server;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${MISSING} (CI is set, so this fails instead of skipping)`);
    wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (offered) => (offered.has('echo') ? 'echo' : false),
    });
    const pages: Record<string, () => [type: string, body: string]> = {
      '/bundle.js': () => ['text/javascript', pageBundle],
      '/wscengine.js': () => ['text/javascript', packageBundle],
      '/engine.html': () => ['text/html', ENGINE_PAGE],
    };
    http = createServer((request, response) => {
      const [type, body] = pages[new URL(request.url ?? '/', 'http://host').pathname]?.() ?? [
        'text/html',
        '<!doctype html><script src="/bundle.js"></script>',
      ];
      response.writeHead(200, { 'content-type': type }).end(body);
    });
    wss.on('connection', (socket) => {
      socket.on('message', (data, isBinary) => {
        if (!isBinary && data.toString() === 'close-4001') socket.close(4001, 'app code');
        // For the engine page (engine-page.ts): a heartbeat's reply, a drop, a hung server.
        else if (!isBinary && data.toString() === 'ping') socket.send('pong');
        else if (!isBinary && data.toString() === 'drop') socket.terminate();
        else if (!isBinary && data.toString() === 'silence') (socket as unknown as RawSocket)._socket.pause();
        else socket.send(data, { binary: isBinary });
      });
      socket.on('close', (code, reason) => serverCloses.push({ code, reason: reason.toString() }));
    });
    http.listen(0, '127.0.0.1');
    [pageBundle, packageBundle] = await Promise.all([
      bundlePage(),
      bundlePackage(),
      new Promise((resolve) => http.once('listening', resolve)),
    ]);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      timeout: 15_000,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`,
      ],
    });
  });

  after(async () => {
    await browser?.close();
    for (const client of wss?.clients ?? []) client.terminate();
    if (wss) await new Promise((resolve) => wss.close(resolve));
    if (http?.listening) await new Promise((resolve) => http.close(resolve));
  });

  it('bundles core and adapter for the browser with no Node imports', () => {
    assert.doesNotMatch(pageBundle, /require\(["']node:/);
    assert.doesNotMatch(pageBundle, /require\(["']ws["']\)|from ["']ws["']/);
    assert.doesNotMatch(pageBundle, /\bBuffer\b/);
  });

  it('dials, echoes, rejects ping with the typed error, passes a 4001 close through, and closes', async () => {
    const page = await browser!.newPage();
    try {
      await page.goto(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`, { timeout: 10_000 });
      const wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
      const refusedUrl = `ws://127.0.0.1:${await closedPort()}/`;
      const report = (await page.evaluate(
        ([ws, refused]) =>
          (globalThis as unknown as { runChecks: (a: string, b: string) => unknown }).runChecks(ws, refused),
        [wsUrl, refusedUrl],
      )) as PageReport;
      assert.equal(report.status, 101);
      assert.equal(report.protocol, 'echo');
      assert.equal(report.text, 'hello browser');
      assert.deepEqual(report.binary, [1, 2, 250]);
      assert.deepEqual(report.ping, {
        name: 'UnsupportedOperationError',
        code: 'ERR_UNSUPPORTED',
        typed: true,
      });
      assert.deepEqual(report.serverClose, {
        name: 'WebSocketCloseError',
        code: 4001,
        reason: 'app code',
        typed: true,
      });
      assert.equal(report.secondCloseTyped, true);
      assert.deepEqual(report.dialError, { name: 'DialError', code: 'ERR_DIAL', typed: true });
      assert.deepEqual(await serverCloses.pull(), { code: 4001, reason: 'app code' });
      assert.deepEqual(await serverCloses.pull(), { code: 1000, reason: 'going away' });
    } finally {
      await page.close();
    }
  });

  it('runs the engine on a page from a non-localhost http: origin (no crypto.randomUUID): echo, close codes, reconnect, heartbeat keepalive, stop', async () => {
    const page = await browser!.newPage();
    try {
      const port = (http.address() as AddressInfo).port;
      const wsPort = (wss.address() as AddressInfo).port;
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(String(error)));
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(message.text());
      });
      await page.goto(`http://${INSECURE_HOST}:${port}/engine.html?ws=${wsPort}`, { timeout: 10_000 });
      await page
        .waitForFunction(() => 'report' in globalThis, undefined, { timeout: 10_000 })
        .catch(() => {
          assert.fail(`the page's module did not run: ${pageErrors.join('; ')}`);
        });
      const report = (await page.evaluate(
        () => (globalThis as unknown as { report: Promise<unknown> }).report,
      )) as EnginePageReport;
      assert.equal(report.error, undefined);
      assert.equal(report.origin, `http://${INSECURE_HOST}:${port}`);
      assert.equal(report.isSecureContext, false);
      assert.equal(report.randomUUID, 'undefined', 'the page must lack crypto.randomUUID');
      assert.match(
        report.sessionId ?? '',
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      assert.equal(report.text, 'hello from an insecure page');
      assert.deepEqual(report.binary, [0, 1, 255]);
      assert.deepEqual(
        report.closes.map(({ after, code, reopened }) => ({ after, code, reopened })),
        [
          { after: 'close-4001', code: 4001, reopened: true },
          { after: 'drop', code: 1006, reopened: true },
          { after: 'silence', code: 1006, reopened: true },
        ],
      );
      assert.equal(report.closes[0].reason, 'app code');
      assert.match(report.closes[2].reason ?? '', /keepalive/);
      assert.equal(report.textAfter, 'after the reconnects');
      assert.equal(report.pingError, 'UnsupportedOperationError', 'error names survive the minified bundle');
      assert.equal(report.exit, 'stop');
    } finally {
      await page.close();
    }
  });
});
