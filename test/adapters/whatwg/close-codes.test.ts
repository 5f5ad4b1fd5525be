// Runtimes report a connection lost without a close frame in their own words: Deno's close
// event carries code 0 (wasClean false), where the WHATWG spec says 1006. The adapter reads
// every code outside 1000-4999 as 1006, so the engine and its reconnect policy see the same
// close on every runtime. Issue "Browser-grade", item 3.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  WhatwgWebSocketAdapter,
  type WhatwgWebSocketConstructor,
} from '../../../src/adapters/whatwg/index.js';
import { StatusCode, WebSocketCloseError, WebSocketEngine } from '../../../src/index.js';

/** A WHATWG-shaped socket that opens at once and closes however the test says. */
class FakeWebSocket extends EventTarget {
  static last: FakeWebSocket | undefined;
  readyState = 0;
  readonly protocol = '';
  readonly extensions = '';
  readonly bufferedAmount = 0;
  binaryType = 'blob';

  constructor(readonly url: string) {
    super();
    FakeWebSocket.last = this;
    setTimeout(() => {
      this.readyState = 1;
      this.dispatchEvent(new Event('open'));
    });
  }

  send(): void {}

  close(): void {
    this.emitClose(1005, '', true);
  }

  /** Fires `close` as a runtime would; Deno's dropped connection is `emitClose(0, '', false)`. */
  emitClose(code: unknown, reason: string, wasClean: boolean): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event('close'), { code, reason, wasClean }));
  }
}

const WebSocket = FakeWebSocket as unknown as WhatwgWebSocketConstructor;
const url = new URL('ws://127.0.0.1:9/');

async function readCloseAfter(code: unknown, reason = '', wasClean = false): Promise<WebSocketCloseError> {
  const adapter = new WhatwgWebSocketAdapter({ WebSocket });
  await adapter.dial(url);
  FakeWebSocket.last!.emitClose(code, reason, wasClean);
  const error = await adapter.read().then(
    () => assert.fail('read resolved after the close'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof WebSocketCloseError);
  return error;
}

describe('WhatwgWebSocketAdapter close codes a runtime invents', () => {
  it('reads close code 0 (Deno, dropped connection) as 1006', async () => {
    const error = await readCloseAfter(0);
    assert.equal(error.code, StatusCode.AbnormalClosure);
    assert.equal(error.message, 'connection has been closed: 1006 - ');
  });

  it('reads any code outside 1000-4999, or none, as 1006', async () => {
    for (const code of [-1, 1, 999, 5000, 65535, 1000.5, Number.NaN, undefined, '1000']) {
      assert.equal((await readCloseAfter(code)).code, 1006, `code ${String(code)}`);
    }
  });

  it('keeps 1005, 1006, 1015 and 1000-4999 codes as the runtime reports them', async () => {
    for (const code of [1000, 1001, 1005, 1006, 1011, 1015, 3000, 4001, 4999]) {
      const error = await readCloseAfter(code, 'why', true);
      assert.equal(error.code, code);
      assert.equal(error.reason, 'why');
    }
  });

  it('hands the engine a 1006 close when the runtime says 0', async () => {
    const closes: unknown[] = [];
    const engine = new WebSocketEngine({
      url,
      adapter: new WhatwgWebSocketAdapter({ WebSocket }),
      autoReconnect: false,
      client: {
        onMessage() {},
        onClose: ({ closeMessage }) => {
          closes.push(closeMessage);
        },
      },
    });
    await engine.start();
    FakeWebSocket.last!.emitClose(0, '', false);
    const exit = await engine.closed;
    assert.equal(exit.reason, 'closed');
    assert.ok(exit.error instanceof WebSocketCloseError);
    assert.equal(exit.error.code, StatusCode.AbnormalClosure);
    assert.deepEqual(closes, [{ code: 1006, reason: '' }]);
  });
});
