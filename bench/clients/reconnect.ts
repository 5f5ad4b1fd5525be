import type { Library } from '../lib/wscengine.js';
import { startEngine, wallNow } from './common.js';

export interface ReconnectParams {
  url: string;
  /** Backoff options; `undefined` = the engine's defaults. */
  reconnect?: Record<string, number>;
}

export interface ReconnectResult {
  /** Wall clock (ms, shared across processes) of the `onOpen({ restarting: true })` call. */
  reopenedAt: number;
  /** Wall clock of the `onClose` call that saw the server go. */
  closedAt: number;
  failedAttempts: number;
}

/**
 * Starts an engine, tells the parent it is up ('started' event), then waits for the
 * parent to kill and restart the server and reports when the engine was open again.
 */
export async function runReconnect(lib: Library, p: ReconnectParams): Promise<ReconnectResult> {
  let closedAt = 0;
  let failedAttempts = 0;
  let reopened!: (at: number) => void;
  const reopenedAt = new Promise<number>((resolve) => {
    reopened = resolve;
  });
  await startEngine(lib, {
    url: p.url,
    autoReconnect: true,
    ...(p.reconnect ? { reconnect: p.reconnect } : {}),
    client: {
      onMessage() {},
      onOpen({ restarting }) {
        if (restarting) reopened(wallNow());
      },
      onClose() {
        closedAt ||= wallNow();
      },
      onRestartError() {
        failedAttempts++;
      },
    },
  });
  process.send?.({ event: 'started' });
  return { reopenedAt: await reopenedAt, closedAt, failedAttempts };
}
