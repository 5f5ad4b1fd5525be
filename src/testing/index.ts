/**
 * `wscengine/testing`: everything to test code that uses an adapter or the engine, and to
 * verify a new adapter: a scriptable adapter mock, a scriptable client mock, an in-memory
 * adapter pair, a fake clock and the adapter conformance suite. Browser-safe: nothing in
 * this entry's module graph imports `node:*` or `ws`; the servers that need Node (echo
 * server, `ws` peer, fault proxy) are in `wscengine/testing/node`.
 * @packageDocumentation
 */
export * from './client-mock.js';
export * from './conformance/index.js';
export { FakeClock } from './fake-clock.js';
export * from './in-memory.js';
export * from './mock-adapter.js';
export type { ConformancePeer, PeerConnection } from './peer.js';
export * from './scriptable.js';
