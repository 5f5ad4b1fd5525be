import { createHash } from 'node:crypto';

// Server-side WebSocket framing, written by hand so the benchmark server costs as little
// CPU as possible: frames are encoded once and written as large blocks, and the few
// frames clients send (pings, closes, echo payloads) are parsed without a library.

export const OP_TEXT = 0x1;
export const OP_BINARY = 0x2;
export const OP_CLOSE = 0x8;
export const OP_PING = 0x9;
export const OP_PONG = 0xa;

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The `Sec-WebSocket-Accept` value for a client's `Sec-WebSocket-Key`. */
export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

/** One unmasked (server-to-client) frame with FIN set. */
export function encodeFrame(opcode: number, payload: Uint8Array): Buffer {
  const len = payload.byteLength;
  const headerLen = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLen + len);
  frame[0] = 0x80 | opcode;
  if (len < 126) {
    frame[1] = len;
  } else if (len < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(len, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(len), 2);
  }
  frame.set(payload, headerLen);
  return frame;
}

/** A payload of `size` bytes: ASCII for text (valid UTF-8), pseudo-random bytes for binary. */
export function makePayload(size: number, binary: boolean): Buffer {
  const payload = Buffer.alloc(size, 'x');
  if (binary) for (let i = 0; i < size; i++) payload[i] = (i * 131 + 7) & 0xff;
  return payload;
}

/**
 * `frame` repeated until the block holds at least `minBytes`, so one `socket.write` carries
 * many messages and the server spends its time in the kernel, not in JavaScript.
 */
export function repeatFrame(frame: Buffer, minBytes: number): { block: Buffer; framesPerBlock: number } {
  const framesPerBlock = Math.max(1, Math.ceil(minBytes / frame.length));
  const block = Buffer.allocUnsafe(framesPerBlock * frame.length);
  for (let i = 0; i < framesPerBlock; i++) frame.copy(block, i * frame.length);
  return { block, framesPerBlock };
}

/** A frame a client sent, already unmasked. */
export interface ClientFrame {
  opcode: number;
  fin: boolean;
  payload: Buffer;
}

/**
 * Incremental parser of masked client frames. Benchmark clients send small frames, so
 * concatenating the leftover with the next chunk is cheap enough.
 */
export class FrameParser {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds a chunk from the socket; returns every frame it completes. */
  push(chunk: Buffer): ClientFrame[] {
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: ClientFrame[] = [];
    for (;;) {
      const frame = parseOne(buf);
      if (!frame) break;
      frames.push(frame.frame);
      buf = buf.subarray(frame.used);
    }
    this.pending = buf;
    return frames;
  }
}

function parseOne(buf: Buffer): { frame: ClientFrame; used: number } | undefined {
  if (buf.length < 2) return undefined;
  const masked = (buf[1] & 0x80) !== 0;
  let len = buf[1] & 0x7f;
  let offset = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    len = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskLen = masked ? 4 : 0;
  if (buf.length < offset + maskLen + len) return undefined;
  const payload = Buffer.from(buf.subarray(offset + maskLen, offset + maskLen + len));
  if (masked) {
    for (let i = 0; i < len; i++) payload[i] ^= buf[offset + (i & 3)];
  }
  const frame = { opcode: buf[0] & 0x0f, fin: (buf[0] & 0x80) !== 0, payload };
  return { frame, used: offset + maskLen + len };
}
