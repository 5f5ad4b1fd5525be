// `npm start`: the engine, live, on an embedded echo server. It connects, exchanges
// messages, survives the server being killed and restarted (watch the reconnect and the
// retry count), then stops cleanly and the process exits by itself.
import { WsAdapter } from '../src/adapters/ws/index.js';
import { MessageType, WebSocketEngine } from '../src/index.js';
import { startEchoServer } from '../src/testing/node/index.js';

const t0 = Date.now();
const log = (what: string) => console.log(`${String(Date.now() - t0).padStart(5)} ms  ${what}`);
const short = (id: string) => id.slice(0, 8);

let server = await startEchoServer();
const port = server.port;
log(`echo server listening on ${server.url}`);

let echoed = 0;
let onEcho: (() => void) | undefined;
const engine = new WebSocketEngine({
  url: server.url,
  adapter: new WsAdapter(),
  readers: 2,
  reconnect: { initialDelayMs: 200, maxDelayMs: 1_000 },
  keepalive: { intervalMs: 2_000, timeoutMs: 1_000 },
  client: {
    async onOpen({ conn, restarting, sessionId }) {
      log(`onOpen      session ${short(sessionId)} restarting=${restarting}`);
      await conn.write(MessageType.Text, `hello from session ${short(sessionId)}`);
    },
    onMessage({ message, sessionId }) {
      log(`onMessage   session ${short(sessionId)} echo: ${message.data}`);
      echoed++;
      onEcho?.();
    },
    onClose({ closeMessage, sessionId }) {
      const why = closeMessage
        ? `peer/network closed ${closeMessage.code} "${closeMessage.reason}"`
        : 'engine closing';
      log(`onClose     session ${short(sessionId)} (${why})`);
    },
    onRestartError({ error, retryCount }) {
      log(`onRestartError retry #${retryCount}: ${(error as Error).message}`);
    },
    onReadError({ error }) {
      log(`onReadError ${(error as Error).message}`);
    },
    onExit({ reason }) {
      log(`onExit      the run is over: ${reason}`);
    },
  },
});

const echoes = (n: number) =>
  new Promise<void>((resolve) => {
    onEcho = () => echoed >= n && resolve();
    onEcho();
  });

await engine.start();
await echoes(1);
// From anywhere: send() writes on the ready session.
for (const word of ['one', 'two', 'three']) await engine.send(word);
await echoes(4);
// Let the session live past reconnect.minUptimeMs (1 s): a session that dies sooner counts
// as a failed attempt, so a server that accepts and closes at once is not hammered.
await new Promise((resolve) => setTimeout(resolve, 1_100));

log('killing the echo server: the engine sees the drop and starts reconnecting');
await server.close();
await new Promise((resolve) => setTimeout(resolve, 1_500));
server = await startEchoServer({ port });
log(`echo server back on port ${port}`);
await echoes(5);

log('stopping the engine');
await engine.stop();
await server.close();
log(`stopped (isStarted=${engine.isStarted}) after ${echoed} echoes; the process now exits by itself`);
