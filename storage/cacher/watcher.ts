/**
 * One client watch served by a watch cache: its scope (prefix or single key), selection predicate,
 * position (the revision up to which it has been brought), and a bounded queue. A client that falls
 * more than `maxBacklog` live events behind is closed, as Kubernetes closes unresponsive watchers,
 * so that it never slows the dispatch to the others; it re-watches from the last version it saw.
 */
import type { KubeObject, Status } from '../../apimachinery/types.js';
import { bookmarkEvent, errorEvent, statusFor, type CacheEvent } from './event.js';
import type { Watch, WatchEvent, WatchOptions } from '../interface.js';
import type { ObjectTemplate } from '../store/core.js';
import type { CacheEntry } from './state.js';
import { EventQueue } from '../watch-queue.js';

/** Which keys a watch covers. */
export interface WatchScope {
  /** Key prefix ending in `/`. */
  prefix: string;
  /** When set, only this key. */
  singleKey?: string;
}

/** A cache-fed {@link Watch}. Created by the cached storage; fed by the watch cache. */
export class CacheWatcher implements Watch {
  private readonly queue: EventQueue;
  /** Every change up to this revision has been considered for this watcher. */
  position = 0;
  private readonly maxBacklog: number;
  /** Events queued so far, and how many of them were initial or replayed ones (not live). */
  private pushed = 0;
  private preloaded = 0;
  private preloading = false;
  private detached = false;
  private onRelease: (() => void) | undefined;

  /**
   * @param detach called once when the watcher ends for any reason (unregisters it from the cache).
   * @param onBookmarkRequest asks the cache for a bookmark now ({@link requestBookmark}).
   */
  constructor(
    readonly scope: WatchScope,
    readonly opts: WatchOptions,
    private readonly template: ObjectTemplate | undefined,
    maxBacklog: number,
    private readonly detach: (w: CacheWatcher) => void,
    private readonly onBookmarkRequest?: (w: CacheWatcher) => void,
  ) {
    this.maxBacklog = Math.max(1, maxBacklog);
    this.queue = new EventQueue(() => this.release());
  }

  /** True once the watch ended or was stopped. */
  get finished(): boolean {
    return this.queue.finished;
  }

  /** Events queued and not yet read by the client. */
  get backlog(): number {
    return this.queue.size;
  }

  get allowsBookmarks(): boolean {
    return this.opts.allowBookmarks === true;
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return this.queue[Symbol.asyncIterator]();
  }

  stop(): void {
    this.queue.close();
  }

  requestBookmark(): void {
    this.onBookmarkRequest?.(this);
  }

  /** True when `key` is in the watcher's scope. */
  covers(key: string): boolean {
    return this.scope.singleKey !== undefined ? key === this.scope.singleKey : key.startsWith(this.scope.prefix);
  }

  /** Considers a change (in scope): skipped when not after the position, otherwise filtered and queued. */
  deliver(event: CacheEvent): void {
    if (event.revision <= this.position || this.queue.finished) return;
    this.position = event.revision;
    if (event.kind === 'corrupt') {
      this.fail(statusFor(event.error ?? new Error('unreadable value')));
      return;
    }
    const out = event.watchEvent(this.opts.predicate);
    if (out !== undefined) this.push(out);
  }

  /**
   * Streams `source` (a watch of the wrapped store, for a start the cache cannot serve) through this
   * watcher; stopping the watcher stops `source`.
   */
  pipe(source: Watch): void {
    this.onRelease = () => source.stop();
    if (this.detached) source.stop();
    void (async () => {
      for await (const event of source) {
        if (this.queue.finished) break;
        this.push(event);
      }
      this.end();
    })();
  }

  /** Delivers buffered changes; like initial events, they do not count as falling behind. */
  replay(events: readonly CacheEvent[]): void {
    this.preloading = true;
    try {
      for (const event of events) if (this.covers(event.key)) this.deliver(event);
    } finally {
      this.preloading = false;
    }
  }

  /**
   * Initial ADDED events for `entries` (a snapshot of the cache in key order) that match the
   * predicate, made one at a time as the client reads them: a watch-list client of 100,000 objects
   * holds one array of references instead of 100,000 queued events, and what it has read is garbage
   * while still young. They come before anything queued; an unreadable entry ends the watch with its
   * error in place of everything after it.
   */
  initial(entries: readonly CacheEntry[], typed: (obj: KubeObject) => KubeObject): void {
    const p = this.opts.predicate;
    let i = 0;
    this.queue.lead(() => {
      while (i < entries.length) {
        const entry = entries[i++] as CacheEntry;
        if (entry.obj === undefined) {
          i = entries.length;
          return this.failNow(statusFor(entry.error));
        }
        const obj = typed(entry.obj);
        if (p === undefined || p.empty || p.matches(obj)) return { type: 'ADDED', object: obj };
      }
      return undefined;
    });
  }

  /**
   * Queues a BOOKMARK at `revision` unless that is behind the watcher's position. Only for watchers
   * that allow bookmarks, unless `annotations` is given (the initial-events-end bookmark, which the
   * caller sends only to watchers that allow bookmarks, as kube-apiserver's watch-list does).
   */
  bookmark(revision: number, annotations?: Record<string, string>): void {
    if (revision < this.position || this.queue.finished) return;
    if (annotations === undefined && !this.allowsBookmarks) return;
    this.position = revision;
    this.push(bookmarkEvent(this.template, revision, annotations));
  }

  /** Ends the watch with an ERROR event carrying `status` (queued events are still delivered first). */
  fail(status: Status): void {
    if (this.queue.finished) return;
    this.queue.push(errorEvent(status));
    this.end();
  }

  /** The ERROR event for `status`, with the queued events dropped and the watch ended behind it. */
  private failNow(status: Status): WatchEvent {
    this.queue.truncate();
    this.release();
    return errorEvent(status);
  }

  /** Ends the watch after the queued events, without an error. */
  end(): void {
    this.queue.end();
    this.release();
  }

  private push(event: WatchEvent): void {
    if (this.queue.finished) return;
    this.queue.push(event);
    this.pushed++;
    if (this.preloading) this.preloaded++;
    // Live events still unread: the queue minus the initial/replayed events the client has not read yet.
    const read = this.pushed - this.queue.size;
    if (this.queue.size - Math.max(0, this.preloaded - read) > this.maxBacklog) this.end();
  }

  private release(): void {
    if (this.detached) return;
    this.detached = true;
    this.detach(this);
    this.onRelease?.();
  }
}
