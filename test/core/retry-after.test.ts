import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_RETRY_AFTER_MS, parseRetryAfter, retryAfterOf } from '../../src/core/retry-after.js';

const NOW = Date.UTC(2024, 4, 17, 12, 0, 0); // Fri, 17 May 2024 12:00:00 GMT

describe('parseRetryAfter', () => {
  it('reads delay-seconds as ms', () => {
    assert.equal(parseRetryAfter('2', NOW), 2000);
    assert.equal(parseRetryAfter('0', NOW), 0);
    assert.equal(parseRetryAfter(' 120 ', NOW), 120_000);
  });

  it('reads an HTTP-date (IMF-fixdate) as the ms from now until then', () => {
    assert.equal(parseRetryAfter('Fri, 17 May 2024 12:00:30 GMT', NOW), 30_000);
  });

  it('reads the obsolete RFC 850 and asctime date forms as well', () => {
    assert.equal(parseRetryAfter('Friday, 17-May-24 12:01:00 GMT', NOW), 60_000);
    assert.equal(parseRetryAfter('Fri May 17 12:00:05 2024', NOW), 5000);
    assert.equal(parseRetryAfter('Fri May  7 12:00:05 2024', NOW), 0, 'a space-padded day, in the past');
  });

  it('a date in the past means no wait (0), never a negative one', () => {
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', NOW), 0);
  });

  it('caps a long wait at one hour', () => {
    assert.equal(MAX_RETRY_AFTER_MS, 3_600_000);
    assert.equal(parseRetryAfter('86400', NOW), MAX_RETRY_AFTER_MS);
    assert.equal(parseRetryAfter('99999999999999999999999', NOW), MAX_RETRY_AFTER_MS);
    assert.equal(parseRetryAfter('Sat, 18 May 2024 12:00:00 GMT', NOW), MAX_RETRY_AFTER_MS);
  });

  it('ignores missing and invalid values (undefined), rather than guessing', () => {
    for (const value of [
      undefined,
      '',
      '  ',
      '-1',
      '1.5',
      '2s',
      'soon',
      '0x10',
      'Fri, 31 Feb 2024 12:00:00 GMT',
      'Fri, 17 May 2024 25:00:00 GMT',
      'Fri, 17 May 2024 12:00:00 PST',
      '2024-05-17T12:00:30Z',
    ]) {
      assert.equal(parseRetryAfter(value, NOW), undefined, JSON.stringify(value));
    }
  });

  it('takes the first of repeated headers', () => {
    assert.equal(parseRetryAfter(['3', '9'], NOW), 3000);
  });
});

describe('retryAfterOf', () => {
  it('honours Retry-After on 429 and 503 only', () => {
    assert.equal(retryAfterOf(503, { 'retry-after': '2' }, NOW), 2000);
    assert.equal(retryAfterOf(429, { 'retry-after': 'Fri, 17 May 2024 12:00:10 GMT' }, NOW), 10_000);
    assert.equal(retryAfterOf(500, { 'retry-after': '2' }, NOW), undefined);
    assert.equal(retryAfterOf(301, { 'retry-after': '2' }, NOW), undefined);
    assert.equal(retryAfterOf(503, {}, NOW), undefined);
  });
});
