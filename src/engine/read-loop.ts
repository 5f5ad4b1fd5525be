import type { MessageDispatcher } from './dispatch.js';
import { INTERRUPTED } from './dispatch.js';

/**
 * One read loop: take the lock, read, release, run `onMessage`. Queued messages are taken
 * synchronously (`readQueued`) and a synchronous `onMessage` is not awaited, so a burst is
 * dispatched with no promise, timer or closure per message; the loop only awaits when
 * `onMessage` returns a promise (then another loop is woken to keep reading) or the queue
 * is empty (a blocking read, which a user's `lock()` or the shutdown interrupts).
 *
 * Ordering: reading and the synchronous start of `onMessage` happen without a turn of the
 * event loop in between, so `onMessage` calls start in arrival order across loops.
 * @internal
 */
export async function readLoop(session: MessageDispatcher): Promise<void> {
  const mutex = session.deps.mutex;
  const adapter = session.deps.adapter;
  const readQueued = adapter.readQueued === undefined ? undefined : () => adapter.readQueued?.();
  for (;;) {
    if (session.closing) return;
    if (session.pauses > 0) {
      await session.resumed();
      continue;
    }
    if (!mutex.tryLock()) {
      await mutex.waitForTurn();
      continue;
    }
    let message = readQueued === undefined ? undefined : readQueued();
    if (message === undefined) {
      try {
        message = await session.blockingRead();
      } catch (error) {
        mutex.unlock();
        if (error === INTERRUPTED) continue;
        if (await session.readFailed(error)) return;
        continue;
      }
    }
    mutex.unlock();
    session.received++;
    const pending = session.deliver(message);
    if (pending !== undefined) {
      mutex.wakeOne();
      await pending;
    }
  }
}
