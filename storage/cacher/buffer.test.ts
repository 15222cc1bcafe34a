/** The watch cache's event buffer: its capacity adapts to the rate of changes as kube-apiserver's does. */
import assert from 'node:assert/strict';
import { EventBuffer } from './buffer.js';
import type { CacheEvent } from './event.js';

const event = (revision: number) => ({ revision }) as unknown as CacheEvent;
const revisions = (b: EventBuffer) => b.eventsAfter(0).map((e) => e.revision);

describe('watch cache event buffer', () => {
  let now = 0;
  const clock = () => now;

  it('grows while its oldest change is recent, up to its upper bound, then evicts', () => {
    now = 0;
    const b = new EventBuffer({ lowerBound: 2, upperBound: 8, clock });
    for (let rev = 1; rev <= 8; rev++, now += 1000) b.push(event(rev));
    assert.deepEqual([b.capacity, b.length, b.start], [8, 8, 0], '2 -> 4 -> 8 instead of evicting');
    b.push(event(9));
    assert.deepEqual([b.capacity, b.start], [8, 1], 'at the upper bound the oldest goes');
    assert.deepEqual(revisions(b), [2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('grows only while the changes it holds weigh less than its budget', () => {
    now = 0;
    const b = new EventBuffer({ lowerBound: 2, upperBound: 64, growthBudget: 1000, clock });
    for (let rev = 1; rev <= 10; rev++) b.push(event(rev), 300);
    assert.equal(b.capacity, 4, 'grew 2 -> 4 (600 bytes held), then stopped at 1,200 bytes');
    assert.deepEqual(revisions(b), [7, 8, 9, 10]);
    assert.equal(b.start, 6);
    b.push(event(11), 1);
    assert.deepEqual([b.capacity, b.start], [4, 7], 'full and over budget: evicts');
    b.push(event(12), 1);
    assert.deepEqual([b.capacity, b.start], [8, 7], 'a heavy change evicted, under budget again: grows');
  });

  it('evicts once its oldest change is older than 75 s, and halves when even its newest quarter is', () => {
    now = 0;
    const b = new EventBuffer({ lowerBound: 2, upperBound: 8, clock });
    for (let rev = 1; rev <= 8; rev++) b.push(event(rev));
    now = 76_000;
    b.push(event(9));
    assert.deepEqual([b.capacity, b.start], [4, 5], 'every change stale: half the capacity, the newest kept');
    assert.deepEqual(revisions(b), [6, 7, 8, 9]);
    now = 77_000;
    b.push(event(10));
    assert.deepEqual([b.capacity, b.start], [4, 6], 'the newest quarter is fresh: evicts without shrinking');
    for (let rev = 11; rev <= 14; rev++) {
      now += 80_000;
      b.push(event(rev));
    }
    assert.equal(b.capacity, 2, 'changes minutes apart: halved down to the lower bound, not below');
    assert.deepEqual(revisions(b), [13, 14]);
    assert.equal(b.start, 12);
  });
});
