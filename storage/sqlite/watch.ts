/**
 * In-process fan-out of committed changes to backend watchers. Writers publish synchronously right
 * after commit; each watcher has its own FIFO queue drained asynchronously (`setImmediate`), so a slow
 * consumer never blocks a writer and events stay in revision order.
 */
import type { KVEvent, KVWatch, KVWatchHandlers } from '../interface.js';

interface Subscriber {
  readonly prefix: string;
  readonly afterRevision: number;
  readonly handlers: KVWatchHandlers;
  queue: KVEvent[];
  pendingError?: Error;
  progressWanted: boolean;
  scheduled: boolean;
  active: boolean;
}

/** A backend watch handle; `requestProgress` asks for an `onProgress` after queued events. */
export type HubWatch = KVWatch & { requestProgress(): void };

/** The set of running watches of one backend. */
export class WatchHub {
  private readonly subscribers = new Set<Subscriber>();

  /** @param currentRevision the backend's latest committed revision, reported by progress notifications. */
  constructor(private readonly currentRevision: () => number) {}

  /**
   * Registers a watcher whose `replay` (events already committed after `afterRevision`) is delivered
   * first. Must be called in the same synchronous step as reading `replay`, so nothing is missed.
   */
  subscribe(prefix: string, afterRevision: number, handlers: KVWatchHandlers, replay: KVEvent[]): HubWatch {
    const sub: Subscriber = { prefix, afterRevision, handlers, queue: replay, progressWanted: false, scheduled: false, active: true };
    this.subscribers.add(sub);
    if (replay.length > 0) this.schedule(sub);
    return {
      cancel: () => this.remove(sub),
      requestProgress: () => {
        if (!sub.active) return;
        sub.progressWanted = true;
        this.schedule(sub);
      },
    };
  }

  /** A watch that only reports `err` (asynchronously) and then ends. */
  failed(handlers: KVWatchHandlers, err: Error): HubWatch {
    const sub: Subscriber = { prefix: '', afterRevision: 0, handlers, queue: [], pendingError: err, progressWanted: false, scheduled: false, active: true };
    this.schedule(sub);
    return { cancel: () => this.remove(sub), requestProgress: () => undefined };
  }

  /** Hands committed events (in revision order) to every watcher whose prefix they match. */
  publish(events: readonly KVEvent[]): void {
    for (const sub of this.subscribers) {
      let added = false;
      for (const ev of events) {
        if (ev.revision > sub.afterRevision && ev.kv.key.startsWith(sub.prefix)) {
          sub.queue.push(ev);
          added = true;
        }
      }
      if (added) this.schedule(sub);
    }
  }

  /** Ends every watch with `err` (after the events already queued). */
  closeAll(err: Error): void {
    for (const sub of this.subscribers) {
      sub.pendingError = err;
      this.schedule(sub);
    }
    this.subscribers.clear();
  }

  private remove(sub: Subscriber): void {
    sub.active = false;
    sub.queue = [];
    this.subscribers.delete(sub);
  }

  private schedule(sub: Subscriber): void {
    if (sub.scheduled) return;
    sub.scheduled = true;
    setImmediate(() => this.flush(sub));
  }

  private flush(sub: Subscriber): void {
    sub.scheduled = false;
    if (!sub.active) return;
    const batch = sub.queue;
    sub.queue = [];
    try {
      if (batch.length > 0) sub.handlers.onEvents(batch);
      if (sub.progressWanted && sub.active) {
        sub.progressWanted = false;
        sub.handlers.onProgress?.(this.currentRevision());
      }
      if (sub.pendingError !== undefined && sub.active) {
        this.remove(sub);
        sub.handlers.onError(sub.pendingError);
      }
    } catch {
      // A throwing handler ends its own watch; it must not disturb the writer or other watchers.
      this.remove(sub);
    }
  }
}
