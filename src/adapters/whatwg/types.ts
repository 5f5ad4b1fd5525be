/**
 * Minimal structural types for the foreign WHATWG `WebSocket`. Declared here rather than
 * taken from the DOM lib so the adapter type-checks in any runtime (browsers, Deno, Bun,
 * Node's global, undici) and never forces `lib: ["DOM"]` on users.
 */

/** The fields of a `MessageEvent` the adapter reads. */
export interface WhatwgMessageEventLike {
  /** A `string` for text, an `ArrayBuffer` for binary (the adapter sets `binaryType`). */
  readonly data: unknown;
}

/** The fields of a `CloseEvent` the adapter reads. */
export interface WhatwgCloseEventLike {
  /**
   * Close code as the runtime reports it: 1005 without a code, 1006 without a close frame
   * (some runtimes say otherwise, e.g. Deno's 0; the adapter reads any code outside
   * 1000-4999 as 1006).
   */
  readonly code: number;
  /** Close reason, `''` if none. */
  readonly reason: string;
}

/** The fields of an error `Event` the adapter may read; runtimes differ, so all optional. */
export interface WhatwgErrorEventLike {
  /** Present on `ErrorEvent` (undici, Deno, Bun). */
  readonly message?: string;
  /** Present on `ErrorEvent` in some runtimes. */
  readonly error?: unknown;
}

/** A listener the adapter registers; the event type depends on the event name. */
// biome-ignore lint/suspicious/noExplicitAny: event types differ per event name and runtime.
export type WhatwgListener = (event: any) => void;

/** The subset of a WHATWG `WebSocket` instance the adapter uses. */
export interface WhatwgWebSocketLike {
  /** 0 CONNECTING, 1 OPEN, 2 CLOSING, 3 CLOSED. */
  readonly readyState: number;
  /** The negotiated subprotocol, `''` if none. */
  readonly protocol: string;
  /** The negotiated extensions, `''` if none. */
  readonly extensions: string;
  /** Bytes queued by `send()` and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** Set to `'arraybuffer'` by the adapter so binary messages arrive synchronously. */
  binaryType: string;
  /** Queues a message; throws only while CONNECTING. */
  send(data: string | ArrayBufferLike | ArrayBufferView): void;
  /** Starts the close handshake; accepts only 1000 and 3000-4999. */
  close(code?: number, reason?: string): void;
  /** Registers a listener for `open`, `message`, `error` or `close`. */
  addEventListener(type: string, listener: WhatwgListener): void;
  /** Removes a listener registered with `addEventListener`. */
  removeEventListener(type: string, listener: WhatwgListener): void;
}

/**
 * A WHATWG `WebSocket` constructor: `globalThis.WebSocket` in browsers, Deno, Bun and
 * Node >= 22, or `WebSocket` from `undici` on Node 20.
 */
export type WhatwgWebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => WhatwgWebSocketLike;

/** `readyState` values, named once. */
export const ReadyState = Object.freeze({ Connecting: 0, Open: 1, Closing: 2, Closed: 3 });
