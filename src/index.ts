/**
 * `wscengine`: core types, constants, errors, the adapter contract and the engine.
 * Imports nothing Node-specific, so it bundles for browsers.
 * @packageDocumentation
 */
export * from './core/index.js';
export * from './engine/index.js';
export * from './otel/index.js';
