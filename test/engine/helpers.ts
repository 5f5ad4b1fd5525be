import type { WebSocketConnectionAdapter } from '../../src/core/adapter.js';
import { ConnectionClosedError, WebSocketCloseError } from '../../src/core/errors.js';
import { InboundQueue } from '../../src/core/inbound-queue.js';
import { INBOUND_QUEUE } from '../../src/core/inbound-seam.js';
import {
  type CallOptions,
  type HandshakeResponse,
  type Message,
  MessageType,
} from '../../src/core/message.js';
import { WebSocketEngine, type WebSocketEngineOptions } from '../../src/engine/index.js';
import { WebSocketClientMock } from '../../src/testing/client-mock.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { createInMemoryPair, type InMemoryServer } from '../../src/testing/in-memory.js';
import { WebSocketConnectionAdapterMock } from '../../src/testing/mock-adapter.js';

export const URL_ = 'ws://127.0.0.1:1/feed';

export const text = (data: string): Message => ({ type: MessageType.Text, data });

/** An engine over the mock adapter, the client mock and a fake clock. */
export function setup(options: Partial<WebSocketEngineOptions> = {}) {
  const adapter = new WebSocketConnectionAdapterMock();
  const client = new WebSocketClientMock();
  const clock = new FakeClock(1_000_000);
  const engine = new WebSocketEngine({
    url: URL_,
    adapter,
    client,
    clock,
    readers: 1,
    ...options,
    reconnect: { minUptimeMs: 0, ...options.reconnect },
  });
  return { adapter, client, clock, engine };
}

const inMemory: { engines: WebSocketEngine[]; servers: InMemoryServer[] } = { engines: [], servers: [] };

/**
 * An engine over a fresh in-memory pair, reconnecting at once; `options` go over that. The
 * engine is stopped and the server closed by {@link stopInMemoryEngines}.
 */
export function inMemoryEngine(options: Partial<WebSocketEngineOptions> = {}) {
  const { client: adapter, server } = createInMemoryPair();
  const engine = new WebSocketEngine({
    url: server.url,
    adapter,
    client: { onMessage() {} },
    reconnect: { minUptimeMs: 0, initialDelayMs: 1, maxDelayMs: 1 },
    ...options,
  });
  inMemory.engines.push(engine);
  inMemory.servers.push(server);
  return { engine, server };
}

/** Stops every engine {@link inMemoryEngine} made and closes its server (for `afterEach`). */
export async function stopInMemoryEngines(): Promise<void> {
  await Promise.all(inMemory.engines.splice(0).map((e) => e.stop()));
  await Promise.all(inMemory.servers.splice(0).map((s) => s.close()));
}

/**
 * Waits until `predicate()` holds, giving the event loop turns; bounded by wall time, not
 * by a number of turns: an idle loop runs thousands of turns in a few milliseconds, fewer
 * than a handler's real timers need.
 */
export async function until(predicate: () => boolean, what = 'condition', timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what} (${timeoutMs} ms)`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** A deferred promise. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * An adapter over an `InboundQueue` that exposes it to the engine (the internal seam every
 * shipped adapter has): `push` feeds it, `reads` counts the promise-returning reads.
 */
export class QueueAdapter implements WebSocketConnectionAdapter {
  queue = newQueue();
  reads = 0;
  open = false;
  closes: { code: number; reason?: string; aborted: boolean }[] = [];
  writes: Message[] = [];
  /** Called on every write (e.g. to answer synchronously, as an in-memory peer may). */
  onWrite: ((message: Message) => void) | undefined;

  async dial(_target: URL, options?: CallOptions): Promise<HandshakeResponse> {
    options?.signal?.throwIfAborted();
    if (this.queue.isEnded) this.queue = newQueue();
    this.open = true;
    return { status: 101, headers: {}, protocol: '', extensions: '' };
  }
  async close(code: number, reason?: string, options?: CallOptions): Promise<void> {
    if (!this.open) throw new ConnectionClosedError();
    this.open = false;
    this.closes.push({ code, reason, aborted: options?.signal?.aborted === true });
    this.queue.end(new WebSocketCloseError(code, reason), true);
  }
  async ping(): Promise<void> {}
  read(options?: CallOptions): Promise<Message> {
    this.reads++;
    return this.queue.read(options?.signal);
  }
  write(type: MessageType, data: string | Uint8Array): Promise<void> {
    const message = { type, data } as Message;
    this.writes.push(message);
    this.onWrite?.(message);
    return Promise.resolve();
  }
  getUnderlyingConnection(): unknown {
    return undefined;
  }
  [INBOUND_QUEUE](): InboundQueue {
    return this.queue;
  }
  push(message: Message): void {
    this.queue.push(message);
  }
  peerClose(code: number, reason = ''): void {
    this.open = false;
    this.queue.end(new WebSocketCloseError(code, reason));
  }
}

function newQueue(): InboundQueue {
  return new InboundQueue({ maxMessages: 1_000_000, maxBytes: Number.MAX_SAFE_INTEGER });
}
