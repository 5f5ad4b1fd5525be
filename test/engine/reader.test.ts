import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type OnMessageArgs, WebSocketEngine } from '../../src/engine/index.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { deferred, QueueAdapter, setup, text, until } from './helpers.js';

/** Lets pending promise callbacks and immediates run. */
const turns = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('ENGINE.md Run: one reader, `readers` slots', () => {
  it('with readers: 4 and an async onMessage, 4 run at once and the 5th starts when one settles', async () => {
    const s = setup({ readers: 4 });
    const gates = Array.from({ length: 6 }, () => deferred());
    s.client.onMessage.implementation(({ message }: OnMessageArgs) => gates[Number(message.data)].promise);
    await s.engine.start();
    for (let i = 0; i < 6; i++) s.adapter.pushMessage(text(String(i)));
    await s.client.onMessage.waitForCall(4);
    await turns();
    assert.equal(s.client.onMessage.callCount, 4, 'the 5th waits while 4 are in flight');
    gates[2].resolve();
    await s.client.onMessage.waitForCall(5);
    await turns();
    assert.equal(s.client.onMessage.callCount, 5, 'one settled, one more started');
    for (const gate of gates) gate.resolve();
    await s.client.onMessage.waitForCall(6);
    assert.deepEqual(
      s.client.receivedMessages().map((m) => m.data),
      ['0', '1', '2', '3', '4', '5'],
    );
    await s.engine.stop();
  });

  it('an idle engine holds one pending read, whatever readers says', async () => {
    const s = setup({ readers: 8 });
    await s.engine.start();
    await until(() => s.adapter.read.callCount >= 1, 'a read');
    await turns();
    assert.equal(s.adapter.read.callCount, 1);
    await s.engine.stop();
  });

  it('with every slot taken the engine reads nothing: messages stay in the adapter', async () => {
    const s = setup({ readers: 2 });
    const gate = deferred();
    s.client.onMessage.implementation(() => gate.promise);
    await s.engine.start();
    s.adapter.pushMessage(text('a'));
    s.adapter.pushMessage(text('b'));
    await s.client.onMessage.waitForCall(2);
    const reads = s.adapter.read.callCount;
    s.adapter.pushMessage(text('c'));
    await turns();
    assert.equal(s.adapter.read.callCount, reads, 'no read while both slots are busy');
    assert.equal(s.client.onMessage.callCount, 2);
    gate.resolve();
    await s.client.onMessage.waitForCall(3);
    await s.engine.stop();
  });

  it('an onMessage that throws keeps its slot until onReadError has returned', async () => {
    const s = setup({ readers: 1 });
    const report = deferred();
    s.client.onMessage.implementation(({ message }: OnMessageArgs) => {
      if (message.data === 'bad') throw new Error('boom');
    });
    s.client.onReadError.implementation(() => report.promise);
    await s.engine.start();
    s.adapter.pushMessage(text('bad'));
    s.adapter.pushMessage(text('next'));
    await s.client.onReadError.waitForCall(1);
    await turns();
    assert.equal(s.client.onMessage.callCount, 1, 'nothing read while onReadError runs');
    report.resolve();
    await s.client.onMessage.waitForCall(2);
    await s.engine.stop();
  });

  it('in-flight onMessage calls of every slot finish before onClose', async () => {
    const s = setup({ readers: 3 });
    const events: string[] = [];
    const gates = Array.from({ length: 3 }, () => deferred());
    s.client.onMessage.implementation(async ({ message }: OnMessageArgs) => {
      await gates[Number(message.data)].promise;
      events.push(`done ${message.data}`);
    });
    s.client.onClose.implementation(() => void events.push('onClose'));
    await s.engine.start();
    for (let i = 0; i < 3; i++) s.adapter.pushMessage(text(String(i)));
    await s.client.onMessage.waitForCall(3);
    const stopped = s.engine.stop();
    await turns();
    assert.deepEqual(events, []);
    for (const i of [2, 0, 1]) gates[i].resolve();
    await stopped;
    assert.deepEqual(events, ['done 2', 'done 0', 'done 1', 'onClose']);
  });
});

describe('ENGINE.md Run: keepalive signals', () => {
  it('exit() from a message queued during onOpen stops the keepalive too: no timer is left', async () => {
    const adapter = new QueueAdapter();
    const clock = new FakeClock(0);
    const engine = new WebSocketEngine({
      url: 'ws://h/',
      adapter,
      clock,
      keepalive: { intervalMs: 1_000, timeoutMs: 1_000 },
      client: {
        onOpen: () => adapter.push(text('bye')),
        onMessage: ({ exit }: OnMessageArgs) => exit(),
      },
    });
    await engine.start();
    await until(() => !engine.isStarted, 'engine end');
    assert.equal(clock.pendingTimers, 0);
  });

  it('a ping unanswered at its deadline while a message came meanwhile keeps the session; the next look pings again', async () => {
    const s = setup({ keepalive: { intervalMs: 10_000, timeoutMs: 5_000 } });
    s.adapter.ping.implementation(() => new Promise<void>(() => undefined));
    await s.engine.start();
    await s.clock.advance(10_000);
    assert.equal(s.adapter.ping.callCount, 1);
    s.adapter.pushMessage(text('alive'));
    await s.client.onMessage.waitForCall(1);
    await s.clock.advance(5_000);
    assert.equal(s.engine.isStarted, true, 'a message is proof of life');
    await s.clock.advance(5_000);
    assert.equal(s.adapter.ping.callCount, 2, 'silent again: the next look pings');
    await s.engine.stop();
    assert.equal(s.clock.pendingTimers, 0, 'stop() leaves no keepalive timer');
  });
});
