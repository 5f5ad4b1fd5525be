import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ErrorCode,
  InvalidArgumentError,
  isSendableCloseCode,
  MessageType,
  validateClose,
  validateMessage,
  validateWebSocketUrl,
} from '../../src/core/index.js';
import {
  checkCallOptions,
  checkFunction,
  checkWebSocketUrl,
  describeValue,
} from '../../src/core/validation.js';
import { secretsIn } from './leak-check.js';

function assertInvalid(fn: () => unknown, code: string) {
  assert.throws(fn, (error: unknown) => error instanceof InvalidArgumentError && error.code === code);
}

describe('validateWebSocketUrl', () => {
  it('accepts ws: and wss: URLs, as string or URL', () => {
    assert.equal(validateWebSocketUrl('ws://127.0.0.1:1/x').href, 'ws://127.0.0.1:1/x');
    assert.equal(validateWebSocketUrl(new URL('wss://example.test/')).protocol, 'wss:');
  });
  it('rejects other schemes and non-URLs with ERR_INVALID_URL', () => {
    assertInvalid(() => validateWebSocketUrl('http://127.0.0.1/'), ErrorCode.InvalidUrl);
    assertInvalid(() => validateWebSocketUrl('ftp://x/'), ErrorCode.InvalidUrl);
    assertInvalid(() => validateWebSocketUrl('not a url'), ErrorCode.InvalidUrl);
    assertInvalid(() => validateWebSocketUrl(42), ErrorCode.InvalidUrl);
  });

  it('says how to fix each problem: not a URL, http(s) instead of ws(s), no host', () => {
    assert.match(checkWebSocketUrl('not a url') as string, /not a URL.*wss:\/\/example\.com/);
    assert.match(checkWebSocketUrl('http://x/') as string, /"http:".*use ws:\/\/$/);
    assert.match(checkWebSocketUrl('https://x/') as string, /"https:".*use wss:\/\/$/);
    assert.match(
      checkWebSocketUrl('ftp://x/') as string,
      /"ftp:".*use ws:\/\/ \(plain\) or wss:\/\/ \(TLS\)/,
    );
    assert.match(
      checkWebSocketUrl('localhost:8080') as string,
      /no host \(is the ws:\/\/ or wss:\/\/ scheme missing\?\)/,
    );
    assert.match(checkWebSocketUrl(undefined) as string, /got undefined/);
    assert.ok(checkWebSocketUrl('wss://example.com/x') instanceof URL);
  });

  it('an unparsable URL with credentials leaves them nowhere in the error, its cause chain included (regression)', () => {
    const secrets = ['hunter2', 'S3CRET-TOKEN', 'alice'];
    for (const input of [
      'wss://alice:hunter2@[bad/?token=S3CRET-TOKEN',
      'wss://alice:hunter2@exa mple.com/?token=S3CRET-TOKEN',
      'https://alice:hunter2@example.com/?token=S3CRET-TOKEN',
      'alice:hunter2@example.com/?token=S3CRET-TOKEN',
      new URL('ftp://alice:hunter2@example.com/?token=S3CRET-TOKEN'),
    ]) {
      const error = (() => {
        try {
          validateWebSocketUrl(input);
        } catch (e) {
          return e;
        }
        return assert.fail(`${String(input)} was accepted`);
      })();
      assert.ok(error instanceof InvalidArgumentError);
      assert.equal(error.code, ErrorCode.InvalidUrl);
      assert.deepEqual(secretsIn(error, secrets), [], String(input));
    }
  });
});

