// The client under test: a price feed built on the engine. It subscribes in onOpen (so
// again after every reconnect), keeps the last price of each symbol, and finds a silent
// connection with keepalive. What it connects through (adapter) and what time it runs on
// (clock) are parameters, so tests can hand it the mock, the in-memory pair and FakeClock.
import {
  type Clock,
  type EngineUrl,
  MessageType,
  type WebSocketConnectionAdapter,
  WebSocketEngine,
} from '../../src/index.js';

export interface PriceFeedOptions {
  url: EngineUrl;
  adapter: WebSocketConnectionAdapter;
  symbols: readonly string[];
  /** Called for every price received. */
  onPrice?: (symbol: string, price: number) => void;
  /** For tests; real timers by default. */
  clock?: Clock;
}

export class PriceFeed {
  /** The last price of each symbol. */
  readonly prices = new Map<string, number>();
  private readonly engine: WebSocketEngine;

  constructor({ url, adapter, symbols, onPrice, clock }: PriceFeedOptions) {
    this.engine = new WebSocketEngine({
      url,
      adapter,
      ...(clock ? { clock } : {}),
      keepalive: { intervalMs: 10_000, timeoutMs: 5_000 },
      reconnect: { initialDelayMs: 1_000, maxDelayMs: 30_000 },
      client: {
        onOpen: ({ conn }) => conn.write(MessageType.Text, JSON.stringify({ op: 'subscribe', symbols })),
        onMessage: ({ message }) => {
          const { symbol, price } = JSON.parse(message.data as string);
          this.prices.set(symbol, price);
          onPrice?.(symbol, price);
        },
      },
    });
  }

  start(): Promise<void> {
    return this.engine.start();
  }

  stop(): Promise<void> {
    return this.engine.stop();
  }
}
