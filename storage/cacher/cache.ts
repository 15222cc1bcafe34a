/**
 * The watch cache of one resource: ONE upstream backend watch on the resource's key prefix, whose
 * changes are decoded once, applied to the cached state, appended to a ring buffer and dispatched to
 * every client watcher whose scope covers the key (watchers are indexed by prefix and by single key,
 * so a change only visits the watchers it may concern).
 *
 * Start-up lists the resource at the current revision C and opens the upstream watch somewhat earlier
 * (at `max(compacted, C - historyRevisions)`): the changes up to C only fill the buffer ("history"),
 * so that a watch from a recent resourceVersion works right after start, as it does on the store.
 * Upstream failures resume the watch after the last delivered revision (clients see nothing); a resume
 * that is too old (compacted) re-lists, and then every client watcher behind the new state gets a
 * 410 ERROR event and re-lists itself.
 */
import { EventBuffer, MAX_CAPACITY } from './buffer.js';
import { ChangeDecoder, readEntries, type Decoded } from './decode.js';
import { statusFor, tooOldStatus } from './event.js';
import { WatcherIndex } from './watcher-index.js';
import { Waiters } from './waiters.js';
import { overlayOf, readPage, type PageRequest } from './list.js';
import { CacheState, type CacheEntry } from './state.js';
import type { CacheWatcher } from './watcher.js';
import { ExpiredError, UnreachableError } from '../errors.js';
import type { KVBackend, KVEvent, KVWatch, ListResult } from '../interface.js';
import type { StoreCore } from '../store/core.js';
import { INITIAL_EVENTS_END_ANNOTATION } from '../store/watch.js';

/** What holding a change costs, about: the stored size of the object version it keeps. */
function storedSize(ev: KVEvent): number {
  return ev.type === 'delete' ? (ev.prevKv?.value.length ?? 0) : ev.kv.value.length;
}

/** Resolved configuration of a {@link WatchCache}. */
export interface WatchCacheConfig {
  backend: KVBackend;
  /** Decoding (transformer + codec) and typing of objects, shared with the object store. */
  core: StoreCore;
  /** The resource's key prefix (ends with `/`). */
  prefix: string;
  /** Changes kept at least (the buffer's starting capacity). */
  capacity: number;
  /** Changes kept at most while they are recent (default {@link MAX_CAPACITY}). */
  maxCapacity?: number;
  historyRevisions: number;
  bookmarkIntervalMs: number;
  retryMinMs: number;
  retryMaxMs: number;
  onError?: (err: Error) => void;
}

/** Counters of a watch cache, for tests and metrics. */
export interface WatchCacheStats {
  ready: boolean;
  /** Registered client watchers. */
  watchers: number;
  /** Revision the cached state is exact at. */
  revision: number;
  /** Events in the ring buffer and the oldest revision a watch can start from. */
  buffered: number;
  bufferStart: number;
  /** Number of upstream backend watches opened so far (1 unless the upstream failed). */
  upstreamWatches: number;
}

type Phase = 'idle' | 'starting' | 'ready' | 'stopped';

/** The longest timer Node accepts (about 24.8 days): "until it happens or the cache stops". */
const FOREVER_MS = 2 ** 31 - 1;
const NO_CHANGES: ReadonlyMap<string, CacheEntry | undefined> = new Map();
const LOAD_ATTEMPTS = 3;

export class WatchCache {
  private readonly state = new CacheState();
  private readonly buffer: EventBuffer;
  /** The state is exact as of this revision; every change up to it has been dispatched. */
  revision = 0;
  /** Bumped by every (re)load and by stop; callbacks of an older upstream watch are ignored. */
  generation = 0;
  private upstreamWatches = 0;
  /** Every change up to this revision was delivered by the upstream watch (where it resumes). */
  private upstreamRevision = 0;
  /** A change at this revision is missing from the buffer (a delete whose old value was compacted). */
  private unbuffered = 0;
  /** Changes up to this revision are history (buffer only) until `historyDone`. */
  private historyUntil = 0;
  private historyDone = true;
  private phase: Phase = 'idle';
  private loading: Promise<void> | undefined;
  private upstream: KVWatch | undefined;
  private chain: Promise<void> = Promise.resolve();
  private retryDelay: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private bookmarkTimer: NodeJS.Timeout | undefined;
  /** Pending retry of a background start; `backgroundStart` while one is under way. */
  private startTimer: NodeJS.Timeout | undefined;
  private backgroundStart = false;
  private bookmarkPending = false;
  /** A progress request is on its way upstream (one at a time; its answer serves every waiter). */
  private progressRequested = false;
  private readonly waiters = new Waiters();
  private readonly watchers: WatcherIndex;
  private readonly decoder: ChangeDecoder;

