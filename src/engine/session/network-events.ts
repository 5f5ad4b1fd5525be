/** What a page's `offline`/`online` events call. */
type Probe = () => void;

const probes = new Set<Probe>();

interface EventSource {
  addEventListener?(type: string, listener: () => void): void;
  removeEventListener?(type: string, listener: () => void): void;
}

/**
 * Calls `probe` when the page goes offline or comes back online (the `offline` and `online`
 * events of a browser's global object), so connections are checked at once rather than at
 * the next keepalive tick. Where the global object has no events (Node) it does nothing.
 * The listeners are on the global object only while some probe is registered. Returns the
 * function that unregisters `probe`.
 * @internal
 */
export function onNetworkChange(probe: Probe): () => void {
  const global = globalThis as EventSource;
  if (typeof global.addEventListener !== 'function') return () => undefined;
  probes.add(probe);
  if (probes.size === 1) {
    global.addEventListener('offline', fire);
    global.addEventListener('online', fire);
  }
  return () => {
    if (!probes.delete(probe) || probes.size > 0) return;
    global.removeEventListener?.('offline', fire);
    global.removeEventListener?.('online', fire);
  };
}

function fire(): void {
  for (const probe of [...probes]) probe();
}
