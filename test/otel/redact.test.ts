import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED } from '../../src/core/redact.js';
import { redactUrl, redactUrlsInText, urlAttributes } from '../../src/otel/redact.js';

describe('redactUrl', () => {
  it('removes the username and password', () => {
    assert.equal(redactUrl('wss://alice:s3cr3t@example.com/feed'), 'wss://example.com/feed');
    assert.equal(redactUrl('ws://alice@example.com:8080/'), 'ws://example.com:8080/');
    assert.equal(redactUrl('wss://:onlypass@example.com/'), 'wss://example.com/');
  });

  it('replaces the value of every query parameter and keeps the names in order', () => {
    assert.equal(
      redactUrl('wss://example.com/ws?token=abc&v=2&access_token=xyz&X-Amz-Signature=f00'),
      `wss://example.com/ws?token=${REDACTED}&v=${REDACTED}&access_token=${REDACTED}&X-Amz-Signature=${REDACTED}`,
    );
  });

  it('redacts encoded values and values containing "=" whole', () => {
    const out = redactUrl('wss://example.com/?sig=a%2Bb%3D%3D&jwt=eyJ.a=b.c==&q=caf%C3%A9+x');
    assert.equal(out, `wss://example.com/?sig=${REDACTED}&jwt=${REDACTED}&q=${REDACTED}`);
    for (const secret of ['a%2Bb', 'eyJ', 'caf%C3%A9', 'café']) assert.ok(!out.includes(secret), secret);
  });

  it('replaces a query item without "=" whole, since a bare key may be the token', () => {
    assert.equal(
      redactUrl('wss://example.com/?eyJhbGciOiJIUzI1NiJ9&a=1'),
      `wss://example.com/?${REDACTED}&a=${REDACTED}`,
    );
    assert.equal(redactUrl('wss://example.com/?token%3Dabc'), `wss://example.com/?${REDACTED}`);
  });

  it('keeps empty items and empty values redacted uniformly', () => {
    assert.equal(redactUrl('wss://example.com/?a=&&b=1'), `wss://example.com/?a=${REDACTED}&&b=${REDACTED}`);
  });

  it('drops the fragment', () => {
    assert.equal(redactUrl('wss://example.com/p#access_token=abc'), 'wss://example.com/p');
    assert.equal(redactUrl('wss://example.com/p?x=1#frag'), `wss://example.com/p?x=${REDACTED}`);
  });

  it('leaves a URL without credentials, query or fragment as the URL parser prints it', () => {
    assert.equal(redactUrl('wss://example.com:8443/a/b'), 'wss://example.com:8443/a/b');
    assert.equal(redactUrl('ws://127.0.0.1'), 'ws://127.0.0.1/');
    assert.equal(redactUrl('ws://[::1]:9000/x'), 'ws://[::1]:9000/x');
  });

  it('accepts a URL object and does not modify it', () => {
    const url = new URL('wss://u:p@example.com/?token=abc#f');
    const before = url.href;
    assert.equal(redactUrl(url), `wss://example.com/?token=${REDACTED}`);
    assert.equal(url.href, before);
  });

  it('never throws, and still strips credentials from an unparsable string', () => {
    assert.equal(redactUrl('not a url?token=abc'), `not a url?${REDACTED}`);
    assert.equal(redactUrl('user:pass@host/path?k=v#f'), `host/path?${REDACTED}`);
    assert.equal(redactUrl('ws://us er:pa ss@ho st/x?token=abc'), `ws://ho st/x?${REDACTED}`);
    assert.equal(redactUrl('/relative/path#frag'), '/relative/path');
    assert.equal(redactUrl(''), '');
  });

  it('redacts all of a combined worst case', () => {
    const raw = 'wss://bob:hunter2@api.example.com:444/v1/feed?token=SECRET1&sig=SECRET2&plain#SECRET3';
    const out = redactUrl(raw);
    assert.equal(out, `wss://api.example.com:444/v1/feed?token=${REDACTED}&sig=${REDACTED}&${REDACTED}`);
    for (const secret of ['bob', 'hunter2', 'SECRET1', 'SECRET2', 'SECRET3', 'plain']) {
      assert.ok(!out.includes(secret), secret);
    }
  });
});

describe('redactUrlsInText', () => {
  it('redacts every URL quoted in a message and leaves the rest', () => {
    const text = 'dial wss://u:pw@a.example/x?token=T1 failed, then "ws://b.example/?k=T2" too';
    assert.equal(
      redactUrlsInText(text),
      `dial wss://a.example/x?token=${REDACTED} failed, then "ws://b.example/?k=${REDACTED}" too`,
    );
  });

  it('keeps the punctuation after a URL out of it, so redacting twice reads as redacting once', () => {
    const text =
      'could not connect to ws://127.0.0.1:5/?token=abc: connect ECONNREFUSED (see wss://h/p?a=1).';
    const once = redactUrlsInText(text);
    assert.equal(
      once,
      `could not connect to ws://127.0.0.1:5/?token=${REDACTED}: connect ECONNREFUSED (see wss://h/p?a=${REDACTED}).`,
    );
    assert.equal(redactUrlsInText(once), once);
    // Punctuation inside the value is still part of it.
    assert.equal(redactUrlsInText('ws://h/?t=a:b)c end'), `ws://h/?t=${REDACTED} end`);
  });

  it('returns text without a URL unchanged (the same string)', () => {
    const text = 'connection has been closed: 1006 - keepalive timeout';
    assert.equal(redactUrlsInText(text), text);
  });
});

describe('urlAttributes', () => {
  it('gives the redacted url.full, the host and the explicit port', () => {
    assert.deepEqual(urlAttributes('wss://u:p@example.com:8443/x?token=abc'), {
      'url.full': `wss://example.com:8443/x?token=${REDACTED}`,
      'server.address': 'example.com',
      'server.port': 8443,
    });
  });

  it("uses the scheme's default port and strips IPv6 brackets", () => {
    assert.equal(urlAttributes('wss://example.com/')['server.port'], 443);
    assert.equal(urlAttributes(new URL('ws://example.com/'))['server.port'], 80);
    assert.equal(urlAttributes('ws://[::1]/')['server.address'], '::1');
  });

  it('gives only url.full for an unparsable URL', () => {
    assert.deepEqual(urlAttributes('nope?token=abc'), { 'url.full': `nope?${REDACTED}` });
  });
});
