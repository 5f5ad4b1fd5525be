import type { WebSocketConnectionAdapter } from '../../core/adapter.js';
import { ConnectionClosedError, type WscEngineError } from '../../core/errors.js';
import { type ErrorClass, rejectsWith } from './assert.js';
import type { ClauseContext } from './types.js';

/**
 * The shared shape of the `*.no-connection` clauses: `call` rejects with
 * `ConnectionClosedError` on an adapter never dialled, and with `afterClose` (by default
 * `ConnectionClosedError` too) once the connection is closed.
 */
export async function checkNoConnection(
  ctx: ClauseContext,
  name: string,
  call: (adapter: WebSocketConnectionAdapter) => Promise<unknown>,
  afterClose: ErrorClass<WscEngineError> = ConnectionClosedError,
): Promise<void> {
  await rejectsWith(
    ctx.within(call(ctx.newAdapter()), name),
    ConnectionClosedError,
    `${name} before dial`,
    'ERR_CONNECTION_CLOSED',
  );
  const { adapter } = await ctx.connect();
  await ctx.within(adapter.close(1000), 'close');
  const code = afterClose === ConnectionClosedError ? 'ERR_CONNECTION_CLOSED' : undefined;
  await rejectsWith(ctx.within(call(adapter), name), afterClose, `${name} after close`, code);
}
