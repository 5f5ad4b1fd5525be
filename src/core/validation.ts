import { ErrorCode, InvalidArgumentError } from './errors.js';
import { type MessageType, MessageType as Types } from './message.js';
import { isSendableCloseCode, MAX_CLOSE_REASON_BYTES } from './status.js';

const encoder = new TextEncoder();

/**
 * Checks that `target` is a `ws:` or `wss:` URL. Returns it as a `URL`.
 * @throws InvalidArgumentError `ERR_INVALID_URL`
 */
export function validateWebSocketUrl(target: unknown): URL {
  let url: URL;
  try {
    url = target instanceof URL ? target : new URL(String(target));
  } catch (cause) {
    throw new InvalidArgumentError(
      ErrorCode.InvalidUrl,
      `invalid URL: expected an absolute ws:// or wss:// URL`,
      {
        cause,
      },
    );
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new InvalidArgumentError(
      ErrorCode.InvalidUrl,
      `unsupported URL scheme "${url.protocol}": use ws:// (plain) or wss:// (TLS)`,
    );
  }
  return url;
}

/**
 * Checks a close code and reason before anything is sent.
 * @throws InvalidArgumentError `ERR_INVALID_CLOSE_CODE` or `ERR_INVALID_CLOSE_REASON`
 */
export function validateClose(code: unknown, reason: unknown): void {
  if (typeof code !== 'number' || !isSendableCloseCode(code)) {
    throw new InvalidArgumentError(
      ErrorCode.InvalidCloseCode,
      `invalid close code ${String(code)}: use 1000-1003, 1007-1014 or 3000-4999 (1004, 1005, 1006 and 1015 are reserved and never sent)`,
    );
  }
  if (typeof reason !== 'string') {
    throw new InvalidArgumentError(ErrorCode.InvalidCloseReason, `invalid close reason: expected a string`);
  }
  // Fast path: a reason of at most 41 UTF-16 units cannot exceed 123 UTF-8 bytes.
  if (reason.length > MAX_CLOSE_REASON_BYTES / 3) {
    const bytes = encoder.encode(reason).byteLength;
    if (bytes > MAX_CLOSE_REASON_BYTES) {
      throw new InvalidArgumentError(
        ErrorCode.InvalidCloseReason,
        `close reason is ${bytes} UTF-8 bytes: at most ${MAX_CLOSE_REASON_BYTES} fit in a close frame, shorten it`,
      );
    }
  }
}

/**
 * Checks that `data` matches `type`: a `string` for `Text`, a `Uint8Array` for `Binary`.
 * @throws InvalidArgumentError `ERR_INVALID_MESSAGE`
 */
export function validateMessage(type: unknown, data: unknown): asserts type is MessageType {
  if (type === Types.Text) {
    if (typeof data === 'string') return;
    throw new InvalidArgumentError(
      ErrorCode.InvalidMessage,
      `text messages take a string, got ${typeName(data)}: decode it first, or send it as MessageType.Binary`,
    );
  }
  if (type === Types.Binary) {
    if (data instanceof Uint8Array) return;
    throw new InvalidArgumentError(
      ErrorCode.InvalidMessage,
      `binary messages take a Uint8Array, got ${typeName(data)}: encode it first (e.g. new TextEncoder().encode(s)), or send a string as MessageType.Text`,
    );
  }
  throw new InvalidArgumentError(
    ErrorCode.InvalidMessage,
    `invalid message type ${String(type)}: use MessageType.Text (1) or MessageType.Binary (2)`,
  );
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
