// Testing your own client without a network and without waiting: the scriptable adapter
// mock, the in-memory pair (a real adapter wired to a server the test drives) and
// FakeClock (time moves only when the test says; every `clock.advance()` is awaited, since
// what a timer starts runs in the promise callbacks it lets through).
// Run: node --import tsx examples/testing-your-client/price-feed.test.ts
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageType } from '../../src/index.js';
import { createInMemoryPair, FakeClock, WebSocketConnectionAdapterMock } from '../../src/testing/index.js';
import { PriceFeed } from './price-feed.js';

/** A promise of the next price the feed reports, and the callback that reports it. */
function nextPrice() {
  let report: (symbol: string, price: number) => void = () => {};
  const next = new Promise<[string, number]>((resolve) => {
    report = (symbol, price) => resolve([symbol, price]);
  });
  return { next, onPrice: (symbol: string, price: number) => report(symbol, price) };
}

describe('PriceFeed', () => {
  it('subscribes when connected and keeps the last price (adapter mock)', async () => {
    const adapter = new WebSocketConnectionAdapterMock();
    const prices = nextPrice();
    const feed = new PriceFeed({
      url: 'ws://prices.test/',
      adapter,
      symbols: ['BTC'],
      onPrice: prices.onPrice,
    });
    await feed.start();
    assert.deepEqual(adapter.writtenMessages(), [
      { type: MessageType.Text, data: '{"op":"subscribe","symbols":["BTC"]}' },
    ]);

    adapter.pushMessage({ type: MessageType.Text, data: '{"symbol":"BTC","price":64000}' });
    assert.deepEqual(await prices.next, ['BTC', 64000]);
    assert.equal(feed.prices.get('BTC'), 64000);
    await feed.stop();
  });

  it('subscribes again after the server restarts (in-memory pair, FakeClock)', async () => {
    const clock = new FakeClock();
    const { client: adapter, server } = createInMemoryPair();
    const feed = new PriceFeed({ url: server.url, adapter, symbols: ['BTC', 'ETH'], clock });
    await feed.start();
    const first = await server.accept();
    assert.equal((await first.nextMessage()).data, '{"op":"subscribe","symbols":["BTC","ETH"]}');

    await clock.advance(60_000); // a minute of uptime: a drop now is not a failed attempt
    first.close(1012, 'restarting');
    const second = await server.accept(); // the first reconnect is immediate
    assert.equal((await second.nextMessage()).data, '{"op":"subscribe","symbols":["BTC","ETH"]}');
    await feed.stop();
    await server.close();
    assert.equal(clock.pendingTimers, 0);
  });

  it('drops a connection whose pings go unanswered and reconnects (FakeClock keepalive)', async () => {
    const clock = new FakeClock();
    const { client: adapter, server } = createInMemoryPair();
    const feed = new PriceFeed({ url: server.url, adapter, symbols: ['BTC'], clock });
    await feed.start();
    const silent = await server.accept();
    silent.answerPings(false); // half-open: the server is gone but nothing says so

    await clock.advance(10_000); // nothing arrived for 10 s: the feed pings
    assert.equal(silent.pingCount, 1);
    await clock.advance(5_000); // no pong within 5 s: the connection is presumed dead
    // The feed gives up on it: a close frame (1001, going away), no wait for the answer.
    assert.equal((await silent.closed).code, 1001);
    const fresh = await server.accept(); // and replaced at once
    await fresh.nextMessage(); // its subscription
    await feed.stop();
    await server.close();
  });
});
