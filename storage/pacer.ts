/**
 * Long synchronous work (decrypting and decoding thousands of values, encoding a large list or a watch
 * backlog) split into slices, so that the event loop keeps serving other requests, probes included.
 *
 * Every job yields after its own slice, and all of them share one budget per event-loop turn: twenty
 * watch backlogs resuming in the same turn would otherwise hold it for twenty slices. A job resumes
 * through {@link nextTurn}; once the jobs resumed in a turn have used {@link TURN_BUDGET_MS}
 * together, the others wait for the next turn (after its I/O), in the order they yielded.
 */

/** Work the jobs resumed in one turn may do together before the rest wait for the next turn. */
export const TURN_BUDGET_MS = 10;

/** When the current turn's first resumption ran. */
let turnStart = 0;
/** Whether the marker that starts the next turn's budget is queued. */
let markerQueued = false;
/** Whether a job resumed in this turn yet (the first always does, so every turn makes progress). */
let resumedThisTurn = false;

function startTurn(): void {
  markerQueued = false;
  resumedThisTurn = false;
  turnStart = performance.now();
}

/** Queues `resolve` for the next turn, behind that turn's marker. */
function queue(resolve: () => void): void {
  if (!markerQueued) {
    markerQueued = true;
    setImmediate(startTurn);
  }
  setImmediate(resume, resolve);
}

function resume(resolve: () => void): void {
  if (resumedThisTurn && performance.now() - turnStart >= TURN_BUDGET_MS) return queue(resolve);
  resumedThisTurn = true;
  resolve();
}

/**
 * Resolves in a later turn of the event loop, once that turn's shared budget allows: the way a job
 * yields between slices. Immediates run their microtasks one by one, so the job's next slice runs
 * before the next resumption checks the budget.
 */
export function nextTurn(): Promise<void> {
  return new Promise<void>(queue);
}

/** Slices work into about `sliceMs` of CPU each, yielding to the event loop between slices. */
export class Pacer {
  private sliceStart = performance.now();

  constructor(private readonly sliceMs = 10) {}

  /** Resolves at once inside a slice; once `sliceMs` have passed, on the event loop's next turn. */
  async pace(): Promise<void> {
    if (performance.now() - this.sliceStart < this.sliceMs) return;
    await nextTurn();
    this.sliceStart = performance.now();
  }
}
