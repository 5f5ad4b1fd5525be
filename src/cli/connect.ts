import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { WsAdapter } from '../adapters/ws/index.js';
import {
  type CloseMessage,
  type EngineExit,
  type OnCloseArgs,
  type OnMessageArgs,
  type OnOpenArgs,
  type OnRestartErrorArgs,
  StatusCode,
  WebSocketEngine,
} from '../index.js';
import type { ConnectOptions } from './args.js';
import { describeError, displayUrl, ExitCode } from './errors.js';
import { type LineInput, readLines } from './input.js';
import { outcomeOf, unsentReason } from './outcome.js';
import { Reporter } from './reporter.js';
import { SendWindow } from './send-window.js';
import { onTerminate } from './signals.js';
import type { TerminalStream } from './status-line.js';

/** The streams `wscengine connect` works on (the process's own, in the command). */
export interface ConnectIo {
  stdin: Readable;
  stdout: Writable;
  stderr: TerminalStream;
}

/**
 * The engine's outbox, where lines typed while disconnected wait. Lines are handed to it
 * only while it has room (see `SendWindow`), so stdin is paused rather than a line refused;
 * no expiry (the timer's maximum, about 24 days): a line typed is kept until a connection
 * takes it or the command ends.
 */
export const OUTBOX = Object.freeze({ maxMessages: 1000, maxBytes: 1_048_576, ttlMs: 2 ** 31 - 1 });

/** Bound of `stop()`: above the ws adapter's 5 s close-handshake wait, so a silent server is waited out. */
const STOP_TIMEOUT_MS = 6_000;

/** The close the command sends when it ends the connection (signal, `--once`). */
const NORMAL_CLOSE: CloseMessage = Object.freeze({ code: StatusCode.NormalClosure, reason: '' });

/**
 * Runs `wscengine connect` until a signal, `--once`'s reply, or the end of the connection
 * (`--no-reconnect`, retries exhausted); resolves with the exit status.
 */
export function runConnect(options: ConnectOptions, io: ConnectIo): Promise<number> {
  return new ConnectCommand(options, io).run();
}

type Phase = 'connecting' | 'open' | 'reconnecting' | 'ending';

/** One run of the command: the engine, stdin, the output, and how it all ends. */
class ConnectCommand {
  private readonly reporter: Reporter;
  private readonly window: SendWindow;
  private readonly engine: WebSocketEngine;
  private readonly ending = new AbortController();
  private input: LineInput | undefined;
  private phase: Phase = 'connecting';
  /** Reconnect attempts started since the last open. */
  private attempt = 0;
  private replied = false;
  /** Whether a connection was ever open. */
  private opened = false;
  /** The last close received, for the line `--once` ends on. */
  private lastClose: CloseMessage | undefined;
  private finish: (code: number) => void = () => {};
  private readonly done = new Promise<number>((resolve) => {
    this.finish = resolve;
  });

  constructor(
    private readonly options: ConnectOptions,
    private readonly io: ConnectIo,
  ) {
    const { json, quiet, base64 } = options;
    this.reporter = new Reporter({ stdout: io.stdout, stderr: io.stderr, json, quiet, base64 });
    this.engine = this.createEngine();
    this.window = new SendWindow({
      ...OUTBOX,
      send: (line) => this.engine.send(line),
      onRejected: (line, error) => this.unsent(line, error),
    });
  }

  async run(): Promise<number> {
    const offSignals = onTerminate(() => void this.end(ExitCode.Ok));
    this.io.stdout.on('error', (error: NodeJS.ErrnoException) => {
      // A closed pipe (`| head -1`): whoever read the output has what they wanted.
      void this.end(error.code === 'EPIPE' ? ExitCode.Ok : ExitCode.Failure);
    });
    const started = this.engine.start();
    // Lines read while the first connect is under way wait in the engine's outbox.
    this.input = readLines(this.io.stdin, (line) => this.window.push(line));
    try {
      await started;
      void this.engine.closed.then((exit) => this.engineEnded(exit));
    } catch (error) {
      const target = displayUrl(this.options.url);
      void this.end(ExitCode.Failure, `cannot connect to ${target}: ${describeError(error)}`);
    }
    try {
      return await this.done;
    } finally {
      offSignals();
    }
  }

