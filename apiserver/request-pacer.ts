/**
 * Requests started within a time budget per event-loop turn.
 *
 * In a flood, one turn of the event loop reads a request from every connection that has one ready:
 * thousands of them, each run at once through authentication, authorization, admission of its seat
 * (or a 429) and its handler's first steps. Such a turn holds the loop for a hundred milliseconds
 * and more, and every timer, probe and response waiting behind it waits that long.
 *
 * The pacer starts requests as they come until the turn has spent its budget on them; later ones wait
 * in arrival order and are started after the turn's I/O, a budget's worth per turn, before any request
 * that arrives after them. Without a flood nothing waits: a request is started in the turn that read
 * it. The waiting requests are read already (TLS and HTTP parsing are done); what waits is the work
 * the server does for them.
 */
import { TurnQueue } from './turn-queue.js';

/** Time per event-loop turn spent starting requests, before further ones wait for a later turn. */
export const REQUEST_BUDGET_MS = 10;

/** Requests started within a time budget per turn. */
export interface RequestPacer {
  /** Runs `start` now, or, when the turn's budget is spent or others wait, in a later turn in arrival order. */
  start(start: () => void): void;
  /** Requests waiting to be started. */
  readonly waiting: number;
}

/** A {@link RequestPacer} with `budgetMs` per turn; `clock` is in milliseconds. */
export function pacedRequests(budgetMs = REQUEST_BUDGET_MS, clock: () => number = () => performance.now()): RequestPacer {
  const waiting = new TurnQueue<() => void>(
    (start) => start(),
    () => {
      const began = clock();
      return () => clock() - began < budgetMs;
    },
  );
  /** When the current turn started its first request (-1: none yet). */
  let turnStart = -1;
  const endTurn = (): void => {
    turnStart = -1;
  };
  /** Whether the current turn may still start a request; opens the turn's account on its first. */
  const withinBudget = (): boolean => {
    const now = clock();
    if (turnStart < 0) {
      turnStart = now;
      setImmediate(endTurn);
    }
    return now - turnStart < budgetMs;
  };

  return {
    start(start) {
      if (waiting.length === 0 && withinBudget()) start();
      else waiting.push(start);
    },
    get waiting() {
      return waiting.length;
    },
  };
}
