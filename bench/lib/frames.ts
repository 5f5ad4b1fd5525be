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

/**
 * Counts the frames of a stream of (masked) client frames without copying or unmasking a
 * payload: the sink of the send flood only needs to know how many messages came, and must
 * stay far cheaper than the client that writes them (64 KiB frames included).
 */
export class FrameCounter {
  /** A header split across chunks (at most 14 bytes: 2 + 8 length + 4 mask). */
  private readonly head = Buffer.alloc(14);
  private headLen = 0;
  /** Payload bytes of the current frame still to skip. */
  private skip = 0;
  private opcode = 0;

  constructor(private readonly onFrame: (opcode: number) => void) {}

  push(chunk: Buffer): void {
    let i = 0;
    const end = chunk.length;
    while (i < end) {
      if (this.skip > 0) {
        const k = Math.min(this.skip, end - i);
        this.skip -= k;
        i += k;
        if (this.skip === 0) this.onFrame(this.opcode);
        continue;
      }
      // A header: parse it in place when it is whole in the chunk, else gather it in `head`.
      let buf = chunk;
      let at = i;
      let avail = end - i;
      if (this.headLen > 0) {
        const k = Math.min(14 - this.headLen, avail);
        chunk.copy(this.head, this.headLen, i, i + k);
        buf = this.head;
        at = 0;
        avail = this.headLen + k;
      }
      const size = headerSize(buf, at, avail);
      if (size === 0) {
        // Not whole yet: keep what there is for the next chunk.
        if (this.headLen === 0) chunk.copy(this.head, 0, i, end);
        this.headLen = avail;
        return;
      }
      const len = payloadLength(buf, at);
      // Bytes of this chunk the header used (part of it may have come from the last chunk).
      i += size - this.headLen;
      this.headLen = 0;
      this.opcode = buf[at] & 0x0f;
      this.skip = len;
      if (len === 0) this.onFrame(this.opcode);
    }
  }
}

/** The full header size of the frame at `buf[at]` (with `avail` bytes there), or 0 if incomplete. */
function headerSize(buf: Buffer, at: number, avail: number): number {
  if (avail < 2) return 0;
  const code = buf[at + 1] & 0x7f;
  const size = 2 + (code === 126 ? 2 : code === 127 ? 8 : 0) + ((buf[at + 1] & 0x80) !== 0 ? 4 : 0);
  return avail >= size ? size : 0;
}

function payloadLength(buf: Buffer, at: number): number {
  const code = buf[at + 1] & 0x7f;
  if (code === 126) return buf.readUInt16BE(at + 2);
  if (code === 127) return Number(buf.readBigUInt64BE(at + 2));
  return code;
}
