// Sends from anywhere, through an outage: with `outbox`, what is sent while the engine
// reconnects waits (bounded) and goes out in order after the next onOpen, never twice;
// what cannot wait is rejected with its payload. Run: node --import tsx examples/outbox.ts
import { WsAdapter } from '../src/adapters/ws/index.js';
import { SendError, WebSocketEngine } from '../src/index.js';
import { startEchoServer } from '../src/testing/node/index.js';

let server = await startEchoServer();
const port = server.port;
const echoed: string[] = [];
const engine = new WebSocketEngine({
  url: server.url,
  adapter: new WsAdapter(),
  reconnect: { initialDelayMs: 100, maxDelayMs: 200, minUptimeMs: 0 },
  outbox: { maxMessages: 3, ttlMs: 5_000 },
  client: {
    onOpen: ({ conn, restarting }) => conn.write(1, restarting ? 'auth (again)' : 'auth'),
    onMessage: ({ message }) => void echoed.push(message.data as string),
  },
});
const echoes = async (n: number) => {
  for (let i = 0; echoed.length < n && i < 500; i++) await new Promise((resolve) => setTimeout(resolve, 10));
};
await engine.start();
await engine.send('before the outage');
await echoes(2);

await server.close(); // the engine sees the drop and starts reconnecting
// A send in the instant before the engine notices a drop is handed to the network and lost
// with it (TCP says nothing); for delivery you can count on, have the server acknowledge
// (engine.request()). Here we send once the engine knows.
while (engine.sessionId !== undefined) await new Promise((resolve) => setTimeout(resolve, 5));
const sends = ['queued 1', 'queued 2', 'queued 3', 'one too many'].map((m) =>
  engine.send(m).then(
    () => `${m}: sent`,
    (e: unknown) => `${m}: ${e instanceof SendError ? e.code : String(e)}`,
  ),
);
server = await startEchoServer({ port }); // back: the queued sends go out after onOpen
for (const outcome of await Promise.all(sends)) console.log(outcome);

await echoes(6);
console.log('echoed, in order:', echoed.join(' | '));
await engine.stop();
await server.close();
