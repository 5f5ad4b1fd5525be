#!/usr/bin/env node
/**
 * The `wscengine` command (the package's `bin`): `connect` and `echo-server`. Reachable
 * only as a command, never from the package's entries, so nothing here reaches a browser
 * bundle.
 * @packageDocumentation
 */
import { parseConnectArgs, parseEchoServerArgs } from './args.js';
import { runConnect } from './connect.js';
import { runEchoServer } from './echo-server.js';
import { describeError, ExitCode, UsageError } from './errors.js';
import { CONNECT_HELP, ECHO_SERVER_HELP, MAIN_HELP } from './usage.js';
import { packageVersion } from './version.js';

/** Runs the command line `args` (without `node` and the script) and resolves with the exit status. */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'connect': {
      const parsed = parseConnectArgs(rest);
      if (parsed.help) return help(CONNECT_HELP);
      return runConnect(parsed.options, process);
    }
    case 'echo-server': {
      const parsed = parseEchoServerArgs(rest);
      if (parsed.help) return help(ECHO_SERVER_HELP);
      return runEchoServer(parsed.options, process);
    }
    case '-h':
    case '--help':
    case 'help':
      return help(MAIN_HELP);
    case '-v':
    case '--version':
      process.stdout.write(`${packageVersion()}\n`);
      return ExitCode.Ok;
    case undefined:
      throw new UsageError('missing command (connect or echo-server)');
    default:
      throw new UsageError(`unknown command '${command}' (connect or echo-server)`);
  }
}

function help(text: string): number {
  process.stdout.write(text);
  return ExitCode.Ok;
}

/** Ends the process once stdout has taken everything written to it. */
function exit(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

/** One line on stderr, never a stack (unless WSCENGINE_DEBUG is set), and the exit status. */
function failed(error: unknown): void {
  if (error instanceof UsageError) {
    const more = error.command ? `wscengine ${error.command} --help` : 'wscengine --help';
    process.stderr.write(`wscengine: ${error.message} (see '${more}')\n`);
    exit(ExitCode.Usage);
    return;
  }
  const detail = process.env.WSCENGINE_DEBUG && error instanceof Error ? `\n${error.stack}` : '';
  process.stderr.write(`wscengine: ${describeError(error)}${detail}\n`);
  exit(ExitCode.Failure);
}

process.on('uncaughtException', failed);
process.on('unhandledRejection', failed);
main(process.argv.slice(2)).then(exit, failed);
