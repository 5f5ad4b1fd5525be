/** Median, range and relative spread of one metric over the runs of one kind. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** (max - min) / median, %: how much to trust the median on a shared machine. */
  spreadPct: number;
  values: number[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(values: number[]): Summary | undefined {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return undefined;
  const m = median(finite);
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  return { median: m, min, max, spreadPct: m !== 0 ? (100 * (max - min)) / Math.abs(m) : 0, values: finite };
}

/** `order` rotated by `run`, so over the runs each kind goes first, second, ... in turn. */
export function rotate<T>(order: readonly T[], run: number): T[] {
  const k = run % order.length;
  return [...order.slice(k), ...order.slice(0, k)];
}
