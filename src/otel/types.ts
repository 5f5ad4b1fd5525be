import type { Attributes, Span } from '@opentelemetry/api';

/**
 * What the engine asks of its instrumentation. The engine never calls OpenTelemetry
 * directly, so the default (no SDK registered) costs one boolean check on the hot path.
 * Build one with `createEngineTelemetry()`; `traceAdapter()` takes one too.
 */
export interface EngineTelemetry {
  /** False when no SDK is registered: the engine skips per-message work entirely. */
  readonly enabled: boolean;
  /**
   * Runs `fn` inside a span named `name` (e.g. `wscengine.on_message`), as the active
   * context, so spans the user creates inside `fn` nest under it. Ends the span when `fn`
   * returns or its promise settles; records a thrown error or rejection and sets error
   * status. Returns what `fn` returns (a promise stays a promise).
   */
  span<T>(name: string, attributes: Attributes, fn: (span: Span | undefined) => T): T;
  /**
   * Runs `fn` with no active span (other context, such as baggage, is kept), so spans
   * started inside it, now or after an await, begin new traces. For the work that outlives
   * the call that started it (read loops, keepalive, reconnect cycles): without it every
   * span of a long-lived engine would hang under the `wscengine.start` span, in one trace
   * lasting hours, under a parent that ended long ago.
   */
  detached<T>(fn: () => T): T;
  /** Counts an inbound message of `bytes` bytes. */
  messageIn(bytes: number): void;
  /** Counts an outbound message of `bytes` bytes. */
  messageOut(bytes: number): void;
  /** Counts a reconnect attempt; `ok` tells whether it succeeded. */
  reconnect(ok: boolean): void;
  /** Records a ping round-trip time. */
  pingRtt(ms: number): void;
}
