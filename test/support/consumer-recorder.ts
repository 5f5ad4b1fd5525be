import type { QueueConsumer } from '../../src/core/inbound-seam.js';

/** A queue consumer that records its calls (`events`); `when(n)` resolves once `n` were recorded. */
export interface ConsumerRecorder extends QueueConsumer {
  readonly events: string[];
  when(count: number): Promise<void>;
}

/** A {@link ConsumerRecorder}; `onQueued` runs after each `queued()` is recorded. */
export function consumerRecorder(onQueued?: () => void): ConsumerRecorder {
  const events: string[] = [];
  const waiting: { count: number; resolve(): void }[] = [];
  const record = (event: string) => {
    events.push(event);
    for (const w of waiting.filter((w) => events.length >= w.count)) w.resolve();
  };
  return {
    events,
    queued: () => {
      record('queued');
      onQueued?.();
    },
    ended: () => record('ended'),
    when: (count) =>
      events.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.push({ count, resolve })),
  };
}
