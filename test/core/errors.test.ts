import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CallbackError,
  ConnectionClosedError,
  ErrorCode,
  HandshakeError,
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
});
