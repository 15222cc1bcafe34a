/**
 * A small bounded cache with per-entry time-to-live, plus coalescing of concurrent identical lookups;
 * used for TokenReview and SubjectAccessReview results.
 */

interface Entry<V> {
  value: V;
  expires: number;
}

/** Bounded map whose entries expire; the oldest entry is evicted when full. */
export class TTLCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #inflight = new Map<string, Promise<V>>();

  constructor(
    private readonly maxEntries = 4096,
    private readonly now: () => number = Date.now,
  ) {}

  /** The live value for `key`, or undefined. */
  get(key: string): V | undefined {
    const e = this.#entries.get(key);
    if (e === undefined) return undefined;
    if (this.now() >= e.expires) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Stores `value` for `ttlMs` (a TTL <= 0 stores nothing). */
  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.#entries.delete(key);
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, expires: this.now() + ttlMs });
  }

  /** Number of entries held (expired ones included until looked up). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The cached value, or the result of `load()`, shared by concurrent callers with the same key.
   * `ttl(value)` says how long to keep a loaded value; a rejected load is not cached.
   */
  async getOrLoad(key: string, load: () => Promise<V>, ttl: (value: V) => number): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const pending = this.#inflight.get(key);
    if (pending !== undefined) return pending;
    const p = load().then((value) => {
      this.set(key, value, ttl(value));
      return value;
    });
    this.#inflight.set(key, p);
    try {
      return await p;
    } finally {
      this.#inflight.delete(key);
    }
  }
}
