// Back-pressured processing: a server pushes 32 MiB of jobs as fast as it can; the client
// works on up to 8 at once (`readers: 8`). While all 8 are busy the engine reads nothing,
// the adapter's bounded queue fills, the socket is paused, and the rest waits in the
// network and in the server's send buffer, not in the client's memory.
// Run: node --import tsx examples/backpressure.ts
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { WsAdapter } from '../src/adapters/ws/index.js';
import { WebSocketEngine } from '../src/index.js';

const JOBS = 1_000;
const JOB_BYTES = 32 * 1024;

// The producer: sends every job at once and watches its own send buffer grow.
let serverBacklogPeak = 0;
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (socket) => {
  const payload = Buffer.alloc(JOB_BYTES - 8, 'x');
  for (let i = 0; i < JOBS; i++) socket.send(`${String(i).padStart(8, '0')}${payload}`);
  const watch = setInterval(() => {
    serverBacklogPeak = Math.max(serverBacklogPeak, socket.bufferedAmount);
  }, 5);
  socket.on('close', () => clearInterval(watch));
});
await new Promise((resolve) => wss.once('listening', resolve));

// The consumer: each job takes a few milliseconds of (simulated) asynchronous work.
let running = 0;
let peakRunning = 0;
let done = 0;
let lastStarted = -1;
let inOrder = true;
let allDone: () => void = () => {};
const finished = new Promise<void>((resolve) => {
  allDone = resolve;
});

const engine = new WebSocketEngine({
  url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`,
  adapter: new WsAdapter({ inboundQueue: { maxMessages: 16 } }), // at most 16 jobs held unread
  readers: 8, // up to 8 onMessage calls in flight
  client: {
    async onMessage({ message }) {
      const index = Number((message.data as string).slice(0, 8));
      if (index !== lastStarted + 1) inOrder = false; // started in arrival order
      lastStarted = index;
      peakRunning = Math.max(peakRunning, ++running);
      await new Promise((resolve) => setTimeout(resolve, 2 + (index % 5)));
      running--;
      if (++done === JOBS) allDone();
    },
  },
});

const t0 = Date.now();
await engine.start();
await finished;
const seconds = (Date.now() - t0) / 1000;
await engine.stop();

console.log(`processed ${done} jobs of ${JOB_BYTES / 1024} KiB in ${seconds.toFixed(1)} s`);
console.log(`at most ${peakRunning} at once (readers: 8), started in arrival order: ${inOrder}`);
console.log(
  `the server's send buffer peaked at ${(serverBacklogPeak / 1024 / 1024).toFixed(1)} MiB: ` +
    `${serverBacklogPeak > 0 ? 'it waited for the client (back-pressure)' : 'no back-pressure was needed'}`,
);
await new Promise((resolve) => wss.close(resolve));
