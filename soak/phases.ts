import { WebSocket as UndiciWebSocket } from 'undici';
import { WhatwgWebSocketAdapter } from '../src/adapters/whatwg/index.js';
import { WsAdapter } from '../src/adapters/ws/index.js';
import type { PhaseOptions } from './phase.js';

/** The adapters' close timeout: it bounds a stop() on a dead link. */
const CLOSE_TIMEOUT_MS = 500;

/** The phases: one per adapter, each with its own server, proxy and checks. */
export function phases(seed: number, sessions: number): PhaseOptions[] {
  return [
    {
      name: 'ws adapter',
      createAdapter: () => new WsAdapter({ closeTimeoutMs: CLOSE_TIMEOUT_MS }),
      heartbeat: false,
      sessions,
      seed,
      closeTimeoutMs: CLOSE_TIMEOUT_MS,
    },
    {
      name: 'WHATWG adapter (undici)',
      createAdapter: () =>
        new WhatwgWebSocketAdapter({
          WebSocket: UndiciWebSocket as never,
          closeTimeoutMs: CLOSE_TIMEOUT_MS,
        }),
      heartbeat: true,
      sessions,
      seed: seed + 7,
      closeTimeoutMs: CLOSE_TIMEOUT_MS,
    },
  ];
}
