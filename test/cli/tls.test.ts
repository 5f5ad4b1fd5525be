// --insecure: certificate checks are skipped only when asked for, by name.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { after, afterEach, before, describe, it } from 'node:test';
import { WebSocketServer } from 'ws';
import { killAll, runCli } from './helpers.js';

// A self-signed certificate for 127.0.0.1, valid until 2125; for these tests only.
const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url));

describe('wscengine connect over TLS', { timeout: 20_000 }, () => {
  let https: Server;
  let url = '';
  before(async () => {
    https = createServer({ cert: fixture('self-signed-cert.pem'), key: fixture('self-signed-key.pem') });
    const wss = new WebSocketServer({ server: https });
    wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
    https.listen(0, '127.0.0.1');
    await once(https, 'listening');
    url = `wss://127.0.0.1:${(https.address() as { port: number }).port}/`;
  });
  after(() => {
    https.closeAllConnections();
    https.close();
  });
  afterEach(killAll);

  it('refuses a self-signed certificate by default: exit 1, one line', async () => {
    const { code, cli } = await runCli(['connect', url, '--once'], 'x\n');
    assert.equal(code, 1);
    assert.equal(cli.stderr.lines.length, 1, cli.stderr.text);
    assert.match(cli.stderr.lines[0], /^wscengine: cannot connect to wss:.*self[- ]signed certificate/);
  });

  it('--insecure skips the certificate check', async () => {
    const { code, cli } = await runCli(['connect', url, '--once', '--insecure'], 'over tls\n');
    assert.equal(code, 0, cli.stderr.text);
    assert.deepEqual(cli.stdout.lines, ['over tls']);
  });
});
