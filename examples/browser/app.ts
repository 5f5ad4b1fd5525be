// The page's script: the engine over the browser's own WebSocket (the WHATWG adapter),
// bundled with esbuild. In your application the imports read 'wscengine' and
// 'wscengine/adapters/whatwg'; the bundle contains no Node module and no `ws`.
import { WhatwgWebSocketAdapter } from '../../src/adapters/whatwg/index.js';
import { WebSocketEngine } from '../../src/index.js';

const $ = (id: string) => document.getElementById(id)!;
const show = (line: string) => {
  const item = document.createElement('li');
  item.textContent = line;
  $('log').append(item);
};

/** What the page has seen so far; examples/browser/serve.ts's test reads it. */
const state = { sessions: 0, received: [] as string[], status: 'connecting' };
Object.assign(globalThis, { exampleState: state });
const setStatus = (status: string) => {
  state.status = status;
  $('status').textContent = status;
};

const engine = new WebSocketEngine({
  url: () => `ws://${location.host}/ws`, // same host as the page
  adapter: new WhatwgWebSocketAdapter(), // globalThis.WebSocket
  reconnect: { initialDelayMs: 100, maxDelayMs: 2_000, minUptimeMs: 0 },
  // The WHATWG API cannot ping: keepalive sends an application heartbeat instead.
  keepalive: {
    intervalMs: 5_000,
    timeoutMs: 2_000,
    heartbeat: { message: 'ping', isReply: (m) => m.data === 'pong' },
  },
  client: {
    onOpen: ({ restarting }) => {
      $('sessions').textContent = String(++state.sessions);
      setStatus(restarting ? 'reconnected' : 'connected');
    },
    onMessage: ({ message }) => {
      const text = typeof message.data === 'string' ? message.data : `${message.data.byteLength} bytes`;
      state.received.push(text);
      show(`← ${text}`);
    },
    onClose: ({ closeMessage }) => {
      if (closeMessage)
        setStatus(`closed by the server (${closeMessage.code} ${closeMessage.reason}), reconnecting`);
    },
    onExit: ({ reason }) => setStatus(`stopped (${reason})`),
  },
});

$('send').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = ($('text') as HTMLInputElement).value;
  engine.send(text).then(
    () => show(`→ ${text}`),
    (error: { code?: string }) => show(`not sent (${error.code}): ${text}`),
  );
});
addEventListener('pagehide', () => void engine.stop());

await engine.start();
await engine.send('hello from the browser');