  constructor(private readonly cfg: WatchCacheConfig) {
    this.buffer = new EventBuffer({ lowerBound: cfg.capacity, upperBound: cfg.maxCapacity ?? MAX_CAPACITY });
    this.retryDelay = cfg.retryMinMs;
    this.watchers = new WatcherIndex(cfg.prefix.length);
    this.decoder = new ChangeDecoder(cfg.core);
  }

  get ready(): boolean {
    return this.phase === 'ready';
  }

  get stopped(): boolean {
    return this.phase === 'stopped';
  }

  /** Oldest resourceVersion a watch can start from now (history still loading counts as missing). */
  get servableFrom(): number {
    return this.historyDone ? this.buffer.start : Math.max(this.buffer.start, this.historyUntil);
  }

  /** Oldest resourceVersion a watch will ever be able to start from (history included). */
  get oldestPossible(): number {
    return this.buffer.start;
  }

  /** True when the upstream watch can confirm freshness (progress requests). */
  get confirmsProgress(): boolean {
    return this.upstream?.requestProgress !== undefined;
  }

  stats(): WatchCacheStats {
    return {
      ready: this.ready,
      watchers: this.watchers.size,
      revision: this.revision,
      buffered: this.buffer.length,
      bufferStart: this.buffer.start,
      upstreamWatches: this.upstreamWatches,
    };
  }

  /** Starts the cache on first use; resolves once it serves (rejects when the initial list failed). */
  ensureReady(): Promise<void> {
    if (this.phase === 'ready') return Promise.resolve();
    if (this.phase === 'stopped') return Promise.reject(new UnreachableError('the watch cache is stopped', this.cfg.prefix));
    return this.loading ?? this.startLoading();
  }

  /**
   * Lists the resource again when some cached values could not be decoded (e.g. after the encryption
   * configuration changed: a restored key makes them readable), as a re-list after a compaction does:
   * watchers behind the new state get 410. Nothing happens otherwise, or while not serving.
   */
  rereadUnreadable(): void {
    if (this.phase !== 'ready' || this.state.unreadable === 0) return;
    this.relist();
  }

  /**
   * Loads the cache without anyone waiting for it: a failed load is reported to `onError` and retried
   * after doubling delays (up to `retryMaxMs`) until it succeeds or the cache stops. Idempotent.
   */
  startInBackground(): void {
    if (this.backgroundStart || this.phase === 'ready' || this.phase === 'stopped') return;
    this.backgroundStart = true;
    const attempt = (delay: number): void => {
      this.startTimer = undefined;
      this.ensureReady().then(
        () => {
          this.backgroundStart = false;
        },
        (e: unknown) => {
          if (this.phase === 'stopped') return;
          this.cfg.onError?.(e instanceof Error ? e : new Error(String(e)));
          this.startTimer = setTimeout(() => attempt(Math.min(delay * 2, this.cfg.retryMaxMs)), delay);
          this.startTimer.unref();
        },
      );
    };
    attempt(this.cfg.retryMinMs);
  }

  /** Resolves true once the cache is loaded (now or later), false when it stops first. */
  whenReady(): Promise<boolean> {
    return this.waiters.wait(() => this.ready, FOREVER_MS);
  }

  /** Resolves true once the state is at `revision` or newer, false after `timeoutMs`. */
  waitForRevision(revision: number, timeoutMs: number): Promise<boolean> {
    return this.waitUntil(() => this.ready && this.revision >= revision, timeoutMs);
  }

  /** Resolves true once the start-up history is in the buffer, false after `timeoutMs`. */
  waitForHistory(timeoutMs: number): Promise<boolean> {
    return this.waitUntil(() => this.historyDone, timeoutMs);
  }

  /**
   * A page of the cached state (see {@link readPage}): at the cached revision when `at` is undefined,
   * otherwise at revision `at`, which must not be newer than the cached one and whose later changes
   * must all be buffered, and be no more than the buffer's lower bound (each page undoes them: a page
   * pinned further back is cheaper to read from storage). Undefined when the cache cannot answer (not
   * ready, `at` out of reach).
   */
  page(req: PageRequest, at?: number): ListResult | undefined {
    if (!this.ready) return undefined;
    if (at === undefined || at === this.revision) return readPage(this.state, NO_CHANGES, req, this.revision);
    if (at > this.revision || at < Math.max(this.servableFrom, this.unbuffered)) return undefined;
    if (this.buffer.countAfter(at) > this.cfg.capacity) return undefined;
    return readPage(this.state, overlayOf(this.buffer.eventsAfter(at), req.prefix), req, at);
  }

