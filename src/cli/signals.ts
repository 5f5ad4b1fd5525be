/** Exit status of a command ended by a second signal: 128 + the signal's number. */
const FORCED_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Calls `handler` on the first SIGINT or SIGTERM, for a clean shutdown; a second one ends
 * the process at once (a server that never answers the close must not trap the user).
 * Returns the function that removes the listeners.
 */
export function onTerminate(handler: () => void): () => void {
  let received = false;
  const listener = (signal: NodeJS.Signals) => {
    if (received) process.exit(FORCED_EXIT[signal as keyof typeof FORCED_EXIT] ?? 1);
    received = true;
    handler();
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
}
