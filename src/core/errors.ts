import { redactUrlsInText } from './redact.js';
import { retryAfterOf } from './retry-after.js';

/**
 * Stable identifiers of the errors this library raises (the `code` of every error but
 * {@link WebSocketCloseError}, whose `code` is the close status code). Tests and callers
 * match on these, never on message text.
 */
// The library itself writes the strings (type-checked against this object's values), so a
// browser bundle that never reads `ErrorCode` leaves the object out (bench/README.md,
// "Bundle size").
export const ErrorCode = {
  ConnectionClosed: 'ERR_CONNECTION_CLOSED',
  Handshake: 'ERR_HANDSHAKE',
  Dial: 'ERR_DIAL',
  InvalidUrl: 'ERR_INVALID_URL',
  InvalidCloseCode: 'ERR_INVALID_CLOSE_CODE',
  InvalidCloseReason: 'ERR_INVALID_CLOSE_REASON',
  InvalidMessage: 'ERR_INVALID_MESSAGE',
  Unsupported: 'ERR_UNSUPPORTED',
  InvalidOptions: 'ERR_INVALID_OPTIONS',
  EngineStart: 'ERR_ENGINE_START',
  EngineStop: 'ERR_ENGINE_STOP',
  EngineState: 'ERR_ENGINE_STATE',
  Callback: 'ERR_CALLBACK',
  OutboxFull: 'ERR_OUTBOX_FULL',
  SendExpired: 'ERR_SEND_EXPIRED',
  SendAborted: 'ERR_SEND_ABORTED',
  RequestTimeout: 'ERR_REQUEST_TIMEOUT',
  RequestClosed: 'ERR_REQUEST_CLOSED',
  InvalidArgument: 'ERR_INVALID_ARGUMENT',
} as const;

/** One of the {@link ErrorCode} strings. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Root of every error this library raises. Each subclass sets `name` and a stable `code`
 * and keeps the underlying error as `cause`.
 */
export class WscEngineError extends Error {
  // Each class names itself with a literal: a minifier renames classes, so
  // `new.target.name` would read `be` or `C` in a browser bundle.
  override name = 'WscEngineError';
  /** Stable identifier: an {@link ErrorCode}, or a close status code for {@link WebSocketCloseError}. */
  readonly code: ErrorCode | number;

