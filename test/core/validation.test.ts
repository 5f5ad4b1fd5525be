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