  private createEngine(): WebSocketEngine {
    const o = this.options;
    const adapter = new WsAdapter({
      headers: o.headers,
      protocols: o.protocols,
      ...(o.insecure ? { rejectUnauthorized: false } : {}),
    });
    return new WebSocketEngine({
      // Called at every (re)connect: the moment an attempt starts.
      url: () => this.attemptStarts(),
      adapter,
      client: {
        onOpen: (args) => this.onOpen(args),
        onMessage: (args) => this.onMessage(args),
        onReadError: ({ error }) => this.reporter.event({ event: 'read_error', error: describeError(error) }),
        onClose: (args) => this.onClose(args),
        onRestartError: (args) => this.onRestartError(args),
      },
      // One at a time: messages print in arrival order, and a slow stdout slows the reading.
      readers: 1,
      outbox: OUTBOX,
      autoReconnect: o.reconnect,
      reconnect: { maxRetries: o.maxRetries, initialDelayMs: o.retryDelayMs, maxDelayMs: o.maxRetryDelayMs },
      ...(o.keepaliveMs === undefined
        ? {}
        : { keepalive: { intervalMs: o.keepaliveMs, timeoutMs: o.keepaliveMs } }),
      openTimeoutMs: o.connectTimeoutMs,
      stopTimeoutMs: STOP_TIMEOUT_MS,
    });
  }

  private attemptStarts(): URL {
    if (this.phase === 'reconnecting') {
      this.attempt += 1;
      this.reporter.event({ event: 'reconnecting', attempt: this.attempt });
    }
    return this.options.url;
  }

  private onOpen({ response, restarting }: OnOpenArgs): void {
    if (this.phase === 'ending') return;
    this.phase = 'open';
    this.opened = true;
    this.attempt = 0;
    const url = displayUrl(this.options.url);
    // Lines that waited in the outbox go out right after this returns, before later ones.
    this.reporter.event({ event: 'open', url, protocol: response.protocol, restarting });
  }

  private async onMessage({ message }: OnMessageArgs): Promise<void> {
    if (this.options.once) {
      if (this.replied) return;
      this.replied = true;
      this.reporter.message(message);
      void this.end(ExitCode.Ok);
      return;
    }
    if (this.reporter.message(message)) return;
    // stdout is full: this read waits, and the socket with it.
    await once(this.io.stdout, 'drain', { signal: this.ending.signal }).catch(() => {});
  }

  private onClose({ closeMessage }: OnCloseArgs): CloseMessage {
    const { code, reason } = closeMessage ?? NORMAL_CLOSE;
    this.reporter.event({ event: 'close', code, reason });
    if (closeMessage !== undefined) this.lastClose = closeMessage;
    // Whether the engine reconnects or gives up, `engine.closed` tells.
    if (this.phase !== 'ending') this.phase = 'reconnecting';
    return NORMAL_CLOSE;
  }

  private onRestartError({ error, retryCount }: OnRestartErrorArgs): void {
    // The last failure before giving up is reported by the end of the run, not as a retry.
    if (this.phase === 'ending' || retryCount >= this.options.maxRetries) return;
    const { retryDelayMs, maxRetryDelayMs } = this.options;
    // The engine waits a random share of this (full jitter): the bound is what can be told.
    const nextWithinMs = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** (retryCount - 1));
    this.reporter.event({ event: 'retry', failures: retryCount, error: describeError(error), nextWithinMs });
  }

  /** The engine ended the run by itself: no reconnect to follow, or the retries ran out. */
  private engineEnded(exit: EngineExit): void {
    if (this.phase === 'ending') return;
    const { code, error } = outcomeOf(exit, { options: this.options, lastClose: this.lastClose });
    void this.end(code, error);
  }

  /** A line that will not be sent: said with its payload, so it can be sent again. */
  private unsent(line: string, error: unknown): void {
    // Never connected: the one error line says it all, the lines obviously went nowhere.
    if (!this.opened) return;
    this.reporter.event({ event: 'unsent', data: line, error: unsentReason(error) });
  }

  /**
   * Ends the command once: closes stdin and the connection (1000), reports the lines not
   * sent, then why it ends.
   */
  private async end(code: number, error?: string): Promise<void> {
    if (this.phase === 'ending') return;
    this.phase = 'ending';
    this.ending.abort();
    this.input?.close();
    this.window.close();
    this.reporter.stopProgress();
    let stopped = true;
    try {
      await this.engine.stop();
    } catch {
      // stop() timed out: the socket is destroyed with the process.
      stopped = false;
    }
    // Once the run is over every send has settled, or is about to: their lines come first.
    if (stopped) await this.window.settled();
    if (error !== undefined) this.reporter.fatal(error);
    this.finish(code);
  }
}
