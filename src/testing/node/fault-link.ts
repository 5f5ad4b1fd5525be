import type { Socket } from 'node:net';

/** What a link is told to do to its bytes, one fault at a time or several together. @internal */
export interface LinkFaults {
  /** Bytes per second per direction; `undefined` for no limit. */
  throttle?: number;
  /** Bytes (both directions together) still to forward before the link is closed. */
  closeAfter?: number;
  /** Cut the link once the server's handshake answer has been forwarded. */
  cutAfterHandshake?: boolean;
}

/** Throttled links send in slices of this share of a second, so the rate holds within a second. */
const SLICES_PER_SECOND = 50;
const HEADERS_END = Buffer.from('\r\n\r\n');

/**
 * One proxied connection: the client's socket, the socket to the server, and a pump each
 * way. Back-pressure is kept both ways: a pump stops reading its source while the other
 * side's write buffer is full (or while a throttle holds bytes back), so the proxy never
 * buffers more than one chunk per direction.
 * @internal
 */
export class FaultLink {
  /** Once cut, bytes from either side are read and dropped, and no end is forwarded. */
  isCut = false;
  private closeAfter: number | undefined;
  private closing = false;
  private lingering: NodeJS.Timeout | undefined;
  private cutAfterHandshake = false;
  private readonly pumps: Pump[];

  constructor(
    readonly client: Socket,
    readonly server: Socket,
    faults: LinkFaults,
  ) {
    this.pumps = [new Pump(this, client, server, false), new Pump(this, server, client, true)];
    this.apply(faults);
  }

  /** Applies faults given while the link lives. */
  apply(faults: LinkFaults): void {
    if (faults.closeAfter !== undefined) {
      this.closeAfter = faults.closeAfter;
      if (faults.closeAfter === 0) this.end();
    }
    if (faults.cutAfterHandshake) this.cutAfterHandshake = true;
    if (faults.throttle !== undefined) for (const pump of this.pumps) pump.throttle(faults.throttle);
  }

  /** TCP RST on both sockets. */
  reset(): void {
    this.stopPumps();
    this.client.resetAndDestroy();
    this.server.resetAndDestroy();
  }

  /** Stops forwarding both ways; the sockets stay open (each closes when its own peer ends it). */
  cut(): void {
    if (this.isCut) return;
    this.isCut = true;
    this.stopPumps();
  }

  /** Lifts throttling (a cut stays cut). */
  heal(): void {
    this.closeAfter = undefined;
    for (const pump of this.pumps) pump.throttle(undefined);
  }

  /** Destroys both sockets at once. */
  destroy(): void {
    clearTimeout(this.lingering);
    this.stopPumps();
    this.client.destroy();
    this.server.destroy();
  }

  /** Called by a pump that met the end of the server's handshake answer. @internal */
  handshakeDone(): void {
    if (this.cutAfterHandshake) this.cut();
  }

  /**
   * How much of `length` bytes may still go out before `closeAfter` is reached, and closes
   * the link once it is. @internal
   */
  allowance(length: number): number {
    const left = this.closeAfter;
    if (this.closing) return 0;
    if (left === undefined) return length;
    if (length < left) {
      this.closeAfter = left - length;
      return length;
    }
    this.end();
    return left;
  }

  /** FIN both ways, after what was written (and what the caller writes in this tick). */
  private end(): void {
    if (this.closing) return;
    this.closing = true;
    queueMicrotask(() => this.finish());
  }

  private finish(): void {
    this.stopPumps();
    this.client.end();
    this.server.end();
    // A peer that never answers the FIN must not keep a socket.
    this.lingering = setTimeout(() => this.destroy(), 1_000);
  }

  private stopPumps(): void {
    for (const pump of this.pumps) pump.stop();
  }
}

/** One direction of a link. */
class Pump {
  private rate: number | undefined;
  private readonly held: Buffer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private waitingDrain = false;
  private stopped = false;
  /** The source ended (FIN): end the other side once nothing is held. */
  private ended = false;
  /** Only on the server-to-client pump, until the end of the handshake answer. */
  private headerTail: Buffer | undefined;

  constructor(
    private readonly link: FaultLink,
    private readonly from: Socket,
    private readonly to: Socket,
    serverSide: boolean,
  ) {
    if (serverSide) this.headerTail = Buffer.alloc(0);
    from.on('data', (chunk: Buffer) => this.received(chunk));
    from.on('end', () => {
      if (this.link.isCut || this.stopped) this.from.destroy();
      else {
        // Passed on once what a throttle still holds has gone out.
        this.ended = true;
        this.flow();
      }
    });
    from.on('error', () => {
      // A reset on one side is passed on as a reset, unless the link is cut.
      if (!this.link.isCut && !this.to.destroyed) this.to.resetAndDestroy();
    });
    to.on('drain', () => {
      this.waitingDrain = false;
      this.flow();
    });
  }

  throttle(bytesPerSecond: number | undefined): void {
    this.rate = bytesPerSecond;
    this.flow();
  }

  /** Forwards nothing more; what arrives is read and dropped. */
  stop(): void {
    this.stopped = true;
    this.held.length = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.waitingDrain = false;
    if (!this.from.destroyed) this.from.resume();
  }

  private received(chunk: Buffer): void {
    if (this.stopped) return;
    this.held.push(chunk);
    this.flow();
  }

  /** Sends what is held as far as the throttle and the other side's buffer allow. */
  private flow(): void {
    while (!this.stopped && !this.waitingDrain && this.timer === undefined && this.held.length > 0) {
      const chunk = this.held[0];
      const slice =
        this.rate === undefined ? chunk.length : Math.max(1, Math.ceil(this.rate / SLICES_PER_SECOND));
      const piece = chunk.length <= slice ? chunk : chunk.subarray(0, slice);
      if (piece === chunk) this.held.shift();
      else this.held[0] = chunk.subarray(slice);
      this.send(piece);
      if (this.rate !== undefined && !this.stopped) {
        this.timer = setTimeout(
          () => {
            this.timer = undefined;
            this.flow();
          },
          (piece.length * 1000) / this.rate,
        );
      }
    }
    if (this.stopped) return;
    if (this.held.length > 0 || this.waitingDrain) this.from.pause();
    else if (this.ended && !this.to.writableEnded) this.to.end();
    else this.from.resume();
  }

  private send(piece: Buffer): void {
    let data = piece;
    let handshakeEnd = -1;
    if (this.headerTail !== undefined) {
      const seen = Buffer.concat([this.headerTail, data]);
      const at = seen.indexOf(HEADERS_END);
      if (at >= 0) {
        handshakeEnd = at + HEADERS_END.length - this.headerTail.length;
        this.headerTail = undefined;
      } else {
        this.headerTail = seen.subarray(Math.max(0, seen.length - 3));
      }
    }
    if (handshakeEnd >= 0) data = data.subarray(0, handshakeEnd);
    const allowed = this.link.allowance(data.length);
    const out = allowed < data.length ? data.subarray(0, allowed) : data;
    const writable = !this.to.destroyed && !this.to.writableEnded;
    if (out.length > 0 && writable && !this.to.write(out)) this.waitingDrain = true;
    if (allowed < data.length) return;
    if (handshakeEnd >= 0) {
      this.link.handshakeDone();
      const rest = piece.subarray(handshakeEnd);
      if (rest.length > 0 && !this.stopped) this.held.unshift(rest);
    }
  }
}
