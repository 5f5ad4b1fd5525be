import { afterEach } from 'node:test';
import { type Message, MessageType, WebSocketCloseError } from '../../src/core/index.js';
import {
  createInMemoryPair,
  type InMemoryAdapter,
  type InMemoryPairOptions,
  type InMemoryPeerConnection,
  type InMemoryServer,
} from '../../src/testing/in-memory.js';

export const text = (data: string): Message => ({ type: MessageType.Text, data });

export const isClose = (code: number, reason?: string) => (e: unknown) =>
  e instanceof WebSocketCloseError && e.code === code && (reason === undefined || e.reason === reason);

/** Lets every pending microtask hop run (deliveries are microtasks; a macrotask comes after all of them). */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Servers to close after each test (see {@link closeServersAfterEach}). */
export const servers: InMemoryServer[] = [];

/** Closes the servers `connect()` made, after each test of the file that calls it. */
export function closeServersAfterEach(): void {
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
}

/** A dialled in-memory pair: the client adapter, its server and the server's end of the connection. */
export async function connect(
  options?: InMemoryPairOptions,
): Promise<{ client: InMemoryAdapter; server: InMemoryServer; peer: InMemoryPeerConnection }> {
  const { client, server } = createInMemoryPair(options);
  servers.push(server);
  await client.dial(server.url);
  return { client, server, peer: await server.accept() };
}
