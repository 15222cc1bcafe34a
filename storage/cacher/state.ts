/**
 * The current state of a watch cache: every key of the resource with its decoded object (or the error
 * that made it unreadable), kept in key order so that lists and initial watch events come out in the
 * order the object store uses (UTF-8 byte order of the keys, etcd's order).
 *
 * Cached objects are shared by every list and watch served from the cache, so they are deep-frozen:
 * a consumer that tries to modify one fails loudly instead of corrupting what other clients see.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { prefixEnd, singleKeyEnd } from '../keys.js';

/** One cached key: its object, or the error that prevented decoding (decryption) of its value. */
export type CacheEntry = { readonly obj: KubeObject; readonly error?: undefined } | { readonly obj?: undefined; readonly error: Error };

/** Maps a UTF-16 code unit so that code-unit order equals code-point (and so UTF-8 byte) order. */
function fixup(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/** A code unit from which UTF-16 order and UTF-8 byte order may disagree (surrogates and above). */
const HIGH_UNIT = /[\ud800-\uffff]/;

/**
 * Compares two keys in UTF-8 byte order without encoding them (same result as `compareKeys` in
 * `keys.ts`, which allocates buffers). When either key has no {@link HIGH_UNIT} code unit (object
 * names are ASCII), native string order is that order: at the first difference the unit below U+D800
 * orders the same in both, so one native compare answers.
 */
export function compareKeysFast(a: string, b: string): number {
  if (!HIGH_UNIT.test(a) || !HIGH_UNIT.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixup(x) - fixup(y);
  }
  return a.length - b.length;
}

/** Freezes `value` and everything reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}

/** A frozen shallow copy of `obj` whose `metadata.resourceVersion` is `revision`. */
export function withRevision(obj: KubeObject, revision: number): KubeObject {
  const metadata = Object.freeze({ ...obj.metadata, resourceVersion: String(revision) });
  return Object.freeze({ ...obj, metadata });
}

/**
 * Key-ordered map of the cached objects: a Map for lookups by key, and the keys with their entries in
 * two aligned sorted arrays, so that a range of keys (a namespace, the whole resource) is found by two
 * binary searches and copied in one slice. Watchers that start with the current state (watch-list
 * informers, watches without a resourceVersion) take that copy; with 100,000 objects it is a fraction
 * of a millisecond, where visiting every key one by one held the event loop for tens.
 */
export class CacheState {
  private readonly entries = new Map<string, CacheEntry>();
  /** The keys of `entries`, sorted with {@link compareKeysFast}. */
  private keys: string[] = [];
  /** `values[i]` is the entry of `keys[i]`. */
  private values: CacheEntry[] = [];
  /** Entries whose value could not be decoded. */
  private errors = 0;

  /** Number of cached keys. */
  get size(): number {
    return this.entries.size;
  }

  /** Number of cached keys whose value could not be decoded. */
  get unreadable(): number {
    return this.errors;
  }

  get(key: string): CacheEntry | undefined {
    return this.entries.get(key);
  }

  /** Stores `entry` under `key` (insertion keeps the key order). */
  set(key: string, entry: CacheEntry): void {
    const old = this.entries.get(key);
    const i = this.lowerBound(key);
    if (old === undefined) {
      this.keys.splice(i, 0, key);
      this.values.splice(i, 0, entry);
    } else {
      if (old.error !== undefined) this.errors--;
      this.values[i] = entry;
    }
    if (entry.error !== undefined) this.errors++;
    this.entries.set(key, entry);
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (old === undefined) return;
    if (old.error !== undefined) this.errors--;
    this.entries.delete(key);
    const i = this.lowerBound(key);
    if (this.keys[i] === key) {
      this.keys.splice(i, 1);
      this.values.splice(i, 1);
    }
  }

  /** Replaces the whole state (after a list); `list` is usually already in key order. */
  replace(list: ReadonlyArray<readonly [string, CacheEntry]>): void {
    this.entries.clear();
    this.errors = 0;
    for (const [key, entry] of list) {
      const old = this.entries.get(key);
      if (old?.error !== undefined) this.errors--;
      if (entry.error !== undefined) this.errors++;
      this.entries.set(key, entry);
    }
    const keys = [...this.entries.keys()];
    let sorted = true;
    for (let i = 1; i < keys.length && sorted; i++) sorted = compareKeysFast(keys[i - 1] ?? '', keys[i] ?? '') < 0;
    if (!sorted) keys.sort(compareKeysFast);
    this.keys = keys;
    this.values = keys.map((k) => this.entries.get(k) as CacheEntry);
  }

  /** The entries of `singleKey` (when given) or of every key starting with `prefix`, in key order. */
  *scan(prefix: string, singleKey?: string): Generator<readonly [string, CacheEntry]> {
    if (singleKey !== undefined) {
      const entry = this.entries.get(singleKey);
      if (entry !== undefined) yield [singleKey, entry];
      return;
    }
    yield* this.scanFrom(prefix, prefix);
  }

  /** The entries `scan` yields, collected now: later changes to the state do not reach the array. */
  snapshot(prefix: string, singleKey?: string): CacheEntry[] {
    if (singleKey !== undefined) {
      const entry = this.entries.get(singleKey);
      return entry === undefined ? [] : [entry];
    }
    return this.values.slice(this.lowerBound(prefix), this.endOf(prefix));
  }

  /** The entries of the keys starting with `prefix` that are not less than `start`, in key order. */
  *scanFrom(start: string, prefix: string): Generator<readonly [string, CacheEntry]> {
    const end = this.endOf(prefix);
    for (let i = Math.max(this.lowerBound(start), this.lowerBound(prefix)); i < end; i++) {
      yield [this.keys[i] as string, this.values[i] as CacheEntry];
    }
  }

  /** Number of keys starting with `prefix` that are greater than `after`. */
  countAfter(after: string, prefix: string): number {
    const from = this.lowerBound(singleKeyEnd(after));
    return Math.max(0, this.endOf(prefix) - from);
  }

  /** Index just past the last key starting with `prefix`. */
  private endOf(prefix: string): number {
    return prefix === '' ? this.keys.length : this.lowerBound(prefixEnd(prefix));
  }

  /** Index of the first key not less than `key`. */
  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeysFast(this.keys[mid] ?? '', key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
