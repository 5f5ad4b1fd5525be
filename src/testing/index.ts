/**
 * `wscengine/testing`: everything to test code that uses an adapter or the engine, and to
 * verify a new adapter: a scriptable adapter mock, a scriptable client mock, an in-memory
 * adapter pair, a fake clock, the adapter conformance suite, and (Node only, `ws` loaded
 * lazily) an echo server and a `ws`-based peer.
 * @packageDocumentation
 */
export * from './client-mock.js';
export * from './conformance/index.js';
export * from './echo-server.js';
export { FakeClock } from './fake-clock.js';
export * from './in-memory.js';
export * from './mock-adapter.js';
export type { ConformancePeer, PeerConnection } from './peer.js';
export * from './scriptable.js';
export * from './ws-peer.js';
