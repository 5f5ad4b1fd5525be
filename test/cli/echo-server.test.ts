// `wscengine echo-server`: a ws echo server a user can point `connect` (or anything) at.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { afterEach, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { killAll, spawnCli, withTimeout } from './helpers.js';

describe('wscengine echo-server', { timeout: 20_000 }, () => {
  afterEach(killAll);

  it('prints its URL, echoes text and binary, and on SIGTERM closes clients with 1001 and exits 0', async () => {
    const server = spawnCli(['echo-server', '--port', '0', '--host', '127.0.0.1']);
    const line = await server.stdout.waitFor(/^listening on /);
    const url = line.replace('listening on ', '');
    assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+$/);
    const ws = new WebSocket(url);
    await withTimeout(once(ws, 'open'), 'open');
    ws.send('héllo');
    const [text, textIsBinary] = await withTimeout(once(ws, 'message'), 'text echo');
    assert.deepEqual([String(text), textIsBinary], ['héllo', false]);
    ws.send(Buffer.from([0, 255]));
    const [bytes, bytesIsBinary] = await withTimeout(once(ws, 'message'), 'binary echo');
    assert.deepEqual([[...(bytes as Buffer)], bytesIsBinary], [[0, 255], true]);
    const closed = once(ws, 'close');
    server.child.kill('SIGTERM');
    const [code] = await withTimeout(closed, 'close');
    assert.equal(code, 1001);
    assert.equal(await server.exit(), 0);
  });

  it('serves wscengine connect: a text round trip between the two commands', async () => {
    const server = spawnCli(['echo-server', '--port', '0']);
    const url = (await server.stdout.waitFor(/^listening on /)).replace('listening on ', '');
    const client = spawnCli(['connect', url, '--once']);
    client.child.stdin.end('round trip\n');
    assert.equal(await client.exit(), 0);
    assert.deepEqual(client.stdout.lines, ['round trip']);
    server.child.kill('SIGINT');
    assert.equal(await server.exit(), 0);
  });

  it('exits 1 with one line when the port is taken', async () => {
    const first = spawnCli(['echo-server', '--port', '0']);
    const port = (await first.stdout.waitFor(/^listening on /)).split(':').at(-1) ?? '';
    const second = spawnCli(['echo-server', '--port', port]);
    assert.equal(await second.exit(), 1);
    assert.equal(second.stderr.lines.length, 1, second.stderr.text);
    assert.match(second.stderr.lines[0], /^wscengine: cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
  });
});
