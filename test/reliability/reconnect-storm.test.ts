// A reconnect storm: 200 engines connected to one server that restarts. The first attempt
// after the drop is immediate for all of them; after that, jitter must spread their
// attempts (no more than a fifth of the engines within any 100 ms), and every engine must
// be back within the backoff bound of the attempt it was waiting for.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { WebSocketServer } from 'ws';
import { WsAdapter } from '../../src/adapters/ws/index.js';
import { type CallOptions, type HandshakeResponse, WebSocketEngine } from '../../src/index.js';
import { until } from '../engine/helpers.js';

const ENGINES = 200;
const RECONNECT = { initialDelayMs: 2_000, maxDelayMs: 4_000, multiplier: 2, jitter: 1, minUptimeMs: 0 };
const DOWN_MS = 500;
/** Room for 200 engines' worth of event-loop work on a loaded machine. */
const MARGIN_MS = 1_000;

/** The longest wait the backoff allows before the attempt that follows `failures` failures. */
const waitBound = (failures: number) =>
  Math.min(RECONNECT.maxDelayMs, RECONNECT.initialDelayMs * RECONNECT.multiplier ** (failures - 1));

/** A ws adapter that records when each dial starts and how it ends. */
class RecordingAdapter extends WsAdapter {
  readonly attempts: { at: number; ok?: boolean; settledAt?: number }[] = [];
  override async dial(target: URL, options?: CallOptions): Promise<HandshakeResponse> {
    const attempt: { at: number; ok?: boolean; settledAt?: number } = { at: performance.now() };
    this.attempts.push(attempt);
    try {
      const response = await super.dial(target, options);
      attempt.ok = true;
      return response;
    } catch (error) {
      attempt.ok = false;
      throw error;
    } finally {
      attempt.settledAt = performance.now();
    }
  }
}

async function listen(port: number): Promise<WebSocketServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  await once(wss, 'listening');
  wss.on('connection', (ws) => ws.on('error', () => {}));
  return wss;
}

async function shutdown(wss: WebSocketServer): Promise<void> {
  for (const ws of wss.clients) ws.terminate();
  await new Promise((resolve) => wss.close(resolve));
}

/** The most values of `times` (sorted) that fall within any window of `windowMs`. */
function densest(times: number[], windowMs: number): number {
  let best = 0;
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while (times[hi] - times[lo] >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('reconnect storm', { timeout: 60_000 }, () => {
  it('200 engines, a server restart: jitter spreads the retries and all are back within the backoff bound', async (t) => {
    let wss = await listen(0);
    const { port } = wss.address() as AddressInfo;
    const adapters: RecordingAdapter[] = [];
    const opens: number[][] = [];
    const engines = Array.from({ length: ENGINES }, (_, i) => {
      const adapter = new RecordingAdapter({ closeTimeoutMs: 1_000 });
      adapters.push(adapter);
      opens.push([]);
      return new WebSocketEngine({
        url: `ws://127.0.0.1:${port}/`,
        adapter,
        client: { onOpen: () => void opens[i].push(performance.now()) },
        reconnect: RECONNECT,
      });
    });
    try {
      await Promise.all(engines.map((engine) => engine.start()));
      await until(() => wss.clients.size === ENGINES, 'every engine connected', 10_000);
      const droppedAt = performance.now();
      await shutdown(wss);
      await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
      wss = await listen(port);
      const upAt = performance.now();
      await until(() => opens.every((o) => o.length === 2), 'every engine back', 15_000);

      // Each engine's attempts after the drop; its first one is immediate by design.
      const later: number[] = [];
      for (const [i, adapter] of adapters.entries()) {
        const attempts = adapter.attempts.filter((a) => a.at >= droppedAt);
        assert.ok(attempts.length >= 1 && attempts.at(-1)?.ok, `engine ${i} reconnected`);
        later.push(...attempts.slice(1).map((a) => a.at));
        // Back within the bound of the wait that preceded its successful attempt.
        const failures = attempts.length - 1;
        if (failures > 0) {
          const lastFailure = attempts[failures - 1].settledAt!;
          const bound = lastFailure + waitBound(failures) + MARGIN_MS;
          assert.ok(
            opens[i][1] <= bound,
            `engine ${i} back ${Math.round(opens[i][1] - bound)} ms past its bound`,
          );
        }
      }
      later.sort((a, b) => a - b);
      const peak = densest(later, 100);
      assert.ok(later.length >= ENGINES, `${later.length} retries after the immediate ones`);
      assert.ok(peak <= ENGINES / 5, `${peak} attempts within 100 ms (at most ${ENGINES / 5})`);
      const lastBack = Math.max(...opens.map((o) => o[1]));
      t.diagnostic(
        `${later.length} retries, at most ${peak} within 100 ms; all back ${Math.round(lastBack - upAt)} ms after the restart`,
      );
      assert.ok(
        lastBack - upAt <= RECONNECT.maxDelayMs + MARGIN_MS,
        `all back ${Math.round(lastBack - upAt)} ms after the restart`,
      );
    } finally {
      await Promise.all(engines.map((engine) => engine.stop()));
      await shutdown(wss);
    }
  });
});
