import { ConnectionClosedError, InvalidArgumentError, type WebSocketCloseError } from '../../core/errors.js';
import { GOING_AWAY as GOING_AWAY_CODE } from '../../core/status.js';
import { validateClose } from '../../core/validation.js';
import { contained } from '../callbacks.js';
import { Attr, SpanName, type TelemetryAttributes } from '../telemetry.js';
import type { CloseMessage, ReadMutex } from '../types.js';
import type { EndKind, SessionContext } from './parts.js';

/** The close used when `onClose` returns nothing (or something that may not be sent). */
const GOING_AWAY: CloseMessage = Object.freeze({ code: GOING_AWAY_CODE, reason: 'Going away' });

/**
 * The end of a session, once the reader has stopped: waits for a user's lock, runs
 * `onClose` once, then closes the connection the same way whatever ended it:
 * - a peer close or a drop: the connection is already closed, nothing to send;
 * - anything else: closes with what `onClose` returned, or 1001 "Going away" when it
 *   returned nothing or a code or reason that may not be sent (reported to `onCloseError`);
 * - a keepalive timeout: the same close with an aborted signal, so the adapter drops the
 *   presumed-dead connection without waiting out a close handshake.
 * A failed close goes to `onCloseError`. Resolves once the connection is closed; never rejects.
 * @internal
 */
export async function shutDown(
  session: SessionContext,
  kind: EndKind,
  error?: WebSocketCloseError,
): Promise<void> {
  const { client, conn, mutex, id, options } = session;
  const readMutex: ReadMutex = mutex;
  // A lock held by the user (from outside or a callback) delays the shutdown: they own the connection.
  await mutex.whenFree();
  const closeMessage = closeMessageOf(error);
  const choice = await contained(
    options.telemetry,
    SpanName.OnClose,
    () => closeAttributes(id, closeMessage),
    () =>
      client.onClose?.(
        closeMessage ? { conn, readMutex, closeMessage, sessionId: id } : { conn, readMutex, sessionId: id },
      ),
  );
  if (kind === 'peer') return;
  const message = await sendableClose(session, choice);
  const signal = kind === 'keepalive' ? AbortSignal.abort(error) : undefined;
  try {
    await conn.close(message.code, message.reason, { signal });
  } catch (closeError) {
    // Closed by the peer meanwhile: nothing to report.
    if (!(closeError instanceof ConnectionClosedError)) await reportCloseError(session, closeError);
  }
}

/** The `closeMessage` callbacks are given for the close `error` that ended a session, if any. @internal */
export function closeMessageOf(error: WebSocketCloseError | undefined): CloseMessage | undefined {
  return error && { code: error.code, reason: error.reason };
}

/** What `onClose` chose, if it may be sent; otherwise `GOING_AWAY`, and the problem is reported. */
async function sendableClose(session: SessionContext, choice: unknown): Promise<CloseMessage> {
  if (choice == null) return GOING_AWAY;
  if (typeof choice !== 'object') {
    const error = new InvalidArgumentError(
      'ERR_INVALID_ARGUMENT',
      `onClose returned ${typeof choice}: it must return { code, reason } to close with, or nothing (1001 "Going away")`,
    );
    await reportCloseError(session, error);
    return GOING_AWAY;
  }
  const { code, reason = '' } = choice as Partial<CloseMessage>;
  try {
    validateClose(code, reason);
    return { code: code as number, reason };
  } catch (invalid) {
    await reportCloseError(session, invalid);
    return GOING_AWAY;
  }
}

function reportCloseError(session: SessionContext, error: unknown): Promise<unknown> {
  const { client, id, options } = session;
  return contained(
    options.telemetry,
    SpanName.OnCloseError,
    () => ({ [Attr.SessionId]: id }),
    () => client.onCloseError?.({ error, sessionId: id }),
  );
}

function closeAttributes(id: string, closeMessage: CloseMessage | undefined): TelemetryAttributes {
  const attributes: TelemetryAttributes = { [Attr.SessionId]: id };
  if (closeMessage) {
    attributes[Attr.CloseCode] = closeMessage.code;
    attributes[Attr.CloseReason] = closeMessage.reason;
  }
  return attributes;
}
