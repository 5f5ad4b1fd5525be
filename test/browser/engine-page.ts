// A plain page as the README's "Browsers and runtimes" section shows it: a
// <script type="module"> importing the bundled package (/wscengine.js: `wscengine` and
// `wscengine/adapters/whatwg` bundled and minified by esbuild). chromium.test.ts serves it
// from http://insecure.test, which is not a secure context: no `crypto.randomUUID` there,
// and the engine must still start (its session ids come from `crypto.getRandomValues`).
// The page then runs the checks test/runtimes/scenario.mjs runs in other runtimes, with the
// server of chromium.test.ts: 'close-4001' -> it closes with 4001, 'drop' -> it drops the
// connection, 'silence' -> it stops reading, 'ping' -> 'pong', anything else is echoed.

/** What the page observed; the Node side asserts on it. */
export interface EnginePageReport {
  origin: string;
  isSecureContext: boolean;
  /** `typeof crypto.randomUUID`: `'undefined'` on this page. */
  randomUUID: string;
  sessionId?: string;
  text?: string;
  binary?: number[];
  /** What onClose got after each server action, and whether a new session opened after it. */
  closes: { after: string; code?: number; reason?: string; reopened: boolean }[];
  /** The echo after the last reconnect. */
  textAfter?: string;
  /** `name` of the error `ping()` rejects with, read from the minified bundle. */
  pingError?: string;
  exit?: string;
  error?: string;
}

/** The page; `?ws=<port>` names the echo server's port on the page's own host. */
export const ENGINE_PAGE = `<!doctype html>
<meta charset="utf-8">
<title>wscengine in a page</title>
<script type="module">
  import { WebSocketEngine, WhatwgWebSocketAdapter } from '/wscengine.js';

  /** Values pushed by callbacks, taken in order; a take that waits 5 s fails. */
  function channel(name) {
    const values = [];
    let waiting;
    return {
      push(value) {
        if (waiting) waiting(value);
        else values.push(value);
      },
      next() {
        if (values.length > 0) return Promise.resolve(values.shift());
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no ' + name + ' within 5 s')), 5_000);
          waiting = (value) => {
            waiting = undefined;
            clearTimeout(timer);
            resolve(value);
          };
        });
      },
    };
  }

  const report = {
    origin: location.origin,
    isSecureContext,
    randomUUID: typeof crypto.randomUUID,
    closes: [],
  };
  const opens = channel('onOpen');
  const closes = channel('onClose');
  const inbox = channel('message');

  const engine = new WebSocketEngine({
    url: 'ws://' + location.hostname + ':' + new URLSearchParams(location.search).get('ws') + '/',
    adapter: new WhatwgWebSocketAdapter(),
    keepalive: {
      intervalMs: 200,
      timeoutMs: 400,
      heartbeat: { message: 'ping', isReply: (message) => message.data === 'pong' },
    },
    reconnect: { initialDelayMs: 50, maxDelayMs: 250 },
    outbox: { maxMessages: 16 },
    client: {
      onOpen: ({ sessionId }) => opens.push(sessionId),
      onMessage: ({ message }) => inbox.push(message),
      onClose: ({ closeMessage }) => closes.push(closeMessage ?? {}),
    },
  });

  globalThis.report = (async () => {
    try {
      await engine.start({ signal: AbortSignal.timeout(5_000) });
      report.sessionId = await opens.next();
      await engine.send('hello from an insecure page');
      report.text = (await inbox.next()).data;
      await engine.send(new Uint8Array([0, 1, 255]));
      report.binary = [...(await inbox.next()).data];
      for (const action of ['close-4001', 'drop', 'silence']) {
        await engine.send(action);
        const { code, reason } = await closes.next();
        report.closes.push({ after: action, code, reason, reopened: typeof (await opens.next()) === 'string' });
      }
      await engine.send('after the reconnects');
      report.textAfter = (await inbox.next()).data;
      report.pingError = await new WhatwgWebSocketAdapter().ping().catch((error) => error.name);
      await engine.stop();
      report.exit = (await engine.closed).reason;
    } catch (error) {
      report.error = String(error?.stack ?? error);
      await engine.stop().catch(() => {});
    }
    return report;
  })();
</script>
`;
