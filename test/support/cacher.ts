/**
 * Test support for the watch cache: a {@link KVBackend} wrapper that counts calls, can break every
 * running watch (as a lost connection does), can hold back watch events (as a slow watch stream
 * does) and can hide progress requests (as a backend without them behaves).
 */
import { UnreachableError } from '../../storage/errors.js';
import { ForwardingBackend } from './storage/forwarding-backend.js';
import { createCachedStorage } from '../../storage/cacher/cacher.js';
import type { StoreWrapper } from './conformance/suite.js';
import { TEMPLATE } from './conformance/util.js';
import type { KVBackend, KVEvent, KVWatch, KVWatchHandlers, RangeOptions, RangeResult } from '../../storage/interface.js';
import { identityTransformer } from '../../storage/transformer.js';

/**
 * A conformance {@link StoreWrapper} putting each store under test behind a watch cache on the test's
 * root (on `wrapBackend(backend)` when given); `onStop` receives each cache's stop function.
 */
export function cacheWrapper(onStop: (stop: () => void) => void, wrapBackend: (b: KVBackend) => KVBackend = (b) => b): StoreWrapper {
  return (store, { backend, root, options }) => {
    const storage = createCachedStorage(store, wrapBackend(backend), {
      prefix: root,
      transformer: options.transformer ?? identityTransformer,
      objectTemplate: options.objectTemplate ?? TEMPLATE,
      tooLargeWaitMs: options.tooLargeWaitMs ?? 200,
      ...(options.bookmarkIntervalMs !== undefined && { bookmarkIntervalMs: options.bookmarkIntervalMs }),
    });
    onStop(() => storage.stop());
    return storage;
  };
}

interface RunningWatch {
  inner: KVWatch | undefined;
  handlers: KVWatchHandlers;
  dead: boolean;
}

/** Options of {@link InstrumentedBackend}. */
export interface InstrumentedOptions {
  /** Hide `requestProgress` from the watch handles (default false). */
  noProgress?: boolean;
}

/** Delegates to `inner`, counting `watch`, `range` and `get` calls. */
export class InstrumentedBackend extends ForwardingBackend {
  watchCalls = 0;
  rangeCalls = 0;
  getCalls = 0;
  modRevisionCalls = 0;
  private readonly running = new Set<RunningWatch>();
  /** Deliveries held back by {@link holdEvents}, in order. */
  private held: Array<() => void> | undefined;

  constructor(
    inner: KVBackend,
    private readonly opts: InstrumentedOptions = {},
  ) {
    super(inner);
  }

  /** Watches currently open. */
  get openWatches(): number {
    return this.running.size;
  }

  override get(key: string, revision?: number): ReturnType<KVBackend['get']> {
    this.getCalls++;
    return this.inner.get(key, revision);
  }

  override modRevision(key: string): ReturnType<KVBackend['modRevision']> {
    this.modRevisionCalls++;
    return this.inner.modRevision(key);
  }

  /** Runs `delivery` now, or after the events held before it. */
  private deliver(delivery: () => void): void {
    if (this.held === undefined) delivery();
    else this.held.push(delivery);
  }

  /** Holds back the events and progress notifications of every watch until {@link releaseEvents}. */
  holdEvents(): void {
    this.held ??= [];
  }

  /** Delivers the held events in order and stops holding. */
  releaseEvents(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const deliver of held) deliver();
  }

  /** Ranges to fail (storage unreachable) before the next one goes through. */
  failRanges = 0;

  override range(start: string, end: string, opts?: RangeOptions): Promise<RangeResult> {
    this.rangeCalls++;
    if (this.failRanges > 0) {
      this.failRanges--;
      return Promise.reject(new UnreachableError('storage is unreachable (injected)', start));
    }
    return this.inner.range(start, end, opts);
  }

  override watch(prefix: string, afterRevision: number, handlers: KVWatchHandlers): KVWatch {
    this.watchCalls++;
    const w: RunningWatch = { inner: undefined, handlers, dead: false };
    this.running.add(w);
    w.inner = this.inner.watch(prefix, afterRevision, {
      onEvents: (events: KVEvent[]) => this.deliver(() => !w.dead && handlers.onEvents(events)),
      onError: (err: Error) => {
        if (w.dead) return;
        this.end(w);
        handlers.onError(err);
      },
      onProgress: (revision: number) => this.deliver(() => !w.dead && handlers.onProgress?.(revision)),
    });
    const handle: KVWatch = { cancel: () => this.end(w) };
    const inner = w.inner;
    if (this.opts.noProgress !== true && inner.requestProgress !== undefined) handle.requestProgress = () => inner.requestProgress?.();
    return handle;
  }

  /** Ends every running watch with `err` (asynchronously, as a failing connection would). */
  breakWatches(err: Error): void {
    for (const w of [...this.running]) {
      this.end(w);
      setImmediate(() => w.handlers.onError(err));
    }
  }

  private end(w: RunningWatch): void {
    if (w.dead) return;
    w.dead = true;
    w.inner?.cancel();
    this.running.delete(w);
  }
}
