// One engine over one adapter against a real server, in whichever runtime runs this file
// (Node, Deno, Bun): plain ES modules importing the built package, nothing else of this
// repository but server.mjs. test/runtimes/*.test.ts run it with each runtime's binary;
// by hand:
//
//   node test/runtimes/scenario.mjs ws|whatwg [dist/esm folder] [node binary for the server]
//   deno run --node-modules-dir=manual --allow-net=127.0.0.1 --allow-read --allow-env \
//     --allow-run test/runtimes/scenario.mjs whatwg
//   .tmp/runtimes/node_modules/bun/bin/bun.exe test/runtimes/scenario.mjs ws
//
// Checks, in order, each printed as one JSON line {"check","ok","ms","error"?}: connect,
// echo-text, echo-binary, close-4001 (passed through, then a reconnect), reconnect (server
// killed, the drop read as 1006, server started again on the same port), keepalive (the
// server stops answering: found dead as 1006, then a reconnect), stop (clean: the server
// sees "Going away", engine.closed says 'stop'). Last line {"done":true}. The process then
// has to exit on its own: a timer, socket or listener left behind would keep it alive.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [adapterName, dist = fileURLToPath(new URL('../../dist/esm/', import.meta.url)), node = 'node'] =
  process.argv.slice(2);
if (adapterName !== 'ws' && adapterName !== 'whatwg') {
  console.error('usage: scenario.mjs ws|whatwg [dist/esm folder] [node binary for the server]');
  process.exit(2);
}
const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));
const KEEPALIVE = { intervalMs: 200, timeoutMs: 400 };
const print = (value) => console.log(JSON.stringify(value));
const load = (path) => import(pathToFileURL(join(dist, path)).href);

