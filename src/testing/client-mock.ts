import type { Message } from '../core/message.js';
import type {
  CloseMessage,
  OnCloseArgs,
  OnCloseErrorArgs,
  OnMessageArgs,
  OnOpenArgs,
  OnReadErrorArgs,
  OnRestartErrorArgs,
  WebSocketClient,
} from '../engine/types.js';
import { type ScriptableFunction, scriptable } from './scriptable.js';

/**
 * A {@link WebSocketClient} whose every callback is a {@link ScriptableFunction}: each call
 * is recorded with its argument object, tests await calls (`waitForCall(n)`) instead of
 * sleeping, and script what a callback does (throw, return a close message, call
 * `args.restart()`...).
 *
 * Unscripted, every callback does nothing and returns `undefined` synchronously (so
 * `onClose` lets the engine close with its default code). Scripted behaviours that throw
 * do so synchronously (`throws`) or asynchronously (`rejects`), so both paths of the
 * engine's error handling can be tested.
 *
 * @example
 * ```ts
 * const client = new WebSocketClientMock();
 * client.onMessage.implementationOnce(({ exit }) => exit());
 * client.onClose.returns({ code: 4000, reason: 'done' });
 * const engine = new WebSocketEngine({ url, adapter, client });
 * await engine.start();
 * const { args: [{ message }] } = await client.onMessage.waitForCall(1);
 * await client.onClose.waitForCall(1);
 * ```
 */
export class WebSocketClientMock implements WebSocketClient {
  /** Default: does nothing. */
  readonly onOpen: ScriptableFunction<[args: OnOpenArgs], void | Promise<void>> = callback('onOpen');
  /** Default: does nothing. */
  readonly onMessage: ScriptableFunction<[args: OnMessageArgs], void | Promise<void>> = callback('onMessage');
  /** Default: does nothing. */
  readonly onReadError: ScriptableFunction<[args: OnReadErrorArgs], void | Promise<void>> =
    callback('onReadError');
  /** Default: returns `undefined` (the engine closes with its default code and reason). */
  readonly onClose: ScriptableFunction<
    [args: OnCloseArgs],
    void | CloseMessage | Promise<void | CloseMessage>
  > = callback('onClose');
  /** Default: does nothing. */
  readonly onCloseError: ScriptableFunction<[args: OnCloseErrorArgs], void | Promise<void>> =
    callback('onCloseError');
  /** Default: does nothing. */
  readonly onRestartError: ScriptableFunction<[args: OnRestartErrorArgs], void | Promise<void>> =
    callback('onRestartError');

  /** The messages `onMessage` received, in call order. */
  receivedMessages(): Message[] {
    return this.onMessage.calls.map((call) => call.args[0].message);
  }

  /** Resets every callback: calls forgotten, scripts back to the defaults. */
  reset(): void {
    this.onOpen.reset();
    this.onMessage.reset();
    this.onReadError.reset();
    this.onClose.reset();
    this.onCloseError.reset();
    this.onRestartError.reset();
  }
}

/** A scriptable callback that does nothing by default; `undefined` fits every callback's return type. */
function callback<T, R>(name: string): ScriptableFunction<[args: T], R> {
  return scriptable<[args: T], R>(() => undefined as R, { name });
}
