import { type ErrorCode, WscEngineError } from './errors.js';

/**
 * `engine.send()` could not deliver `data`: the outbox was full (`ERR_OUTBOX_FULL`), the
 * message waited longer than `outbox.ttlMs` (`ERR_SEND_EXPIRED`), or the engine stopped or
 * exited while it waited (`ERR_SEND_ABORTED`). Nothing of it was sent; `data` is the payload,
 * so it can be kept or sent again.
 */
export class SendError extends WscEngineError {
  override name = 'SendError';
  declare readonly code:
    | typeof ErrorCode.OutboxFull
    | typeof ErrorCode.SendExpired
    | typeof ErrorCode.SendAborted;
  /** The payload given to `send()`. */
  readonly data: string | Uint8Array;
  constructor(
    code: SendError['code'],
    message: string,
    data: string | Uint8Array,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.data = data;
  }
}

/**
 * `engine.request()` got no reply: none came within its timeout (`ERR_REQUEST_TIMEOUT`), or
 * the session it was sent on ended first (`ERR_REQUEST_CLOSED`; a request never waits
 * across a reconnect). `id` is the request's id.
 */
export class RequestError extends WscEngineError {
  override name = 'RequestError';
  declare readonly code: typeof ErrorCode.RequestTimeout | typeof ErrorCode.RequestClosed;
  /** The id the reply was matched on. */
  readonly id: string;
  constructor(code: RequestError['code'], message: string, id: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.id = id;
  }
}
