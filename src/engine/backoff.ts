import type { ResolvedReconnect } from './options.js';

/**
 * Wait before a reconnect attempt, given how many attempts already failed in a row.
 * No failure yet: `0` (the first attempt after a drop is immediate). Otherwise the base
 * `initialDelayMs * multiplier^(failures - 1)`, capped at `maxDelayMs`, of which the share
 * `jitter` is random ("full jitter" at 1), so clients dropped together spread out.
 *
 * @example
 * ```ts
 * backoffDelay(0, policy);           // 0
 * backoffDelay(3, policy, () => 1);  // min(maxDelayMs, initialDelayMs * multiplier ** 2)
 * ```
 * @internal
 */
export function backoffDelay(
  failures: number,
  policy: Pick<ResolvedReconnect, 'initialDelayMs' | 'maxDelayMs' | 'multiplier' | 'jitter'>,
  random: () => number = Math.random,
): number {
  if (failures <= 0) return 0;
  const exponential = policy.initialDelayMs * policy.multiplier ** (failures - 1);
  const base = Math.min(policy.maxDelayMs, exponential);
  return base * (1 - policy.jitter) + random() * base * policy.jitter;
}
