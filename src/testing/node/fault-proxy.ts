import { connect, createServer, type Server, type Socket } from 'node:net';
import { FaultLink, type LinkFaults } from './fault-link.js';

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /**
   * The server to stand in front of: its `ws:` (or `wss:`) URL, of which the proxy uses host
   * and port (80/443 when the URL has none). Required.
   */
  target: string | URL;
}

/** Options of each fault of a {@link FaultProxy}. */
export interface FaultOptions {
  /** Apply the fault to the next connection only, instead of the live ones. Default `false`. */
  next?: boolean;
}

/**
 * A TCP proxy on 127.0.0.1 in front of a WebSocket server, which injects network faults
 * into the connections it carries. It forwards bytes, not frames, so it works with any
 * WebSocket server and client, TLS included, and honours back-pressure both ways (it never
 * holds more than one chunk per direction).
 */
export interface FaultProxy {
  /** The target's URL with the proxy's host and port: dial it (any path on this port works). */
  readonly url: URL;
  /** The port the proxy listens on. */
  readonly port: number;
  /** Connections open now (accepted and not yet closed on both sides). */
  readonly connections: number;
  /** Connections accepted since the proxy started. */
  readonly accepted: number;
  /** Stops listening and destroys every connection; resolves once no handle is left. Idempotent. */
  close(): Promise<void>;
  /** Sends a TCP RST to both ends of every live connection (or of the next one, as soon as it is accepted). */
  reset(options?: FaultOptions): void;
  /**
   * Stops forwarding both ways without closing anything: a half-open link. What either end
   * sends is read and dropped, and neither end hears of the other closing. With `next`, the
   * next connection is cut once the server's handshake answer has gone through.
   */
  cut(options?: FaultOptions): void;
  /**
   * Makes new connections hang before the handshake: accepted, never forwarded to the
   * server, until the client gives up. Applies to every connection accepted until
   * {@link heal}, or with `next` to the next one only; live connections go on.
   */
  stall(options?: FaultOptions): void;
  /** Limits each direction of the live connections (or of the next one) to `bytesPerSecond`, until {@link heal}. */
  throttle(bytesPerSecond: number, options?: FaultOptions): void;
  /**
   * Closes the live connections (TCP FIN both ways, no close frame) once `bytes` more bytes
   * have gone through, both directions together; the chunk that crosses the limit is cut
   * there. With `next`, the next connection's bytes are counted from its first (the
   * handshake included).
   */
  closeAfter(bytes: number, options?: FaultOptions): void;
  /** Lifts `stall`, `throttle` and `closeAfter` (pending `next` faults included); a cut link stays cut. */
  heal(): void;
}

type NextFault = LinkFaults & { reset?: boolean; stall?: boolean };

