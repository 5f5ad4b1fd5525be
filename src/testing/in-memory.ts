import type { InMemoryAdapter, InMemoryAdapterOptions } from './in-memory-adapter.js';
import { InMemoryServer, type InMemoryServerOptions } from './in-memory-server.js';

export {
  IN_MEMORY_ADAPTER_DEFAULTS,
  InMemoryAdapter,
  type InMemoryAdapterOptions,
} from './in-memory-adapter.js';
export { InMemoryPeerConnection, InMemoryServer, type InMemoryServerOptions } from './in-memory-server.js';
export type { InMemoryReadyState, InMemorySocket } from './in-memory-types.js';

/** Options of {@link createInMemoryPair}: the client adapter's options plus the server URL. */
export interface InMemoryPairOptions extends InMemoryAdapterOptions {
  /** URL of the server; clients may dial any path or query on its host. Default `ws://in-memory.test/`. */
  url?: string | URL;
  /** See {@link InMemoryServerOptions.transportBufferBytes}. Default 0. */
  transportBufferBytes?: number;
}

/**
 * A client adapter and the in-memory server it dials, connected without sockets, ports or
 * timers. The client is a real adapter (it passes the conformance suite); the server is a
 * `ConformancePeer` that tests drive: accept, send, read what the client sent, close,
 * drop, stop answering pings, refuse or stall handshakes. Deliveries take a microtask hop,
 * in order, like a network; a client that does not read fills its bounded queue, then the
 * server's outbox (`bufferedAmount()`), and the server's `send()` waits.
 *
 * @example
 * ```ts
 * const { client, server } = createInMemoryPair({ inboundQueue: { maxMessages: 8 } });
 * await client.dial(server.url);
 * const peer = await server.accept();
 * await peer.send({ type: MessageType.Text, data: 'hello' });
 * assert.equal((await client.read()).data, 'hello');
 * peer.close(4000, 'bye');
 * await assert.rejects(client.read(), { name: 'WebSocketCloseError', code: 4000 });
 * await server.close();
 * ```
 */
export function createInMemoryPair(options: InMemoryPairOptions = {}): {
  client: InMemoryAdapter;
  server: InMemoryServer;
} {
  const { url, transportBufferBytes, ...clientOptions } = options;
  const server = new InMemoryServer(url, { transportBufferBytes });
  return { client: server.createClient(clientOptions), server };
}
