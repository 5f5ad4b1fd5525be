import { onAbort } from '../../core/abort.js';
import { InvalidArgumentError } from '../../core/errors.js';
import type { Message } from '../../core/message.js';
import { RequestError } from '../../core/send-errors.js';
import { checkCallOptions } from '../../core/validation.js';
import type { RequestCallOptions, RequestsOptions } from '../options.js';
import type { Clock } from '../types.js';

interface Pending<S> {
  resolve(message: Message): void;
  reject(error: unknown): void;
  /** The session the request was written on, once it was. */
  session: S | undefined;
}

/**
 * The requests waiting for their reply, by id. A reply is the first message whose
 * `idOf(message)` is a pending id: it settles that request and goes nowhere else. A request
 * fails with `ERR_REQUEST_TIMEOUT` after its timeout, with `signal.reason` on abort, and with
 * `ERR_REQUEST_CLOSED` as soon as the session it was written on ends.
 * @internal
 */
export class PendingRequests<S> {
  readonly #pending = new Map<string, Pending<S>>();

  readonly #options: Readonly<Required<RequestsOptions>>;
  readonly #clock: Clock;

  constructor(options: Readonly<Required<RequestsOptions>>, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
  }

  /** Requests waiting for a reply. */
  get size(): number {
    return this.#pending.size;
  }

  /**
   * Registers request `id` and returns its reply, plus `written(session)` to call once the
   * request is written and `failed(error)` if it could not be.
   */
  open(
    id: string,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): { reply: Promise<Message>; written(session: S, ended: boolean): void; failed(error: unknown): void } {
    if (this.#pending.has(id)) {
      throw new InvalidArgumentError(
        'ERR_INVALID_ARGUMENT',
        `request id ${JSON.stringify(id)} is already waiting for its reply: give each request its own id`,
      );
    }
    let entry!: Pending<S>;
    const reply = new Promise<Message>((resolve, reject) => {
      const handle = this.#clock.setTimeout(() => {
        settle();
        reject(
          new RequestError(
            'ERR_REQUEST_TIMEOUT',
            `no reply to request ${JSON.stringify(id)} within ${timeoutMs} ms`,
            id,
          ),
        );
      }, timeoutMs);
      const offAbort = onAbort(signal, (reason) => {
        settle();
        reject(reason);
      });
      const settle = () => {
        this.#clock.clearTimeout(handle);
        offAbort();
        if (this.#pending.get(id) === entry) this.#pending.delete(id);
      };
      entry = {
        session: undefined,
        resolve: (message) => {
          settle();
          resolve(message);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
    });
    this.#pending.set(id, entry);
    if (signal?.aborted) entry.reject(signal.reason);
    return {
      reply,
      written: (session, ended) => {
        entry.session = session;
        if (ended) entry.reject(closedError(id));
      },
      failed: (error) => entry.reject(error),
    };
  }

  /** Settles the request `message` answers, if any: then `true`, and the message goes nowhere else. */
  take(message: Message): boolean {
    if (this.#pending.size === 0) return false;
    let id: string | undefined;
    try {
      id = this.#options.idOf(message);
    } catch {
      // A message idOf cannot read answers no request.
      return false;
    }
    const entry = id === undefined ? undefined : this.#pending.get(id);
    if (entry === undefined) return false;
    entry.resolve(message);
    return true;
  }

  /** `session` ended: every request written on it fails with `ERR_REQUEST_CLOSED`. */
  sessionEnded(session: S): void {
    for (const [id, entry] of this.#pending) if (entry.session === session) entry.reject(closedError(id));
  }
}

function closedError(id: string): RequestError {
  return new RequestError(
    'ERR_REQUEST_CLOSED',
    `the connection request ${JSON.stringify(id)} was sent on ended before its reply came`,
    id,
  );
}

/** `request()`'s options, checked, with the default timeout applied. @internal */
export function checkRequestOptions(
  options: RequestCallOptions,
  defaultTimeoutMs: number,
): { id: string; timeoutMs: number; signal: AbortSignal | undefined } {
  checkCallOptions(options, 'request');
  const { id, signal } = options ?? {};
  const timeoutMs = options?.timeoutMs ?? defaultTimeoutMs;
  if (typeof id !== 'string' || id === '') {
    const got = id === '' ? 'an empty string' : typeof id;
    throw new InvalidArgumentError(
      'ERR_INVALID_ARGUMENT',
      `request(data, { id }): id must be a non-empty string (the id the reply carries), got ${got}`,
    );
  }
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 1 && timeoutMs <= 2 ** 31 - 1)) {
    throw new InvalidArgumentError(
      'ERR_INVALID_ARGUMENT',
      `request(data, { timeoutMs }): expected a number of ms from 1 to 2147483647, got ${String(timeoutMs)}`,
    );
  }
  return { id, timeoutMs, signal };
}
