/**
 * The request pacer: requests start at once until the turn has spent its budget on them, later ones
 * in later turns, a budget's worth each, in arrival order. The clock is a counter the requests advance,
 * so that no figure depends on the machine's speed.
 */
import assert from 'node:assert/strict';
import { pacedRequests } from './request-pacer.js';

/**
 * Resolves after the check phase of the event loop has run what was scheduled before (setImmediate
 * callbacks run in the order they were scheduled; a timer may fire before or after them).
 */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** Lets turns pass until nothing waits in `pacer` (at most 50). */
async function untilDrained(pacer: { readonly waiting: number }): Promise<void> {
  for (let i = 0; i < 50 && pacer.waiting > 0; i++) await nextTurn();
}

/** A pacer with a 10 ms budget on a clock that only requests advance, and a log of what ran when. */
function paced(costMs: number) {
  let now = 0;
  let turn = 0;
  const ran: Array<{ id: string; turn: number }> = [];
  const pacer = pacedRequests(10, () => now);
  const job = (id: string) => () => {
    ran.push({ id, turn });
    now += costMs;
  };
  return { pacer, ran, job, setTurn: (t: number) => (turn = t) };
}

describe('request pacer', function () {
  it('starts requests at once while the turn is within its budget', function () {
    const { pacer, ran, job } = paced(1);
    for (let i = 0; i < 5; i++) pacer.start(job(`r${i}`));
    assert.deepEqual(
      ran.map((r) => r.id),
      ['r0', 'r1', 'r2', 'r3', 'r4'],
    );
    assert.equal(pacer.waiting, 0);
  });

  it('holds the requests beyond the budget and starts them in later turns, a budget each, in arrival order', async function () {
    const { pacer, ran, job, setTurn } = paced(4);
    for (let i = 0; i < 9; i++) pacer.start(job(`r${i}`));
    // 0, 4 and 8 ms are within the 10 ms budget; the fourth request (at 12 ms) waits.
    assert.deepEqual(
      ran.map((r) => r.id),
      ['r0', 'r1', 'r2'],
    );
    assert.equal(pacer.waiting, 6);
    setTurn(1);
    await nextTurn();
    assert.deepEqual(
      ran.map((r) => r.id),
      ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'],
      'one budget (three requests of 4 ms) per turn',
    );
    // A request arriving now waits behind those already waiting, even in a fresh turn.
    pacer.start(job('late'));
    assert.equal(pacer.waiting, 4);
    setTurn(2);
    await untilDrained(pacer);
    assert.deepEqual(
      ran.map((r) => r.id),
      ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'late'],
    );
    assert.equal(pacer.waiting, 0);
    assert.ok(new Set(ran.slice(3).map((r) => r.turn)).size >= 2, 'the waiting requests took more than one turn');
  });

  it('gives every turn a fresh budget once nothing waits', async function () {
    const { pacer, ran, job } = paced(4);
    for (let i = 0; i < 3; i++) pacer.start(job(`a${i}`));
    await nextTurn();
    for (let i = 0; i < 3; i++) pacer.start(job(`b${i}`));
    assert.equal(ran.length, 6, 'the next turn starts its first three at once');
    assert.equal(pacer.waiting, 0);
  });

  it('keeps draining after a request throws', async function () {
    const { pacer, ran, job } = paced(6);
    pacer.start(job('r0'));
    pacer.start(job('r1'));
    pacer.start(job('r2'));
    pacer.start(() => {
      throw new Error('handler failed');
    });
    pacer.start(job('r4'));
    assert.equal(pacer.waiting, 3);
    // The error escapes the turn as it would escape the HTTP parser's callback; mocha's own handler
    // steps aside meanwhile.
    const mochas = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    try {
      const thrown = await new Promise<Error>((resolve) => process.once('uncaughtException', resolve));
      assert.equal(thrown.message, 'handler failed');
      await untilDrained(pacer);
    } finally {
      for (const l of mochas) process.on('uncaughtException', l);
    }
    assert.deepEqual(
      ran.map((r) => r.id),
      ['r0', 'r1', 'r2', 'r4'],
    );
    assert.equal(pacer.waiting, 0);
  });
});
