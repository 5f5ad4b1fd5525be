// Interim demo (replaced by the engine demo): an embedded ws server on 127.0.0.1 and a
// client whose inbound messages go through wscengine's bounded InboundQueue.
import { WebSocket, WebSocketServer } from 'ws';
import { InboundQueue, MessageType } from '../src/index.js';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await new Promise<void>((resolve) => server.once('listening', resolve));
server.on('connection', (socket) =>
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })),
);
const { port } = server.address() as { port: number };
console.log(`echo server on ws://127.0.0.1:${port}`);

const client = new WebSocket(`ws://127.0.0.1:${port}`);
const queue = new InboundQueue(
  {},
  () => client.pause(),
  () => client.resume(),
);
client.on('message', (data, isBinary) =>
  queue.push(
    isBinary
      ? { type: MessageType.Binary, data: data as Buffer }
      : { type: MessageType.Text, data: String(data) },
  ),
);
await new Promise((resolve) => client.once('open', resolve));
for (const word of ['hello', 'from', 'wscengine']) client.send(word);
for (let i = 0; i < 3; i++) console.log('echoed:', (await queue.read()).data);
client.close(1000, 'done');
await new Promise((resolve) => client.once('close', resolve));
server.close();
console.log('demo finished');
