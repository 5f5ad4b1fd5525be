/**
 * Internal seam, beside the adapter contract: an adapter whose library cannot send pings
 * (the WHATWG `WebSocket` API) says so under this symbol, so the engine can ask for a
 * heartbeat at `start()` instead of finding out at the first ping. Any other adapter is
 * taken to ping; one whose `ping` rejects with `UnsupportedOperationError` all the same is
 * handled when it does. `Symbol.for`, so the ESM and CJS builds agree on it.
 * @internal
 */
export const CANNOT_PING: unique symbol = Symbol.for('wscengine.cannotPing') as never;

/** Whether `adapter` can send pings, as far as it says. @internal */
export function canPing(adapter: object): boolean {
  return (adapter as { [CANNOT_PING]?: boolean })[CANNOT_PING] !== true;
}
