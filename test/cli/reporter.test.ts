// Where output goes: messages, events, --json, --quiet, and the status line on a terminal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reporter, type ReporterOptions } from '../../src/cli/reporter.js';
import { MessageType } from '../../src/index.js';

class Sink {
  chunks: string[] = [];
  constructor(
    readonly isTTY = false,
    readonly columns?: number,
  ) {}
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

function reporter(options: Partial<ReporterOptions> & { tty?: boolean } = {}) {
  const stdout = new Sink();
  const stderr = new Sink(options.tty ?? false, 200);
  let now = 0;
  const r = new Reporter({
    stdout,
    stderr,
    json: false,
    quiet: false,
    base64: false,
    now: () => now,
    ...options,
  });
  return { r, stdout, stderr, advance: (ms: number) => (now += ms) };
}

const ERASE = '\r\u001b[2K';

describe('Reporter', () => {
  it('prints text as is and binary as hex (base64 when asked) on stdout', () => {
    const { r, stdout } = reporter();
    r.message({ type: MessageType.Text, data: 'a "b"' });
    r.message({ type: MessageType.Binary, data: new Uint8Array([1, 171]) });
    assert.equal(stdout.text, 'a "b"\n01ab\n');
    const b64 = reporter({ base64: true });
    b64.r.message({ type: MessageType.Binary, data: new Uint8Array([1, 171]) });
    assert.equal(b64.stdout.text, 'Aas=\n');
  });

  it('prints events as lines on stderr, nothing with --quiet but the fatal line', () => {
    const { r, stderr, stdout } = reporter();
    r.event({ event: 'open', url: 'ws://h/', protocol: 'chat', restarting: false });
    r.event({ event: 'close', code: 1006, reason: '' });
    r.event({ event: 'reconnecting', attempt: 1 });
    r.event({ event: 'retry', failures: 1, error: 'refused', nextWithinMs: 1500 });
    r.event({ event: 'unsent', data: '{"op":1}', error: 'no connection before the end' });
    assert.equal(
      stderr.text,
      [
        'connected to ws://h/ (subprotocol chat)',
        'closed: 1006',
        'reconnecting: attempt 1',
        'failed (1 in a row): refused; next attempt within 1.5 s',
        'not sent (no connection before the end): {"op":1}',
        '',
      ].join('\n'),
    );
    assert.equal(stdout.text, '');
    const quiet = reporter({ quiet: true });
    quiet.r.event({ event: 'close', code: 1000, reason: '' });
    quiet.r.fatal('gave up');
    assert.equal(quiet.stderr.text, 'wscengine: gave up\n');
  });

  it('--json puts events and messages on stdout, one object per line; the fatal line also on stderr', () => {
    const { r, stdout, stderr } = reporter({ json: true, base64: true });
    r.event({ event: 'close', code: 4000, reason: 'x' });
    r.message({ type: MessageType.Binary, data: new Uint8Array([255]) });
    r.fatal('boom');
    assert.deepEqual(
      stdout.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
      [
        { event: 'close', code: 4000, reason: 'x' },
        { event: 'message', type: 'binary', encoding: 'base64', data: '/w==' },
        { event: 'error', error: 'boom' },
      ],
    );
    assert.equal(stderr.text, 'wscengine: boom\n');
  });

  it('on a terminal, shows reconnect progress in one status line redrawn in place, then clears it', () => {
    const { r, stderr, advance } = reporter({ tty: true });
    r.event({ event: 'close', code: 1006, reason: '' });
    r.event({ event: 'reconnecting', attempt: 1 });
    assert.equal(stderr.chunks.at(-1), `${ERASE}reconnecting: attempt 1, connecting... (offline 0 s)`);
    advance(2_000);
    r.event({ event: 'retry', failures: 1, error: 'refused', nextWithinMs: 4_000 });
    assert.equal(
      stderr.chunks.at(-1),
      `${ERASE}reconnecting: attempt 1 failed (1 in a row), next try within 4 s (offline 2 s): refused`,
    );
    r.event({ event: 'open', url: 'ws://h/', protocol: '', restarting: true });
    assert.equal(stderr.text.split('\n').length, 3, 'one line for the close, one for the reconnect');
    assert.ok(stderr.text.endsWith(`${ERASE}reconnected to ws://h/\n`));
    r.stopProgress();
  });

  it('prints ordinary lines above the status line and redraws it below them', () => {
    const { r, stderr } = reporter({ tty: true });
    r.event({ event: 'reconnecting', attempt: 2 });
    r.event({ event: 'read_error', error: 'bad frame' });
    const status = 'reconnecting: attempt 2, connecting... (offline 0 s)';
    assert.deepEqual(stderr.chunks.slice(-3), [ERASE, 'read error: bad frame\n', status]);
    r.stopProgress();
  });
});
