import type { EngineTelemetry, TelemetryAttributes } from './telemetry.js';

/**
 * Runs a user callback (or an engine step) inside a span when there is telemetry, so the
 * user's own spans nest under it and a throw is recorded. A synchronous throw becomes a
 * rejection. `attributes` is a function so nothing is built without telemetry.
 * @internal
 */
export async function traced<T>(
  telemetry: EngineTelemetry | undefined,
  name: string,
  attributes: () => TelemetryAttributes,
  fn: () => T | Promise<T>,
): Promise<Awaited<T>> {
  if (telemetry === undefined) return await fn();
  return await telemetry.span(name, attributes(), async () => await fn());
}

/**
 * Like {@link traced}, but whatever `fn` throws is contained: recorded on the span and
 * turned into `undefined`, never an unhandled rejection. For callbacks that have nowhere
 * further to report to (`onReadError`, `onClose`, `onCloseError`, `onRestartError`).
 * @internal
 */
export async function contained<T>(
  telemetry: EngineTelemetry | undefined,
  name: string,
  attributes: () => TelemetryAttributes,
  fn: () => T | Promise<T>,
): Promise<Awaited<T> | undefined> {
  try {
    return await traced(telemetry, name, attributes, fn);
  } catch {
    return undefined;
  }
}

/** Runs `fn` with no active span when there is telemetry (see `EngineTelemetry.detached`). @internal */
export function detached<T>(telemetry: EngineTelemetry | undefined, fn: () => T): T {
  return telemetry === undefined ? fn() : telemetry.detached(fn);
}
