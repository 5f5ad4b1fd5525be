// One measured client, run in a fresh child process per run so JIT and GC state never
// carry over from one kind to the next. Receives its job over IPC, answers with
// { ok, result } or { ok: false, error }, and exits without a graceful close: closing is
// not measured, and a hung close must not stall the benchmark.
import { runBursts } from './clients/bursts.js';
import { runEcho } from './clients/echo.js';
import { runFlood } from './clients/flood.js';
import { runHeap } from './clients/heap.js';
import { runIdle } from './clients/idle.js';
import { runMemory } from './clients/memory.js';
import { runReconnect } from './clients/reconnect.js';
import { runRequest } from './clients/request.js';
import { runSend } from './clients/send.js';
import { runSlow } from './clients/slow.js';
import { type Library, loadLibrary } from './lib/wscengine.js';

// The parent builds each job's parameters from the runner's own parameter type.
type Job = { scenario: string; params: unknown };

const runners: Record<string, (lib: Library, params: never) => Promise<unknown>> = {
  flood: runFlood,
  bursts: runBursts,
  echo: runEcho,
  heap: runHeap,
  memory: runMemory,
  slow: runSlow,
  reconnect: runReconnect,
  idle: runIdle,
  send: runSend,
  request: runRequest,
};

function reply(message: object, code: number): void {
  if (process.send) process.send(message, () => process.exit(code));
  else process.exit(code);
}

process.once('message', async (job: Job) => {
  try {
    const runner = runners[job.scenario];
    if (!runner) throw new Error(`unknown scenario ${job.scenario}`);
    // Raw ws kinds skip loading wscengine: less start-up, and nothing of it in their heap.
    const kind = (job.params as { kind?: string }).kind;
    const lib = kind?.startsWith('ws') ? {} : await loadLibrary();
    const result = await runner(lib, job.params as never);
    reply({ ok: true, result }, 0);
  } catch (error) {
    reply({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, 1);
  }
});
