/** Longest key quoted in an issue; a longer one is cut, since a key is user input too. */
const QUOTED_KEY_LIMIT = 60;

/**
 * One issue per own enumerable key of `input` that is not in `known`, each naming the
 * closest known key (a typo such as `reconect`), or listing the known keys when none is
 * close. `path` prefixes the names, e.g. `'reconnect.'`.
 *
 * @example
 * ```ts
 * unknownKeyIssues({ reconect: {} }, ['url', 'reconnect'], '');
 * // ['unknown option `reconect`: did you mean `reconnect`?']
 * ```
 * @internal
 */
export function unknownKeyIssues(input: object, known: readonly string[], path: string): string[] {
  const issues: string[] = [];
  for (const key of Object.keys(input)) {
    if (known.includes(key)) continue;
    const name = `\`${path}${quoteKey(key)}\``;
    const close = closestName(key, known);
    issues.push(
      close === undefined
        ? `unknown option ${name}: the known ones are ${known.map((k) => path + k).join(', ')}`
        : `unknown option ${name}: did you mean \`${path}${close}\`?`,
    );
  }
  return issues;
}

/**
 * The name of `known` closest to `name`, or `undefined` if none is close enough to be
 * what was meant. Case is ignored (`keepAlive` is `keepalive`); a swap of two adjacent
 * letters counts as one edit (`readres` is `readers`); a known name that only adds or
 * drops a short suffix (`ttl` for `ttlMs`) is close.
 * @internal
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const typed = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const lower = candidate.toLowerCase();
    const distance = editDistance(typed, lower);
    // One edit in three letters of the longer name (`maxRetry` is 3 from `maxRetries`).
    const limit = Math.max(1, Math.floor(Math.max(typed.length, lower.length) / 3));
    const isPrefix =
      typed.length >= 3 &&
      Math.abs(typed.length - lower.length) <= 2 &&
      (lower.startsWith(typed) || typed.startsWith(lower));
    if ((distance <= limit || isPrefix) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  // Rows i-2, i-1 and i of the usual matrix.
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2] + 1);
      current.push(d);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length];
}

function quoteKey(key: string): string {
  return key.length > QUOTED_KEY_LIMIT ? `${key.slice(0, QUOTED_KEY_LIMIT)}...` : key;
}