/**
 * Starts a {@link FaultProxy} on 127.0.0.1, port 0, in front of `target`.
 *
 * @example
 * ```ts
 * const server = await startEchoServer();
 * const proxy = await startFaultProxy({ target: server.url });
 * const engine = new WebSocketEngine({ url: proxy.url, adapter: new WsAdapter(), client, keepalive });
 * await engine.start();
 * proxy.cut(); // half-open: keepalive must find it
 * proxy.reset({ next: true }); // and the first reconnect attempt is reset
 * await engine.stop();
 * await proxy.close();
 * await server.close();
 * ```
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = parseTarget(options?.target);
  const state = new ProxyState(target.host, target.port);
  const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => state.accept(socket));
  state.server = server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  const url = new URL(target.url.href);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return state.facade(url, port);
}

function parseTarget(target: unknown): { url: URL; host: string; port: number } {
  let url: URL;
  try {
    url = new URL(target instanceof URL ? target.href : String(target));
  } catch {
    throw new TypeError('startFaultProxy({ target }): target must be a ws:// or wss:// URL');
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new TypeError(
      `startFaultProxy({ target }): target must be a ws:// or wss:// URL, got ${url.protocol}`,
    );
  }
  const port = url.port === '' ? (url.protocol === 'wss:' ? 443 : 80) : Number(url.port);
  return { url, host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

function checkRate(name: string, value: unknown): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (name === 'throttle' && value === 0)
  ) {
    const min = name === 'throttle' ? '> 0' : '>= 0';
    throw new RangeError(`${name}(): expected a finite number ${min}, got ${String(value)}`);
  }
  return value;
}

class ProxyState {
  server: Server | undefined;
  readonly links = new Set<FaultLink>();
  /** Accepted sockets not (or not yet) linked to the server: connecting or stalled. */
  readonly pending = new Set<Socket>();
  accepted = 0;
  private next: NextFault | undefined;
  private stallAll = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  accept(client: Socket): void {
    this.accepted++;
    const fault = this.next ?? {};
    this.next = undefined;
    if (this.closing) {
      client.destroy();
      return;
    }
    client.on('error', () => client.destroy());
    if (fault.reset) {
      client.resetAndDestroy();
      return;
    }
    this.pending.add(client);
    if (fault.stall || this.stallAll) {
      client.once('close', () => this.pending.delete(client));
      // Read and dropped: the client's upgrade request is never answered.
      client.on('data', () => {});
      client.on('end', () => client.destroy());
      return;
    }
    client.pause();
    const upstream = connect({ host: this.host, port: this.port, allowHalfOpen: true, noDelay: true });
    upstream.on('error', () => {
      // The server cannot be reached (or the link broke): the client sees a reset.
      if (this.pending.has(client)) client.resetAndDestroy();
    });
    client.once('close', () => {
      if (this.pending.delete(client)) upstream.destroy();
    });
    upstream.once('connect', () => {
      if (client.destroyed) return upstream.destroy();
      this.pending.delete(client);
      this.link(client, upstream, fault);
    });
  }

  private link(client: Socket, upstream: Socket, fault: LinkFaults): void {
    const link = new FaultLink(client, upstream, fault);
    this.links.add(link);
    let open = 2;
    const closed = () => {
      if (--open === 0) this.links.delete(link);
    };
    client.once('close', closed);
    upstream.once('close', closed);
    client.resume();
  }

  /** Applies `fault` to the live links, or keeps it for the next connection. */
  private apply(fault: NextFault, options: FaultOptions | undefined, now: (link: FaultLink) => void): void {
    if (options?.next) {
      this.next = { ...this.next, ...fault };
      return;
    }
    for (const link of [...this.links]) now(link);
  }

  facade(url: URL, port: number): FaultProxy {
    const state = this;
    return {
      url,
      port,
      get connections() {
        return state.links.size + state.pending.size;
      },
      get accepted() {
        return state.accepted;
      },
      close: () => {
        this.closing ??= this.shutdown();
        return this.closing;
      },
      reset: (options) => this.apply({ reset: true }, options, (link) => link.reset()),
      cut: (options) => this.apply({ cutAfterHandshake: true }, options, (link) => link.cut()),
      stall: (options) => {
        if (options?.next) this.next = { ...this.next, stall: true };
        else this.stallAll = true;
      },
      throttle: (bytesPerSecond, options) => {
        const rate = checkRate('throttle', bytesPerSecond);
        this.apply({ throttle: rate }, options, (link) => link.apply({ throttle: rate }));
      },
      closeAfter: (bytes, options) => {
        const count = checkRate('closeAfter', bytes);
        this.apply({ closeAfter: count }, options, (link) => link.apply({ closeAfter: count }));
      },
      heal: () => {
        this.stallAll = false;
        this.next = undefined;
        for (const link of this.links) link.heal();
      },
    };
  }

  private async shutdown(): Promise<void> {
    const server = this.server!;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.pending) socket.destroy();
    for (const link of this.links) link.destroy();
    await closed;
  }
}
