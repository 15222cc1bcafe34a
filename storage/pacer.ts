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
/**
 * Jobs waiting to resume, longest waiting first. Each has one resumption immediate queued; a
 * resumption takes whichever job is at the head, so a job that yields again goes behind those that
 * were already waiting, and jobs past the budget keep their place for the next turn.
 */
const waiting: Array<() => void> = [];

function startTurn(): void {
  markerQueued = false;
  resumedThisTurn = false;
  turnStart = performance.now();
}

/** Queues one resumption for the next turn, behind that turn's marker. */
function queueResumption(): void {
  if (!markerQueued) {
    markerQueued = true;
    setImmediate(startTurn);
  }
  setImmediate(resume);
}

function resume(): void {
  if (resumedThisTurn && performance.now() - turnStart >= TURN_BUDGET_MS) return queueResumption();
  const next = waiting.shift();
  if (next === undefined) return;
  resumedThisTurn = true;
  next();
}

/**
 * Resolves in a later turn of the event loop, once that turn's shared budget allows and the jobs that
 * were waiting before have resumed: the way a job yields between slices. Immediates run their
 * microtasks one by one, so the job's next slice runs before the next resumption checks the budget.
 */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    queueResumption();
  });
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
