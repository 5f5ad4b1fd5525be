import type { Message } from '../core/message.js';

/**
 * The server side of a connection an adapter dialled, driven by the conformance suite and
 * by tests: send to the adapter, see what it sent, close, drop, stall.
 */
export interface PeerConnection {
  /** Request headers the adapter sent with the handshake, lower-case names. */
  readonly requestHeaders: Record<string, string | string[] | undefined>;
  /** The subprotocol the peer selected, `''` if none. */
  readonly protocol: string;
  /**
   * Sends a message to the adapter; resolves once written. With `fragments` > 1 a peer that
   * can split messages sends it as that many frames (a continuation sequence); others may
   * ignore the option.
   */
  send(message: Message, options?: { fragments?: number }): Promise<void>;
  /** Resolves with the next message the adapter sent, in order. */
  nextMessage(): Promise<Message>;
  /** Starts a close handshake from the peer's side with `code` and `reason`. */
  close(code?: number, reason?: string): void;
  /** Drops the transport without a close frame (the adapter must see 1006). */
  drop(): void;
  /** When false, the peer stops answering pings (pongs never come). Default true. */
  answerPings(answer: boolean): void;
  /**
   * Optional: sends a ping frame and resolves when the adapter's pong arrives. The suite
   * uses it to check that control frames never surface from `read`.
   */
  ping?(): Promise<void>;
  /**
   * Optional: stops reading from the transport, so the adapter's frames (its close frame
   * included) go unanswered. The suite uses it to check the adapter's close timeout.
   */
  stopReading?(): void;
  /** Bytes the peer has queued for the adapter but not yet written (grows while the adapter is paused). */
  bufferedAmount(): number;
  /** Settles when the connection is closed, with the close code and reason the peer received (1005/1006 if none). */
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** A server that adapters dial in tests and in the conformance suite. */
export interface ConformancePeer {
  /** The `ws://` URL to dial. */
  readonly url: URL;
  /** Resolves with the server side of the next connection accepted, in order of arrival. */
  accept(): Promise<PeerConnection>;
  /** Makes the next upgrade request get `status` (e.g. 401) with `headers` and `body` instead of 101. */
  refuseNextHandshake(status: number, options?: { headers?: Record<string, string>; body?: string }): void;
  /** Makes the next upgrade request get no answer at all (the handshake hangs). */
  stallNextHandshake(): void;
  /** Number of connections currently open on the peer. */
  openConnections(): number;
  /** Closes every connection and the server. */
  close(): Promise<void>;
}
