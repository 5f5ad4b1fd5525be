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
import type { PageReport } from './page.js';

const CHROMIUM = '/usr/bin/chromium';
const MISSING = 'chromium not installed: apt-get install chromium';
// CI installs chromium, so there a missing binary is a failure, not a skip.
const skip = !existsSync(CHROMIUM) && !process.env.CI ? MISSING : false;

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
  let bundle: string;
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
    http = createServer((request, response) => {
      const script = request.url === '/bundle.js';
      response
        .writeHead(200, { 'content-type': script ? 'text/javascript' : 'text/html' })
        .end(script ? bundle : '<!doctype html><script src="/bundle.js"></script>');
    });
    wss.on('connection', (socket) => {
      socket.on('message', (data, isBinary) => {
        if (!isBinary && data.toString() === 'close-4001') socket.close(4001, 'app code');
        else socket.send(data, { binary: isBinary });
      });
      socket.on('close', (code, reason) => serverCloses.push({ code, reason: reason.toString() }));
    });
    http.listen(0, '127.0.0.1');
    [bundle] = await Promise.all([bundlePage(), new Promise((resolve) => http.once('listening', resolve))]);
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
    assert.doesNotMatch(bundle, /require\(["']node:/);
    assert.doesNotMatch(bundle, /require\(["']ws["']\)|from ["']ws["']/);
    assert.doesNotMatch(bundle, /\bBuffer\b/);
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
});
