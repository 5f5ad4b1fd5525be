import { backoffDelay } from './backoff.js';
import { contained, traced } from './callbacks.js';
import { wallSleep } from './clock.js';
import { openSession } from './open.js';
import type { ReconnectContext } from './options.js';
import type { RunContext } from './run-context.js';
import type { Session } from './session/session.js';
import { Attr, SpanName } from './telemetry.js';
import type { CloseMessage } from './types.js';

/** Where a reconnect cycle starts. @internal */
export interface CycleStart {
  /** Failed attempts already counted (a session shorter than `minUptimeMs` counts as one). */
  failures: number;
  /** How the previous session ended, for `shouldReconnect`. */
  closeMessage?: CloseMessage;
  /** The last failure, for `shouldReconnect`. */
  error?: unknown;
  /** `restart()`: the first attempt is made whatever the policy says. */
  forced: boolean;
}

/** A reconnected session and the failures it took. @internal */
export interface CycleResult {
  session: Session;
  failures: number;
}

/**
 * Attempts dial + `onOpen({ restarting: true })` until one succeeds, `exit()` (from
 * `onRestartError`), `stop()`, the policy says no, or `maxRetries` failures in a row.
 * Waits `backoffDelay(failures)` of wall time before each attempt (none before the first),
 * so after a laptop sleep an overdue attempt is made at once.
 * @internal
 */
export async function reconnectCycle(ctx: RunContext, start: CycleStart): Promise<CycleResult | undefined> {
  const { reconnect: policy, clock, telemetry } = ctx.options;
  let failures = start.failures;
  let error = start.error;
  for (let attempt = 1; ; attempt++) {
    if (ctx.stopped || ctx.exitRequested) return undefined;
    const forced = start.forced && attempt === 1;
    if (!forced) {
      if (failures >= policy.maxRetries) return undefined;
      const context: ReconnectContext = { attempt };
      if (start.closeMessage) context.closeMessage = start.closeMessage;
      if (error !== undefined) context.error = error;
      if (!(await shouldReconnect(ctx, context))) return undefined;
    }
    if (!(await wallSleep(clock, backoffDelay(failures, policy), ctx.stopSignal))) return undefined;
    if (ctx.exitRequested) return undefined;
    try {
      const session = await traced(
        telemetry,
        SpanName.Reconnect,
        () => ({ [Attr.RetryCount]: attempt }),
        () => openSession(ctx, true),
      );
      telemetry?.reconnect(true);
      return { session, failures };
    } catch (e) {
      telemetry?.reconnect(false);
      if (ctx.stopped) return undefined;
      failures++;
      error = e;
      await reportRestartError(ctx, e, failures);
    }
  }
}

/** Calls `onRestartError`; its `exit()` ends the cycle. Contained. @internal */
export function reportRestartError(ctx: RunContext, error: unknown, retryCount: number): Promise<unknown> {
  const exit = () => {
    ctx.exitRequested = true;
  };
  return contained(
    ctx.options.telemetry,
    SpanName.OnRestartError,
    () => ({ [Attr.RetryCount]: retryCount }),
    () => ctx.client.onRestartError?.({ error, retryCount, exit }),
  );
}

async function shouldReconnect(ctx: RunContext, context: ReconnectContext): Promise<boolean> {
  const decide = ctx.options.reconnect.shouldReconnect;
  if (decide === undefined) return true;
  try {
    return (await decide(context)) === true;
  } catch {
    // A broken policy must not crash the engine; not reconnecting is the safe reading.
    return false;
  }
}
