// How `wscengine connect` lives and ends: signals, reconnects, giving up, unreachable servers.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { WebSocketServer } from 'ws';
import { freePort, killAll, runCli, spawnCli, startServer, type TestServer } from './helpers.js';

const STACK_FRAME = /^\s+at /m;

describe('wscengine connect: lifecycle', { timeout: 20_000 }, () => {
  const servers: TestServer[] = [];
  const serve = async (options: Parameters<typeof startServer>[0] = {}) => {
    const server = await startServer(options);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    killAll();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} closes the connection with 1000 and exits 0`, async () => {
      const server = await serve();
      const cli = spawnCli(['connect', server.url]);
      const { closed } = await server.nextConnection();
      await cli.stderr.waitFor('connected to');
      cli.child.kill(signal);
      assert.deepEqual(await closed, { code: 1000, reason: '' });
      assert.equal(await cli.exit(), 0);
      assert.match(cli.stderr.text, /^closed: 1000$/m);
    });
  }

  it('a signal while the handshake hangs ends the attempt and exits 0', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket)).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const { port } = silent.address() as { port: number };
      const cli = spawnCli(['connect', `ws://127.0.0.1:${port}/`]);
      await once(silent, 'connection');
      cli.child.kill('SIGTERM');
      assert.equal(await cli.exit(), 0);
      assert.equal(cli.stderr.text, '');
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('reconnects after the server restarts on the same port, then sends the lines typed meanwhile', async () => {
    const first = await serve();
    const cli = spawnCli(['connect', first.url, '--retry-delay', '50', '--max-retry-delay', '100']);
    await first.nextConnection();
    await cli.stderr.waitFor('connected to');
    await first.close();
    await cli.stderr.waitFor(/^closed: 1006/);
    await cli.stderr.waitFor(/^reconnecting: attempt 1$/);
    await cli.stderr.waitFor(/^failed \(\d+ in a row\): .*ECONNREFUSED.*; next attempt within 100 ms$/);
    cli.send('typed while offline');
    const second = await serve({ port: first.port });
    await second.nextConnection();
    await cli.stderr.waitFor(`reconnected to ${first.url}/`);
    await cli.stdout.waitFor('typed while offline');
    cli.send('and after');
    await cli.stdout.waitFor('and after');
    assert.deepEqual(cli.stdout.lines, ['typed while offline', 'and after']);
    cli.child.kill('SIGTERM');
    assert.equal(await cli.exit(), 0);
  });

  it('--max-retries gives up: exit 1 with the reason as the last stderr line', async () => {
    const server = await serve();
    const cli = spawnCli(['connect', server.url, '--max-retries', '2', '--retry-delay', '20']);
    await cli.stderr.waitFor('connected to');
    await server.close();
    assert.equal(await cli.exit(), 1);
    const last = cli.stderr.lines.at(-1) ?? '';
    assert.match(last, /^wscengine: gave up after 2 failed attempts: .*ECONNREFUSED/);
    assert.doesNotMatch(cli.stderr.text, STACK_FRAME);
  });

  it('lines waiting when the engine gives up are reported with their payload, before the exit line', async () => {
    // The first handshake is answered; later ones hang until --connect-timeout fails them. The
    // session is short (under a second), so its close counts as the first of the two failures.
    const wss = new WebSocketServer({ noServer: true });
    const hung: Socket[] = [];
    const http = createHttpServer();
    http.on('upgrade', (request, socket, head) => {
      if (wss.clients.size > 0 || hung.length > 0 || accepted) hung.push(socket as Socket);
      else wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws));
      accepted = true;
    });
    let accepted = false;
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    try {
      const { port } = http.address() as { port: number };
      const cli = spawnCli([
        'connect',
        `ws://127.0.0.1:${port}/`,
        '--max-retries',
        '2',
        '--connect-timeout',
        '1000',
      ]);
      await cli.stderr.waitFor('connected to');
      for (const ws of wss.clients) ws.terminate();
      await cli.stderr.waitFor(/^closed: 1006/);
      cli.send('typed while offline');
      cli.send('{"op":2}');
      assert.equal(await cli.exit(), 1);
      assert.deepEqual(cli.stderr.lines.slice(-3), [
        'not sent (no connection before the end): typed while offline',
        'not sent (no connection before the end): {"op":2}',
        cli.stderr.lines.at(-1),
      ]);
      assert.match(cli.stderr.lines.at(-1) ?? '', /^wscengine: gave up after 2 failed attempts: /);
    } finally {
      for (const socket of hung) socket.destroy();
      wss.close();
      http.close();
    }
  });

  it('--no-reconnect exits 0 when the server closes, with the code and reason on stderr', async () => {
    const server = await serve();
    const cli = spawnCli(['connect', server.url, '--no-reconnect']);
    const { ws } = await server.nextConnection();
    await cli.stderr.waitFor('connected to');
    ws.close(4000, 'bye now');
    assert.equal(await cli.exit(), 0);
    assert.deepEqual(cli.stderr.lines, [`connected to ${server.url}/`, 'closed: 4000 bye now']);
  });

  it('--keepalive drops a server that stops answering pings (1006) and reconnects', async () => {
    const server = await serve({ autoPong: false });
    const cli = spawnCli(['connect', server.url, '--keepalive', '100', '--retry-delay', '20']);
    await cli.stderr.waitFor(/^closed: 1006/);
    await cli.stderr.waitFor('reconnected to');
  });

  it('an unreachable server exits 1 with exactly one line on stderr and no stack trace', async () => {
    const port = await freePort();
    const { code, cli } = await runCli(['connect', `ws://127.0.0.1:${port}/`], 'never sent\n');
    assert.equal(code, 1);
    assert.equal(cli.stderr.lines.length, 1, cli.stderr.text);
    assert.match(
      cli.stderr.lines[0],
      /^wscengine: cannot connect to ws:\/\/127\.0\.0\.1:\d+\/: .*ECONNREFUSED/,
    );
    assert.doesNotMatch(cli.stderr.text, STACK_FRAME);
    assert.equal(cli.stdout.text, '');
  });

  it('--once exits 1 when the server closes before replying', async () => {
    const server = await serve({ echo: false });
    const cli = spawnCli(['connect', server.url, '--once']);
    const { ws } = await server.nextConnection();
    await cli.stderr.waitFor('connected to');
    ws.close(1011, 'oops');
    assert.equal(await cli.exit(), 1);
    assert.equal(cli.stderr.lines.at(-1), 'wscengine: connection closed before a reply: 1011 oops');
  });
});
