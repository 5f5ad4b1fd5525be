import {
  type Attributes,
  context,
  type Exception,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { WebSocketCloseError } from '../core/errors.js';
import { StatusCode } from '../core/status.js';
import { Attr } from './constants.js';
import { redactUrlsInText } from './redact.js';

// A read that ends because the peer said goodbye is how every session ends, not a fault:
// flagging it as an error would make every healthy trace look broken.
const ORDERLY_CLOSE_CODES: ReadonlySet<number> = new Set([StatusCode.NormalClosure, StatusCode.GoingAway]);

/**
 * Runs `fn` inside a new span, child of the active context, with that span active while
 * `fn` runs (and across its awaits, given a context manager), so spans the user creates
 * inside nest under it. Ends the span when `fn` returns, throws, or its promise settles;
 * records a throw or rejection ({@link recordError}) and passes it on unchanged.
 * @internal
 */
export function runInSpan<T>(tracer: Tracer, name: string, attributes: Attributes, fn: (span: Span) => T): T {
  const parent = context.active();
  const span = tracer.startSpan(name, { attributes }, parent);
  let result: T;
  try {
    result = context.with(trace.setSpan(parent, span), fn, undefined, span);
  } catch (error) {
    recordError(span, error);
    span.end();
    throw error;
  }
  if (!isPromiseLike(result)) {
    span.end();
    return result;
  }
  // The caller gets the derived promise, which settles as `fn`'s did; the original is
  // handled here, so a rejection is never reported unhandled twice.
  return Promise.resolve(result).then(
    (value) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      recordError(span, error);
      span.end();
      throw error;
    },
  ) as T;
}

/**
 * Runs `fn` in the active context minus its span, so what `fn` starts roots new traces.
 * @internal
 */
export function runDetached<T>(fn: () => T): T {
  return context.with(trace.deleteSpan(context.active()), fn);
}

/**
 * Records `error` on `span`: an `exception` event, `error.type`, the wscengine error code
 * when there is one, and status ERROR. URLs in the message and stack are redacted first,
 * since errors from dialling often quote the URL they were given. A
 * `WebSocketCloseError` adds the close code and reason; an orderly one (1000, 1001) is
 * not an error and leaves the status unset.
 * @internal
 */
export function recordError(span: Span, error: unknown): void {
  // Nothing would keep it (no SDK behind the provider): spare the redaction of the stack.
  if (!span.isRecording()) return;
  if (error instanceof WebSocketCloseError) {
    span.setAttribute(Attr.CloseCode, error.code);
    span.setAttribute(Attr.CloseReason, redactUrlsInText(error.reason));
    if (ORDERLY_CLOSE_CODES.has(error.code)) return;
  }
  const exception = toException(error);
  span.recordException(exception);
  span.setAttribute(Attr.ErrorType, exception.name ?? 'Error');
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') span.setAttribute(Attr.ErrorCode, code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message ?? '' });
}

// Without `code` on purpose: the SDK would use it as `exception.type`, and for a close
// error that is a number; the class name says more.
function toException(error: unknown): Exception & { name: string; message: string } {
  if (error instanceof Error) {
    const exception = { name: error.name, message: redactUrlsInText(error.message) };
    return error.stack ? { ...exception, stack: redactUrlsInText(error.stack) } : exception;
  }
  return {
    name: typeof error === 'object' ? 'Error' : typeof error,
    message: redactUrlsInText(describe(error)),
  };
}

function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    // e.g. an object with a null prototype: no toString to call.
    return Object.prototype.toString.call(value);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
