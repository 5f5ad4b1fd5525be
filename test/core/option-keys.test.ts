import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestName, unknownKeyIssues } from '../../src/core/option-keys.js';

const TOP = ['url', 'adapter', 'client', 'readers', 'reconnect', 'keepalive', 'openTimeoutMs'];

describe('closestName', () => {
  it('finds typos, case slips, swapped letters and missing suffixes', () => {
    assert.equal(closestName('reconect', TOP), 'reconnect');
    assert.equal(closestName('keepAlive', TOP), 'keepalive');
    assert.equal(closestName('readres', TOP), 'readers');
    assert.equal(closestName('openTimeout', TOP), 'openTimeoutMs');
    assert.equal(closestName('maxRetry', ['maxDelayMs', 'maxRetries']), 'maxRetries');
    assert.equal(closestName('ttl', ['maxMessages', 'maxBytes', 'ttlMs']), 'ttlMs');
    assert.equal(closestName('onclose', ['onClose', 'onCloseError']), 'onClose');
  });

  it('suggests nothing when no known name is close', () => {
    assert.equal(closestName('zzz', TOP), undefined);
    assert.equal(closestName('transport', TOP), undefined);
    assert.equal(closestName('once', ['onOpen', 'onClose', 'onExit']), undefined);
  });
});

describe('unknownKeyIssues', () => {
  it('reports each unknown key with its path, a suggestion, or the known keys', () => {
    assert.deepEqual(unknownKeyIssues({ url: 'x', reconect: {}, zzz: 1 }, TOP, ''), [
      'unknown option `reconect`: did you mean `reconnect`?',
      `unknown option \`zzz\`: the known ones are ${TOP.join(', ')}`,
    ]);
    assert.deepEqual(unknownKeyIssues({ maxRetry: 3 }, ['maxRetries'], 'reconnect.'), [
      'unknown option `reconnect.maxRetry`: did you mean `reconnect.maxRetries`?',
    ]);
    assert.deepEqual(unknownKeyIssues({ url: 'x' }, TOP, ''), []);
  });
});
