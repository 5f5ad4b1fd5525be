// The benchmark server, run as a child process so it never shares a core's event loop with
// the client being measured. It speaks just enough WebSocket to be fast: data frames are
// pre-encoded once and written in large blocks, honouring `socket.write` back-pressure.
//
// Paths: /flood?n=N&size=S&binary=0|1  on the client's first message, sends N frames,
//                                      then reports `flood-done`
//        /stream?size=S&binary=0|1       on the first message, sends frames until the client leaves
//        /bursts?n=N&size=S&binary=0|1   on every message, sends N frames (the interleaved flood)
//        /echo                           echoes every data frame
//        /sink?n=N                       counts data frames without reading them; after every N,
//                                        sends the count back as a text frame (the send flood)
//        /requests?pushMs=P              echoes every data frame, and pushes a text frame every P ms
//                                        from the upgrade on (request/reply)
//        /idle                           only answers pings and closes
// IPC out: { event: 'ready', port, readyAt }, { event: 'flood-done', ... }, { event: 'stream-closed', ... }
// IPC in:  { cmd: 'cpu' } -> { event: 'cpu', usage }; { cmd: 'pings' } -> { event: 'pings', count } (pings received so far)
import { createServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  acceptKey,
  type ClientFrame,
  encodeFrame,
  FrameCounter,
  FrameParser,
  makePayload,
  OP_BINARY,
  OP_CLOSE,
  OP_PING,
  OP_PONG,
  OP_TEXT,
  repeatFrame,
} from './lib/frames.js';

// Large blocks: fewer writes and drain waits, so the socket buffer rarely runs dry.
const BLOCK_BYTES = 1024 * 1024;
const blocks = new Map<string, { block: Buffer; framesPerBlock: number; frameLen: number }>();

function blockFor(size: number, binary: boolean) {
  const key = `${size}/${binary}`;
  let entry = blocks.get(key);
  if (!entry) {
    const frame = encodeFrame(binary ? OP_BINARY : OP_TEXT, makePayload(size, binary));
    entry = { ...repeatFrame(frame, BLOCK_BYTES), frameLen: frame.length };
    blocks.set(key, entry);
  }
  return entry;
}

const wallNow = () => performance.timeOrigin + performance.now();
const send = (msg: object) => process.send?.(msg);

function cpuSince(start: NodeJS.CpuUsage, startWall: number) {
  const cpu = process.cpuUsage(start);
  const wallMs = wallNow() - startWall;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { wallMs, cpuMs, cpuPct: wallMs > 0 ? (100 * cpuMs) / wallMs : 0 };
}

/**
 * Writes `n` frames (or forever when `n` is Infinity) until done or the socket goes; `onEnd`
 * then gets the count (without it, nothing listens for the socket's close).
 */
function pump(socket: Socket, size: number, binary: boolean, n: number, onEnd?: (sent: number) => void) {
  const { block, framesPerBlock, frameLen } = blockFor(size, binary);
  let sent = 0;
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    onEnd?.(sent);
  };
  if (onEnd) socket.once('close', finish);
  const write = () => {
    while (!socket.destroyed && sent < n) {
      const k = Math.min(n - sent, framesPerBlock);
      const chunk = k === framesPerBlock ? block : block.subarray(0, k * frameLen);
      sent += k;
      // The callback of the last write fires once every byte is in the kernel.
      const ok = socket.write(chunk, sent === n ? finish : undefined);
      if (!ok) {
        socket.once('drain', write);
        return;
      }
    }
  };
  write();
}

/** Pings received from every client: the idle scenario checks both kinds ping alike. */
let pings = 0;

