// ENGINE.md "Send, request, iterate": request() matches replies by id, over the in-memory pair.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { WebSocketEngineOptions } from '../../src/engine/index.js';
import {
  ErrorCode,
  InvalidArgumentError,
  InvalidOptionsError,
  type Message,
  MessageType,
  RequestError,
} from '../../src/index.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { inMemoryEngine, stopInMemoryEngines, until } from './helpers.js';

afterEach(stopInMemoryEngines);

const idOf = (message: Message) => {
  if (typeof message.data !== 'string') return undefined;
  return (JSON.parse(message.data) as { id?: string }).id;
};
const json = (value: object): Message => ({ type: MessageType.Text, data: JSON.stringify(value) });

function engineOver(options: Partial<WebSocketEngineOptions> = {}) {
  const pushed: unknown[] = [];
  const { engine, server } = inMemoryEngine({
    client: { onMessage: ({ message }) => void pushed.push(JSON.parse(message.data as string)) },
    requests: { idOf },
    ...options,
  });
  return { engine, server, pushed };
}

describe('ENGINE.md Request: engine.request()', () => {
  it('matches replies by id while the server also pushes; replies never reach onMessage', async () => {
    const { engine, server, pushed } = engineOver({ readers: 4 });
    await engine.start();
    const peer = await server.accept();
    const replies = Array.from({ length: 20 }, (_, i) =>
      engine.request(JSON.stringify({ id: `r${i}`, op: 'get' }), { id: `r${i}` }),
    );
    // The server answers out of order, with pushes in between.
    const asked: string[] = [];
    for (let i = 0; i < 20; i++) asked.push(idOf(await peer.nextMessage())!);
    for (const id of asked.reverse()) {
      await peer.send(json({ push: `before ${id}` }));
      await peer.send(json({ id, answer: id.toUpperCase() }));
    }
    const answers = await Promise.all(replies);
    assert.deepEqual(
      answers.map((m) => JSON.parse(m.data as string).answer),
      Array.from({ length: 20 }, (_, i) => `R${i}`),
    );
    await until(() => pushed.length === 20, 'the pushes');
    assert.ok(
      pushed.every((p) => 'push' in (p as object)),
      'only pushes reached onMessage',
    );
  });

  it('rejects with ERR_REQUEST_TIMEOUT after timeoutMs; a late reply then goes to onMessage', async () => {
    const clock = new FakeClock();
    const { engine, server, pushed } = engineOver({ clock, requests: { idOf, timeoutMs: 5_000 } });
    await engine.start();
    const peer = await server.accept();
    const reply = engine.request('{"id":"slow"}', { id: 'slow' });
    const rejected = assert.rejects(reply, (e: unknown) => {
      assert.ok(e instanceof RequestError);
      assert.equal(e.code, ErrorCode.RequestTimeout);
      assert.equal(e.id, 'slow');
      return true;
    });
    await clock.advance(5_000);
    await rejected;
    await peer.send(json({ id: 'slow', late: true }));
    await until(() => pushed.length === 1, 'the late reply');
  });

  it('rejects with ERR_REQUEST_CLOSED the moment its session ends: a request never waits across a reconnect', async () => {
    const { engine, server } = engineOver();
    await engine.start();
    const peer = await server.accept();
    const reply = engine.request('{"id":"lost"}', { id: 'lost', timeoutMs: 60_000 });
    await peer.nextMessage();
    peer.close(4000, 'restarting');
    await assert.rejects(
      reply,
      (e: unknown) => e instanceof RequestError && e.code === ErrorCode.RequestClosed,
    );
  });

  it('rejects with signal.reason on abort', async () => {
    const { engine, server } = engineOver();
    await engine.start();
    await server.accept();
    const controller = new AbortController();
    const reply = engine.request('{"id":"x"}', { id: 'x', signal: controller.signal });
    controller.abort(new Error('no longer needed'));
    await assert.rejects(reply, /no longer needed/);
  });

  it('needs the requests option, a non-empty id, and an id not already waiting', async () => {
    const { engine: plain } = engineOver({ requests: undefined });
    await assert.rejects(plain.request('x', { id: 'a' }), InvalidOptionsError);
    const { engine, server } = engineOver();
    await engine.start();
    await server.accept();
    await assert.rejects(engine.request('x', { id: '' }), InvalidArgumentError);
    const first = engine.request('{"id":"dup"}', { id: 'dup', timeoutMs: 50 });
    await assert.rejects(engine.request('{"id":"dup"}', { id: 'dup' }), (e: unknown) => {
      assert.ok(e instanceof InvalidArgumentError);
      assert.match(e.message, /already waiting/);
      return true;
    });
    await assert.rejects(first, RequestError);
  });
});
