import type { Attributes } from '@opentelemetry/api';
import { redactUrl } from '../core/redact.js';
import { Attr } from './constants.js';

export { redactUrl, redactUrlsInText } from '../core/redact.js';

const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'ws:': 80,
  'wss:': 443,
  'http:': 80,
  'https:': 443,
};

/**
 * The connection attributes of a span for `url`: `url.full` (redacted), `server.address`
 * and `server.port` (the scheme's default port when the URL has none). An unparsable URL
 * yields only its redacted `url.full`.
 */
export function urlAttributes(url: string | URL): Attributes {
  const attributes: Attributes = { [Attr.UrlFull]: redactUrl(url) };
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return attributes;
  }
  if (parsed.hostname) attributes[Attr.ServerAddress] = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[parsed.protocol];
  if (port !== undefined) attributes[Attr.ServerPort] = port;
  return attributes;
}
