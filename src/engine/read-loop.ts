import type { MessageDispatcher } from './dispatch.js';
import { INTERRUPTED } from './dispatch.js';

/**
 * The session's one reader: take the lock, read, release, start `onMessage`; a returned
 * promise only takes one of the `readers` slots, and the reader keeps reading while a slot
 * is free. One reader instead of `readers` parked loops keeps an idle session at one
 * pending read and one suspended function, while the observable behaviour is the same:
 * messages read in arrival order, `onMessage` started in that order, at most `readers` in
 * flight (`readers: 1` is strictly sequential), no read while the lock is held by a user
 * or `onReadError` runs.
 *
 * Queued messages are taken synchronously (`readQueued`) and a synchronous `onMessage` is
 * not awaited, so a burst is dispatched with no promise, timer or closure per message; the
 * reader only awaits when every slot is taken or the queue is empty (a blocking read, which
 * a user's `lock()` or the shutdown interrupts). Once the session is closing and every
 * in-flight `onMessage` has settled, it calls `session.readerDone()` (a hook rather than a
 * `.then()` on its promise: one closure and promise fewer per idle session).
 * @internal
 */
export async function readLoop(session: MessageDispatcher): Promise<void> {
  const { mutex, adapter, readers } = session.deps;
  const queued = typeof adapter.readQueued === 'function';
  for (;;) {
    if (session.closing) break;
    if (session.pauses > 0) {
      await session.resumed();
      continue;
    }
    if (session.inFlight >= readers) {
      await session.settled();
      continue;
    }
    if (!mutex.tryLock()) {
      await mutex.waitForTurn();
      continue;
    }
    let message = queued ? adapter.readQueued?.() : undefined;
    if (message === undefined) {
      mutex.interruptor = session;
      try {
        message = await adapter.read(session.readSignal());
      } catch (error) {
        mutex.interruptor = undefined;
        mutex.unlock();
        if (error === INTERRUPTED) continue;
        if (await session.readFailed(error)) break;
        continue;
      }
      mutex.interruptor = undefined;
    }
    mutex.unlock();
    session.received++;
    session.deliver(message);
  }
  // In-flight onMessage calls finish before the shutdown goes on.
  while (session.inFlight > 0) await session.settled();
  session.readerDone();
}
