// Pull instead of onMessage: for-await over engine.messages(), back-pressured (a consumer
// that does not pull pauses reading), ending when the engine stops.
// Run: node --import tsx examples/pull-messages.ts
import { WsAdapter } from '../src/adapters/ws/index.js';
import { WebSocketEngine } from '../src/index.js';
import { startEchoServer } from '../src/testing/node/index.js';

const server = await startEchoServer();
const engine = new WebSocketEngine({ url: server.url, adapter: new WsAdapter(), client: {}, readers: 2 });
await engine.start();
for (let i = 1; i <= 5; i++) await engine.send(`message ${i}`);

const received: string[] = [];
for await (const message of engine.messages()) {
  received.push(message.data as string);
  await new Promise((resolve) => setTimeout(resolve, 10)); // a slow consumer
  if (received.length === 5) void engine.stop(); // the loop ends once the engine has stopped
}
console.log('pulled:', received.join(', '));
const exit = await engine.closed;
console.log('run over:', exit.reason);
await server.close();
