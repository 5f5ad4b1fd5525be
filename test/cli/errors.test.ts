// Error lines: one line, the message that says most.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeError, displayUrl, oneLine } from '../../src/cli/errors.js';
import { EngineStartError, InvalidOptionsError, WebSocketCloseError } from '../../src/index.js';

describe('CLI error lines', () => {
  it('unwraps EngineStartError and dial errors down to the cause', () => {
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const dial = Object.assign(new Error('could not connect to ws://h/: x', { cause: refused }), {
      code: 'ERR_DIAL',
    });
    assert.equal(
      describeError(new EngineStartError('engine failed to start', { cause: dial })),
      refused.message,
    );
  });

  it('says a close error as code and reason', () => {
    assert.equal(describeError(new WebSocketCloseError(1006, '')), 'connection closed: 1006');
    assert.equal(describeError(new WebSocketCloseError(4001, 'nope')), 'connection closed: 4001 nope');
  });

  it('folds multi-line messages into one line', () => {
    const error = new InvalidOptionsError(['a: bad', 'b: worse'], 'X options');
    assert.equal(describeError(error), 'invalid X options: a: bad; b: worse');
    assert.equal(oneLine('one\n  two\r\nthree'), 'one; two; three');
    assert.equal(describeError('plain'), 'plain');
  });

  it('shows URLs without credentials or query values', () => {
    assert.equal(displayUrl(new URL('wss://u:p@h:8443/x?token=s3cret')), 'wss://h:8443/x?...');
  });
});
