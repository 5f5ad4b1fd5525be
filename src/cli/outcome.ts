import { type CloseMessage, type EngineExit, ErrorCode } from '../index.js';
import type { ConnectOptions } from './args.js';
import { describeError, ExitCode } from './errors.js';

/** How the command ends: its exit status, and the line that explains a failure. */
export interface Outcome {
  code: number;
  error?: string;
}

/** What the command knows when the engine's run ends on its own. */
export interface OutcomeContext {
  options: Pick<ConnectOptions, 'once' | 'reconnect' | 'maxRetries'>;
  /** The last close received, for `--once`'s line. */
  lastClose: CloseMessage | undefined;
}

/**
 * The command's end for a run the engine ended by itself (`engine.closed`). A run the
 * command stopped (a signal, `--once`'s reply, a closed stdout) is not asked here: it has
 * decided its status already.
 */
export function outcomeOf({ reason, error }: EngineExit, { options, lastClose }: OutcomeContext): Outcome {
  switch (reason) {
    case 'stop':
      return { code: ExitCode.Ok };
    case 'retries':
      return {
        code: ExitCode.Failure,
        error: `gave up after ${options.maxRetries} failed attempts: ${describeError(error)}`,
      };
    case 'closed': {
      if (options.once) {
        const { code, reason: text } = lastClose ?? { code: 1006, reason: '' };
        return {
          code: ExitCode.Failure,
          error: `connection closed before a reply: ${code}${text ? ` ${text}` : ''}`,
        };
      }
      // `--no-reconnect`: the end of the connection is the end asked for.
      if (!options.reconnect) return { code: ExitCode.Ok };
      return { code: ExitCode.Failure, error: `not reconnecting after: ${describeError(error)}` };
    }
    default:
      return {
        code: ExitCode.Failure,
        error: error === undefined ? `the engine ended (${reason})` : describeError(error),
      };
  }
}

/** Why a line was not sent, in a few words for the `unsent` event. */
export function unsentReason(error: unknown): string {
  switch ((error as { code?: unknown } | null)?.code) {
    case ErrorCode.SendAborted:
      return 'no connection before the end';
    case ErrorCode.OutboxFull:
      return 'too much waiting to be sent';
    case ErrorCode.SendExpired:
      return 'waited too long for a connection';
    default:
      return describeError(error);
  }
}
