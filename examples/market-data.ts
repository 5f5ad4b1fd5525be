// A market-data client: subscriptions live in the client and are sent again in onOpen after
// every reconnect; each connect carries a fresh, single-use token (the url function is
// called at every connect); subscribing later goes through engine.send().
// The example starts its own feed server on 127.0.0.1, which drops every connection twice.
// Run: node --import tsx examples/market-data.ts
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { WsAdapter } from '../src/adapters/ws/index.js';
import { ConnectionClosedError, MessageType, WebSocketEngine } from '../src/index.js';

// --- The feed server: a token is good for one connect; ticks for what a socket subscribed.
const issued = new Set<string>();
let tokens = 0;
async function getToken(): Promise<string> {
  const token = `t${++tokens}`; // a real client would ask its auth service
  issued.add(token);
  return token;
}
const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  verifyClient: ({ req }, done) => {
    const token = new URL(req.url ?? '/', 'ws://feed').searchParams.get('token') ?? '';
    if (!issued.delete(token)) return done(false, 401, 'token missing or used');
    done(true);
  },
});
wss.on('connection', (socket) => {
  const topics = new Set<string>();
  let price = 100;
  const ticker = setInterval(() => {
    price += 0.5;
    for (const topic of topics) socket.send(JSON.stringify({ topic, price }));
  }, 10);
  socket.on('close', () => clearInterval(ticker));
  socket.on('message', (data) => {
    const request = JSON.parse(String(data));
    if (request.op === 'subscribe') for (const topic of request.topics) topics.add(topic);
  });
});
await new Promise((resolve) => wss.once('listening', resolve));
const feed = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/feed`;

// --- The client.
const subscriptions = new Set(['BTC-USD']);
const ticks = new Map<string, number>(); // ticks per topic in the current session
let session = 0;
let tokenOfSession = '';

const engine = new WebSocketEngine({
  url: async () => {
    tokenOfSession = await getToken();
    return `${feed}?token=${tokenOfSession}`;
  },
  adapter: new WsAdapter(),
  reconnect: { initialDelayMs: 50, maxDelayMs: 200, minUptimeMs: 0 }, // sessions here last milliseconds
  client: {
    async onOpen({ conn, restarting }) {
      session++;
      ticks.clear();
      // The server forgot everything with the old connection: subscribe again, to all of it.
      await conn.write(MessageType.Text, JSON.stringify({ op: 'subscribe', topics: [...subscriptions] }));
      const what = restarting ? 're-subscribed' : 'subscribed';
      console.log(`session ${session}: token ${tokenOfSession}, ${what} ${[...subscriptions].join(', ')}`);
    },
    onMessage({ message }) {
      const { topic } = JSON.parse(message.data as string);
      ticks.set(topic, (ticks.get(topic) ?? 0) + 1);
    },
    onClose({ closeMessage }) {
      if (closeMessage) console.log(`session ${session}: dropped (${closeMessage.code})`);
    },
  },
});

/** Subscribes now if connected; otherwise the next onOpen sends it with the rest. */
async function subscribe(topic: string): Promise<void> {
  subscriptions.add(topic);
  try {
    await engine.send(JSON.stringify({ op: 'subscribe', topics: [topic] }));
    console.log(`session ${session}: subscribed ${topic} (engine.send)`);
  } catch (error) {
    if (!(error instanceof ConnectionClosedError)) throw error; // between sessions: onOpen has it
  }
}

/** Waits until the current session has had `n` ticks of `topic`. */
async function ticksOf(topic: string, n: number): Promise<void> {
  while ((ticks.get(topic) ?? 0) < n) await new Promise((resolve) => setTimeout(resolve, 5));
}

await engine.start();
await ticksOf('BTC-USD', 3);
await subscribe('ETH-USD');
await ticksOf('ETH-USD', 3);

for (let outage = 1; outage <= 2; outage++) {
  const before = session;
  for (const socket of wss.clients) socket.terminate(); // the feed drops everyone
  while (session === before) await new Promise((resolve) => setTimeout(resolve, 5));
  await Promise.all([ticksOf('BTC-USD', 3), ticksOf('ETH-USD', 3)]);
  console.log(`session ${session}: ticks flowing again for ${[...ticks.keys()].sort().join(', ')}`);
}

await engine.stop();
console.log(`tokens used: ${tokens}, each once (the server refuses a used one)`);
await new Promise((resolve) => wss.close(resolve));
