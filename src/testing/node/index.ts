/**
 * `wscengine/testing/node`: the test servers that need Node: an echo server, a `ws` peer
 * for the adapter conformance suite, and a TCP fault proxy that resets, cuts, stalls,
 * throttles or closes the connections it carries.
 * @packageDocumentation
 */
export * from './echo-server.js';
export * from './fault-proxy.js';
export * from './ws-peer.js';
