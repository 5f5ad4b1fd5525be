import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { startEchoServer } from '../../../src/testing/node/echo-server.js';

describe('startEchoServer', () => {
  it('listens on 127.0.0.1 on a free port by default', async () => {
    const echo = await startEchoServer();
    assert.equal(echo.url.hostname, '127.0.0.1');
    assert.ok(echo.port > 0);
    assert.equal(echo.url.port, String(echo.port));
    await echo.close();
  });

  it('echoes text as text and binary as binary', async () => {
    const echo = await startEchoServer();
    const ws = new WebSocket(echo.url);
    await once(ws, 'open');
    ws.send('héllo ✓');
    const [text, textIsBinary] = await once(ws, 'message');
    assert.equal(textIsBinary, false);
    assert.equal(String(text), 'héllo ✓');
    ws.send(new Uint8Array([0, 1, 255]));
    const [bytes, bytesIsBinary] = await once(ws, 'message');
    assert.equal(bytesIsBinary, true);
    assert.deepEqual(new Uint8Array(bytes as Buffer), new Uint8Array([0, 1, 255]));
    await echo.close();
  });

  it('close() terminates connected clients so the process can exit', async () => {
    const echo = await startEchoServer({ host: '127.0.0.1' });
    const ws = new WebSocket(echo.url);
    await once(ws, 'open');
    const closed = once(ws, 'close');
    await echo.close();
    assert.equal((await closed)[0], 1006);
    await echo.close(); // idempotent
  });
});
