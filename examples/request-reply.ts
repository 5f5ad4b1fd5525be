// Request/reply matched by id while the server also pushes: replies go to their request,
// pushes to onMessage. Run: node --import tsx examples/request-reply.ts
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { WsAdapter } from '../src/adapters/ws/index.js';
import { WebSocketEngine } from '../src/index.js';

// A server that pushes a tick every 5 ms and answers { id, op: 'double', n } with { id, n: 2n }.
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (socket) => {
  let tick = 0;
  const pusher = setInterval(() => socket.send(JSON.stringify({ tick: tick++ })), 5);
  socket.on('close', () => clearInterval(pusher));
  socket.on('message', (data) => {
    const { id, n } = JSON.parse(String(data));
    setTimeout(() => socket.send(JSON.stringify({ id, n: n * 2 })), Math.random() * 20);
  });
});
await new Promise((resolve) => wss.once('listening', resolve));

let ticks = 0;
const engine = new WebSocketEngine({
  url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`,
  adapter: new WsAdapter(),
  client: { onMessage: () => void ticks++ },
  requests: { idOf: (m) => JSON.parse(m.data as string).id, timeoutMs: 2_000 },
});
await engine.start();
const answers = await Promise.all(
  [1, 2, 3, 4, 5].map(async (n) => {
    const reply = await engine.request(JSON.stringify({ id: `q${n}`, op: 'double', n }), { id: `q${n}` });
    return JSON.parse(reply.data as string).n;
  }),
);
console.log(
  'answers:',
  answers.join(' '),
  `(and ${ticks > 0 ? 'some' : 'no'} pushes to onMessage meanwhile)`,
);
await engine.stop();
for (const socket of wss.clients) socket.terminate();
await new Promise((resolve) => wss.close(resolve));