/** Answers pings and closes; hands data frames to `onData`. */
function handleFrames(socket: Socket, onData: (frame: ClientFrame) => void) {
  const parser = new FrameParser();
  const onChunk = (chunk: Buffer) => {
    for (const frame of parser.push(chunk)) {
      if (frame.opcode === OP_PING) {
        pings++;
        socket.write(encodeFrame(OP_PONG, frame.payload));
      } else if (frame.opcode === OP_CLOSE) {
        socket.end(encodeFrame(OP_CLOSE, frame.payload.subarray(0, 2)));
        socket.off('data', onChunk);
        return;
      } else if (frame.opcode === OP_TEXT || frame.opcode === OP_BINARY) onData(frame);
    }
  };
  socket.on('data', onChunk);
}

/**
 * `/sink`: counts the client's data frames (payloads skipped, never unmasked) and after every
 * `n` sends the count back, which is how the client knows the server has them all.
 */
function sink(socket: Socket, n: number) {
  let count = 0;
  const counter = new FrameCounter((opcode) => {
    if (opcode === OP_TEXT || opcode === OP_BINARY) {
      if (++count % n === 0) socket.write(encodeFrame(OP_TEXT, Buffer.from(String(count))));
    } else if (opcode === OP_CLOSE) {
      socket.end(encodeFrame(OP_CLOSE, Buffer.alloc(0)));
    }
  });
  socket.on('data', (chunk: Buffer) => counter.push(chunk));
}

/** The message `/requests` pushes: it carries no id, so it answers no request. */
const PUSH_FRAME = encodeFrame(OP_TEXT, Buffer.from('{"push":"price","seq":0,"value":1234.5}'));

/** `/requests`: pushes a message every `pushMs` while the socket is open. */
function pushEvery(socket: Socket, pushMs: number) {
  const timer = setInterval(() => socket.write(PUSH_FRAME), pushMs);
  socket.once('close', () => clearInterval(timer));
}

/** What a path does with the client's data frames. */
function behaviour(socket: Socket, url: URL): (frame: ClientFrame) => void {
  const size = Number(url.searchParams.get('size') ?? 64);
  const binary = url.searchParams.get('binary') === '1';
  const n = url.pathname !== '/stream' ? Number(url.searchParams.get('n') ?? 1000) : Number.POSITIVE_INFINITY;
  const event = url.pathname === '/flood' ? 'flood-done' : 'stream-closed';
  switch (url.pathname) {
    case '/echo':
    case '/requests':
      return (frame) => socket.write(encodeFrame(frame.opcode, frame.payload));
    case '/bursts':
      return () => pump(socket, size, binary, n);
    case '/flood':
    case '/stream': {
      // Flooding starts at the client's first message ('go'), once the client is ready.
      let started = false;
      return () => {
        if (started) return;
        started = true;
        const startCpu = process.cpuUsage();
        const startWall = wallNow();
        pump(socket, size, binary, n, (sent) => send({ event, sent, ...cpuSince(startCpu, startWall) }));
      };
    }
    default:
      return () => {};
  }
}

function onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer) {
  socket.on('error', () => socket.destroy());
  // http.Server sockets allow half-open: without this, every client that exits leaves a
  // socket (and a file descriptor) behind, and a long run runs out of them.
  socket.on('end', () => socket.destroy());
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string') {
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    return;
  }
  socket.setNoDelay(true);
  const url = new URL(req.url ?? '/', 'http://x');
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
  );
  if (url.pathname === '/sink') sink(socket, Number(url.searchParams.get('n') ?? 1000));
  else handleFrames(socket, behaviour(socket, url));
  if (url.pathname === '/requests') pushEvery(socket, Number(url.searchParams.get('pushMs') ?? 2));
  if (head.length > 0) socket.emit('data', head);
}

const server = createServer((_req, res) => res.writeHead(426).end());
server.on('upgrade', onUpgrade);
process.on('message', (msg: { cmd?: string }) => {
  if (msg.cmd === 'cpu') send({ event: 'cpu', usage: process.cpuUsage() });
  if (msg.cmd === 'pings') send({ event: 'pings', count: pings });
});
// Exit with the parent: a benchmark must never leave a server behind.
process.on('disconnect', () => process.exit(0));
server.listen({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0), backlog: 4096 }, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  send({ event: 'ready', port, readyAt: wallNow() });
});
