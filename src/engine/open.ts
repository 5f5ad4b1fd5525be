import { noop, onAbort, raceAbort } from '../core/abort.js';
import type { HandshakeResponse } from '../core/message.js';
import { GOING_AWAY } from '../core/status.js';
import { validateWebSocketUrl } from '../core/validation.js';
import { traced } from './callbacks.js';
import { schedule } from './clock.js';
import type { EngineUrl } from './options.js';
import type { RunContext } from './run-context.js';
import { Session } from './session/session.js';
import { shutDown } from './session/shutdown.js';
import { Attr, SpanName } from './telemetry.js';

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
  const runSignal = ctx.stopSignal;
  const offRun = onAbort(runSignal, abort);
  const offUser = onAbort(signal, abort);
  if (runSignal.aborted) abort(runSignal.reason);
  else if (signal?.aborted) abort(signal.reason);
  const ms = ctx.options.openTimeoutMs;
  const cancelTimer =
    ms > 0
      ? schedule(ctx.options.clock, ms, () => abort(timeoutError(`open timed out after ${ms} ms`)))
      : noop;
  let dialled = false;
  let session: Session | undefined;
  try {
    const target = await raceAbort(resolveUrl(ctx.options.url), controller.signal);
    // The adapter is wrapped by `traceAdapter`: the dial is its span, URL redacted.
    const response = await ctx.conn.dial(target, { signal: controller.signal });
    dialled = true;
    controller.signal.throwIfAborted();
    session = new Session(ctx);
    await raceAbort(callOnOpen(ctx, session, response, restarting, controller.signal), controller.signal);
    return session;
  } catch (error) {
    // A session whose onOpen ran gets its onClose, once, as any other; then the close.
    if (session) await shutDown(session, 'exit');
    else if (dialled) await ctx.conn.close(GOING_AWAY, 'Going away').catch(noop);
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
    ctx.options.telemetry,
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
        exit: session.exit,
        restarting,
        sessionId: session.id,
        signal,
      }),
  );
}

/** The URL to dial now: the function form is called at every connect (fresh tokens). */
async function resolveUrl(url: EngineUrl): Promise<URL> {
  return validateWebSocketUrl(typeof url === 'function' ? await url() : url);
}

/** A `TimeoutError`, like the reason of `AbortSignal.timeout()`. @internal */
export function timeoutError(message: string): Error {
  return new DOMException(message, 'TimeoutError');
}
