// Lines from stdin go to engine.send() only while the outbox has room: back-pressure, not loss.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SendWindow } from '../../src/cli/send-window.js';
import { ErrorCode, SendError } from '../../src/index.js';

/** A send whose promises the test settles by hand. */
function manualSend() {
  const calls: { line: string; resolve: () => void; reject: (error: unknown) => void }[] = [];
  const send = (line: string) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ line, resolve, reject });
    });
  return { calls, send };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SendWindow', () => {
  it('hands lines over at once while there is room', async () => {
    const { calls, send } = manualSend();
    const window = new SendWindow({ maxMessages: 3, maxBytes: 100, send, onRejected: () => {} });
    await window.push('a');
    await window.push('b');
    assert.deepEqual(
      calls.map((c) => c.line),
      ['a', 'b'],
    );
    assert.equal(window.pending, 2);
  });

  it('holds the next line back while maxMessages lines are pending, and hands it over once one settles', async () => {
    const { calls, send } = manualSend();
    const window = new SendWindow({ maxMessages: 2, maxBytes: 100, send, onRejected: () => {} });
    await window.push('1');
    await window.push('2');
    let third = false;
    const pushed = window.push('3').then(() => {
      third = true;
    });
    await settle();
    assert.equal(third, false, 'the third line waits');
    calls[0].resolve();
    await pushed;
    assert.deepEqual(
      calls.map((c) => c.line),
      ['1', '2', '3'],
    );
  });

  it('holds a line back that would pass maxBytes, but never a line alone', async () => {
    const { calls, send } = manualSend();
    const window = new SendWindow({ maxMessages: 10, maxBytes: 4, send, onRejected: () => {} });
    await window.push('toolong');
    assert.equal(calls.length, 1, 'alone, a line always goes (the outbox judges it)');
    const pushed = window.push('xy');
    await settle();
    assert.equal(calls.length, 1);
    calls[0].resolve();
    await pushed;
    assert.equal(calls.length, 2);
  });

  it('reports a rejected send with its line, and settles once everything has', async () => {
    const { calls, send } = manualSend();
    const rejected: [string, unknown][] = [];
    const window = new SendWindow({
      maxMessages: 10,
      maxBytes: 100,
      send,
      onRejected: (line, error) => rejected.push([line, error]),
    });
    await window.push('ok');
    await window.push('lost');
    let settled = false;
    const done = window.settled().then(() => {
      settled = true;
    });
    calls[0].resolve();
    const error = new SendError(ErrorCode.SendAborted, 'not sent', 'lost');
    calls[1].reject(error);
    await done;
    assert.equal(settled, true);
    assert.deepEqual(rejected, [['lost', error]]);
  });

  it('close() reports a line waiting for room as not sent, and takes no more', async () => {
    const { calls, send } = manualSend();
    const rejected: string[] = [];
    const window = new SendWindow({
      maxMessages: 1,
      maxBytes: 100,
      send,
      onRejected: (line, error) => rejected.push(`${line}:${(error as SendError).code}`),
    });
    await window.push('sent');
    const waiting = window.push('waiting');
    window.close();
    await waiting;
    await window.push('after');
    assert.equal(calls.length, 1);
    assert.deepEqual(rejected, ['waiting:ERR_SEND_ABORTED', 'after:ERR_SEND_ABORTED']);
  });

  it('a send that throws is reported like one that rejects', async () => {
    const rejected: string[] = [];
    const window = new SendWindow({
      maxMessages: 1,
      maxBytes: 100,
      send: () => {
        throw new Error('boom');
      },
      onRejected: (line) => rejected.push(line),
    });
    await window.push('x');
    await window.settled();
    assert.deepEqual(rejected, ['x']);
    assert.equal(window.pending, 0);
  });
});
