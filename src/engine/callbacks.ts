import type { Attributes } from '@opentelemetry/api';
import type { EngineTelemetry } from '../otel/types.js';

/**
 * Runs a user callback (or an engine step) inside a span when telemetry is on, so the
 * user's own spans nest under it and a throw is recorded. A synchronous throw becomes a
 * rejection. `attributes` is a function so nothing is built when telemetry is off.
 * @internal
 */
export async function traced<T>(
  telemetry: EngineTelemetry,
  name: string,
  attributes: () => Attributes,
  fn: () => T | Promise<T>,
): Promise<Awaited<T>> {
  if (!telemetry.enabled) return await fn();
  return await telemetry.span(name, attributes(), async () => await fn());
}

/**
 * Like {@link traced}, but whatever `fn` throws is contained: recorded on the span (when
 * telemetry is on) and turned into `undefined`, never an unhandled rejection. For callbacks
 * that have nowhere further to report to (`onReadError`, `onClose`, `onCloseError`,
 * `onRestartError`).
 * @internal
 */
export async function contained<T>(
  telemetry: EngineTelemetry,
  name: string,
  attributes: () => Attributes,
  fn: () => T | Promise<T>,
): Promise<Awaited<T> | undefined> {
  try {
    return await traced(telemetry, name, attributes, fn);
  } catch {
    return undefined;
  }
}
