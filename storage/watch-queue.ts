/**
 * The consumer side of a watch: an unbounded FIFO of events exposed as an async iterator. Producers
 * `push` and finally `end`; `close` ends the iteration at once, dropping what is still queued. A lead
 * source (`lead`) is read before the queue, one event per read, so that a long run of events known up
 * front (a watch's initial events) is produced as the consumer takes it instead of queued at once.
 */
import type { WatchEvent } from './interface.js';

/** FIFO of watch events with one pending reader. */
export class EventQueue implements AsyncIterable<WatchEvent> {
  private items: (WatchEvent | undefined)[] = [];
  private head = 0;
  private ended = false;
  private closed = false;
  private wake: (() => void) | undefined;
  private source: (() => WatchEvent | undefined) | undefined;

  /** @param onClose called once when the consumer closes the queue (`close` or leaving a loop early). */
  constructor(private readonly onClose: () => void = () => undefined) {}

  /** Events queued and not yet read. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** True once `end` or `close` was called: nothing more is accepted. */
  get finished(): boolean {
    return this.ended || this.closed;
  }

  /** Queues `event` unless the queue is finished. */
  push(event: WatchEvent): void {
    if (this.finished) return;
    this.items.push(event);
    this.notify();
  }

  /**
   * Reads `source` before the queued events, one call per event read, until it returns undefined.
   * Its events do not count in `size`.
   */
  lead(source: () => WatchEvent | undefined): void {
    if (this.finished) return;
    this.source = source;
    this.notify();
  }

  /** Ends the queue now, dropping the queued events (the lead source is still read to its end). */
  truncate(): void {
    this.items = [];
    this.head = 0;
    this.ended = true;
    this.notify();
  }

  /** No more events: the iteration ends after the queued ones are read. */
  end(): void {
    this.ended = true;
    this.notify();
  }

  /** Ends the iteration now, dropping queued events. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.source = undefined;
    this.items = [];
    this.head = 0;
    this.notify();
    this.onClose();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return {
      next: () => this.next(),
      return: async () => {
        this.close();
        return { done: true, value: undefined };
      },
    };
  }

  private async next(): Promise<IteratorResult<WatchEvent>> {
    for (;;) {
      if (this.closed) return { done: true, value: undefined };
      const event = this.shift();
      if (event !== undefined) return { done: false, value: event };
      if (this.ended) return { done: true, value: undefined };
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private shift(): WatchEvent | undefined {
    if (this.source !== undefined) {
      const event = this.source();
      if (event !== undefined) return event;
      this.source = undefined;
    }
    if (this.head >= this.items.length) return undefined;
    const event = this.items[this.head];
    // A read event is released at once: whatever hangs off it (its encodings) goes with it.
    this.items[this.head] = undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return event;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
