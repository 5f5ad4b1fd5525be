import { noop, onAbort, raceAbort } from '../core/abort.js';
import type { HandshakeResponse } from '../core/message.js';
import { StatusCode } from '../core/status.js';
import { validateWebSocketUrl } from '../core/validation.js';
import { Attr, SpanName } from '../otel/constants.js';
import { traced } from './callbacks.js';
import { schedule } from './clock.js';
import type { RunContext } from './context.js';
import type { EngineUrl } from './options.js';
import { Session } from './session.js';

/**
 * Resolves the URL, dials and runs `onOpen`, bounded by `openTimeoutMs` and cancelled by
 * `stop()` or `signal`. On failure nothing is left open (a dialled connection is closed)
 * and no timer or listener remains; the error is the dial error, the `onOpen` error, or
 * the timeout/abort reason.
 * @internal
 */
export async function openSession(
  ctx: RunContext,
  restarting: boolean,
  signal?: AbortSignal,
): Promise<Session> {
  const controller = new AbortController();
  const abort = (reason: unknown) => controller.abort(reason);
  const runSignal = ctx.signal;
  const offRun = onAbort(runSignal, abort);
  const offUser = onAbort(signal, abort);
  if (runSignal.aborted) abort(runSignal.reason);
  else if (signal?.aborted) abort(signal.reason);
  const ms = ctx.settings.openTimeoutMs;
  const cancelTimer =
    ms > 0 ? schedule(ctx.clock, ms, () => abort(timeoutError(`open timed out after ${ms} ms`))) : noop;
  let dialled = false;
  try {
    const target = await raceAbort(resolveUrl(ctx.url), controller.signal);
    // The adapter is wrapped by `traceAdapter`: the dial is its span, URL redacted.
    const response = await ctx.conn.dial(target, { signal: controller.signal });
    dialled = true;
    controller.signal.throwIfAborted();
    const session = new Session(ctx, newSessionId());
    await raceAbort(callOnOpen(ctx, session, response, restarting, controller.signal), controller.signal);
    return session;
  } catch (error) {
    if (dialled) await ctx.conn.close(StatusCode.GoingAway, 'Going away').catch(noop);
    throw error;
  } finally {
    cancelTimer();
    offRun();
    offUser();
  }
}

function callOnOpen(
  ctx: RunContext,
  session: Session,
  response: HandshakeResponse,
  restarting: boolean,
  signal: AbortSignal,
): Promise<void> {
  const onOpen = ctx.client.onOpen;
  if (onOpen === undefined) return Promise.resolve();
  return traced(
    ctx.telemetry,
    SpanName.OnOpen,
    () => ({
      [Attr.SessionId]: session.id,
      [Attr.Restarting]: restarting,
      [Attr.HttpStatus]: response.status,
    }),
    () =>
      ctx.client.onOpen?.({
        response,
        conn: ctx.conn,
        readMutex: ctx.mutex,
        // Not the session's cached `exit`: an idle session then holds no bound function.
        exit: () => session.doExit(),
        restarting,
        sessionId: session.id,
        signal,
      }),
  );
}

/**
 * A fresh UUID. `randomUUID()` returns it as a rope of 14 string pieces, about 0.5 KiB held
 * for the whole session (the id is on every span and callback); parsing it back from JSON
 * yields one flat string of ~80 bytes.
 */
function newSessionId(): string {
  return JSON.parse(`"${globalThis.crypto.randomUUID()}"`) as string;
}

/** The URL to dial now: the function form is called at every connect (fresh tokens). */
async function resolveUrl(url: EngineUrl): Promise<URL> {
  return validateWebSocketUrl(typeof url === 'function' ? await url() : url);
}

/** A `TimeoutError`, like the reason of `AbortSignal.timeout()`. @internal */
export function timeoutError(message: string): Error {
  return new DOMException(message, 'TimeoutError');
}
