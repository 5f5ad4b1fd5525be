import type { Message } from '../../core/message.js';
import type { OnMessageArgs, WebSocketClient } from '../types.js';
import type { MessageStream } from './message-stream.js';

/** Where replies to `request()` are taken out of the flow of messages. @internal */
export interface ReplyTaker {
  /** Settles the request `message` answers, if any: then `true`, and it goes nowhere else. */
  takeReply(message: Message): boolean;
}

/**
 * The callbacks the engine's sessions call: the user's, except that `onMessage` first lets
 * `replies` take the answers to pending requests (when `request()` is on), and an engine
 * without `onMessage` delivers to `stream` (`engine.messages()`). Without either, the user's
 * own object: nothing stands between a message and `onMessage`.
 * @internal
 */
export function sessionClient(
  client: WebSocketClient,
  replies: ReplyTaker | undefined,
  stream: MessageStream | undefined,
): WebSocketClient {
  if (replies === undefined && stream === undefined) return client;
  const deliver =
    stream !== undefined
      ? (args: OnMessageArgs) => stream.deliver(args.message)
      : (args: OnMessageArgs) => client.onMessage?.(args);
  const wrapped: WebSocketClient = {
    onMessage:
      replies === undefined
        ? deliver
        : (args) => (replies.takeReply(args.message) ? undefined : deliver(args)),
  };
  // The other callbacks are the user's, called on the user's object (methods of a class work).
  for (const name of DELEGATED) {
    if (typeof client[name] === 'function') wrapped[name] = ((args: never) => client[name]?.(args)) as never;
  }
  return wrapped;
}

const DELEGATED = ['onOpen', 'onReadError', 'onClose', 'onCloseError', 'onRestartError', 'onExit'] as const;
