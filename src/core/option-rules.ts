// Option checking as tables: every option has a rule, and `group()` turns a table of rules
// into the rule of an options object. The engine and the WHATWG adapter describe their
// options this way, so the checking code (and each message's wording) exists once.
import { InvalidOptionsError } from './errors.js';
import { unknownKeyIssues } from './option-keys.js';
import { describeValue } from './validation.js';

/** The problems found so far, one line each. @internal */
export type Issues = string[];

/**
 * Checks one option's value (its default already applied): adds one line to `issues` per
 * problem, naming the option by its `path` (e.g. `reconnect.jitter`), and returns the value
 * to keep.
 * @internal
 */
export type Rule = (value: unknown, path: string, issues: Issues) => unknown;

/** A rule for every key of `T`, so a key added to `T` and not here fails to compile. @internal */
export type Rules<T> = { readonly [K in keyof Required<T>]: Rule };

/** The longest delay a runtime timer takes: Node and browsers fire a longer one after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A value as an issue shows it: a number as written, anything else described (`a string`,
 * `an object`), never quoted, since a string may be a secret.
 * @internal
 */
export function got(value: unknown): string {
  return typeof value === 'number' ? String(value) : describeValue(value);
}

/**
 * The rule that accepts what `ok` accepts; any other value is the issue
 * `${path}: expected ${expected}, got ${got(value)}`.
 * @internal
 */
export function is(expected: string, ok: (value: unknown) => boolean): Rule {
  return (value, path, issues) => {
    if (!ok(value)) issues.push(`${path}: expected ${expected}, got ${got(value)}`);
    return value;
  };
}

/** `rule`, except that `undefined` passes: an option left off, a callback not given. @internal */
export function optional(rule: Rule): Rule {
  return (value, path, issues) => (value === undefined ? value : rule(value, path, issues));
}

/** Whether `value` is a function. @internal */
export function isFunction(value: unknown): boolean {
  return typeof value === 'function';
}

/** An integer >= `min`. @internal */
export function integer(min: number): Rule {
  return is(`an integer >= ${min}`, (v) => Number.isInteger(v) && (v as number) >= min);
}

/**
 * A finite number from `min` to `max` (no upper bound when `max` is left out); `kind` names
 * it (`'a number of ms'`) and `note` follows the range in the issue.
 * @internal
 */
export function range(min: number, max = Infinity, kind = 'a number', note = ''): Rule {
  const bounds = max < Infinity ? `from ${min} to ${max}` : `>= ${min}`;
  return is(
    `${kind} ${bounds}${note}`,
    (v) => Number.isFinite(v) && (v as number) >= min && (v as number) <= max,
  );
}

/** A delay one runtime timer holds: `min` to {@link MAX_TIMER_MS} ms. @internal */
export function timer(min: number, note = ''): Rule {
  return range(min, MAX_TIMER_MS, 'a number of ms', note);
}

/** One of `values`, compared with `===`. @internal */
export function oneOf(...values: string[]): Rule {
  return is(values.map((v) => `'${v}'`).join(' or '), (v) => values.includes(v as string));
}

/** Something with a method of each name in `methods`; `expected` says what it should be. @internal */
export function methods(expected: string, names: readonly string[]): Rule {
  return is(expected, (v) =>
    names.every((name) => isFunction((v as Record<string, unknown> | null)?.[name])),
  );
}

/** A plain object: not `null`, not an array. @internal */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The rule of an options object: each of its keys must be one of `rules` (an unknown key
 * is an issue naming the closest known one), and each value, with `defaults` applied where
 * it is `undefined` or `null`, must pass its rule. Returns the values kept, frozen; when
 * `input` is `defaults` itself (a frozen object), that object.
 * @internal
 */
export function group<T>(rules: Rules<T>, defaults: Partial<T> = {}): Rule {
  const known = Object.keys(rules) as (keyof T & string)[];
  return (input, path, issues) => {
    // A group left out gets its frozen defaults object itself, shared rather than copied:
    // one object less per engine (the memory target in bench/README.md).
    if (input === defaults && Object.isFrozen(defaults)) return defaults;
    if (!isObject(input)) {
      issues.push(`${path || 'options'}: expected an object { ${known.join(', ')} }, got ${got(input)}`);
      return undefined;
    }
    const prefix = path && `${path}.`;
    issues.push(...unknownKeyIssues(input, known, prefix));
    const kept: Record<string, unknown> = {};
    for (const key of known) kept[key] = rules[key](input[key] ?? defaults[key], prefix + key, issues);
    return Object.freeze(kept);
  };
}

/**
 * Checks a whole options object with `rules` and returns it with `defaults` applied.
 * `subject` names it in the error, e.g. `'WebSocketEngine options'`.
 * @throws InvalidOptionsError listing every problem found, not only the first.
 * @internal
 */
export function resolveAll<T>(options: unknown, rules: Rules<T>, defaults: Partial<T>, subject: string): T {
  const issues: Issues = [];
  const resolved = group(rules, defaults)(options, '', issues) as T;
  if (issues.length > 0) throw new InvalidOptionsError(issues, subject);
  return resolved;
}
