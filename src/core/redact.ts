/** The text that replaces every redacted value (query parameter values, bare query keys). */
export const REDACTED = 'REDACTED';

/**
 * Returns `url` in a form that is safe to put in a span, a metric, a log line or an error
 * message: user info (`user:password@`) removed, the value of every query parameter
 * replaced by `REDACTED` (names kept, so the shape of the request stays visible), and the
 * fragment dropped. A query item without `=` is replaced whole, since a bare key is often a
 * token itself (`?eyJhbGciOi...`). Scheme, host, port and path are kept as they are.
 *
 * Every query value is redacted, not only those with credential-like names, because a
 * name list can never be complete (`X-Amz-Signature`, `sig`, `k`, vendor-specific ones).
 *
 * Never throws: a string that does not parse as a URL with a host is cut at its first `?` or `#`
 * (replaced by `?REDACTED` when there was a query) and loses anything up to an `@` in its
 * first segment.
 *
 * @example
 * ```ts
 * redactUrl('wss://bob:hunter2@api.example.com/feed?token=abc&v=2#x');
 * // 'wss://api.example.com/feed?token=REDACTED&v=REDACTED'
 * ```
 */
export function redactUrl(url: string | URL): string {
  const text = typeof url === 'string' ? url : url.href;
  let parsed: URL;
  try {
    // A copy even for a URL argument: the caller's object is never mutated.
    parsed = new URL(text);
  } catch {
    return redactUnparsable(text);
  }
  // No authority ('user:pass@host' parses as scheme 'user:' with an opaque path): treat
  // the text as unparsable rather than keep what may be a password.
  if (parsed.host === '') return redactUnparsable(text);
  parsed.username = '';
  parsed.password = '';
  parsed.hash = '';
  if (parsed.search) parsed.search = redactQuery(parsed.search.slice(1));
  return parsed.href;
}

/**
 * Replaces every URL (`scheme://...`) found in free text with its {@link redactUrl} form.
 * Used on exception messages and stacks before they are recorded on a span, and usable
 * on any error message that might quote a URL given by the user.
 *
 * @example
 * ```ts
 * redactUrlsInText('cannot reach wss://u:p@h/x?token=abc: refused');
 * // 'cannot reach wss://h/x?token=REDACTED: refused'
 * ```
 */
export function redactUrlsInText(text: string): string {
  // Cheap exit: almost no message quotes a URL, and this runs on every recorded error.
  if (!text.includes('://')) return text;
  // Punctuation that ends the URL ends the sentence instead (`...?token=abc: refused`): kept
  // out of the query value, so a message redacted twice reads the same as redacted once.
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+?(?=[.,:;!?)\]]*(?:[\s"'<>`]|$))/gi, (match) =>
    redactUrl(match),
  );
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((item) => {
      if (item === '') return item;
      const eq = item.indexOf('=');
      return eq < 0 ? REDACTED : `${item.slice(0, eq)}=${REDACTED}`;
    })
    .join('&');
}

function redactUnparsable(text: string): string {
  const cut = text.search(/[?#]/);
  let rest = cut < 0 ? text : text.slice(0, cut);
  const hadQuery = cut >= 0 && text[cut] === '?';
  // Authority, or the first segment of a scheme-less string: drop what precedes its last '@'.
  const authority = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/]*)/i.exec(rest);
  const at = authority ? authority[1].lastIndexOf('@') : -1;
  if (authority && at >= 0) {
    const prefixLength = authority[0].length - authority[1].length;
    rest = rest.slice(0, prefixLength) + rest.slice(prefixLength + at + 1);
  }
  return hadQuery ? `${rest}?${REDACTED}` : rest;
}
