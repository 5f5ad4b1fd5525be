import type { WebSocketConnectionAdapter } from '../../core/adapter.js';
import type { WebSocketCloseError } from '../../core/errors.js';
import type { Message } from '../../core/message.js';
import type { ResolvedOptions } from '../options.js';
import type { EngineReadMutex } from '../read-mutex.js';
import type { WebSocketClient } from '../types.js';

/** What ends a session: the first of these wins. @internal */
export type EndKind = 'peer' | 'keepalive' | 'restart' | 'exit' | 'stop';

/** What a session's parts (reader, keepalive, shutdown) read: fixed for the session's life. @internal */
export interface SessionContext {
  readonly id: string;
  /** The adapter, as the reader uses it and callbacks see it (instrumented with telemetry). */
  readonly conn: WebSocketConnectionAdapter;
  readonly client: WebSocketClient;
  readonly mutex: EngineReadMutex;
  readonly options: ResolvedOptions;
  /** Closes this session and reconnects; handed to callbacks. */
  readonly restart: () => void;
  /** Closes this session and ends the engine; handed to callbacks. */
  readonly exit: () => void;
}

/** How a session's parts tell it what happened: the one record of handlers between them. @internal */
export interface SessionEvents {
  /** A message arrived: proof of life. Returns whether it is a heartbeat's reply (then it goes nowhere else). */
  messageArrived(message: Message): boolean;
  /** The session must end; only the first call counts. `error` says how the connection ended. */
  end(kind: EndKind, error?: WebSocketCloseError): void;
  /** Reports an error to `onReadError` (reading pauses meanwhile). */
  reportError(error: unknown): void;
  /** Whether messages wait for the engine (then silence on the wire is ours, not the peer's). */
  readerBacklogged(): boolean;
  /** The reader has stopped: it takes nothing more and nothing it started still runs. */
  readerStopped(): void;
}

/** What a part of a session is given: the session's facts and its handlers (the session itself). @internal */
export type SessionView = SessionContext & SessionEvents;
