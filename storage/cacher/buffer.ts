/**
 * The ring buffer of a watch cache: the most recent changes of the resource, oldest first, so that a
 * watch starting at a recent resourceVersion N can be served by replaying what happened after N.
 */
import type { CacheEvent } from './event.js';

/** Fixed-capacity FIFO of cache events in increasing revision order. */
export class EventBuffer {
  private ring: Array<CacheEvent | undefined>;
  /** Index of the oldest event. */
  private head = 0;
  private count = 0;
  private startRevision = 0;

  /** @param capacity number of events kept (at least 1). */
  constructor(readonly capacity: number) {
    this.ring = new Array<CacheEvent | undefined>(Math.max(1, capacity));
  }

  /**
   * Every change with a revision greater than `start` is in the buffer (a watch from any N >= start
   * can be replayed). Grows when old events are evicted.
   */
  get start(): number {
    return this.startRevision;
  }

  /** Number of buffered events. */
  get length(): number {
    return this.count;
  }

  /** Empties the buffer; it then holds every change after `start` (none so far). */
  reset(start: number): void {
    this.ring = new Array<CacheEvent | undefined>(this.ring.length);
    this.head = 0;
    this.count = 0;
    this.startRevision = start;
  }

  /** Appends `event` (its revision must exceed every buffered one), evicting the oldest when full. */
  push(event: CacheEvent): void {
    const size = this.ring.length;
    if (this.count === size) {
      const evicted = this.ring[this.head];
      if (evicted !== undefined) this.startRevision = evicted.revision;
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % size;
      this.count--;
    }
    this.ring[(this.head + this.count) % size] = event;
    this.count++;
  }

  /** The buffered events with a revision greater than `after`, oldest first. */
  eventsAfter(after: number): CacheEvent[] {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.at(mid)?.revision ?? 0) <= after) lo = mid + 1;
      else hi = mid;
    }
    const out: CacheEvent[] = [];
    for (let i = lo; i < this.count; i++) {
      const event = this.at(i);
      if (event !== undefined) out.push(event);
    }
    return out;
  }

  /** The `i`-th oldest event. */
  private at(i: number): CacheEvent | undefined {
    return this.ring[(this.head + i) % this.ring.length];
  }
}
