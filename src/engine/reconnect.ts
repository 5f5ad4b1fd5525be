import { backoffDelay } from './backoff.js';
import { contained, traced } from './callbacks.js';
import { wallSleep } from './clock.js';
import { openSession } from './open.js';
import type { ReconnectContext, ReconnectDecision } from './options.js';
import type { RunContext } from './run-context.js';
import type { Session } from './session/session.js';
import { Attr, SpanName } from './telemetry.js';
import type { CloseMessage, EngineExit } from './types.js';

/** Where a reconnect cycle starts. @internal */
export interface CycleStart {
  /** Failed attempts already counted (a session shorter than `minUptimeMs` counts as one). */
  failures: number;
  /** How the previous session ended, for `shouldReconnect`. */
  closeMessage?: CloseMessage;
  /** The error that ended the previous session (its close), for the exit if none follows. */
  closeError?: unknown;
  /** The last failure, for `shouldReconnect`. */
  error?: unknown;
  /** `restart()`: the first attempt is made whatever the policy says. */
  forced: boolean;
}

/** A reconnected session and the failures it took, or how the run ends. @internal */
export type CycleResult = { session: Session; failures: number } | { exit: EngineExit };

/**
 * Attempts dial + `onOpen({ restarting: true })` until one succeeds, `exit()` (from
 * `onRestartError`), `stop()`, the policy says no, or `maxRetries` failures in a row.
 * Waits `backoffDelay(failures)` of wall time before each attempt (none before the first),
 * or the delay `shouldReconnect` chose, and at least a refused handshake's `Retry-After`;
 * wall time, so after a laptop sleep an overdue attempt is made at once.
 * @internal
 */
export async function reconnectCycle(ctx: RunContext, start: CycleStart): Promise<CycleResult> {
  const { reconnect: policy, clock, telemetry } = ctx.options;
  let failures = start.failures;
  let error = start.error;
  const stopped = (): EngineExit => ({ reason: ctx.stopped ? 'stop' : 'exit' });
  for (let attempt = 1; ; attempt++) {
    if (ctx.exitRequested) return { exit: stopped() };
    let delayMs = backoffDelay(failures, policy);
    if (!(start.forced && attempt === 1)) {
      const lastError = error ?? start.closeError;
      if (failures >= policy.maxRetries) return { exit: { reason: 'retries', error: lastError } };
      const decision = await shouldReconnect(
        ctx,
        reconnectContext(attempt, failures, start.closeMessage, error),
      );
      if (decision === false) return { exit: { reason: 'closed', error: lastError } };
      if (decision !== true) delayMs = decision.delayMs;
    }
    delayMs = Math.max(delayMs, retryAfterMs(error));
    if (!(await wallSleep(clock, delayMs, ctx.stopSignal)) || ctx.exitRequested) return { exit: stopped() };
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
      if (ctx.stopped) return { exit: stopped() };
      failures++;
      error = e;
      await reportRestartError(ctx, e, failures);
    }
  }
}

/** Calls `onRestartError`; its `exit()` ends the cycle. Contained. @internal */
export function reportRestartError(ctx: RunContext, error: unknown, retryCount: number): Promise<unknown> {
  const exit = () => ctx.requestExit();
  return contained(
    ctx.options.telemetry,
    SpanName.OnRestartError,
    () => ({ [Attr.RetryCount]: retryCount }),
    () => ctx.client.onRestartError?.({ error, retryCount, exit }),
  );
}

function reconnectContext(
  attempt: number,
  retryCount: number,
  closeMessage: CloseMessage | undefined,
  error: unknown,
): ReconnectContext {
  const context: ReconnectContext = { attempt, retryCount };
  if (closeMessage) context.closeMessage = closeMessage;
  if (error !== undefined) context.error = error;
  const status = refusal(error)?.status;
  if (status !== undefined) context.status = status;
  return context;
}

/** What the policy decided; a throw, or an answer that is none of the three, reads as "no". */
async function shouldReconnect(ctx: RunContext, context: ReconnectContext): Promise<ReconnectDecision> {
  const decide = ctx.options.reconnect.shouldReconnect;
  if (decide === undefined) return true;
  try {
    const decision = await decide(context);
    if (decision === true || decision === false) return decision;
    const delayMs = (decision as { delayMs?: unknown } | null)?.delayMs;
    if (typeof delayMs === 'number' && Number.isFinite(delayMs) && delayMs >= 0) return { delayMs };
    return false;
  } catch {
    // A broken policy must not crash the engine; not reconnecting is the safe reading.
    return false;
  }
}

/** The wait a refused handshake asked for (429/503 with `Retry-After`), or 0. @internal */
export function retryAfterMs(error: unknown): number {
  const ms = refusal(error)?.retryAfterMs;
  return typeof ms === 'number' && ms > 0 ? ms : 0;
}

/**
 * `error` as a `HandshakeError`, recognised by its code rather than by `instanceof`: one
 * raised by another copy of this package (its CommonJS half, or a second install) counts
 * too, and a bundle whose adapter never refuses a handshake (WHATWG) leaves the class and
 * its Retry-After parser out (bench/README.md, "Bundle size").
 */
function refusal(error: unknown): { status: number; retryAfterMs?: unknown } | undefined {
  const found = error as { code?: unknown; status?: unknown; retryAfterMs?: unknown } | null;
  if (found?.code !== 'ERR_HANDSHAKE' || typeof found.status !== 'number') return undefined;
  return found as { status: number; retryAfterMs?: unknown };
}
