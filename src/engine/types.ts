import type { WebSocketConnectionAdapter } from '../core/adapter.js';
import type { CallOptions, HandshakeResponse, Message } from '../core/message.js';

/** A close status code and reason, as received from the peer or as chosen to close with. */
export interface CloseMessage {
  /** Close status code, 1000-4999. */
  code: number;
  /** Close reason, `''` if none. */
  reason: string;
}

/**
 * The engine's pause switch. While it is locked no read loop reads, so the holder owns the
 * connection (e.g. send a request and read its response without correlation ids).
 * A locked mutex also delays shutdown until it is released.
 *
 * @example
 * ```ts
 * const reply = await engine.readMutex.runExclusive(async () => {
 *   await conn.write(MessageType.Text, 'ping?');
 *   return conn.read();
 * });
 * ```
 */
export interface ReadMutex {
  /** Waits for the lock and resolves with its release function (idempotent). */
  lock(options?: CallOptions): Promise<() => void>;
  /** Runs `fn` holding the lock, releasing it however `fn` ends. */
  runExclusive<T>(fn: () => T | Promise<T>, options?: CallOptions): Promise<T>;
  /** Whether someone holds the lock. */
  readonly isLocked: boolean;
}

/** Argument of {@link WebSocketClient.onOpen}. */
export interface OnOpenArgs {
  /** The server's answer to the handshake. */
  response: HandshakeResponse;
  /** The session's connection; read and write on it freely, no read loop runs yet. */
  conn: WebSocketConnectionAdapter;
  readMutex: ReadMutex;
  /** Ends the engine for good once `onOpen` returns. */
  exit(): void;
  /** `false` on the first start, `true` on reconnects. */
  restarting: boolean;
  /** UUID of this session (one connection). */
  sessionId: string;
  /** Aborts when the open times out (`openTimeoutMs`) or start/stop cancels it. */
  signal: AbortSignal;
}

/** Argument of {@link WebSocketClient.onMessage}. */
export interface OnMessageArgs {
  message: Message;
  conn: WebSocketConnectionAdapter;
  readMutex: ReadMutex;
  /** Closes this session and reconnects (always, whatever `autoReconnect` says). */
  restart(): void;
  /** Closes this session and ends the engine for good. */
  exit(): void;
  sessionId: string;
}

/** Argument of {@link WebSocketClient.onReadError}. */
export interface OnReadErrorArgs {
  /** The read error, or a `CallbackError` wrapping what `onMessage` threw. */
  error: unknown;
  conn: WebSocketConnectionAdapter;
  readMutex: ReadMutex;
  restart(): void;
  exit(): void;
  sessionId: string;
}

/** Argument of {@link WebSocketClient.onClose}. */
export interface OnCloseArgs {
  conn: WebSocketConnectionAdapter;
  readMutex: ReadMutex;
  /** Present when the close came from the peer or the network; absent when the engine closes. */
  closeMessage?: CloseMessage;
  sessionId: string;
}

/** Argument of {@link WebSocketClient.onCloseError}. */
export interface OnCloseErrorArgs {
  /** Why `conn.close()` failed during shutdown. */
  error: unknown;
  sessionId: string;
}

/** Argument of {@link WebSocketClient.onRestartError}. */
export interface OnRestartErrorArgs {
  /** Why this reconnect attempt failed (dial error, `onOpen` error, timeout). */
  error: unknown;
  /** Failed attempts so far in this reconnect cycle, starting at 1. */
  retryCount: number;
  /** Stops reconnecting and ends the engine. */
  exit(): void;
}

/** Why a run ended: see {@link EngineExit}. */
export type EngineExitReason = 'stop' | 'exit' | 'closed' | 'retries' | 'error';

/**
 * How a run ended, as `engine.closed` resolves and `onExit` gets it:
 * - `'stop'`: `stop()` was called;
 * - `'exit'`: a callback called `exit()`;
 * - `'closed'`: the connection ended and no reconnect was to follow (`autoReconnect` off,
 *   or `shouldReconnect` said no); `error` is the close error;
 * - `'retries'`: `maxRetries` failed attempts in a row; `error` is the last attempt's error;
 * - `'error'`: anything else; `error` says what.
 */
export interface EngineExit {
  reason: EngineExitReason;
  error?: unknown;
}

/**
 * The callbacks the engine calls. Each takes one object argument, so fields can be added
 * without breaking anyone. All but `onMessage` are optional, and an engine without
 * `onMessage` is read with `engine.messages()`. Whatever a callback throws
 * is reported, never an unhandled rejection.
 */
export interface WebSocketClient {
  /** A connection is open. Throwing fails the first start, or fails this reconnect attempt. */
  onOpen?(args: OnOpenArgs): void | Promise<void>;
  /** A message arrived. Up to `readers` calls run at once. */
  onMessage?(args: OnMessageArgs): void | Promise<void>;
  /** A read failed without closing the connection, or `onMessage` threw. No loop reads meanwhile. */
  onReadError?(args: OnReadErrorArgs): void | Promise<void>;
  /** The session is ending; runs exactly once per session. Return the code and reason to close with (default 1001 "Going away"). */
  onClose?(args: OnCloseArgs): void | CloseMessage | Promise<void | CloseMessage>;
  /** `conn.close()` failed during shutdown. */
  onCloseError?(args: OnCloseErrorArgs): void | Promise<void>;
  /** A reconnect attempt failed. */
  onRestartError?(args: OnRestartErrorArgs): void | Promise<void>;
  /** The run is over (called once per run, never silently skipped): why, and the error if any. */
  onExit?(exit: EngineExit): void | Promise<void>;
}

/**
 * Clock used for every delay and timeout of the engine. Injected in tests to run the
 * engine's decisions without real time.
 */
export interface Clock {
  /** Milliseconds, monotonic enough for measuring intervals. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
