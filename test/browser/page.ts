// Bundled by chromium.test.ts with esbuild for the browser: it imports the core and the
// WHATWG adapter exactly as an application would, and reports what it saw to the test.
import { WhatwgWebSocketAdapter } from '../../src/adapters/whatwg/index.js';
import {
  ConnectionClosedError,
  DialError,
  MessageType,
  UnsupportedOperationError,
  WebSocketCloseError,
} from '../../src/index.js';

/** What the page observed; the Node side asserts on it. */
export interface PageReport {
  status: number;
  protocol: string;
  text: string;
  binary: number[];
  ping: { name: string; code: unknown; typed: boolean };
  serverClose: { name: string; code: unknown; reason: string; typed: boolean };
  secondCloseTyped: boolean;
  dialError: { name: string; code: unknown; typed: boolean };
}

function describe(error: unknown): { name: string; code: unknown } {
  const e = error as { name?: string; code?: unknown };
  return { name: String(e?.name), code: e?.code };
}

async function runChecks(wsUrl: string, refusedUrl: string): Promise<PageReport> {
  const adapter = new WhatwgWebSocketAdapter({ protocols: ['echo'] });
  const response = await adapter.dial(new URL(wsUrl));
  await adapter.write(MessageType.Text, 'hello browser');
  const text = await adapter.read({ signal: AbortSignal.timeout(5_000) });
  await adapter.write(MessageType.Binary, new Uint8Array([1, 2, 250]));
  const binary = await adapter.read({ signal: AbortSignal.timeout(5_000) });
  const ping = await adapter.ping().then(
    () => ({ name: 'resolved', code: undefined, typed: false }),
    (e: unknown) => ({ ...describe(e), typed: e instanceof UnsupportedOperationError }),
  );
  await adapter.write(MessageType.Text, 'close-4001');
  const serverClose = await adapter.read({ signal: AbortSignal.timeout(5_000) }).then(
    () => ({ name: 'resolved', code: undefined, reason: '', typed: false }),
    (e: unknown) => ({
      ...describe(e),
      reason: (e as WebSocketCloseError).reason,
      typed: e instanceof WebSocketCloseError,
    }),
  );
  await adapter.dial(new URL(wsUrl));
  await adapter.close(1001, 'going away');
  const secondCloseTyped = await adapter.close(1000).then(
    () => false,
    (e: unknown) => e instanceof ConnectionClosedError,
  );
  const dialError = await adapter.dial(new URL(refusedUrl)).then(
    () => ({ name: 'resolved', code: undefined, typed: false }),
    (e: unknown) => ({ ...describe(e), typed: e instanceof DialError }),
  );
  return {
    status: response.status,
    protocol: response.protocol,
    text: String(text.data),
    binary: [...(binary.data as Uint8Array)],
    ping,
    serverClose,
    secondCloseTyped,
    dialError,
  };
}

(globalThis as { runChecks?: typeof runChecks }).runChecks = runChecks;
