import { EngineStartError, WebSocketCloseError } from '../index.js';

/** Exit statuses of the `wscengine` command. */
export const ExitCode = {
  /** Done as asked: stopped by a signal, `--once` got its reply, the server closed. */
  Ok: 0,
  /** The server could not be reached, retries ran out, or the connection ended too early. */
  Failure: 1,
  /** Wrong usage: unknown option, missing or invalid argument. */
  Usage: 2,
} as const;

/** A command line the command cannot run: reported in one line, exit status 2. */
export class UsageError extends Error {
  /** The command whose `--help` explains the right usage (`''` for the top level). */
  readonly command: string;

  constructor(message: string, command = '') {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/**
 * What went wrong, in one line and without a stack: the message of the error that says
 * most. An `EngineStartError` only wraps its cause, and a dial error repeats the URL the
 * caller already shows before its cause (`connect ECONNREFUSED ...`), so both are unwrapped.
 */
export function describeError(error: unknown): string {
  let shown = error;
  while (isWrapper(shown)) shown = shown.cause;
  if (shown instanceof WebSocketCloseError) {
    return oneLine(`connection closed: ${shown.code}${shown.reason ? ` ${shown.reason}` : ''}`);
  }
  const text = shown instanceof Error ? shown.message || shown.name : String(shown);
  return oneLine(text);
}

function isWrapper(error: unknown): error is Error & { cause: unknown } {
  if (!(error instanceof Error) || error.cause === undefined) return false;
  return error instanceof EngineStartError || (error as { code?: unknown }).code === 'ERR_DIAL';
}

/** `url` without user info and query values, for events and error lines (logs may be shared). */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}${url.search ? '?...' : ''}`;
}

/** `text` in one line: each line break (with its indentation and list dash) becomes `; `. */
export function oneLine(text: string): string {
  const parts = text
    .split(/\r?\n\s*(?:- )?/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return parts.reduce(
    (line, part) => (line === '' ? part : `${line}${line.endsWith(':') ? ' ' : '; '}${part}`),
    '',
  );
}
