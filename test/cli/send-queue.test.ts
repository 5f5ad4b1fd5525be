// Lines from stdin: in order, kept across reconnects, bounded by back-pressure.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SendQueue } from '../../src/cli/send-queue.js';
import { ConnectionClosedError, type MessageType, type WebSocketConnectionAdapter } from '../../src/index.js';

/** A connection whose writes succeed, or fail once `broken`. */
function fakeConn() {
  const written: string[] = [];
  const conn = {
    broken: false,
    written,
    write(_type: MessageType, data: string | Uint8Array) {
      if (conn.broken) return Promise.reject(new ConnectionClosedError());
      written.push(String(data));
      return Promise.resolve();
    },
  };
  return conn;
}

const asAdapter = (c: ReturnType<typeof fakeConn>) => c as unknown as WebSocketConnectionAdapter;
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SendQueue', () => {
  it('holds lines while detached and sends them in order once attached', async () => {
    const queue = new SendQueue({ limit: 10, onFull() {}, onRoom() {} });
    queue.push('a');
    queue.push('b');
    assert.equal(queue.size, 2);
    const conn = fakeConn();
    queue.attach(asAdapter(conn));
    queue.push('c');
    await settle();
    assert.deepEqual(conn.written, ['a', 'b', 'c']);
    assert.equal(queue.size, 0);
  });

  it('keeps a line whose write failed first in line for the next connection', async () => {
    const queue = new SendQueue({ limit: 10, onFull() {}, onRoom() {} });
    const dead = fakeConn();
    dead.broken = true;
    queue.attach(asAdapter(dead));
    queue.push('x');
    queue.push('y');
    await settle();
    assert.equal(queue.size, 2);
    const next = fakeConn();
    queue.attach(asAdapter(next));
    await settle();
    assert.deepEqual(next.written, ['x', 'y']);
  });

  it('asks to pause input at the limit and to resume at half of it', async () => {
    const calls: string[] = [];
    const queue = new SendQueue({
      limit: 4,
      onFull: () => calls.push('full'),
      onRoom: () => calls.push('room'),
    });
    for (const line of ['1', '2', '3', '4', '5']) queue.push(line);
    assert.deepEqual(calls, ['full']);
    const conn = fakeConn();
    queue.attach(asAdapter(conn));
    await settle();
    assert.deepEqual(calls, ['full', 'room']);
    assert.deepEqual(conn.written, ['1', '2', '3', '4', '5']);
  });
});
