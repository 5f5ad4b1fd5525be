// The engine's reader over an adapter that hands it its inbound queue (the internal seam
// the ws, WHATWG and in-memory adapters have): no read waits, messages are dispatched from
// the adapter's event. The same ENGINE.md rules as with a blocking read() (the other
// files run them over the mock adapter, which has only the contract's read()).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallbackError } from '../../src/core/errors.js';
import { MessageType } from '../../src/core/message.js';
import { WebSocketEngine } from '../../src/engine/index.js';
import type { OnMessageArgs, WebSocketClient } from '../../src/engine/types.js';
import { deferred, QueueAdapter, text, URL_, until } from './helpers.js';

function engineOver(adapter: QueueAdapter, client: WebSocketClient, readers = 1) {
  return new WebSocketEngine({ url: URL_, adapter, client, readers, autoReconnect: false });
}

describe('engine over an adapter with an inbound queue (the fast read path)', () => {
  it('an idle session has no pending read(); a queued message reaches a synchronous onMessage from inside push()', async () => {
    const adapter = new QueueAdapter();
    const seen: string[] = [];
    const engine = engineOver(adapter, {
      onMessage: ({ message }) => void seen.push(message.data as string),
    });
    await engine.start();
    adapter.push(text('a'));
    assert.deepEqual(seen, ['a'], 'delivered synchronously, inside push()');
    adapter.push(text('b'));
    adapter.push(text('c'));
    assert.deepEqual(seen, ['a', 'b', 'c']);
    assert.equal(adapter.reads, 0, 'no read() while the connection is open');
    await engine.stop();
    assert.equal(adapter.reads, 0);
  });

  it('readers: 1 processes strictly one at a time, in arrival order', async () => {
    const adapter = new QueueAdapter();
    const order: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const engine = engineOver(adapter, {
      onMessage: async ({ message }) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        order.push(message.data as string);
        await new Promise((resolve) => setTimeout(resolve, 1));
        running--;
      },
    });
    await engine.start();
    for (let i = 0; i < 20; i++) adapter.push(text(String(i)));
    await until(() => order.length === 20 && running === 0);
    assert.equal(maxRunning, 1);
    assert.deepEqual(
      order,
      Array.from({ length: 20 }, (_, i) => String(i)),
    );
    await engine.stop();
  });

  it('readers: 3 keeps at most 3 onMessage in flight, started in arrival order', async () => {
    const adapter = new QueueAdapter();
    const started: string[] = [];
    const gates: { resolve: () => void }[] = [];
    const engine = engineOver(
      adapter,
      {
        onMessage: ({ message }) => {
          started.push(message.data as string);
          const gate = deferred();
          gates.push(gate);
          return gate.promise;
        },
      },
      3,
    );
    await engine.start();
    for (let i = 0; i < 7; i++) adapter.push(text(String(i)));
    assert.deepEqual(started, ['0', '1', '2'], 'three in flight, the rest stays queued');
    gates[1]?.resolve();
    await until(() => started.length === 4);
    assert.deepEqual(started, ['0', '1', '2', '3']);
    for (const gate of gates) gate.resolve();
    await until(() => started.length === 7);
    for (const gate of gates) gate.resolve();
    assert.deepEqual(started, ['0', '1', '2', '3', '4', '5', '6']);
    await engine.stop();
  });

  it('a message pushed from inside a synchronous onMessage is delivered after it returns, never nested', async () => {
    const adapter = new QueueAdapter();
    // An echo peer that answers synchronously, as an in-memory server may.
    adapter.onWrite = (message) => {
      const n = Number(message.data);
      if (n < 5) adapter.push(text(String(n + 1)));
    };
    let depth = 0;
    let maxDepth = 0;
    const seen: string[] = [];
    const engine = engineOver(
      adapter,
      {
        onMessage: ({ message, conn }) => {
          depth++;
          maxDepth = Math.max(maxDepth, depth);
          seen.push(message.data as string);
          void conn.write(MessageType.Text, message.data as string);
          depth--;
        },
      },
      4,
    );
    await engine.start();
    adapter.push(text('0'));
    assert.deepEqual(seen, ['0', '1', '2', '3', '4', '5']);
    assert.equal(maxDepth, 1);
    await engine.stop();
  });

  it('readMutex locked from outside while idle is granted at once; messages queued meanwhile come after release, in order', async () => {
    const adapter = new QueueAdapter();
    const seen: string[] = [];
    const engine = engineOver(adapter, {
      onMessage: ({ message }) => void seen.push(message.data as string),
    });
    await engine.start();
    const release = await engine.readMutex.lock();
    adapter.push(text('mine'));
    assert.deepEqual(await adapter.read(), text('mine'), 'the lock holder reads the connection itself');
    adapter.push(text('x'));
    adapter.push(text('y'));
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, [], 'nothing is read while the lock is held');
    release();
    assert.deepEqual(seen, ['x', 'y'], 'released: the queued messages go out at once, in order');
    await engine.stop();
  });

  it('runExclusive inside onMessage: the holder reads the answer with conn.read(), the engine gets the rest', async () => {
    const adapter = new QueueAdapter();
    const seen: string[] = [];
    const answers: string[] = [];
    adapter.onWrite = (message) => {
      if (message.data === 'question') queueMicrotask(() => adapter.push(text('answer')));
    };
    const engine = engineOver(
      adapter,
      {
        onMessage: ({ message, conn, readMutex }: OnMessageArgs) => {
          seen.push(message.data as string);
          if (message.data !== 'ask') return;
          return readMutex.runExclusive(async () => {
            await conn.write(MessageType.Text, 'question');
            answers.push((await conn.read()).data as string);
          });
        },
      },
      2,
    );
    await engine.start();
    adapter.push(text('ask'));
    await until(() => answers.length === 1);
    adapter.push(text('after'));
    await until(() => seen.length === 2);
    assert.deepEqual(answers, ['answer']);
    assert.deepEqual(seen, ['ask', 'after'], 'the answer went to the lock holder only');
    await engine.stop();
  });

  it('a peer close delivers what was queued first, then onClose with the peer close, once', async () => {
    const adapter = new QueueAdapter();
    const events: string[] = [];
    const release = deferred();
    const engine = engineOver(adapter, {
      onMessage: async ({ message }) => {
        events.push(message.data as string);
        if (message.data === '0') await release.promise;
      },
      onClose: ({ closeMessage }) => void events.push(`close ${closeMessage?.code} ${closeMessage?.reason}`),
    });
    await engine.start();
    adapter.push(text('0'));
    adapter.push(text('1'));
    adapter.push(text('2'));
    adapter.peerClose(4001, 'bye');
    assert.deepEqual(events, ['0'], 'readers: 1: the rest waits for the first');
    release.resolve();
    await until(() => !engine.isStarted);
    assert.deepEqual(events, ['0', '1', '2', 'close 4001 bye']);
    assert.equal(adapter.reads, 1, 'one read(), to learn how the connection closed');
  });

  it('exit() inside onMessage: no later message is delivered; onClose runs after the in-flight ones', async () => {
    const adapter = new QueueAdapter();
    const events: string[] = [];
    const slow = deferred();
    const engine = engineOver(
      adapter,
      {
        onMessage: ({ message, exit }) => {
          events.push(message.data as string);
          if (message.data === 'slow') return slow.promise.then(() => void events.push('slow done'));
          if (message.data === 'exit') exit();
        },
        onClose: () => void events.push('onClose'),
      },
      2,
    );
    await engine.start();
    adapter.push(text('slow'));
    adapter.push(text('exit'));
    adapter.push(text('late'));
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(events, ['slow', 'exit'], 'nothing after exit(), onClose waits for the in-flight one');
    slow.resolve();
    await until(() => !engine.isStarted);
    assert.deepEqual(events, ['slow', 'exit', 'slow done', 'onClose']);
    assert.deepEqual(adapter.closes, [{ code: 1001, reason: 'Going away', aborted: false }]);
  });

  it('onMessage that throws goes to onReadError as a CallbackError; no message is taken while onReadError runs', async () => {
    const adapter = new QueueAdapter();
    const seen: string[] = [];
    const reported = deferred();
    const errors: unknown[] = [];
    const engine = engineOver(
      adapter,
      {
        onMessage: ({ message }) => {
          seen.push(message.data as string);
          if (message.data === 'bad') throw new Error('boom');
        },
        onReadError: async ({ error }) => {
          errors.push(error);
          await reported.promise;
        },
      },
      4,
    );
    await engine.start();
    adapter.push(text('bad'));
    await until(() => errors.length === 1);
    adapter.push(text('next'));
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, ['bad'], 'paused while onReadError runs');
    reported.resolve();
    await until(() => seen.length === 2);
    assert.deepEqual(seen, ['bad', 'next']);
    assert.ok(errors[0] instanceof CallbackError);
    assert.equal((errors[0] as CallbackError).callback, 'onMessage');
    await engine.stop();
  });

  it('restart() reconnects and the new session watches the new connection', async () => {
    const adapter = new QueueAdapter();
    const seen: string[] = [];
    const engine = new WebSocketEngine({
      url: URL_,
      adapter,
      readers: 1,
      reconnect: { minUptimeMs: 0 },
      client: {
        onMessage: ({ message, restart }) => {
          seen.push(message.data as string);
          if (message.data === 'restart') restart();
        },
      },
    });
    await engine.start();
    const first = engine.sessionId;
    adapter.push(text('restart'));
    await until(() => engine.sessionId !== undefined && engine.sessionId !== first, 'a new session');
    adapter.push(text('on the new connection'));
    assert.deepEqual(seen, ['restart', 'on the new connection']);
    await engine.stop();
    assert.equal(engine.isStarted, false);
  });
});
