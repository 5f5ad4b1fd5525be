// The command line, read without running anything.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConnectArgs, parseEchoServerArgs } from '../../src/cli/args.js';
import { UsageError } from '../../src/cli/errors.js';

function connect(...args: string[]) {
  const parsed = parseConnectArgs(args);
  assert.ok(!parsed.help);
  return parsed.options;
}

describe('wscengine connect arguments', () => {
  it('defaults: reconnect forever, no keepalive, 1 s to 30 s backoff, 10 s connect timeout', () => {
    const o = connect('wss://example.com/feed?x=1');
    assert.equal(o.url.href, 'wss://example.com/feed?x=1');
    assert.deepEqual(
      [o.reconnect, o.keepaliveMs, o.maxRetries, o.retryDelayMs, o.maxRetryDelayMs, o.connectTimeoutMs],
      [true, undefined, Number.POSITIVE_INFINITY, 1_000, 30_000, 10_000],
    );
    assert.deepEqual([o.once, o.json, o.base64, o.insecure, o.quiet], [false, false, false, false, false]);
    assert.deepEqual([o.headers, o.protocols], [{}, []]);
  });

  it('reads every flag', () => {
    const o = connect(
      'ws://h',
      '-H',
      'A: 1',
      '--header=B:2',
      '--subprotocol',
      'p1',
      '--no-reconnect',
      '--keepalive',
      '500',
      '--max-retries',
      '3',
      '--retry-delay',
      '10',
      '--max-retry-delay',
      '20',
      '--connect-timeout',
      '30',
      '--json',
      '--base64',
      '--insecure',
      '-q',
    );
    assert.deepEqual(o.headers, { A: '1', B: '2' });
    assert.deepEqual(o.protocols, ['p1']);
    assert.deepEqual(
      [o.reconnect, o.keepaliveMs, o.maxRetries, o.retryDelayMs, o.maxRetryDelayMs, o.connectTimeoutMs],
      [false, 500, 3, 10, 20, 30],
    );
    assert.deepEqual([o.json, o.base64, o.insecure, o.quiet], [true, true, true, true]);
  });

  it('--once does not reconnect', () => {
    assert.equal(connect('ws://h', '--once').reconnect, false);
  });

  it('a header given twice (any case) is sent once, with both values', () => {
    assert.deepEqual(connect('ws://h', '-H', 'X-A: 1', '-H', 'x-a:2').headers, { 'X-A': '1, 2' });
  });

  it('--help needs no URL and wins over invalid values', () => {
    assert.deepEqual(parseConnectArgs(['--help']), { help: true });
    assert.deepEqual(parseConnectArgs(['ftp://h', '--max-retries', 'many', '-h']), { help: true });
  });

  it('rejects what it cannot run with, as a UsageError of the connect command', () => {
    const bad = [
      [],
      ['ftp://h'],
      ['not a url'],
      ['ws://h', '--keepalive', '0'],
      ['ws://h', '--keepalive', '-5'],
      ['ws://h', '--max-retries', '1.5'],
      ['ws://h', '--max-retries', '0'],
      ['ws://h', '--retry-delay', '100', '--max-retry-delay', '50'],
      ['ws://h', '-H', ': v'],
      ['ws://h', '-H', 'Bad Name: v'],
      ['ws://h', '--subprotocol', 'a b'],
      ['ws://h', '--subprotocol', 'a', '--subprotocol', 'a'],
      ['ws://h', '--once=yes'],
    ];
    for (const args of bad) {
      assert.throws(
        () => parseConnectArgs(args),
        (e) => e instanceof UsageError && e.command === 'connect' && !e.message.includes('\n'),
        args.join(' '),
      );
    }
  });
});

describe('wscengine echo-server arguments', () => {
  it('defaults to 127.0.0.1:8080 and reads --port and --host', () => {
    assert.deepEqual(parseEchoServerArgs([]), { help: false, options: { port: 8080, host: '127.0.0.1' } });
    assert.deepEqual(parseEchoServerArgs(['-p', '0', '--host', '::1']), {
      help: false,
      options: { port: 0, host: '::1' },
    });
  });

  it('rejects a port out of range and stray arguments', () => {
    for (const args of [['--port', '65536'], ['--port', 'x'], ['extra'], ['--host', '']]) {
      assert.throws(() => parseEchoServerArgs(args), UsageError, args.join(' '));
    }
  });
});
