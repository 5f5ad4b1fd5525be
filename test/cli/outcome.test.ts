// How the command ends when the engine ends its run by itself (engine.closed).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExitCode } from '../../src/cli/errors.js';
import { outcomeOf, unsentReason } from '../../src/cli/outcome.js';
import { ConnectionClosedError, ErrorCode, SendError, WebSocketCloseError } from '../../src/index.js';

const reconnecting = { once: false, reconnect: true, maxRetries: 3 };
const noReconnect = { once: false, reconnect: false, maxRetries: Number.POSITIVE_INFINITY };
const once = { once: true, reconnect: false, maxRetries: Number.POSITIVE_INFINITY };
const refused = new Error('connect ECONNREFUSED 127.0.0.1:9');

describe('outcomeOf', () => {
  it("'retries' exits 1 with one line naming the attempts and the last error", () => {
    const outcome = outcomeOf(
      { reason: 'retries', error: refused },
      { options: reconnecting, lastClose: undefined },
    );
    assert.deepEqual(outcome, {
      code: ExitCode.Failure,
      error: 'gave up after 3 failed attempts: connect ECONNREFUSED 127.0.0.1:9',
    });
  });

  it("'closed' with --no-reconnect is the end asked for: exit 0, no line", () => {
    const error = new WebSocketCloseError(4000, 'bye');
    assert.deepEqual(outcomeOf({ reason: 'closed', error }, { options: noReconnect, lastClose: undefined }), {
      code: ExitCode.Ok,
    });
  });

  it("'closed' with --once and no reply exits 1 with the close code and reason", () => {
    const lastClose = { code: 1011, reason: 'oops' };
    assert.deepEqual(outcomeOf({ reason: 'closed' }, { options: once, lastClose }), {
      code: ExitCode.Failure,
      error: 'connection closed before a reply: 1011 oops',
    });
  });

  it("'closed' while reconnects were wanted exits 1 with one line", () => {
    const error = new WebSocketCloseError(1008, 'policy');
    const outcome = outcomeOf({ reason: 'closed', error }, { options: reconnecting, lastClose: undefined });
    assert.equal(outcome.code, ExitCode.Failure);
    assert.match(outcome.error ?? '', /^not reconnecting after: connection closed: 1008 policy$/);
  });

  it("'stop' exits 0; 'error' and 'exit' exit 1 with one line", () => {
    const context = { options: reconnecting, lastClose: undefined };
    assert.deepEqual(outcomeOf({ reason: 'stop' }, context), { code: ExitCode.Ok });
    assert.deepEqual(outcomeOf({ reason: 'error', error: new Error('a\n  b') }, context), {
      code: ExitCode.Failure,
      error: 'a; b',
    });
    assert.deepEqual(outcomeOf({ reason: 'exit' }, context), {
      code: ExitCode.Failure,
      error: 'the engine ended (exit)',
    });
  });
});

describe('unsentReason', () => {
  it('says in a few words why a line was not sent', () => {
    assert.equal(
      unsentReason(new SendError(ErrorCode.SendAborted, 'x', 'l')),
      'no connection before the end',
    );
    assert.equal(unsentReason(new SendError(ErrorCode.OutboxFull, 'x', 'l')), 'too much waiting to be sent');
    assert.equal(
      unsentReason(new SendError(ErrorCode.SendExpired, 'x', 'l')),
      'waited too long for a connection',
    );
    assert.equal(unsentReason(new ConnectionClosedError('connection closed')), 'connection closed');
  });
});
