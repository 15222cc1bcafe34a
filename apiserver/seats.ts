/**
 * Execution seats: of the requests the in-flight limits admitted, only a few run their handlers at
 * once; the others wait their turn in arrival order, costing nothing meanwhile. Node runs all of a
 * server's JavaScript on one thread, so more requests running at once add no throughput, only longer
 * turns of the event loop: a consistent LIST that becomes ready together with hundreds of others
 * would render in the same turn as they do, and a health probe (or any connection) arriving then
 * would wait for all of them. With seats, one turn holds the work of a few requests at most.
 *
 * LISTs (whose answers are large) have two seats, everything else 64. Health probes and watches
 * take no seat. The in-flight limits stay what bounds the number of waiting requests (429 beyond).
 */
import type { Request, RequestHandler, Response } from 'express';
import { isProbe } from './health.js';
import type { RequestInfo } from './requestinfo.js';

/** At most `size` holders at once; the others wait in arrival order. */
export class Seats {
  private busy = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {}

  /** Requests waiting for a seat. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Takes a seat: at once when one is free, otherwise when a holder releases its seat. */
  acquire(): Promise<void> {
    if (this.busy < this.size) {
      this.busy++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Gives a seat back (to the longest waiting request, if any). */
  release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next();
    else this.busy--;
  }
}

/** Seats for LISTs and for the other requests. */
export const LIST_SEATS = 2;
export const OTHER_SEATS = 64;

/** Runs each request once it holds a seat of its kind; the seat is given back when the response ends. */
export function withExecutionSeats(lists = new Seats(LIST_SEATS), others = new Seats(OTHER_SEATS)): RequestHandler {
  return (req: Request, res: Response, next) => {
    const info = res.locals.info as RequestInfo;
    if (info.verb === 'watch' || isProbe(req.path)) {
      next();
      return;
    }
    const seats = info.verb === 'list' ? lists : others;
    void seats.acquire().then(() => {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        seats.release();
      };
      // Answered meanwhile (504 after the request timeout) or abandoned by the client: nothing to run.
      if (res.writableEnded || res.destroyed) {
        release();
        return;
      }
      res.once('finish', release);
      res.once('close', release);
      next();
    });
  };
}
