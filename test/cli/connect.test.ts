// `wscengine connect` against real ws servers: what goes out, what comes back, and where
// it is printed.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { killAll, runCli, spawnCli, startServer, type TestServer } from './helpers.js';

describe('wscengine connect', { timeout: 20_000 }, () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    killAll();
    await server.close();
  });

  it('sends stdin lines as text messages and prints the replies on stdout', async () => {
    const cli = spawnCli(['connect', server.url]);
    await cli.stderr.waitFor(`connected to ${server.url}/`);
    cli.send('hello');
    cli.send('héllo ✓ {"a":1}');
    await cli.stdout.waitFor('héllo ✓ {"a":1}');
    assert.deepEqual(cli.stdout.lines, ['hello', 'héllo ✓ {"a":1}']);
    cli.child.kill('SIGTERM');
    assert.equal(await cli.exit(), 0);
  });

  it('--once sends stdin, prints the first reply and exits 0', async () => {
    const { code, cli } = await runCli(['connect', server.url, '--once'], 'ping?\n');
    assert.equal(code, 0);
    assert.deepEqual(cli.stdout.lines, ['ping?']);
  });

  it('prints binary messages as hex, and as base64 with --base64', async () => {
    const bytes = Buffer.from([0, 1, 2, 0xfe, 0xff]);
    const greet = (ws: import('ws').WebSocket) => ws.send(bytes, { binary: true });
    const hex = runCli(['connect', server.url, '--once']);
    greet((await server.nextConnection()).ws);
    const base64 = runCli(['connect', server.url, '--once', '--base64']);
    greet((await server.nextConnection()).ws);
    assert.equal((await hex).code, 0);
    assert.deepEqual((await hex).cli.stdout.lines, ['000102feff']);
    assert.equal((await base64).code, 0);
    assert.deepEqual((await base64).cli.stdout.lines, [bytes.toString('base64')]);
  });

  it('--json prints one JSON object per event and message on stdout', async () => {
    const cli = spawnCli(['connect', server.url, '--json']);
    const { ws } = await server.nextConnection();
    ws.send(Buffer.from([0xca, 0xfe]), { binary: true });
    cli.send('text');
    await cli.stdout.waitFor('"data":"text"');
    cli.child.kill('SIGTERM');
    assert.equal(await cli.exit(), 0);
    const events = cli.stdout.lines.map((line) => JSON.parse(line));
    assert.deepEqual(events, [
      { event: 'open', url: `${server.url}/`, protocol: '', restarting: false },
      { event: 'message', type: 'binary', encoding: 'hex', data: 'cafe' },
      { event: 'message', type: 'text', data: 'text' },
      { event: 'close', code: 1000, reason: '' },
    ]);
    assert.equal(cli.stderr.text, '', 'events go to stdout, not stderr');
  });

  it('sends -H headers with the handshake and offers --subprotocol', async () => {
    const chat = await startServer({ handleProtocols: (offered) => (offered.has('chat') ? 'chat' : false) });
    try {
      const cli = spawnCli([
        'connect',
        chat.url,
        '-H',
        'Authorization: Bearer t0ken',
        '--header',
        'X-Trace: a',
        '-H',
        'x-trace: b',
        '--subprotocol',
        'v2.chat',
        '--subprotocol',
        'chat',
      ]);
      const { request } = await chat.nextConnection();
      assert.equal(request.headers.authorization, 'Bearer t0ken');
      assert.equal(request.headers['x-trace'], 'a, b');
      assert.deepEqual(request.headers['sec-websocket-protocol']?.split(/, */), ['v2.chat', 'chat']);
      await cli.stderr.waitFor(`connected to ${chat.url}/ (subprotocol chat)`);
      cli.child.kill('SIGTERM');
      assert.equal(await cli.exit(), 0);
    } finally {
      await chat.close();
    }
  });

  it('--quiet prints messages but no events', async () => {
    const cli = spawnCli(['connect', server.url, '--quiet']);
    await server.nextConnection();
    cli.send('quiet please');
    await cli.stdout.waitFor('quiet please');
    cli.child.kill('SIGTERM');
    assert.equal(await cli.exit(), 0);
    assert.equal(cli.stderr.text, '');
  });
});
