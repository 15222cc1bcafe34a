/**
 * The client watchers of a watch cache, indexed so that a change visits only the watchers it may
 * concern: those watching a prefix of its key (the resource, its namespace, ...) and those watching
 * exactly its key.
 */
import type { CacheEvent } from './event.js';
import type { CacheWatcher } from './watcher.js';

/** Registered watchers by scope. */
export class WatcherIndex {
  private readonly all = new Set<CacheWatcher>();
  private readonly byPrefix = new Map<string, Set<CacheWatcher>>();
  private readonly byKey = new Map<string, Set<CacheWatcher>>();
  /** The watchers that allow BOOKMARK events. */
  readonly bookmarking = new Set<CacheWatcher>();

  /** @param rootLength length of the resource prefix every watched prefix starts with. */
  constructor(private readonly rootLength: number) {}

  get size(): number {
    return this.all.size;
  }

  /** A snapshot of every registered watcher. */
  list(): CacheWatcher[] {
    return [...this.all];
  }

  add(w: CacheWatcher): void {
    this.all.add(w);
    const [map, k] = this.slot(w);
    let set = map.get(k);
    if (set === undefined) {
      set = new Set();
      map.set(k, set);
    }
    set.add(w);
    if (w.allowsBookmarks) this.bookmarking.add(w);
  }

  remove(w: CacheWatcher): void {
    if (!this.all.delete(w)) return;
    const [map, k] = this.slot(w);
    const set = map.get(k);
    set?.delete(w);
    if (set?.size === 0) map.delete(k);
    this.bookmarking.delete(w);
  }

  /** Hands `event` to the watchers of every prefix of its key (ending in `/`) and of the key itself. */
  dispatch(event: CacheEvent): void {
    const key = event.key;
    for (let i = key.indexOf('/', this.rootLength - 1); i >= 0; i = key.indexOf('/', i + 1)) {
      const set = this.byPrefix.get(key.slice(0, i + 1));
      if (set !== undefined) for (const w of set) w.deliver(event);
    }
    const exact = this.byKey.get(key);
    if (exact !== undefined) for (const w of exact) w.deliver(event);
  }

  private slot(w: CacheWatcher): [Map<string, Set<CacheWatcher>>, string] {
    return w.scope.singleKey !== undefined ? [this.byKey, w.scope.singleKey] : [this.byPrefix, w.scope.prefix];
  }
}
