// Help, version and wrong usage: what a user sees before anything connects.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { killAll, runCli } from './helpers.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

describe('wscengine usage', { timeout: 20_000 }, () => {
  afterEach(killAll);

  it('--help on every command prints its usage on stdout and exits 0', async () => {
    const runs = await Promise.all([
      runCli(['--help']),
      runCli(['connect', '--help']),
      runCli(['connect', 'ws://unused', '-h']),
      runCli(['echo-server', '--help']),
    ]);
    const heads = ['Usage: wscengine <command>', 'Usage: wscengine connect', 'Usage: wscengine connect'];
    for (const [i, { code, cli }] of runs.entries()) {
      assert.equal(code, 0);
      assert.equal(cli.stderr.text, '');
      assert.ok(cli.stdout.text.startsWith(heads[i] ?? 'Usage: wscengine echo-server'), cli.stdout.text);
    }
    assert.match(runs[1].cli.stdout.text, /--no-reconnect/);
  });

  it('--version prints the package version', async () => {
    const { code, cli } = await runCli(['--version']);
    assert.equal(code, 0);
    assert.deepEqual(cli.stdout.lines, [version]);
  });

  it('wrong usage exits 2 with one line on stderr naming the problem', async () => {
    const cases: [string[], RegExp][] = [
      [[], /missing command/],
      [['fly'], /unknown command 'fly'/],
      [['connect'], /missing <url>/],
      [['connect', 'http://example.com'], /not a ws:\/\/ or wss:\/\/ URL/],
      [['connect', 'ws://a', 'ws://b'], /unexpected argument 'ws:\/\/b'/],
      [['connect', 'ws://a', '--bogus'], /unknown option '--bogus'/],
      [['connect', 'ws://a', '--max-retries', 'many'], /--max-retries expects a whole number/],
      [['connect', 'ws://a', '-H', 'no colon'], /bad --header 'no colon'/],
      [['echo-server', '--port', '70000'], /--port must be 0\.\.65535/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args)));
    for (const [i, { code, cli }] of runs.entries()) {
      const [args, problem] = cases[i];
      assert.equal(code, 2, `exit status of ${args.join(' ')}`);
      assert.equal(cli.stderr.lines.length, 1, cli.stderr.text);
      assert.match(cli.stderr.lines[0], problem);
      assert.match(cli.stderr.lines[0], /^wscengine: .*\(see 'wscengine( \S+)? --help'\)$/);
      assert.equal(cli.stdout.text, '');
    }
  });
});
