import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WS_ADAPTER_DEFAULTS, WsAdapter, type WsAdapterOptions } from '../../../src/adapters/ws/index.js';
import { resolveOptions } from '../../../src/adapters/ws/options.js';
import { ErrorCode, InvalidOptionsError } from '../../../src/core/errors.js';

function issuesOf(options: unknown): string[] {
  try {
    new WsAdapter(options as WsAdapterOptions);
  } catch (error) {
    assert.ok(error instanceof InvalidOptionsError);
    assert.equal(error.code, ErrorCode.InvalidOptions);
    return error.issues;
  }
  assert.fail('expected InvalidOptionsError');
}

describe('WsAdapter options', () => {
  it('has frozen defaults, with a 5 s close timeout and the core queue bound', () => {
    assert.ok(Object.isFrozen(WS_ADAPTER_DEFAULTS));
    assert.ok(Object.isFrozen(WS_ADAPTER_DEFAULTS.inboundQueue));
    assert.equal(WS_ADAPTER_DEFAULTS.closeTimeoutMs, 5000);
    assert.deepEqual(WS_ADAPTER_DEFAULTS.inboundQueue, { maxMessages: 1024, maxBytes: 16 * 1024 * 1024 });
  });

  it('merges options over the defaults and passes ws options through', () => {
    const resolved = resolveOptions({
      protocols: 'chat',
      headers: { authorization: 'Bearer t' },
      inboundQueue: { maxMessages: 8 },
      maxPayload: 1024,
      rejectUnauthorized: false,
      handshakeTimeout: 2000,
    });
    assert.deepEqual(resolved.protocols, ['chat']);
    assert.deepEqual(resolved.headers, { authorization: 'Bearer t' });
    assert.deepEqual(resolved.inboundQueue, { maxMessages: 8, maxBytes: 16 * 1024 * 1024 });
    assert.equal(resolved.closeTimeoutMs, 5000);
    assert.deepEqual(resolved.client, {
      maxPayload: 1024,
      rejectUnauthorized: false,
      handshakeTimeout: 2000,
    });
  });

  it('accepts no options at all', () => {
    assert.doesNotThrow(() => new WsAdapter());
  });

  it('reports every problem at once', () => {
    const issues = issuesOf({
      protocols: ['ok', 7, 'bad token', 'ok'],
      headers: { 'x-n': 5, 'bad header': 'v' },
      inboundQueue: { maxMessages: 1.5, maxBytes: 0 },
      closeTimeoutMs: -1,
      handshakeTimeout: Number.NaN,
      maxPayload: -3,
      origin: 42,
      followRedirects: 'yes',
      perMessageDeflate: 'on',
    });
    const names = issues.map((issue) => issue.split(':')[0]);
    assert.deepEqual(names, [
      'protocols',
      'protocols',
      'protocols',
      'headers.x-n',
      'headers.bad header',
      'inboundQueue.maxMessages',
      'inboundQueue.maxBytes',
      'closeTimeoutMs',
      'handshakeTimeout',
      'maxPayload',
      'origin',
      'followRedirects',
      'perMessageDeflate',
    ]);
  });

  it('rejects protocols that are not a string or an array', () => {
    assert.match(issuesOf({ protocols: 3 })[0], /^protocols: expected a string or an array/);
  });

  it('rejects a close timeout beyond what a timer can hold', () => {
    assert.match(issuesOf({ closeTimeoutMs: 2 ** 31 })[0], /^closeTimeoutMs/);
  });

  it('rejects options that are not an object', () => {
    assert.equal(issuesOf('fast').length, 1);
  });

  it('names the option meant for a near miss of a known one, all at once', () => {
    const issues = issuesOf({
      handshakeTimout: 1,
      rejectUnauthorised: false,
      protocol: 'chat',
      keepalive: true,
    });
    assert.deepEqual(issues, [
      'unknown option `handshakeTimout`: did you mean `handshakeTimeout`?',
      'unknown option `rejectUnauthorised`: did you mean `rejectUnauthorized`?',
      'unknown option `protocol`: did you mean `protocols`?',
      'unknown option `keepalive`: did you mean `keepAlive`?',
    ]);
  });

  it('names the limit meant for a near miss inside inboundQueue', () => {
    assert.deepEqual(issuesOf({ inboundQueue: { maxMessage: 4 } }), [
      'unknown option `inboundQueue.maxMessage`: did you mean `inboundQueue.maxMessages`?',
    ]);
  });

  it('passes a key close to no known one on to ws unchanged (pass-through options are never refused)', () => {
    const resolved = resolveOptions({
      someFutureNodeOption: 1,
      ca: 'pem',
      checkServerIdentity: () => undefined,
    } as never);
    assert.equal((resolved.client as Record<string, unknown>).someFutureNodeOption, 1);
    assert.equal((resolved.client as Record<string, unknown>).ca, 'pem');
  });

  it('accepts every Node request and TLS option that ws passes through', () => {
    assert.doesNotThrow(
      () =>
        new WsAdapter({
          agent: undefined,
          servername: 'example.com',
          ciphers: 'HIGH',
          family: 4,
          localAddress: '127.0.0.1',
          lookup: undefined,
          timeout: 1000,
          auth: 'u:p',
          autoPong: true,
          allowSynchronousEvents: false,
          skipUTF8Validation: true,
          protocolVersion: 13,
          pfx: undefined,
          passphrase: 'x',
          closeTimeout: 1000,
        } as WsAdapterOptions),
    );
  });
});