  /** Queues ADDED events for the cached state in `w`'s scope (plus the end bookmark) and registers it. */
  attachWithState(w: CacheWatcher, endBookmark: boolean): void {
    w.initial(this.state.snapshot(w.scope.prefix, w.scope.singleKey), (obj) => this.decoder.typed(obj));
    w.position = this.revision;
    if (endBookmark) w.bookmark(this.revision, { [INITIAL_EVENTS_END_ANNOTATION]: 'true' });
    this.attach(w);
  }

  /** Replays the buffered changes after `after` to `w` and registers it; false when `after` is too old. */
  attachFrom(w: CacheWatcher, after: number): boolean {
    if (after < this.servableFrom) return false;
    w.position = after;
    w.replay(this.buffer.eventsAfter(after));
    this.attach(w);
    return true;
  }

  /** Unregisters a watcher (called by the watcher when it ends). */
  detach(w: CacheWatcher): void {
    this.watchers.remove(w);
    if (this.watchers.bookmarking.size === 0 && this.bookmarkTimer !== undefined) {
      clearInterval(this.bookmarkTimer);
      this.bookmarkTimer = undefined;
    }
  }

  /** Ends every watcher, cancels the upstream watch and timers; the cache cannot be used again. */
  stop(): void {
    this.phase = 'stopped';
    this.generation++;
    this.closeUpstream();
    if (this.bookmarkTimer !== undefined) clearInterval(this.bookmarkTimer);
    this.bookmarkTimer = undefined;
    if (this.startTimer !== undefined) clearTimeout(this.startTimer);
    this.startTimer = undefined;
    for (const w of this.watchers.list()) w.end();
    this.waiters.cancelAll();
  }

  private attach(w: CacheWatcher): void {
    if (w.finished) return;
    this.watchers.add(w);
    if (w.allowsBookmarks && this.bookmarkTimer === undefined) {
      this.bookmarkTimer = setInterval(() => this.bookmarkTick(), this.cfg.bookmarkIntervalMs);
      this.bookmarkTimer.unref();
    }
  }

  /**
   * Lists again (a compaction, an undecodable change, a restored key); a failure is reported and the
   * list tried again in the background until it succeeds, as kube-apiserver's cacher keeps restarting
   * its reflector: a quiet resource would otherwise stay unloaded, and the replica unready.
   */
  private relist(): void {
    this.startLoading().catch((e: unknown) => {
      if (this.phase === 'stopped') return;
      this.cfg.onError?.(e instanceof Error ? e : new Error(String(e)));
      this.startInBackground();
    });
  }

  /** (Re)loads the state; afterwards, watchers behind the new state get 410, or all fail on error. */
  private startLoading(): Promise<void> {
    this.phase = 'starting';
    const loading = this.load().then(
      () => {
        this.loading = undefined;
        this.phase = 'ready';
        for (const w of this.watchers.list()) if (w.position < this.revision) w.fail(tooOldStatus(w.position, this.revision));
        this.waiters.check();
      },
      (e: unknown) => {
        this.loading = undefined;
        if (this.phase !== 'stopped') this.phase = 'idle';
        for (const w of this.watchers.list()) w.fail(statusFor(e));
        throw e;
      },
    );
    loading.catch(() => undefined);
    this.loading = loading;
    return loading;
  }

  private async load(): Promise<void> {
    const gen = ++this.generation;
    this.closeUpstream();
    const { backend } = this.cfg;
    for (let attempt = 1; ; attempt++) {
      try {
        const compacted = await backend.compactedRevision();
        const current = await backend.currentRevision();
        const entries = current > 0 ? await readEntries(backend, this.decoder, this.cfg.prefix, current) : [];
        if (gen !== this.generation) throw new UnreachableError('the watch cache was stopped while loading', this.cfg.prefix);
        const from = Math.max(0, compacted, current - this.cfg.historyRevisions);
        this.state.replace(entries);
        this.revision = current;
        this.upstreamRevision = from;
        this.buffer.reset(from);
        this.unbuffered = 0;
        this.historyUntil = current;
        this.historyDone = from >= current;
        this.openUpstream();
        return;
      } catch (e: unknown) {
        if (!(e instanceof ExpiredError) || attempt >= LOAD_ATTEMPTS) throw e;
      }
    }
  }

