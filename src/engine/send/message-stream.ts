import { onAbort } from '../../core/abort.js';
import type { Message } from '../../core/message.js';
import type { EngineExit } from '../types.js';

interface Buffered {
  message: Message;
  /** Frees the reader's slot the message holds. */
  release(): void;
}

/**
 * The messages of an engine without `onMessage`, for `engine.messages()`. To the reader it
 * is the `onMessage` of every session: {@link deliver} returns a promise that holds one of
 * the `readers` slots until a consumer pulls the message, so a consumer that does not pull
 * pauses reading (and, through the adapter's bounded queue, the socket). When a session
 * ends its slots are freed and what it delivered stays here, in order, for the consumer.
 * When the run ends, iterators finish (or throw the exit's error) once they have drained it.
 * @internal
 */
export class MessageStream {
  readonly #buffered: Buffered[] = [];
  readonly #waiting: {
    resolve(result: IteratorResult<Message>): void;
    reject(error: unknown): void;
  }[] = [];
  #exit: EngineExit | undefined;

  /** Hands `message` to a waiting consumer, or keeps it; resolves once it was taken. */
  deliver(message: Message): void | Promise<void> {
    const consumer = this.#waiting.shift();
    if (consumer !== undefined) {
      consumer.resolve({ value: message, done: false });
      return;
    }
    return new Promise<void>((release) => this.#buffered.push({ message, release }));
  }

  /** A session ended: its reader must not wait for the consumer; its messages stay here. */
  releaseAll(): void {
    for (const entry of this.#buffered) entry.release();
  }

  /** The run ended: consumers finish after the buffered messages (or throw `exit.error`). */
  end(exit: EngineExit): void {
    this.#exit = exit;
    this.releaseAll();
    for (const consumer of this.#waiting.splice(0)) this.#finish(consumer);
  }

  /** A new run begins. */
  reopen(): void {
    this.#exit = undefined;
  }

  /** An iterator over the messages, ending when the run ends or `signal` aborts. */
  iterate(signal: AbortSignal | undefined): AsyncIterableIterator<Message> {
    let done = false;
    const iterator: AsyncIterableIterator<Message> = {
      next: () => {
        if (done || signal?.aborted) {
          done = true;
          return Promise.resolve({ value: undefined, done: true });
        }
        return this.#next(signal).then((result) => {
          if (result.done) done = true;
          return result;
        });
      },
      return: () => {
        done = true;
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  #next(signal: AbortSignal | undefined): Promise<IteratorResult<Message>> {
    const entry = this.#buffered.shift();
    if (entry !== undefined) {
      entry.release();
      return Promise.resolve({ value: entry.message, done: false });
    }
    return new Promise<IteratorResult<Message>>((resolve, reject) => {
      const consumer = {
        resolve: (result: IteratorResult<Message>) => {
          off();
          resolve(result);
        },
        reject: (error: unknown) => {
          off();
          reject(error);
        },
      };
      const off = onAbort(signal, () => {
        const index = this.#waiting.indexOf(consumer);
        if (index >= 0) this.#waiting.splice(index, 1);
        resolve({ value: undefined, done: true });
      });
      if (this.#exit) this.#finish(consumer);
      else this.#waiting.push(consumer);
    });
  }

  #finish(consumer: { resolve(result: IteratorResult<Message>): void; reject(error: unknown): void }): void {
    const exit = this.#exit!;
    const failed = exit.error !== undefined && exit.reason !== 'stop' && exit.reason !== 'exit';
    if (failed) consumer.reject(exit.error);
    else consumer.resolve({ value: undefined, done: true });
  }
}
