/**
 * The list+watch loop behind the server's in-memory caches of its own objects (client CAs, Projects),
 * after client-go's reflector: list, then watch from the list's resourceVersion, and list again whenever
 * the watch ends or fails, with a doubling back-off on failures. The cache itself only says what to do
 * with a full list and with each change.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import type { WatchEvent } from '../../storage/interface.js';

/** A list result: the items alone, or a list object with its resourceVersion. */
export type CacheListResult = KubeObject[] | { items: KubeObject[]; metadata?: { resourceVersion?: string } };

/** A running watch: iterate for events; `stop()` ends it. */
export type CacheWatch = AsyncIterable<WatchEvent> & { stop(): void };

/** Where a cache reads its objects from, e.g. a ResourceStore's list and watch. */
export interface ReflectorSource {
  list(): Promise<CacheListResult>;
  /** Changes after `resourceVersion` (`''` when the list had none: the current state as ADDED first). */
  watch(resourceVersion: string): CacheWatch;
}

/** What the cache does with what the reflector reads. */
export interface ReflectorHandler {
  /**
   * The complete current state (after each list) and the list's resourceVersion. A cache that takes
   * long over a large list may do it in slices and return a promise; the watch starts after it.
   */
  replace(items: readonly KubeObject[], resourceVersion: string): void | Promise<void>;
  /** One ADDED, MODIFIED or DELETED event. */
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void;
}

/** Options of {@link Reflector}. */
export interface ReflectorOptions {
  /** Retry delays after failures: doubling from `initialMs` up to `maxMs` (defaults 100 ms, 10 s). */
  backoff?: { initialMs: number; maxMs: number };
  /** Told about list/watch failures (the reflector retries on its own). */
  onError?: (err: Error) => void;
}

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** The larger of two resourceVersions (numeric ones compared as numbers). */
export function newerVersion(a: string, b: string): string {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) >= BigInt(b) ? a : b;
  return a === '' ? b : a;
}

/** Keeps a {@link ReflectorHandler} current from a {@link ReflectorSource}. */
export class Reflector {
  private resourceVersion = '';
  private synced = false;
  private stopped = false;
  private started = false;
  private current: CacheWatch | undefined;
  private wake: (() => void) | undefined;
  private readonly syncWaiters: (() => void)[] = [];
  private readonly backoff: { initialMs: number; maxMs: number };

  constructor(
    private readonly source: ReflectorSource,
    private readonly handler: ReflectorHandler,
    private readonly opts: ReflectorOptions = {},
  ) {
    this.backoff = opts.backoff ?? { initialMs: 100, maxMs: 10_000 };
  }

  /** Starts the list+watch loop (idempotent); resolves after the initial list. */
  start(): Promise<void> {
    if (!this.started) {
      this.started = true;
      void this.run();
    }
    return this.ready();
  }

  /** Resolves once the first list has been applied. */
  ready(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Whether the first list has been applied. */
  get hasSynced(): boolean {
    return this.synced;
  }

  /** Waits for the first list at most `timeoutMs`; rejects with `timeoutError()` after that. */
  async waitForSync(timeoutMs: number, timeoutError: () => Error): Promise<void> {
    if (this.synced) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timeoutError()), timeoutMs);
    });
    try {
      await Promise.race([this.ready(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the loop and the running watch. */
  stop(): void {
    this.stopped = true;
    this.current?.stop();
    this.wake?.();
  }

  private async run(): Promise<void> {
    let delay = this.backoff.initialMs;
    while (!this.stopped) {
      const started = Date.now();
      try {
        await this.relist();
        await this.consume(this.source.watch(this.resourceVersion));
        if (Date.now() - started >= 1000) delay = this.backoff.initialMs;
        else await this.sleep(delay);
      } catch (e: unknown) {
        if (this.stopped) return;
        this.opts.onError?.(toError(e));
        await this.sleep(delay);
        delay = Math.min(delay * 2, this.backoff.maxMs);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async relist(): Promise<void> {
    const result = await this.source.list();
    const items = Array.isArray(result) ? result : result.items;
    let rv = Array.isArray(result) ? '' : (result.metadata?.resourceVersion ?? '');
    if (Array.isArray(result)) for (const obj of items) rv = newerVersion(rv, obj.metadata.resourceVersion ?? '');
    if (this.stopped) return;
    await this.handler.replace(items, rv);
    if (this.stopped) return;
    this.resourceVersion = rv;
    if (!this.synced) {
      this.synced = true;
      this.syncWaiters.splice(0).forEach((f) => f());
    }
  }

  private async consume(watch: CacheWatch): Promise<void> {
    this.current = watch;
    try {
      for await (const event of watch) {
        if (this.stopped) return;
        this.dispatch(event);
      }
    } finally {
      watch.stop();
      this.current = undefined;
    }
  }

  private dispatch(event: WatchEvent): void {
    const obj = event.object;
    if (event.type === 'ERROR') {
      const status = obj as unknown as { message?: string; code?: number };
      throw new Error(`watch failed: ${status.message ?? 'unknown error'}${status.code !== undefined ? ` (${status.code})` : ''}`);
    }
    const rv = obj.metadata.resourceVersion ?? '';
    if (rv !== '') this.resourceVersion = rv;
    if (event.type === 'BOOKMARK') return;
    this.handler.apply(event.type, obj);
  }
}