  private openUpstream(): void {
    const gen = this.generation;
    this.upstreamWatches++;
    this.upstream = this.cfg.backend.watch(this.cfg.prefix, this.upstreamRevision, {
      onEvents: (events) => this.serial(gen, () => this.ingest(gen, events)),
      onError: (err) => this.serial(gen, async () => this.upstreamFailed(err)),
      onProgress: (revision) => this.serial(gen, async () => this.progress(revision)),
    });
    this.progressRequested = false;
    if (!this.historyDone || this.waiters.size > 0 || this.bookmarkPending) this.requestProgress();
  }

  private closeUpstream(): void {
    this.upstream?.cancel();
    this.upstream = undefined;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Runs upstream callbacks one after the other (decoding is asynchronous), for the current generation. */
  private serial(gen: number, step: () => Promise<void>): void {
    this.chain = this.chain
      .then(async () => {
        if (gen === this.generation) await step();
      })
      .catch((e: unknown) => {
        if (gen !== this.generation) return;
        this.cfg.onError?.(e instanceof Error ? e : new Error(String(e)));
        this.relist();
      });
  }

  /** The upstream watch ended: resume after the last delivered revision, or re-list when too old. */
  private upstreamFailed(err: Error): void {
    this.closeUpstream();
    this.cfg.onError?.(err);
    if (err instanceof ExpiredError) {
      this.relist();
      return;
    }
    const gen = this.generation;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(delay * 2, this.cfg.retryMaxMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (gen === this.generation) this.openUpstream();
    }, delay);
    this.retryTimer.unref();
  }

  private async ingest(gen: number, events: readonly KVEvent[]): Promise<void> {
    const decoded = await Promise.all(events.map((ev) => this.decoder.change(ev, ev.revision <= this.revision)));
    if (gen !== this.generation) return;
    events.forEach((ev, i) => this.apply(ev, decoded[i] ?? { value: undefined, prev: undefined }));
    this.retryDelay = this.cfg.retryMinMs;
    this.waiters.check();
  }

  private apply(ev: KVEvent, d: Decoded): void {
    if (ev.revision <= this.upstreamRevision) return;
    if (!this.historyDone && ev.revision > this.historyUntil) this.historyDone = true;
    this.upstreamRevision = ev.revision;
    if (ev.revision <= this.revision) {
      const event = this.decoder.historyEvent(ev, d);
      if (event !== undefined) this.buffer.push(event, storedSize(ev));
      else if (ev.type === 'delete') this.unbuffered = ev.revision;
      return;
    }
    const event = this.decoder.liveEvent(ev, d, this.state);
    this.revision = ev.revision;
    if (event === undefined) return;
    this.buffer.push(event, storedSize(ev));
    this.watchers.dispatch(event);
  }

  private progress(revision: number): void {
    this.progressRequested = false;
    this.retryDelay = this.cfg.retryMinMs;
    if (!this.historyDone && revision >= this.historyUntil) this.historyDone = true;
    if (revision > this.upstreamRevision) this.upstreamRevision = revision;
    if (this.historyDone && revision > this.revision) this.revision = revision;
    this.waiters.check();
    if (this.bookmarkPending) {
      this.bookmarkPending = false;
      this.sendBookmarks();
    }
    // Waits for a revision committed after the answered request was sent need another round.
    if (this.waiters.size > 0) this.requestProgress();
  }

  /** Asks the upstream watch for a progress notification unless one is already on its way. */
  private requestProgress(): void {
    const upstream = this.upstream;
    if (this.progressRequested || upstream?.requestProgress === undefined) return;
    this.progressRequested = true;
    upstream.requestProgress();
  }

  private bookmarkTick(): void {
    if (this.confirmsProgress && this.ready) {
      this.bookmarkPending = true;
      this.requestProgress();
    } else {
      this.sendBookmarks();
    }
  }

  /** A bookmark at the cached revision for `w` now, when it is attached and allows bookmarks. */
  bookmarkNow(w: CacheWatcher): void {
    if (this.ready && this.watchers.bookmarking.has(w)) w.bookmark(this.revision);
  }

  private sendBookmarks(): void {
    if (!this.ready) return;
    for (const w of this.watchers.bookmarking) w.bookmark(this.revision);
  }

  private waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const waiting = this.waiters.wait(done, timeoutMs);
    if (!done()) this.requestProgress();
    return waiting;
  }
}
