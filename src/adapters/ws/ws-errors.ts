import { StatusCode } from '../../core/status.js';

/**
 * Close code `ws` sends when it fails a connection because of a bad inbound frame, by the
 * error's public `code` (mirrors `ws/lib/receiver.js` and `permessage-deflate.js`).
 */
export const WS_ERROR_CLOSE_CODES: Readonly<Record<string, number>> = Object.freeze({
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: StatusCode.MessageTooBig,
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: StatusCode.MessageTooBig,
  WS_ERR_INVALID_UTF8: StatusCode.InvalidFramePayloadData,
  WS_ERR_TOO_MANY_BUFFERED_PARTS: StatusCode.PolicyViolation,
  WS_ERR_EXPECTED_FIN: StatusCode.ProtocolError,
  WS_ERR_EXPECTED_MASK: StatusCode.ProtocolError,
  WS_ERR_UNEXPECTED_MASK: StatusCode.ProtocolError,
  WS_ERR_INVALID_CLOSE_CODE: StatusCode.ProtocolError,
  WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH: StatusCode.ProtocolError,
  WS_ERR_INVALID_OPCODE: StatusCode.ProtocolError,
  WS_ERR_UNEXPECTED_RSV_1: StatusCode.ProtocolError,
  WS_ERR_UNEXPECTED_RSV_2_3: StatusCode.ProtocolError,
});

/**
 * The close code `ws` sent when `error` made it fail the connection, or `undefined` for an
 * error that is not about the peer's frames (e.g. a socket write failure).
 *
 * `ws` tags each such error with the code it sends under a private symbol; reading it covers
 * cases the public `code` does not name (a corrupt deflate stream is a zlib error, 1007).
 * The table is the fallback should that symbol ever change.
 */
export function closeCodeOfWsError(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  for (const symbol of Object.getOwnPropertySymbols(error)) {
    if (symbol.description !== 'status-code') continue;
    const code = (error as Record<symbol, unknown>)[symbol];
    if (typeof code === 'number') return code;
  }
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? WS_ERROR_CLOSE_CODES[code] : undefined;
}
