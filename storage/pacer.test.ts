/** Jobs that yield with nextTurn share one budget per event-loop turn. */
import assert from 'node:assert/strict';
import { nextTurn, TURN_BUDGET_MS } from './pacer.js';

/** Holds the thread for `ms` (a job's slice of synchronous work). */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/**
 * Runs `jobs` jobs that each yield once and then work `sliceMs`; returns, per job, the value of a
 * counter that a 1 ms interval timer advances (timers run once per turn, between check phases).
 */
async function turnsOfJobs(jobs: number, sliceMs: number): Promise<number[]> {
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 1);
  try {
    return await Promise.all(
      Array.from({ length: jobs }, async () => {
        await nextTurn();
        busy(sliceMs);
        return ticks;
      }),
    );
  } finally {
    clearInterval(ticker);
  }
}

function jobsPerTurn(ticks: number[]): number[] {
  const counts = new Map<number, number>();
  for (const t of ticks) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts.values()];
}

describe('storage/pacer nextTurn', () => {
  it('resumes jobs until the turn has used its budget; the others wait for a later turn', async () => {
    const slice = Math.ceil(TURN_BUDGET_MS * 0.6);
    const ticks = await turnsOfJobs(6, slice);
    const perTurn = jobsPerTurn(ticks);
    // Each job's slice is 60% of the budget: at most two fit in one turn (one alone on a slow machine).
    assert.ok(Math.max(...perTurn) <= 2, `jobs per turn: ${perTurn.join(', ')}`);
    assert.ok(perTurn.length >= 3, `jobs per turn: ${perTurn.join(', ')}`);
  });

  it('resumes short jobs together in one turn', async () => {
    const ticks = await turnsOfJobs(20, 0);
    assert.deepEqual(jobsPerTurn(ticks), [20]);
  });
});

describe('storage/pacer nextTurn fairness', () => {
  it('alternates long jobs with short ones instead of running one to its end', async () => {
    const order: string[] = [];
    const job = async (name: string, slices: number) => {
      for (let i = 0; i < slices; i++) {
        await nextTurn();
        busy(TURN_BUDGET_MS + 1);
        order.push(name);
      }
    };
    await Promise.all([job('A', 12), job('B', 3)]);
    // B's three slices come among A's first slices, one per turn, not after all of A's.
    assert.deepEqual(order.slice(0, 6), ['A', 'B', 'A', 'B', 'A', 'B'], order.join(''));
  });
});