/** An async FIFO whose `next` fails after `ms` instead of waiting forever. */
function channel(name) {
  const values = [];
  const waiters = [];
  return {
    push(value) {
      const waiter = waiters.shift();
      if (waiter) waiter(value);
      else values.push(value);
    },
    next(ms = 5_000) {
      if (values.length > 0) return Promise.resolve(values.shift());
      return new Promise((resolve, reject) => {
        const waiter = (value) => {
          clearTimeout(timer);
          resolve(value);
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no ${name} within ${ms} ms`));
        }, ms);
        waiters.push(waiter);
      });
    },
    /** The next value for which `match` holds; others are dropped. */
    async until(match, ms = 5_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const value = await this.next(Math.max(1, deadline - Date.now()));
        if (match(value)) return value;
      }
    },
  };
}

function expect(condition, what) {
  if (!condition) throw new Error(what);
}

/** The Node `ws` server of server.mjs in a child process. */
async function startServer(port = 0) {
  const child = spawn(node, [SERVER, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const closes = channel('server-side close');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let buffered = '';
  const listening = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
        const event = JSON.parse(buffered.slice(0, at));
        buffered = buffered.slice(at + 1);
        if (event.port !== undefined) resolve(event.port);
        else closes.push(event);
      }
    });
  });
  const actual = await Promise.race([
    listening,
    exited.then((code) => Promise.reject(new Error(`server exited (${code}) before listening`))),
  ]);
  return {
    port: actual,
    closes,
    /** SIGKILL: connections drop without a close frame. */
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function createAdapter() {
  if (adapterName === 'ws') {
    const { WsAdapter } = await load('adapters/ws/index.js');
    // Under Bun, 'ws' is Bun's own implementation, whatever node_modules holds.
    const via = import.meta.resolve('ws') === 'ws' ? "the runtime's built-in ws" : 'ws from node_modules';
    return { adapter: new WsAdapter(), keepalive: KEEPALIVE, via };
  }
  const { WhatwgWebSocketAdapter } = await load('adapters/whatwg/index.js');
  // Node 20 has no global WebSocket: undici's, as the docs say.
  const WebSocket = globalThis.WebSocket ?? (await import('undici')).WebSocket;
  return {
    adapter: new WhatwgWebSocketAdapter({ WebSocket }),
    keepalive: { ...KEEPALIVE, heartbeat: { message: 'ping', isReply: (m) => m.data === 'pong' } },
    via: globalThis.WebSocket ? 'global WebSocket' : 'undici WebSocket',
  };
}

function runtimeName() {
  if (globalThis.Deno) return `deno ${globalThis.Deno.version.deno}`;
  if (globalThis.Bun) return `bun ${globalThis.Bun.version}`;
  return `node ${process.version}`;
}

let failed = 0;
async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    print({ check: name, ok: true, ms: Date.now() - started });
  } catch (error) {
    failed++;
    print({ check: name, ok: false, ms: Date.now() - started, error: String(error?.stack ?? error) });
  }
}

const { WebSocketEngine, MessageType } = await load('index.js');
const { adapter, keepalive, via } = await createAdapter();
print({ runtime: runtimeName(), adapter: adapterName, via });

let server = await startServer();
const port = server.port;
const opens = channel('onOpen');
const closes = channel('onClose');
const messages = channel('message');
const failedAttempts = channel('failed reconnect attempt');
const engine = new WebSocketEngine({
  url: `ws://127.0.0.1:${port}/`,
  adapter,
  keepalive,
  reconnect: { initialDelayMs: 50, maxDelayMs: 250 },
  // send() right after a reconnect waits for the session to be ready instead of failing.
  outbox: { maxMessages: 16 },
  client: {
    onOpen: ({ restarting, sessionId }) => opens.push({ restarting, sessionId }),
    onMessage: ({ message }) => messages.push(message),
    onClose: ({ closeMessage }) => closes.push(closeMessage ?? {}),
    onRestartError: ({ error }) => failedAttempts.push(error),
  },
});

async function echo(data) {
  await engine.send(data);
  return messages.next();
}

try {
  await check('connect', async () => {
    await engine.start({ signal: AbortSignal.timeout(5_000) });
    const open = await opens.next();
    expect(open.restarting === false, 'first onOpen has restarting false');
    expect(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(open.sessionId),
      'a UUID',
    );
  });

  await check('echo-text', async () => {
    const message = await echo('hello from a runtime');
    expect(message.type === MessageType.Text && message.data === 'hello from a runtime', 'text echoed');
  });

  await check('echo-binary', async () => {
    const message = await echo(new Uint8Array([0, 1, 127, 128, 255]));
    expect(message.type === MessageType.Binary, `binary type, got ${message.type}`);
    expect(message.data instanceof Uint8Array, 'binary data is a Uint8Array');
    expect([...message.data].join() === '0,1,127,128,255', `bytes kept, got ${[...message.data]}`);
  });

  await check('close-4001', async () => {
    await engine.send('close-4001');
    const close = await closes.next();
    expect(
      close.code === 4001 && close.reason === 'app code',
      `4001 "app code", got ${JSON.stringify(close)}`,
    );
    expect((await opens.next()).restarting === true, 'reconnected');
    expect((await echo('after 4001')).data === 'after 4001', 'echo after the reconnect');
  });

  await check('reconnect', async () => {
    await server.kill();
    const close = await closes.next();
    expect(close.code === 1006, `a drop reads as 1006, got ${JSON.stringify(close)}`);
    await failedAttempts.next(); // the server is down: an attempt was refused
    server = await startServer(port);
    expect((await opens.next(10_000)).restarting === true, 'reconnected to the new server');
    expect((await echo('after restart')).data === 'after restart', 'echo after the restart');
  });

  await check('keepalive', async () => {
    await engine.send('silence');
    const close = await closes.next();
    expect(
      close.code === 1006 && /keepalive/.test(close.reason),
      `keepalive timeout as 1006, got ${JSON.stringify(close)}`,
    );
    expect((await opens.next(10_000)).restarting === true, 'reconnected');
    expect((await echo('after keepalive')).data === 'after keepalive', 'echo after the reconnect');
  });

  await check('stop', async () => {
    await engine.stop({ signal: AbortSignal.timeout(5_000) });
    const exit = await engine.closed;
    expect(exit.reason === 'stop', `engine.closed says stop, got ${exit.reason}`);
    expect(engine.isStarted === false, 'not started');
    await server.closes.until((close) => close.reason === 'Going away');
  });
} finally {
  if (engine.isStarted) await engine.stop().catch(() => {});
  await server.stop();
  print({ done: true, failed });
}
