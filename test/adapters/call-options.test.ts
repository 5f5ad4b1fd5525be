// The options argument of every adapter method: a wrong one (a signal that is not an
// AbortSignal, options that are not an object) is an InvalidArgumentError with
// ERR_INVALID_ARGUMENT, as a rejection, never a bare TypeError; the connection goes on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket as UndiciWebSocket } from 'undici';
import { WhatwgWebSocketAdapter } from '../../src/adapters/whatwg/index.js';
import { WsAdapter } from '../../src/adapters/ws/index.js';
import {
  ErrorCode,
  InvalidArgumentError,
  type Message,
  MessageType,
  type WebSocketConnectionAdapter,
} from '../../src/index.js';
import { type ConformancePeer, createInMemoryPair, type PeerConnection } from '../../src/testing/index.js';
import { startWsPeer } from '../../src/testing/node/index.js';

const text = (data: string): Message => ({ type: MessageType.Text, data });

/** The calls with bad options, each with the method its message must name. */
const BAD_CALLS: [string, (a: WebSocketConnectionAdapter, url: URL) => Promise<unknown>][] = [
  ['dial', (a, url) => a.dial(url, { signal: {} } as never)],
  ['read', (a) => a.read({ signal: 'x' } as never)],
  ['write', (a) => a.write(MessageType.Text, 'x', null as never)],
  ['write', (a) => a.write(MessageType.Text, 'x', { signal: 1 } as never)],
  ['close', (a) => a.close(1000, '', 5 as never)],
  ['ping', (a) => a.ping({ signal: { aborted: false } } as never)],
];

async function expectInvalidArgument(method: string, call: () => Promise<unknown>): Promise<void> {
  let result: Promise<unknown>;
  try {
    result = call();
  } catch (error) {
    assert.fail(`${method}() threw synchronously: ${String(error)}`);
  }
  await assert.rejects(result, (error: unknown) => {
    assert.ok(
      error instanceof InvalidArgumentError,
      `${method}(): expected an InvalidArgumentError, got ${String(error)}`,
    );
    assert.equal(error.code, ErrorCode.InvalidArgument);
    assert.match(error.message, new RegExp(`^${method}\\(options\\): options`));
    return true;
  });
}

interface Subject {
  name: string;
  url: () => URL;
  adapter: () => WebSocketConnectionAdapter;
  accept: () => Promise<PeerConnection>;
}

let wsPeer: ConformancePeer;
const inMemory = createInMemoryPair();

const subjects: Subject[] = [
  {
    name: 'WsAdapter',
    url: () => new URL(wsPeer.url),
    adapter: () => new WsAdapter({ closeTimeoutMs: 1_000 }),
    accept: () => wsPeer.accept(),
  },
  {
    name: 'WhatwgWebSocketAdapter',
    url: () => new URL(wsPeer.url),
    adapter: () => new WhatwgWebSocketAdapter({ WebSocket: UndiciWebSocket as never, closeTimeoutMs: 1_000 }),
    accept: () => wsPeer.accept(),
  },
  {
    name: 'InMemoryAdapter',
    url: () => inMemory.server.url,
    adapter: () => inMemory.server.createClient(),
    accept: () => inMemory.server.accept(),
  },
];

before(async () => {
  wsPeer = await startWsPeer();
});
after(() => wsPeer.close());

for (const subject of subjects) {
  describe(`${subject.name}: bad call options`, () => {
    it('reject with InvalidArgumentError ERR_INVALID_ARGUMENT before any connection', async () => {
      const adapter = subject.adapter();
      for (const [method, call] of BAD_CALLS) {
        await expectInvalidArgument(method, () => call(adapter, subject.url()));
      }
    });

    it('reject the same way on an open connection, which goes on unharmed', async () => {
      const adapter = subject.adapter();
      await adapter.dial(subject.url());
      const peer = await subject.accept();
      for (const [method, call] of BAD_CALLS.filter(([m]) => m !== 'dial')) {
        await expectInvalidArgument(method, () => call(adapter, subject.url()));
      }
      await adapter.write(MessageType.Text, 'still up');
      assert.deepEqual(await peer.nextMessage(), text('still up'));
      await peer.send(text('and down'));
      assert.deepEqual(await adapter.read(), text('and down'));
      await adapter.close(1000, '');
    });
  });
}
