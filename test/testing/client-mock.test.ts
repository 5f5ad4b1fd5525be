import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageType } from '../../src/core/index.js';
import type { OnCloseArgs, OnMessageArgs, ReadMutex, WebSocketClient } from '../../src/engine/types.js';
import { WebSocketClientMock } from '../../src/testing/client-mock.js';
import { WebSocketConnectionAdapterMock } from '../../src/testing/mock-adapter.js';

const readMutex: ReadMutex = {
  lock: async () => () => {},
  runExclusive: async (fn) => fn(),
  isLocked: false,
};

function messageArgs(data: string): OnMessageArgs {
  return {
    message: { type: MessageType.Text, data },
    conn: new WebSocketConnectionAdapterMock(),
    readMutex,
    restart: () => {},
    exit: () => {},
    sessionId: 'session-1',
  };
}

describe('WebSocketClientMock', () => {
  it('is a WebSocketClient whose callbacks do nothing by default', async () => {
    const client: WebSocketClient = new WebSocketClientMock();
    assert.equal(client.onMessage?.(messageArgs('a')), undefined);
    const closeArgs: OnCloseArgs = { conn: new WebSocketConnectionAdapterMock(), readMutex, sessionId: 's' };
    assert.equal(client.onClose?.(closeArgs), undefined);
    assert.equal(client.onCloseError?.({ error: new Error('x'), sessionId: 's' }), undefined);
    assert.equal(
      client.onRestartError?.({ error: new Error('x'), retryCount: 1, exit: () => {} }),
      undefined,
    );
  });

  it('records every call with its argument object', () => {
    const client = new WebSocketClientMock();
    const first = messageArgs('a');
    client.onMessage(first);
    client.onMessage(messageArgs('b'));
    assert.equal(client.onMessage.callCount, 2);
    assert.equal(client.onMessage.calls[0].args[0], first);
    assert.deepEqual(
      client.receivedMessages().map((m) => m.data),
      ['a', 'b'],
    );
  });

  it('scripts once then always behaviours, synchronous and asynchronous', async () => {
    const client = new WebSocketClientMock();
    client.onClose.returnsOnce({ code: 4000, reason: 'first' }).resolves({ code: 4001, reason: 'later' });
    const args: OnCloseArgs = { conn: new WebSocketConnectionAdapterMock(), readMutex, sessionId: 's' };
    assert.deepEqual(client.onClose(args), { code: 4000, reason: 'first' });
    assert.deepEqual(await client.onClose(args), { code: 4001, reason: 'later' });
    client.onMessage.throwsOnce(new Error('sync')).rejectsOnce(new Error('async'));
    assert.throws(() => client.onMessage(messageArgs('x')), /sync/);
    await assert.rejects(Promise.resolve(client.onMessage(messageArgs('y'))), /async/);
    assert.equal(client.onMessage.calls[0].outcome?.status, 'rejected');
  });

  it('implementations receive the argument object, e.g. to call exit()', () => {
    const client = new WebSocketClientMock();
    let exited = 0;
    client.onMessage.implementation(({ exit }) => exit());
    client.onMessage({ ...messageArgs('a'), exit: () => exited++ });
    assert.equal(exited, 1);
  });

  it('waitForCall(n) resolves with the n-th call once it happens', async () => {
    const client = new WebSocketClientMock();
    const second = client.onMessage.waitForCall(2);
    setImmediate(() => {
      client.onMessage(messageArgs('a'));
      client.onMessage(messageArgs('b'));
    });
    assert.equal((await second).args[0].message.data, 'b');
  });

  it('reset() clears every callback', () => {
    const client = new WebSocketClientMock();
    client.onOpen.throws(new Error('scripted'));
    client.onMessage(messageArgs('a'));
    client.reset();
    assert.equal(client.onMessage.callCount, 0);
    assert.deepEqual(client.receivedMessages(), []);
    assert.doesNotThrow(() => client.onOpen({} as Parameters<typeof client.onOpen>[0]));
  });
});
