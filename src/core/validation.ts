import { InvalidArgumentError } from './errors.js';
import { type MessageType, MessageType as Types } from './message.js';
import { redactUrl } from './redact.js';
import { isSendableCloseCode, MAX_CLOSE_REASON_BYTES } from './status.js';

const encoder = new TextEncoder();

/** How much of an unusable URL an error message quotes (after redaction). */
const QUOTED_URL_LIMIT = 100;
const URL_EXAMPLE = 'expected an absolute URL such as wss://example.com/path';
const SENDABLE_CODES = 'use 1000-1003, 1007-1014 or 3000-4999';

/**
 * Checks that `target` is a `ws:` or `wss:` URL. Returns it as a `URL`.
 *
 * The error quotes the URL only redacted (no user info, no query values), and keeps no
 * `cause`: the runtime's own `TypeError` holds the raw input, credentials included.
 * @throws InvalidArgumentError `ERR_INVALID_URL`
 */
export function validateWebSocketUrl(target: unknown): URL {
  const checked = checkWebSocketUrl(target);
  if (typeof checked === 'string') throw new InvalidArgumentError('ERR_INVALID_URL', checked);
  return checked;
}

/**
 * {@link validateWebSocketUrl} without the throw: the parsed URL, or a message saying what is
 * wrong and how to fix it (credential-free), for option checks that report every problem at once.
 * @internal
 */
export function checkWebSocketUrl(target: unknown): URL | string {
  if (!(target instanceof URL) && typeof target !== 'string') {
    return `invalid URL: expected an absolute ws:// or wss:// URL (a string or a URL), got ${describeValue(target)}`;
  }
  let url: URL;
  try {
    url = target instanceof URL ? target : new URL(target);
  } catch {
    const port =
      typeof target === 'string'
        ? /^[a-z][a-z0-9+.-]*:\/\/[^/?#@]*:(\d+)(?:[/?#]|$)/i.exec(target)?.[1]
        : undefined;
    if (port !== undefined && Number(port) > 65535) {
      return `invalid URL: port ${port} is out of range; use a port from 1 to 65535`;
    }
    return `invalid URL ${quoteUrl(target as string)}: not a URL; ${URL_EXAMPLE}`;
  }
  const { protocol } = url;
  // 'user:pass@host' and 'localhost:8080' parse with a "scheme" and no host: that scheme
  // may be a user name, and what follows a password, so none of it is quoted.
  if (url.host === '') {
    return `invalid URL: it has no host (is the ws:// or wss:// scheme missing?); ${URL_EXAMPLE}`;
  }
  if (protocol !== 'ws:' && protocol !== 'wss:') {
    const instead =
      protocol === 'http:' ? 'ws://' : protocol === 'https:' ? 'wss://' : 'ws:// (plain) or wss:// (TLS)';
    return `unsupported URL scheme "${protocol}" in ${quoteUrl(url)}: use ${instead}`;
  }
  if (url.hash !== '' || (typeof target === 'string' && target.includes('#'))) {
    return `invalid URL ${quoteUrl(url)}: a WebSocket URL may not have a #fragment; remove it`;
  }
  return url;
}

/**
 * Checks the options argument of a public method that takes `{ signal }`: `undefined`, or an
 * object whose `signal`, if present, is an `AbortSignal`. `method` names the call in the
 * message, e.g. `'start'` gives "start(options): options.signal must be an AbortSignal, got
 * a string".
 * @throws InvalidArgumentError `ERR_INVALID_ARGUMENT`
 * @internal
 */
export function checkCallOptions(options: unknown, method: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(
      'ERR_INVALID_ARGUMENT',
      `${method}(options): options must be an object such as { signal }, or left out, got ${describeValue(options)}`,
    );
  }
  const { signal } = options as { signal?: unknown };
  if (signal === undefined || signal instanceof AbortSignal) return;
  throw new InvalidArgumentError(
    'ERR_INVALID_ARGUMENT',
    `${method}(options): options.signal must be an AbortSignal (e.g. AbortSignal.timeout(ms) or controller.signal), got ${describeValue(signal)}`,
  );
}

/**
 * Checks that an argument is a function.
 * @throws InvalidArgumentError `ERR_INVALID_ARGUMENT`, naming `what` (e.g. `'runExclusive(fn): fn'`).
 * @internal
 */
export function checkFunction(value: unknown, what: string, hint = ''): void {
  if (typeof value === 'function') return;
  const suffix = hint ? ` (${hint})` : '';
  throw new InvalidArgumentError(
    'ERR_INVALID_ARGUMENT',
    `${what} must be a function${suffix}, got ${describeValue(value)}`,
  );
}

/**
 * What `value` is, for an error message, without quoting it (a string may be a secret):
 * `null`, `undefined`, `a string`, `a number (42)`, `an object`, `an instance of Foo`.
 * @internal
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  switch (typeof value) {
    case 'number':
    case 'boolean':
      return `a ${typeof value} (${String(value)})`;
    case 'object':
      return Array.isArray(value) ? 'an array' : describeObject(value);
    default:
      return `a ${typeof value}`;
  }
}

function describeObject(value: object): string {
  let name: unknown;
  try {
    name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  } catch {
    // A proxy or a throwing getter: say no more than "an object".
  }
  return typeof name === 'string' && name !== '' && name !== 'Object'
    ? `an instance of ${name}`
    : 'an object';
}

function quoteUrl(url: string | URL): string {
  const text = redactUrl(url);
  return JSON.stringify(text.length > QUOTED_URL_LIMIT ? `${text.slice(0, QUOTED_URL_LIMIT)}...` : text);
}

/**
 * Checks a close code and reason before anything is sent.
 * @throws InvalidArgumentError `ERR_INVALID_CLOSE_CODE` or `ERR_INVALID_CLOSE_REASON`
 */
export function validateClose(code: unknown, reason: unknown): void {
  if (typeof code !== 'number') {
    throw new InvalidArgumentError(
      'ERR_INVALID_CLOSE_CODE',
      `invalid close code: expected a number, got ${describeValue(code)}; ${SENDABLE_CODES}`,
    );
  }
  if (!isSendableCloseCode(code)) {
    throw new InvalidArgumentError(
      'ERR_INVALID_CLOSE_CODE',
      `invalid close code ${String(code)}: ${SENDABLE_CODES} (1004, 1005, 1006 and 1015 are reserved and never sent)`,
    );
  }
  if (typeof reason !== 'string') {
    throw new InvalidArgumentError('ERR_INVALID_CLOSE_REASON', `invalid close reason: expected a string`);
  }
  // Fast path: a reason of at most 41 UTF-16 units cannot exceed 123 UTF-8 bytes.
  if (reason.length > MAX_CLOSE_REASON_BYTES / 3) {
    const bytes = encoder.encode(reason).byteLength;
    if (bytes > MAX_CLOSE_REASON_BYTES) {
      throw new InvalidArgumentError(
        'ERR_INVALID_CLOSE_REASON',
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
      'ERR_INVALID_MESSAGE',
      `text messages take a string, got ${typeName(data)}: decode it first, or send it as MessageType.Binary`,
    );
  }
  if (type === Types.Binary) {
    if (data instanceof Uint8Array) return;
    throw new InvalidArgumentError(
      'ERR_INVALID_MESSAGE',
      `binary messages take a Uint8Array, got ${typeName(data)}: encode it first (e.g. new TextEncoder().encode(s)), or send a string as MessageType.Text`,
    );
  }
  throw new InvalidArgumentError(
    'ERR_INVALID_MESSAGE',
    `invalid message type ${String(type)}: use MessageType.Text (1) or MessageType.Binary (2)`,
  );
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
