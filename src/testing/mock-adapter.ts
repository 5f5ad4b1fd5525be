import { noop, onAbort, throwIfAborted } from '../core/abort.js';
import type { WebSocketConnectionAdapter } from '../core/adapter.js';
import { WebSocketCloseError } from '../core/errors.js';
import type { CallOptions, HandshakeResponse, Message, MessageType } from '../core/message.js';
import { type ScriptableFunction, scriptable } from './scriptable.js';

/** The handshake answer the mock's default `dial` resolves with. */
export const MOCK_HANDSHAKE_RESPONSE: Readonly<HandshakeResponse> = Object.freeze({
  status: 101,
  headers: {},
  protocol: '',
  extensions: '',
});

type Item = { message: Message } | { error: unknown };

interface Waiter {
  resolve(message: Message): void;
  reject(error: unknown): void;
  off(): void;
}

/**
 * What the default `read` serves: pushed messages and read errors in order. Unlike the
 * adapters' `InboundQueue` it also carries non-fatal read errors, which `onReadError`
 * tests need.
 */
class Mailbox {
  private readonly items: Item[] = [];
  private readonly waiters: Waiter[] = [];
  private endError: { error: unknown } | undefined;

  get isEnded(): boolean {
    return this.endError !== undefined;
  }

  push(item: Item): void {
    if (this.endError) return;
    const waiter = this.waiters.shift();
    if (!waiter) {
      this.items.push(item);
      return;
    }
    waiter.off();
    if ('message' in item) waiter.resolve(item.message);
    else waiter.reject(item.error);
  }

  end(error: unknown, dropQueued: boolean): void {
    if (this.endError) return;
    this.endError = { error };
    if (dropQueued) this.items.length = 0;
    for (const waiter of this.waiters.splice(0)) {
      waiter.off();
      waiter.reject(error);
    }
  }

  read(signal: AbortSignal | undefined): Promise<Message> {
    // Checked before taking anything, so an aborted read never consumes a pushed message.
    if (signal?.aborted) return Promise.reject(signal.reason);
    const item = this.items.shift();
    if (item) return 'message' in item ? Promise.resolve(item.message) : Promise.reject(item.error);
    if (this.endError) return Promise.reject(this.endError.error);
    return new Promise<Message>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, off: noop };
      waiter.off = onAbort(signal, (reason) => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(reason);
      });
      this.waiters.push(waiter);
    });
  }
}

/**
 * A {@link WebSocketConnectionAdapter} whose every method is a {@link ScriptableFunction}:
 * script outcomes, inspect calls, await calls instead of sleeping.
 *
 * Unscripted, it behaves like a quiet, healthy connection, so an engine runs against it
 * as is: `dial` resolves a 101 answer, `write` and `ping` resolve, `read` waits for what
 * the test pushes (`pushMessage`, `pushReadError`, `pushClose`), and `close(code, reason)`
 * resolves and makes pending and later default reads reject with
 * `WebSocketCloseError(code, reason)` until the next `dial`. Default calls honour
 * `options.signal` (except `close`, which closes anyway, as the contract says).
 * It exposes no inbound queue to the engine, so every message goes through a recorded `read`.
 *
 * @example
 * ```ts
 * const conn = new WebSocketConnectionAdapterMock();
 * conn.dial.rejectsOnce(new DialError('refused'));   // first dial fails, the next succeeds
 * conn.pushMessage({ type: MessageType.Text, data: 'hello' });
 * await engine.start();
 * const call = await conn.write.waitForCall(1);
 * assert.deepEqual(call.args.slice(0, 2), [MessageType.Text, 'hello back']);
 * ```
 */
export class WebSocketConnectionAdapterMock implements WebSocketConnectionAdapter {
  private mailbox = new Mailbox();

  /** Default: resolves {@link MOCK_HANDSHAKE_RESPONSE} (a copy), starting a fresh read mailbox after a close. */
  readonly dial: ScriptableFunction<[target: URL, options?: CallOptions], Promise<HandshakeResponse>>;
  /** Default: resolves, and ends default reads with `WebSocketCloseError(code, reason)` (queued pushes are dropped). */
  readonly close: ScriptableFunction<[code: number, reason?: string, options?: CallOptions], Promise<void>>;
  /** Default: resolves. */
  readonly ping: ScriptableFunction<[options?: CallOptions], Promise<void>>;
  /** Default: the next pushed message or error, in push order; pending until one is pushed or `close()`. */
  readonly read: ScriptableFunction<[options?: CallOptions], Promise<Message>>;
  /** Default: resolves. */
  readonly write: ScriptableFunction<
    [type: MessageType, data: string | Uint8Array, options?: CallOptions],
    Promise<void>
  >;
  /** Default: returns `undefined`. */
  readonly getUnderlyingConnection: ScriptableFunction<[], unknown>;

  constructor() {
    this.dial = scriptable(
      async (_target: URL, options?: CallOptions) => {
        throwIfAborted(options?.signal);
        if (this.mailbox.isEnded) this.mailbox = new Mailbox();
        return { ...MOCK_HANDSHAKE_RESPONSE, headers: {} };
      },
      { name: 'dial', async: true },
    );
    this.close = scriptable(
      async (code: number, reason = '') => {
        this.mailbox.end(new WebSocketCloseError(code, reason), true);
      },
      { name: 'close', async: true },
    );
    this.ping = scriptable(async (options?: CallOptions) => throwIfAborted(options?.signal), {
      name: 'ping',
      async: true,
    });
    this.read = scriptable((options?: CallOptions) => this.mailbox.read(options?.signal), {
      name: 'read',
      async: true,
    });
    this.write = scriptable(
      async (_type: MessageType, _data: string | Uint8Array, options?: CallOptions) =>
        throwIfAborted(options?.signal),
      { name: 'write', async: true },
    );
    this.getUnderlyingConnection = scriptable((): unknown => undefined, { name: 'getUnderlyingConnection' });
  }

  /** Hands `message` to the oldest pending default `read`, or queues it for the next one. Ignored after a close, until the next `dial`. */
  pushMessage(message: Message): void {
    this.mailbox.push({ message });
  }

  /**
   * Makes the next default `read` reject with `error`. A `WebSocketCloseError` ends the
   * connection as `pushClose` does; any other error is a one-off read error.
   */
  pushReadError(error: unknown): void {
    if (error instanceof WebSocketCloseError) this.mailbox.end(error, false);
    else this.mailbox.push({ error });
  }

  /**
   * Simulates the peer closing (or, with 1006, the connection dropping): once the messages
   * already pushed are read, every default `read` rejects with
   * `WebSocketCloseError(code, reason)` until the next `dial`.
   */
  pushClose(code = 1000, reason = ''): void {
    this.mailbox.end(new WebSocketCloseError(code, reason), false);
  }

  /** The `[type, data]` of every `write` call so far, in call order. */
  writtenMessages(): Message[] {
    return this.write.calls.map(({ args: [type, data] }) => ({ type, data }) as Message);
  }

  /** Resets every method (calls and scripts) and starts an empty read mailbox; reads already pending stay pending. */
  reset(): void {
    for (const method of [this.dial, this.close, this.ping, this.read, this.write]) method.reset();
    this.getUnderlyingConnection.reset();
    this.mailbox = new Mailbox();
  }
}
