import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, InvalidOptionsError } from '../../src/core/errors.js';
import {
  group,
  type Issues,
  integer,
  is,
  methods,
  oneOf,
  optional,
  type Rule,
  range,
  resolveAll,
  timer,
} from '../../src/core/option-rules.js';

/** What `rule` says about `value` at `path`. */
function issuesOf(rule: Rule, value: unknown, path = 'x'): Issues {
  const issues: Issues = [];
  rule(value, path, issues);
  return issues;
}

describe('option rules', () => {
  it('an issue names the path, what was expected and what was got, never quoting a string', () => {
    assert.deepEqual(issuesOf(integer(1), 0, 'readers'), ['readers: expected an integer >= 1, got 0']);
    assert.deepEqual(issuesOf(integer(1), 'Bearer S3CRET', 'readers'), [
      'readers: expected an integer >= 1, got a string',
    ]);
    assert.deepEqual(
      issuesOf(
        is('a boolean', (v) => typeof v === 'boolean'),
        null,
        'on',
      ),
      ['on: expected a boolean, got null'],
    );
    assert.deepEqual(issuesOf(integer(1), 3), []);
  });

  it('range and timer say their bounds, and refuse NaN, Infinity and non-numbers', () => {
    assert.deepEqual(issuesOf(range(1), 0.5), ['x: expected a number >= 1, got 0.5']);
    assert.deepEqual(issuesOf(range(0, 1), 2), ['x: expected a number from 0 to 1, got 2']);
    assert.deepEqual(issuesOf(timer(0, ' (0 disables)'), -1), [
      'x: expected a number of ms from 0 to 2147483647 (0 disables), got -1',
    ]);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '5', undefined]) {
      assert.equal(issuesOf(range(0), bad).length, 1, String(bad));
    }
    assert.deepEqual(issuesOf(timer(1), 2 ** 31 - 1), []);
    assert.equal(issuesOf(timer(1), 2 ** 31).length, 1);
  });

  it('optional, oneOf and methods', () => {
    assert.deepEqual(issuesOf(optional(integer(1)), undefined), []);
    assert.deepEqual(issuesOf(oneOf('fail', 'unbounded'), 'drop'), [
      "x: expected 'fail' or 'unbounded', got a string",
    ]);
    const clock = methods('a clock', ['now']);
    assert.deepEqual(issuesOf(clock, { now() {} }), []);
    assert.deepEqual(issuesOf(clock, { now: 1 }), ['x: expected a clock, got an object']);
    assert.deepEqual(issuesOf(clock, undefined), ['x: expected a clock, got undefined']);
  });

  it('group applies defaults, checks each value and each key, and keeps a frozen copy', () => {
    const rule = group<{ size?: number; mode?: string }>(
      { size: integer(1), mode: oneOf('a', 'b') },
      { size: 4, mode: 'a' },
    );
    const issues: Issues = [];
    const input = { mode: 'b' };
    const kept = rule(input, 'queue', issues);
    assert.deepEqual(issues, []);
    assert.deepEqual(kept, { size: 4, mode: 'b' });
    assert.ok(Object.isFrozen(kept));
    assert.notEqual(kept, input);
    assert.deepEqual(issuesOf(rule, { size: 0, mdoe: 'a' }, 'queue'), [
      'unknown option `queue.mdoe`: did you mean `queue.mode`?',
      'queue.size: expected an integer >= 1, got 0',
    ]);
    assert.deepEqual(issuesOf(rule, [], 'queue'), ['queue: expected an object { size, mode }, got an array']);
  });

  it('resolveAll throws one InvalidOptionsError with every issue, naming the whole as options', () => {
    const rules = { size: integer(1) };
    assert.deepEqual(resolveAll({}, rules, { size: 2 }, 'Thing options'), { size: 2 });
    for (const [input, expected] of [
      [
        { size: 0, extra: 1 },
        ['unknown option `extra`: the known ones are size', 'size: expected an integer >= 1, got 0'],
      ],
      ['x', ['options: expected an object { size }, got a string']],
    ] as const) {
      assert.throws(
        () => resolveAll(input, rules, {}, 'Thing options'),
        (e: unknown) => {
          assert.ok(e instanceof InvalidOptionsError);
          assert.equal(e.code, ErrorCode.InvalidOptions);
          assert.deepEqual(e.issues, expected);
          assert.match(e.message, /^invalid Thing options:/);
          return true;
        },
      );
    }
  });
});
