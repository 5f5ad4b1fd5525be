import type { Message } from '../../core/message.js';
import type { ResolvedOptions } from '../options.js';
import type { Session } from '../session/session.js';
import type { EngineExit, WebSocketClient } from '../types.js';
import { sessionClient } from './client.js';
import { MessageStream } from './message-stream.js';
import { PendingRequests } from './requests.js';

/**
 * What stands between an engine's sessions and its user when the engine has `requests`
 * (replies taken out of the flow and handed to their request) or no `onMessage` (messages
 * pulled with `messages()`). An engine with neither has none: its sessions call the
 * user's callbacks directly.
 * @internal
 */
export class Messaging {
  /** The callbacks the sessions call. */
  readonly client: WebSocketClient;
  /** The pulled messages, for an engine without `onMessage`. */
  readonly stream: MessageStream | undefined;
  /** Requests waiting for replies, made by the first `request()`. */
  #requests: PendingRequests<Session> | undefined;

  readonly #options: ResolvedOptions;

  private constructor(options: ResolvedOptions) {
    this.#options = options;
    const { client, requests } = options;
    this.stream = typeof client.onMessage === 'function' ? undefined : new MessageStream();
    this.client = sessionClient(client, requests && { takeReply: (m) => this.#takeReply(m) }, this.stream);
  }

  /** The messaging an engine with these options needs, if any. */
  static for(options: ResolvedOptions): Messaging | undefined {
    const needed = options.requests !== undefined || typeof options.client.onMessage !== 'function';
    return needed ? new Messaging(options) : undefined;
  }

  /** The pending requests (with `requests` on), made on first use. */
  pendingRequests(): PendingRequests<Session> {
    this.#requests ??= new PendingRequests(this.#options.requests!, this.#options.clock);
    return this.#requests;
  }

  /** A session started to end: requests written on it fail, and its reader must not wait on the consumer. */
  sessionEnding(session: Session): void {
    this.#requests?.sessionEnded(session);
    this.stream?.releaseAll();
  }

  /** A run begins. */
  runStarting(): void {
    this.stream?.reopen();
  }

  /** The run is over: iterators finish (or throw its error). */
  runEnded(exit: EngineExit): void {
    this.stream?.end(exit);
  }

  #takeReply(message: Message): boolean {
    return this.#requests?.take(message) === true;
  }
}
