import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CallbackError,
  ConnectionClosedError,
  EngineStartError,
  EngineStopError,
  ErrorCode,
  HandshakeError,
  InvalidArgumentError,
  InvalidOptionsError,
  StatusCode,
  WebSocketCloseError,
  WscEngineError,
} from '../../src/core/index.js';

describe('error tree', () => {
  it('WebSocketCloseError message is exactly "connection has been closed: CODE - REASON"', () => {
    const error = new WebSocketCloseError(4001, 'bye');
    assert.equal(error.message, 'connection has been closed: 4001 - bye');
    assert.equal(
      new WebSocketCloseError(StatusCode.AbnormalClosure).message,
      'connection has been closed: 1006 - ',
    );
  });

  it('WebSocketCloseError carries code, reason, name and cause', () => {
    const cause = new Error('socket hang up');
    const error = new WebSocketCloseError(1006, '', { cause });
    assert.equal(error.code, 1006);
    assert.equal(error.reason, '');
    assert.equal(error.name, 'WebSocketCloseError');
    assert.equal(error.cause, cause);
    assert.ok(error instanceof WscEngineError);
    assert.ok(error instanceof Error);
  });

  it('every error has a stable code and a name, rooted in WscEngineError', () => {
    const cases: [WscEngineError, string][] = [
      [new ConnectionClosedError(), ErrorCode.ConnectionClosed],
      [new HandshakeError(401, { 'www-authenticate': 'Bearer' }, 'no'), ErrorCode.Handshake],
      [new InvalidOptionsError(['readers: expected an integer >= 1']), ErrorCode.InvalidOptions],
      [new CallbackError('onMessage', new Error('boom')), ErrorCode.Callback],
    ];
    for (const [error, code] of cases) {
      assert.ok(error instanceof WscEngineError);
      assert.equal(error.code, code);
      assert.equal(error.name, error.constructor.name);
    }
  });

  it('HandshakeError keeps status, headers and body', () => {
    const error = new HandshakeError(401, { 'www-authenticate': 'Bearer' }, 'unauthorized');
    assert.equal(error.status, 401);
    assert.deepEqual(error.headers, { 'www-authenticate': 'Bearer' });
    assert.equal(error.body, 'unauthorized');
    assert.match(error.message, /401/);
  });

  it('InvalidOptionsError lists every issue', () => {
    const error = new InvalidOptionsError(['a: bad', 'b: bad']);
    assert.deepEqual(error.issues, ['a: bad', 'b: bad']);
    assert.match(error.message, /a: bad[\s\S]*b: bad/);
  });

  it('CallbackError names the callback and keeps the thrown value as cause', () => {
    const thrown = new TypeError('nope');
    const error = new CallbackError('onMessage', thrown);
    assert.equal(error.callback, 'onMessage');
    assert.equal(error.cause, thrown);
    assert.match(error.message, /onMessage failed: TypeError: nope/);
  });

  it('InvalidArgumentError takes the generic ERR_INVALID_ARGUMENT code', () => {
    const error = new InvalidArgumentError(ErrorCode.InvalidArgument, 'fn must be a function');
    assert.equal(error.code, 'ERR_INVALID_ARGUMENT');
    assert.equal(error.name, 'InvalidArgumentError');
  });
});

describe('EngineStartError and EngineStopError', () => {
  it("EngineStartError's message ends with its cause's message, and keeps the cause", () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const error = new EngineStartError('engine failed to start', { cause });
    assert.equal(error.message, 'engine failed to start: connect ECONNREFUSED 127.0.0.1:1');
    assert.equal(error.cause, cause);
    assert.equal(error.code, ErrorCode.EngineStart);
  });

  it('the cause message is redacted: no credentials or query values of a URL it quotes', () => {
    const cause = new Error('could not reach wss://bob:hunter2@h.example/feed?token=S3CRET');
    const error = new EngineStartError('engine failed to start', { cause });
    assert.equal(
      error.message,
      'engine failed to start: could not reach wss://h.example/feed?token=REDACTED',
    );
  });

  it("ends with its cause's message when that message quotes a redacted URL with a query", () => {
    // What the ws adapter's DialError says: already redacted, then redacted again here.
    const cause = new Error('could not connect to ws://127.0.0.1:5/?token=REDACTED: connect ECONNREFUSED');
    const error = new EngineStartError('engine failed to start', { cause });
    assert.equal(error.message, `engine failed to start: ${cause.message}`);
  });

  it('takes the message of a non-Error cause (an abort reason may be anything), and adds nothing without one', () => {
    assert.equal(
      new EngineStartError('engine failed to start', { cause: 'gave up' }).message,
      'engine failed to start: gave up',
    );
    assert.equal(new EngineStartError('engine failed to start').message, 'engine failed to start');
    assert.equal(
      new EngineStartError('engine failed to start', { cause: { reason: 'x' } }).message,
      'engine failed to start',
      'no [object Object]',
    );
    assert.equal(
      new EngineStartError('engine failed to start', { cause: { message: 'error-like' } }).message,
      'engine failed to start: error-like',
    );
    assert.equal(
      new EngineStartError('engine failed to start', { cause: new Error('') }).message,
      'engine failed to start',
    );
  });

  it('EngineStopError does the same, without repeating what its message already says', () => {
    const aborted = new DOMException('This operation was aborted', 'AbortError');
    assert.equal(
      new EngineStopError('stop aborted', { cause: aborted }).message,
      'stop aborted: This operation was aborted',
    );
    const timeout = new DOMException('stop timed out', 'TimeoutError');
    const error = new EngineStopError('stop timed out after 10 ms', { cause: timeout });
    assert.equal(error.message, 'stop timed out after 10 ms');
    assert.equal(error.cause, timeout);
    assert.equal(error.code, ErrorCode.EngineStop);
  });
});

describe('HandshakeError.retryAfterMs', () => {
  it('is what a 429 or 503 Retry-After asks for, and undefined otherwise', () => {
    assert.equal(new HandshakeError(503, { 'retry-after': '2' }).retryAfterMs, 2000);
    assert.equal(new HandshakeError(429, { 'retry-after': '0' }).retryAfterMs, 0);
    const soon = new Date(Date.now() + 60_000).toUTCString();
    const fromDate = new HandshakeError(429, { 'retry-after': soon }).retryAfterMs;
    assert.ok(fromDate !== undefined && fromDate > 55_000 && fromDate <= 60_000, String(fromDate));
    assert.equal(new HandshakeError(500, { 'retry-after': '2' }).retryAfterMs, undefined);
    assert.equal(new HandshakeError(503, { 'retry-after': 'later' }).retryAfterMs, undefined);
    assert.equal(new HandshakeError(503).retryAfterMs, undefined);
  });

  it('an adapter may set it explicitly (e.g. counted from when the answer came)', () => {
    assert.equal(
      new HandshakeError(503, { 'retry-after': '2' }, '', { retryAfterMs: 1500 }).retryAfterMs,
      1500,
    );
  });
});
