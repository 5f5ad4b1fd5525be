// Handle accounting: what the process holds (sockets, timers, servers) beyond a baseline.
// The soak checks every phase with it; tests of code that opens handles use it too.
import { setTimeout as sleep } from 'node:timers/promises';

/** Resource kinds alive now (sockets, timers, servers), sorted; the terminal's own left out. */
export function resources(): string[] {
  return process
    .getActiveResourcesInfo()
    .filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap' && r !== 'FSReqCallback')
    .sort();
}

/** What is alive now beyond `baseline`, kind by kind. */
export function beyond(baseline: readonly string[]): string[] {
  const left = [...baseline];
  return resources().filter((r) => {
    const i = left.indexOf(r);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

/**
 * What is still alive beyond `baseline` once it had `withinMs` to close (closing a socket
 * takes a few turns of the event loop); empty when everything was released.
 */
export async function leftAfter(baseline: readonly string[], withinMs: number): Promise<string[]> {
  const deadline = performance.now() + withinMs;
  while (beyond(baseline).length > 0 && performance.now() < deadline) await sleep(5);
  return beyond(baseline);
}
