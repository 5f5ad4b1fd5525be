import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { WsAdapter } from '../adapters/ws/index.js';
import {
  type CloseMessage,
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
import { Reporter } from './reporter.js';
import { SendQueue } from './send-queue.js';
import { onTerminate } from './signals.js';
import type { TerminalStream } from './status-line.js';

/** The streams `wscengine connect` works on (the process's own, in the command). */
export interface ConnectIo {
  stdin: Readable;
  stdout: Writable;
  stderr: TerminalStream;
}

/** Lines held (typed while disconnected, or faster than the socket) before stdin is paused. */
export const SEND_QUEUE_LIMIT = 1000;

/** Bound of `stop()`: above the ws adapter's 5 s close-handshake wait, so a silent server is waited out. */
const STOP_TIMEOUT_MS = 6_000;

/** How often, while reconnecting, the command checks that the engine has not given up. */
const WATCH_INTERVAL_MS = 200;

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
  private readonly queue: SendQueue;
  private readonly engine: WebSocketEngine;
  private readonly ending = new AbortController();
  private input: LineInput | undefined;
  private phase: Phase = 'connecting';
  /** Reconnect attempts started since the last open. */
  private attempt = 0;
  private replied = false;
  /** Whether a connection was ever open. */
  private opened = false;
  private watch: ReturnType<typeof setInterval> | undefined;
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
    this.queue = new SendQueue({
      limit: SEND_QUEUE_LIMIT,
      onFull: () => this.input?.pause(),
      onRoom: () => this.input?.resume(),
    });
    this.engine = this.createEngine();
  }

  async run(): Promise<number> {
    const offSignals = onTerminate(() => void this.end(ExitCode.Ok));
    this.io.stdout.on('error', (error: NodeJS.ErrnoException) => {
      // A closed pipe (`| head -1`): whoever read the output has what they wanted.
      void this.end(error.code === 'EPIPE' ? ExitCode.Ok : ExitCode.Failure);
    });
    this.input = readLines(this.io.stdin, (line) => this.queue.push(line));
    try {
      await this.engine.start();
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

  private onOpen({ response, conn, restarting }: OnOpenArgs): void {
    if (this.phase === 'ending') return;
    this.phase = 'open';
    this.opened = true;
    this.attempt = 0;
    this.stopWatch();
    const url = displayUrl(this.options.url);
    this.reporter.event({ event: 'open', url, protocol: response.protocol, restarting });
    // Lines that waited go out first, in order, before any typed from now on.
    this.queue.attach(conn);
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
    this.queue.detach();
    const { code, reason } = closeMessage ?? NORMAL_CLOSE;
    this.reporter.event({ event: 'close', code, reason });
    if (closeMessage === undefined || this.phase === 'ending') return NORMAL_CLOSE;
    if (this.options.once) {
      void this.end(
        ExitCode.Failure,
        `connection closed before a reply: ${code}${reason ? ` ${reason}` : ''}`,
      );
    } else if (!this.options.reconnect) {
      void this.end(ExitCode.Ok);
    } else {
      this.phase = 'reconnecting';
      this.startWatch();
    }
    return NORMAL_CLOSE;
  }

  private onRestartError({ error, retryCount, exit }: OnRestartErrorArgs): void {
    if (this.phase === 'ending') return;
    const message = describeError(error);
    if (retryCount >= this.options.maxRetries) {
      exit();
      void this.end(ExitCode.Failure, `gave up after ${retryCount} failed attempts: ${message}`);
      return;
    }
    const { retryDelayMs, maxRetryDelayMs } = this.options;
    // The engine waits a random share of this (full jitter): the bound is what can be told.
    const nextWithinMs = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** (retryCount - 1));
    this.reporter.event({ event: 'retry', failures: retryCount, error: message, nextWithinMs });
  }

  /**
   * The engine's public API has no end-of-run event yet: while reconnecting, the command
   * checks `isStarted` so that a run the engine ended itself ends the command too.
   */
  private startWatch(): void {
    this.watch ??= setInterval(() => {
      if (!this.engine.isStarted) void this.end(ExitCode.Failure, 'the engine stopped reconnecting');
    }, WATCH_INTERVAL_MS);
  }

  private stopWatch(): void {
    if (this.watch !== undefined) clearInterval(this.watch);
    this.watch = undefined;
  }

  /** Ends the command once: closes stdin and the connection (1000), then reports why. */
  private async end(code: number, error?: string): Promise<void> {
    if (this.phase === 'ending') return;
    this.phase = 'ending';
    this.ending.abort();
    this.stopWatch();
    this.input?.close();
    this.reporter.stopProgress();
    try {
      await this.engine.stop();
    } catch {
      // stop() timed out: the socket is destroyed with the process.
    }
    // Never connected: the one error line says it all, the lines obviously went nowhere.
    if (this.queue.size > 0 && this.opened) this.reporter.event({ event: 'unsent', lines: this.queue.size });
    if (error !== undefined) this.reporter.fatal(error);
    this.finish(code);
  }
}
