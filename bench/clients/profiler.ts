import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * Starts the V8 CPU profiler in this process and returns the function that stops it and
 * writes the .cpuprofile. Used instead of `node --cpu-prof` so the profile covers only the
 * measured interval, not start-up, module loading and connecting.
 */
export async function startProfiler(): Promise<(path: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // 100 µs between samples: fine enough for per-message costs of a few microseconds.
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return async (path) => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(path, JSON.stringify(profile));
    session.disconnect();
  };
}
