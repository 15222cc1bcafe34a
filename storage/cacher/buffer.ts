/**
 * The ring buffer of a watch cache: the most recent changes of the resource, oldest first, so that a
 * watch starting at a recent resourceVersion N can be served by replaying what happened after N.
 *
 * Its capacity adapts as kube-apiserver's watch cache does: when it is full and its oldest change is
 * younger than {@link EVENT_FRESH_MS}, it doubles (up to its upper bound), so that a burst of writes
 * does not push out the history a watcher that reconnects within that time resumes from; when it is
 * full and even the oldest of its newest quarter is older than that, it halves (down to its lower
 * bound). Unlike kube-apiserver's, it grows only while the changes it holds weigh less than its byte
 * budget (their stored sizes): each holds an object version, and this server's heap is bounded.
 */
import type { CacheEvent } from './event.js';

/** How long changes are kept when the capacity allows (kube-apiserver's eventFreshDuration). */
export const EVENT_FRESH_MS = 75_000;
/** The most changes kept (kube-apiserver's defaultUpperBoundCapacity). */
export const MAX_CAPACITY = 100 * 1024;
/** Stored bytes of the changes held past which the buffer no longer grows. */
export const GROWTH_BUDGET_BYTES = 64 * 1024 * 1024;

/** Bounds of an {@link EventBuffer}'s capacity and the clock its freshness is read with. */
export interface EventBufferOptions {
  /** Fewest changes kept once full (the starting capacity; at least 1). */
  lowerBound: number;
  /** Most changes kept (at least the lower bound). */
  upperBound: number;
  /** Weight (stored bytes) of the held changes past which the buffer does not grow (default {@link GROWTH_BUDGET_BYTES}). */
  growthBudget?: number;
  freshMs?: number;
  /** Milliseconds, monotonic. */
  clock?: () => number;
}

/** FIFO of cache events in increasing revision order, its capacity adapting to the rate of changes. */
export class EventBuffer {
  private ring: Array<CacheEvent | undefined>;
  /** When each slot's event was added. */
  private times: Float64Array;
  /** Each slot's weight. */
  private weights: Float64Array;
  /** Weight of the held events. */
  private weight = 0;
  /** Index of the oldest event. */
  private head = 0;
  private count = 0;
  private startRevision = 0;
  private readonly lowerBound: number;
  private readonly upperBound: number;
  private readonly growthBudget: number;
  private readonly freshMs: number;
  private readonly clock: () => number;

  constructor(opts: EventBufferOptions) {
    this.lowerBound = Math.max(1, opts.lowerBound);
    this.upperBound = Math.max(this.lowerBound, opts.upperBound);
    this.growthBudget = opts.growthBudget ?? GROWTH_BUDGET_BYTES;
    this.freshMs = opts.freshMs ?? EVENT_FRESH_MS;
    this.clock = opts.clock ?? (() => performance.now());
    this.ring = new Array<CacheEvent | undefined>(this.lowerBound);
    this.times = new Float64Array(this.lowerBound);
    this.weights = new Float64Array(this.lowerBound);
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

  /** Changes the buffer holds before it evicts or grows. */
  get capacity(): number {
    return this.ring.length;
  }

  /** Empties the buffer; it then holds every change after `start` (none so far). */
  reset(start: number): void {
    this.ring = new Array<CacheEvent | undefined>(this.ring.length);
    this.head = 0;
    this.count = 0;
    this.weight = 0;
    this.startRevision = start;
  }

  /**
   * Appends `event` (its revision must exceed every buffered one), evicting the oldest when full.
   * `weight` is what holding it costs (its stored size).
   */
  push(event: CacheEvent, weight = 0): void {
    const now = this.clock();
    if (this.count === this.ring.length) this.resize(now);
    const size = this.ring.length;
    if (this.count === size) {
      const evicted = this.ring[this.head];
      if (evicted !== undefined) this.startRevision = evicted.revision;
      this.weight -= this.weights[this.head] ?? 0;
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % size;
      this.count--;
    }
    const slot = (this.head + this.count) % size;
    this.ring[slot] = event;
    this.times[slot] = now;
    this.weights[slot] = weight;
    this.weight += weight;
    this.count++;
  }

  /** How many buffered events have a revision greater than `after`. */
  countAfter(after: number): number {
    return this.count - this.firstAfter(after);
  }

  /** The buffered events with a revision greater than `after`, oldest first. */
  eventsAfter(after: number): CacheEvent[] {
    const lo = this.firstAfter(after);
    const out: CacheEvent[] = [];
    for (let i = lo; i < this.count; i++) {
      const event = this.at(i);
      if (event !== undefined) out.push(event);
    }
    return out;
  }

  /** Index (from the oldest) of the first event with a revision greater than `after`. */
  private firstAfter(after: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.at(mid)?.revision ?? 0) <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** kube-apiserver's resizeCacheLocked, for a full buffer. */
  private resize(now: number): void {
    const size = this.ring.length;
    if (now - this.timeAt(0) < this.freshMs) {
      if (size < this.upperBound && this.weight < this.growthBudget) this.moveTo(Math.min(size * 2, this.upperBound));
    } else if (now - this.timeAt(size - Math.floor(size / 4)) > this.freshMs && size > this.lowerBound) {
      this.moveTo(Math.max(Math.floor(size / 2), this.lowerBound));
    }
  }

  /** Copies the newest events (as many as fit) into a ring of `capacity`. */
  private moveTo(capacity: number): void {
    const keep = Math.min(this.count, capacity);
    const dropped = this.count - keep;
    if (dropped > 0) this.startRevision = this.at(dropped - 1)?.revision ?? this.startRevision;
    const ring = new Array<CacheEvent | undefined>(capacity);
    const times = new Float64Array(capacity);
    const weights = new Float64Array(capacity);
    let weight = 0;
    for (let i = 0; i < keep; i++) {
      const from = (this.head + dropped + i) % this.ring.length;
      ring[i] = this.ring[from];
      times[i] = this.times[from] ?? 0;
      weights[i] = this.weights[from] ?? 0;
      weight += weights[i] ?? 0;
    }
    this.ring = ring;
    this.times = times;
    this.weights = weights;
    this.weight = weight;
    this.head = 0;
    this.count = keep;
  }

  /** The `i`-th oldest event. */
  private at(i: number): CacheEvent | undefined {
    return this.ring[(this.head + i) % this.ring.length];
  }

  private timeAt(i: number): number {
    return this.times[(this.head + i) % this.times.length] ?? 0;
  }
}
