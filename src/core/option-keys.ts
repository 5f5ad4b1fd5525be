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
  return Object.keys(input)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const quoted = key.length > QUOTED_KEY_LIMIT ? `${key.slice(0, QUOTED_KEY_LIMIT)}...` : key;
      const close = closestName(key, known);
      return `unknown option \`${path}${quoted}\`: ${
        close === undefined
          ? `the known ones are ${known.map((k) => path + k).join(', ')}`
          : `did you mean \`${path}${close}\`?`
      }`;
    });
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
  let bestDistance = Infinity;
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

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
 * adjacent letters, each one edit; `d[i][j]` is the distance of the first `i` letters of `a`
 * from the first `j` of `b`. (A letter out of range is `undefined`, equal to none, so the
 * swap test is false before `d[i - 2]` could be out of range.)
 */
function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    d[i] = [i];
    for (let j = 1; j <= b.length; j++) {
      d[i][j] =
        i === 0
          ? j
          : Math.min(
              d[i - 1][j] + 1,
              d[i][j - 1] + 1,
              d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
              a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1] ? d[i - 2][j - 2] + 1 : Infinity,
            );
    }
  }
  return d[a.length][b.length];
}
