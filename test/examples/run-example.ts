// Runs an example as a user would: `node --import tsx examples/<name>` from the repository
// root, and resolves with what it printed (rejects if it exits non-zero).
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);

export async function example(name: string): Promise<string> {
  // Without the runner's marker, a test file among the examples reports as it would to you.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', `examples/${name}`], {
    cwd: root,
    env,
    timeout: 90_000,
  });
  return stdout;
}
