import { validateHeaderName, validateHeaderValue } from 'node:http';
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/** What `wscengine connect` was asked to do, checked. */
export interface ConnectOptions {
  /** The `ws:` or `wss:` URL to connect to. */
  url: URL;
  /** Handshake headers from `-H "Name: value"`; a name given twice gets both values, comma-joined. */
  headers: Record<string, string>;
  /** Subprotocols offered (`--subprotocol`, repeatable), most preferred first. */
  protocols: string[];
  /** Reconnect after a drop (`--no-reconnect` turns it off; `--once` too). */
  reconnect: boolean;
  /** Ping interval and pong timeout (`--keepalive <ms>`); `undefined`: no keepalive. */
  keepaliveMs: number | undefined;
  /** Failed reconnect attempts in a row before giving up (`--max-retries`). Default `Infinity`. */
  maxRetries: number;
  /** Backoff ceiling after the first failed attempt (`--retry-delay`). Default `1000`. */
  retryDelayMs: number;
  /** Bound of any backoff wait (`--max-retry-delay`). Default `30000`. */
  maxRetryDelayMs: number;
  /** Bound of one connect: handshake and setup (`--connect-timeout`). Default `10000`. */
  connectTimeoutMs: number;
  /** Send stdin, print the first message received, exit (`--once`). */
  once: boolean;
  /** Events and messages as JSON lines on stdout (`--json`). */
  json: boolean;
  /** Binary messages in base64 instead of hex (`--base64`). */
  base64: boolean;
  /** Skip TLS certificate verification (`--insecure`). */
  insecure: boolean;
  /** No events on stderr (`--quiet`). */
  quiet: boolean;
}

/** What `wscengine echo-server` was asked to do, checked. */
export interface EchoServerOptions {
  /** Port to listen on; `0` picks a free one. Default `8080`. */
  port: number;
  /** Interface to bind. Default `127.0.0.1`. */
  host: string;
}

/** A parsed command line: help wanted, or options to run with. */
export type Parsed<T> = { help: true } | { help: false; options: T };

const CONNECT_FLAGS = {
  header: { type: 'string', short: 'H', multiple: true },
  subprotocol: { type: 'string', multiple: true },
  'no-reconnect': { type: 'boolean' },
  keepalive: { type: 'string' },
  'max-retries': { type: 'string' },
  'retry-delay': { type: 'string' },
  'max-retry-delay': { type: 'string' },
  'connect-timeout': { type: 'string' },
  once: { type: 'boolean' },
  json: { type: 'boolean' },
  base64: { type: 'boolean' },
  insecure: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ECHO_FLAGS = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Default port of `wscengine echo-server`. */
export const DEFAULT_ECHO_PORT = 8080;

/**
 * Reads the arguments of `wscengine connect` (after the command name).
 * @throws UsageError on anything it cannot run with, naming the first problem.
 */
export function parseConnectArgs(args: string[]): Parsed<ConnectOptions> {
  const { values, positionals } = parse('connect', args, CONNECT_FLAGS);
  if (values.help) return { help: true };
  if (positionals.length !== 1) {
    const problem = positionals.length === 0 ? 'missing <url>' : `unexpected argument '${positionals[1]}'`;
    throw new UsageError(problem, 'connect');
  }
  const retryDelayMs = count('connect', '--retry-delay', values['retry-delay'], 1_000);
  const maxRetryDelayMs = count('connect', '--max-retry-delay', values['max-retry-delay'], 30_000);
  if (maxRetryDelayMs < retryDelayMs) {
    throw new UsageError('--max-retry-delay must not be below --retry-delay', 'connect');
  }
  const keepalive = values.keepalive;
  const keepaliveMs = keepalive === undefined ? undefined : count('connect', '--keepalive', keepalive, 0);
  if (keepaliveMs === 0) throw new UsageError('--keepalive must be at least 1 ms', 'connect');
  const maxRetries = count('connect', '--max-retries', values['max-retries'], Number.POSITIVE_INFINITY);
  if (maxRetries === 0) {
    throw new UsageError('--max-retries must be at least 1 (--no-reconnect never reconnects)', 'connect');
  }
  const once = values.once === true;
  return {
    help: false,
    options: {
      url: wsUrl(positionals[0]),
      headers: headers(values.header ?? []),
      protocols: protocols(values.subprotocol ?? []),
      reconnect: !values['no-reconnect'] && !once,
      keepaliveMs,
      maxRetries,
      retryDelayMs,
      maxRetryDelayMs,
      connectTimeoutMs: count('connect', '--connect-timeout', values['connect-timeout'], 10_000),
      once,
      json: values.json === true,
      base64: values.base64 === true,
      insecure: values.insecure === true,
      quiet: values.quiet === true,
    },
  };
}

/**
 * Reads the arguments of `wscengine echo-server` (after the command name).
 * @throws UsageError on anything it cannot run with.
 */
export function parseEchoServerArgs(args: string[]): Parsed<EchoServerOptions> {
  const { values, positionals } = parse('echo-server', args, ECHO_FLAGS);
  if (values.help) return { help: true };
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, 'echo-server');
  const port = count('echo-server', '--port', values.port, DEFAULT_ECHO_PORT);
  if (port > 65_535) throw new UsageError(`--port must be 0..65535, got ${port}`, 'echo-server');
  const host = values.host ?? '127.0.0.1';
  if (host === '') throw new UsageError('--host must not be empty', 'echo-server');
  return { help: false, options: { port, host } };
}

type Flags = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

function parse<T extends Flags>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs reports in one sentence, capitalised; our lines start in lower case.
    const message = (error as Error).message.split(/\.(?:\s|$)/)[0];
    throw new UsageError(message.charAt(0).toLowerCase() + message.slice(1), command);
  }
}

/** A whole number of at least 0, given in decimal digits. */
function count(command: string, flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${flag} expects a whole number, got '${value}'`, command);
  }
  return n;
}

function wsUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`'${text}' is not a URL (expected ws://... or wss://...)`, 'connect');
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new UsageError(`'${text}' is not a ws:// or wss:// URL`, 'connect');
  }
  return url;
}

function headers(lines: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  // Names are case-insensitive: a repeated name keeps the spelling it was first given.
  const spelling = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, Math.max(colon, 0)).trim();
    const value = line.slice(colon + 1).trim();
    try {
      if (colon < 1) throw new Error('expected "Name: value"');
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch (error) {
      throw new UsageError(`bad --header '${line}': ${(error as Error).message}`, 'connect');
    }
    const key = spelling.get(name.toLowerCase()) ?? name;
    spelling.set(name.toLowerCase(), key);
    result[key] = key in result ? `${result[key]}, ${value}` : value;
  }
  return result;
}

// RFC 6455 4.1: a subprotocol is an HTTP token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function protocols(list: string[]): string[] {
  for (const protocol of list) {
    if (!TOKEN.test(protocol))
      throw new UsageError(`bad --subprotocol '${protocol}': not a token`, 'connect');
  }
  if (new Set(list).size !== list.length) throw new UsageError('a --subprotocol is given twice', 'connect');
  return list;
}