  constructor(code: ErrorCode | number, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/**
 * The connection closed: a close frame was received (its code and reason), or the
 * connection was lost without one (`1006`), or the close frame carried no code (`1005`).
 * `read()` rejects with it when the connection ends.
 *
 * @example
 * ```ts
 * try { await adapter.read(); } catch (e) {
 *   if (e instanceof WebSocketCloseError && e.code === StatusCode.GoingAway) reconnect();
 * }
 * ```
 */
export class WebSocketCloseError extends WscEngineError {
  override name = 'WebSocketCloseError';
  /** The close status code received (or 1005 / 1006 as above). */
  declare readonly code: number;
  /** The close reason, `''` if none. */
  readonly reason: string;

  constructor(code: number, reason = '', options?: { cause?: unknown }) {
    super(code, `connection has been closed: ${code} - ${reason}`, options);
    this.reason = reason;
  }
}

/**
 * An operation needs a connection and there is none: never dialled, or already closed.
 * `close()` on a closed connection rejects with it.
 */
export class ConnectionClosedError extends WscEngineError {
  override name = 'ConnectionClosedError';
  declare readonly code: typeof ErrorCode.ConnectionClosed;

  constructor(
    message = 'no open connection: dial first, or the connection is already closed',
    options?: { cause?: unknown },
  ) {
    super('ERR_CONNECTION_CLOSED', message, options);
  }
}

/**
 * The server answered the upgrade request with something other than `101 Switching Protocols`.
 *
 * @example
 * ```ts
 * catch (e) {
 *   if (e instanceof HandshakeError && e.retryAfterMs !== undefined) await sleep(e.retryAfterMs);
 * }
 * ```
 */
export class HandshakeError extends WscEngineError {
  override name = 'HandshakeError';
  declare readonly code: typeof ErrorCode.Handshake;
  /** HTTP status of the answer (e.g. 401, 404, 503); `0` where the library hides it. */
  readonly status: number;
  /** Response headers, lower-case names; `{}` where the library hides them. */
  readonly headers: Record<string, string | string[] | undefined>;
  /** The first bytes (at most 1 KiB) of the response body, decoded as UTF-8. */
  readonly body: string;
  /**
   * How long the server asked to wait before trying again, in ms from when the answer
   * came: set for a 429 or 503 with a valid `Retry-After` header (seconds or an HTTP date),
   * at most one hour; `undefined` otherwise.
   */
  readonly retryAfterMs: number | undefined;

  /**
   * `options.retryAfterMs` defaults to what `status` and the `retry-after` header ask for,
   * counted from now.
   */
  constructor(
    status: number,
    headers: Record<string, string | string[] | undefined> = {},
    body = '',
    options?: { cause?: unknown; message?: string; retryAfterMs?: number },
  ) {
    super(
      'ERR_HANDSHAKE',
      options?.message ?? `handshake failed: server answered ${status} instead of 101`,
      options,
    );
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.retryAfterMs =
      options && 'retryAfterMs' in options ? options.retryAfterMs : retryAfterOf(status, headers);
  }
}

/** The connection could not be established (refused, unreachable, DNS, TLS); `cause` says why. */
export class DialError extends WscEngineError {
  override name = 'DialError';
  declare readonly code: typeof ErrorCode.Dial;
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_DIAL', message, options);
  }
}

/** Codes of {@link InvalidArgumentError}. */
export type InvalidArgumentCode =
  | typeof ErrorCode.InvalidArgument
  | typeof ErrorCode.InvalidUrl
  | typeof ErrorCode.InvalidCloseCode
  | typeof ErrorCode.InvalidCloseReason
  | typeof ErrorCode.InvalidMessage;

/**
 * A call got an argument it cannot use: a URL that is not `ws:`/`wss:`, a close code that
 * may not be sent, a close reason over 123 UTF-8 bytes, a message of the wrong type
 * (each with its own code), or anything else of the wrong type, such as a `signal` that is
 * not an `AbortSignal` (`ERR_INVALID_ARGUMENT`). The message says what was wrong and how
 * to fix it; nothing was sent.
 */
export class InvalidArgumentError extends WscEngineError {
  override name = 'InvalidArgumentError';
  declare readonly code: InvalidArgumentCode;
  constructor(code: InvalidArgumentCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * The adapter cannot do this with the library it wraps (e.g. ping over the WHATWG API).
 * Raised instead of a silent no-op.
 */
export class UnsupportedOperationError extends WscEngineError {
  override name = 'UnsupportedOperationError';
  declare readonly code: typeof ErrorCode.Unsupported;
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_UNSUPPORTED', message, options);
  }
}

/** A constructor got bad options. `issues` lists every problem found, not just the first. */
export class InvalidOptionsError extends WscEngineError {
  override name = 'InvalidOptionsError';
  declare readonly code: typeof ErrorCode.InvalidOptions;
  /** One line per problem, each naming the option and what is expected. */
  readonly issues: string[];
  constructor(issues: string[], subject = 'options') {
    super('ERR_INVALID_OPTIONS', `invalid ${subject}:\n  - ${issues.join('\n  - ')}`);
    this.issues = issues;
  }
}

/**
 * `engine.start()` failed; `cause` is the dial error, the `onOpen` error, or the timeout/abort
 * reason. The message ends with the cause's message (URLs in it redacted), so one log line
 * says why: `engine failed to start: connect ECONNREFUSED 127.0.0.1:1`.
 */
export class EngineStartError extends WscEngineError {
  override name = 'EngineStartError';
  declare readonly code: typeof ErrorCode.EngineStart;
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ENGINE_START', withCause(message, options), options);
  }
}

/**
 * `engine.stop()` did not finish within `stopTimeoutMs` or its signal aborted; `cause` says
 * which, and the message ends with the cause's message as for {@link EngineStartError}.
 */
export class EngineStopError extends WscEngineError {
  override name = 'EngineStopError';
  declare readonly code: typeof ErrorCode.EngineStop;
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ENGINE_STOP', withCause(message, options), options);
  }
}

/** An engine method was called in a state that does not allow it (e.g. `start()` while started). */
export class EngineStateError extends WscEngineError {
  override name = 'EngineStateError';
  declare readonly code: typeof ErrorCode.EngineState;
  constructor(message: string) {
    super('ERR_ENGINE_STATE', message);
  }
}

/**
 * A user callback threw or rejected. The engine reports it (an `onMessage` failure goes to
 * `onReadError` wrapped in this) instead of crashing; `callback` names the callback and
 * `cause` is what it threw.
 */
export class CallbackError extends WscEngineError {
  override name = 'CallbackError';
  declare readonly code: typeof ErrorCode.Callback;
  /** The callback that failed, e.g. `'onMessage'`. */
  readonly callback: string;
  constructor(callback: string, cause: unknown) {
    super('ERR_CALLBACK', `${callback} failed: ${describe(cause)}`, { cause });
    this.callback = callback;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** `message: <the cause's message>`, unless there is none or `message` already says it. */
function withCause(message: string, options: { cause?: unknown } | undefined): string {
  const cause = options?.cause;
  if (cause === undefined) return message;
  let text = messageOf(cause);
  if (text === undefined) return message;
  text = redactUrlsInText(text.trim());
  if (text === '' || message.includes(text)) return message;
  return `${message}: ${text}`;
}

/** What `cause` says: an error's message, a primitive as text; `undefined` for anything else. */
function messageOf(cause: unknown): string | undefined {
  if (cause instanceof Error) return cause.message;
  if (cause === null || (typeof cause !== 'object' && typeof cause !== 'function')) return String(cause);
  try {
    // An error from another realm, or an error-like object.
    const text = (cause as { message?: unknown }).message;
    return typeof text === 'string' ? text : undefined;
  } catch {
    return undefined;
  }
}