describe('checkCallOptions', () => {
  it('accepts no options, an empty object, and an AbortSignal', () => {
    assert.doesNotThrow(() => checkCallOptions(undefined, 'start'));
    assert.doesNotThrow(() => checkCallOptions({}, 'start'));
    assert.doesNotThrow(() => checkCallOptions({ signal: AbortSignal.timeout(1000) }, 'start'));
    assert.doesNotThrow(() => checkCallOptions({ signal: undefined }, 'start'));
  });

  it('rejects a signal that is not an AbortSignal, and options that are not an object, with ERR_INVALID_ARGUMENT', () => {
    assert.throws(() => checkCallOptions({ signal: {} }, 'start'), {
      name: 'InvalidArgumentError',
      code: ErrorCode.InvalidArgument,
      message: /^start\(options\): options\.signal must be an AbortSignal .*got an object$/,
    });
    assert.throws(() => checkCallOptions({ signal: 'x' }, 'stop'), { message: /got a string$/ });
    assert.throws(() => checkCallOptions(null, 'stop'), {
      code: ErrorCode.InvalidArgument,
      message: /^stop\(options\): options must be an object such as \{ signal \}.*got null$/,
    });
    assert.throws(() => checkCallOptions(5000, 'stop'), { message: /got a number \(5000\)$/ });
  });
});

describe('checkFunction and describeValue', () => {
  it('checkFunction names the argument and says what to pass', () => {
    assert.doesNotThrow(() => checkFunction(() => {}, 'fn'));
    assert.throws(() => checkFunction('x', 'runExclusive(fn): fn', 'e.g. async () => {}'), {
      code: ErrorCode.InvalidArgument,
      message: 'runExclusive(fn): fn must be a function (e.g. async () => {}), got a string',
    });
  });

  it('describeValue says what a value is without quoting a string', () => {
    assert.equal(describeValue('secret'), 'a string');
    assert.equal(describeValue(null), 'null');
    assert.equal(describeValue([]), 'an array');
    assert.equal(describeValue(new Map()), 'an instance of Map');
    assert.equal(describeValue({}), 'an object');
    assert.equal(describeValue(Object.create(null)), 'an object');
    assert.equal(describeValue(true), 'a boolean (true)');
  });
});

describe('validateClose', () => {
  it('accepts sendable codes including application codes 3000-4999', () => {
    for (const code of [1000, 1001, 1003, 1007, 1011, 1014, 3000, 4000, 4999]) {
      assert.doesNotThrow(() => validateClose(code, ''));
      assert.equal(isSendableCloseCode(code), true);
    }
  });
  it('rejects reserved and out-of-range codes with ERR_INVALID_CLOSE_CODE', () => {
    for (const code of [999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 1000.5, Number.NaN]) {
      assertInvalid(() => validateClose(code, ''), ErrorCode.InvalidCloseCode);
    }
  });
  it('rejects a reason over 123 UTF-8 bytes with ERR_INVALID_CLOSE_REASON', () => {
    assert.doesNotThrow(() => validateClose(1000, 'a'.repeat(123)));
    assertInvalid(() => validateClose(1000, 'a'.repeat(124)), ErrorCode.InvalidCloseReason);
    // 62 two-byte characters = 124 bytes although only 62 UTF-16 units.
    assertInvalid(() => validateClose(1000, 'é'.repeat(62)), ErrorCode.InvalidCloseReason);
    assert.doesNotThrow(() => validateClose(1000, 'é'.repeat(61)));
  });
});

describe('validateMessage', () => {
  it('text takes a string, binary a Uint8Array', () => {
    assert.doesNotThrow(() => validateMessage(MessageType.Text, 'hi'));
    assert.doesNotThrow(() => validateMessage(MessageType.Binary, new Uint8Array(2)));
    assert.doesNotThrow(() => validateMessage(MessageType.Binary, Buffer.from('x')));
  });
  it('rejects the wrong data type or an unknown message type with ERR_INVALID_MESSAGE', () => {
    assertInvalid(() => validateMessage(MessageType.Text, new Uint8Array(1)), ErrorCode.InvalidMessage);
    assertInvalid(() => validateMessage(MessageType.Binary, 'x'), ErrorCode.InvalidMessage);
    assertInvalid(() => validateMessage(MessageType.Binary, new ArrayBuffer(1)), ErrorCode.InvalidMessage);
    assertInvalid(() => validateMessage(3, 'x'), ErrorCode.InvalidMessage);
  });
});
