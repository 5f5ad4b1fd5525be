import type { ClientRequest, IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { noop, onAbort } from '../../core/abort.js';
import { DialError, HandshakeError } from '../../core/errors.js';
import type { HandshakeResponse } from '../../core/message.js';
import { redactUrl } from '../../core/redact.js';
import { retryAfterOf } from '../../core/retry-after.js';

/** How much of a refused handshake's body is kept for {@link HandshakeError}. */
export const HANDSHAKE_BODY_LIMIT = 1024;

type Headers = Record<string, string | string[] | undefined>;

/** A non-101 answer whose body is being read. */
interface Refusal {
  status: number;
  headers: Headers;
  chunks: Buffer[];
  length: number;
  /** What a 429/503 `Retry-After` asks for, counted from when the answer came. */
  retryAfterMs: number | undefined;
}

/**
 * Waits for a `ws` client socket that is CONNECTING to open.
 *
 * On success, `adopt(ws)` runs synchronously inside the `open` event, so the caller's
 * listeners are on before the first message can be emitted. On failure the socket is
 * terminated and the promise rejects only once `ws` has emitted `close`, so nothing is left
 * open and none of the listeners added here remain.
 */
export function awaitOpen<T>(
  ws: WebSocket,
  signal: AbortSignal | undefined,
  adopt: (ws: WebSocket) => T,
): Promise<{ response: HandshakeResponse; connection: T }> {
  return new Promise((resolve, reject) => {
    new Handshake(ws, signal, adopt, resolve, reject);
  });
}

class Handshake<T> {
  private failure: { error: unknown } | undefined;
  private upgradeHeaders: Headers | undefined;
  private refusal: Refusal | undefined;
  private readonly offAbort: () => void;

  constructor(
    private readonly ws: WebSocket,
    signal: AbortSignal | undefined,
    private readonly adopt: (ws: WebSocket) => T,
    private readonly resolve: (value: { response: HandshakeResponse; connection: T }) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    ws.on('upgrade', this.onUpgrade);
    ws.on('unexpected-response', this.onUnexpectedResponse);
    ws.on('open', this.onOpen);
    ws.on('error', this.onError);
    ws.on('close', this.onClose);
    this.offAbort = onAbort(signal, (reason) => this.fail(reason));
  }

  private readonly onUpgrade = (res: IncomingMessage): void => {
    this.upgradeHeaders = { ...res.headers };
  };

  private readonly onOpen = (): void => {
    this.detach();
    const { ws } = this;
    const response = {
      status: 101,
      headers: this.upgradeHeaders ?? {},
      protocol: ws.protocol,
      extensions: ws.extensions,
    };
    this.resolve({ response, connection: this.adopt(ws) });
  };

  private readonly onUnexpectedResponse = (_req: ClientRequest, res: IncomingMessage): void => {
    const status = res.statusCode ?? 0;
    const headers = { ...res.headers };
    const refusal: Refusal = {
      status,
      headers,
      chunks: [],
      length: 0,
      retryAfterMs: retryAfterOf(status, headers, Date.now()),
    };
    this.refusal = refusal;
    // The response is torn down with the request when the socket is terminated; an
    // 'aborted' error there must not go unhandled.
    res.on('error', noop);
    const done = () => this.fail(this.handshakeError());
    res.on('data', (chunk: Buffer) => {
      refusal.chunks.push(chunk);
      refusal.length += chunk.length;
      if (refusal.length >= HANDSHAKE_BODY_LIMIT) done();
    });
    res.once('end', done);
    res.once('close', done);
  };

  private readonly onError = (error: Error): void => {
    if (this.failure) return;
    if (this.refusal) {
      this.fail(this.handshakeError(error));
    } else if (this.upgradeHeaders) {
      // 101 came, but ws rejected it (bad Sec-WebSocket-Accept, unrequested subprotocol...).
      const message = `handshake failed: ${error.message}`;
      this.fail(new HandshakeError(101, this.upgradeHeaders, '', { cause: error, message }));
    } else {
      this.fail(
        new DialError(`could not connect to ${redactUrl(this.ws.url)}: ${error.message}`, { cause: error }),
      );
    }
  };

  private readonly onClose = (): void => {
    this.detach();
    this.reject(
      this.failure
        ? this.failure.error
        : new DialError(`connection to ${redactUrl(this.ws.url)} closed during the handshake`),
    );
  };

  /** Records the first failure and tears the socket down; `close` then settles the dial. */
  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = { error };
    this.ws.terminate();
  }

  private handshakeError(cause?: unknown): HandshakeError {
    const { status, headers, chunks, retryAfterMs } = this.refusal!;
    const body = Buffer.concat(chunks).subarray(0, HANDSHAKE_BODY_LIMIT).toString('utf8');
    return new HandshakeError(status, headers, body, { cause, retryAfterMs });
  }

  private detach(): void {
    this.offAbort();
    this.ws.off('upgrade', this.onUpgrade);
    this.ws.off('unexpected-response', this.onUnexpectedResponse);
    this.ws.off('open', this.onOpen);
    this.ws.off('error', this.onError);
    this.ws.off('close', this.onClose);
  }
}
