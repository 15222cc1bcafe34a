import assert from 'node:assert/strict';
import { MAX_RETRY_AFTER_SECONDS, RetryAfter } from './retry-after.js';

/** A tracker on a clock the test moves, and a helper refusing `n` requests in one second. */
function tracked() {
  let second = 1000;
  const t = new RetryAfter(() => second);
  return {
    t,
    /** Refuses `n` requests at second `s`; returns the Retry-After each was sent. */
    refuse(s: number, n: number): number[] {
      second = s;
      return Array.from({ length: n }, () => t.refuse());
    },
  };
}

describe('Retry-After of refused requests', () => {
  it('stays at one second while few requests are refused', () => {
    const { refuse } = tracked();
    for (let s = 1000; s < 1010; s++) assert.deepEqual(refuse(s, 2), [1, 1], `second ${s}`);
  });

  it('doubles after three refusals per second of Retry-After, at most once per Retry-After', () => {
    const { refuse } = tracked();
    assert.deepEqual(refuse(1000, 3), [1, 1, 1], 'the refusals that raise it still get the old value');
    assert.deepEqual(refuse(1001, 1), [2], '3 refusals in the last second: doubled');
    // 2 s now: a raise needs 6 refusals in the two seconds before, and 2 s since the last raise.
    assert.deepEqual(refuse(1001, 9), Array(9).fill(2), 'within a second it does not change');
    assert.deepEqual(refuse(1002, 1), [2], 'one second after the raise: too early for the next');
    assert.deepEqual(refuse(1003, 1), [4], '11 refusals in 1001..1002, two seconds after the raise');
  });

  it('grows under a sustained flood up to 32 seconds', () => {
    const { refuse } = tracked();
    const seen: number[] = [];
    for (let s = 1000; s < 1100; s++) seen.push(refuse(s, 100)[0]!);
    assert.deepEqual([...new Set(seen)], [1, 2, 4, 8, 16, 32]);
    assert.equal(seen.at(-1), MAX_RETRY_AFTER_SECONDS);
    assert.equal(seen.indexOf(4), 3, 'raised at 1001, then not before 1003');
    assert.equal(seen.indexOf(8), 7);
  });

  it('comes down one second at a time once refusals are rare', () => {
    const { t, refuse } = tracked();
    for (let s = 1000; s < 1016; s++) refuse(s, 100);
    // Refusals stop for over a minute: the value is reconsidered only when the next refusal comes.
    assert.equal(t.value, 16);
    assert.deepEqual(refuse(1100, 1), [15], 'nothing in the last 16 seconds: lowered by one');
    assert.deepEqual(refuse(1101, 1), [14], 'one refusal in the last 15 seconds: lowered again');
    for (let s = 1140; s < 2000; s += 40) refuse(s, 1);
    assert.equal(t.value, 1, 'at least one second');
  });

  it('keeps a raised value while refusals stay between the two thresholds', () => {
    const { t, refuse } = tracked();
    refuse(1000, 3);
    refuse(1001, 1);
    assert.equal(t.value, 2);
    // 2..5 refusals in the two seconds before: neither fewer than 2 nor 6 or more.
    for (let s = 1002; s < 1010; s++) refuse(s, 2);
    assert.equal(t.value, 2);
  });
});
