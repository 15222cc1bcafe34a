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

/** A key and its entry, as the sorted array holds them (and scans hand them out, unchanged). */
type Slot = readonly [string, CacheEntry];

/**
 * Key-ordered map of the cached objects: a Map for lookups by key, and every key with its entry in one
 * array sorted by key, so that a range of keys (a namespace, the whole resource) is found by two
 * binary searches. Watchers that start with the current state (watch-list informers, watches without a
 * resourceVersion) copy that range in one pass; with 100,000 objects it takes about two milliseconds,
 * where visiting every key through the Map held the event loop for thirty. An insert moves the array's
 * tail once, as a sorted key list alone would.
 */
export class CacheState {
  private readonly entries = new Map<string, CacheEntry>();
  /** `[key, entry]` of every key of `entries`, sorted with {@link compareKeysFast}. */
  private slots: Slot[] = [];
  /** Entries whose value could not be decoded. */
  private errors = 0;
  /** The last range snapshot, until the state changes: watchers that start together share it. */
  private lastSnapshot: { prefix: string; entries: readonly CacheEntry[] } | undefined;

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
    this.lastSnapshot = undefined;
    const old = this.entries.get(key);
    const i = this.lowerBound(key);
    if (old === undefined) {
      this.slots.splice(i, 0, [key, entry]);
    } else {
      if (old.error !== undefined) this.errors--;
      this.slots[i] = [key, entry];
    }
    if (entry.error !== undefined) this.errors++;
    this.entries.set(key, entry);
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (old === undefined) return;
    this.lastSnapshot = undefined;
    if (old.error !== undefined) this.errors--;
    this.entries.delete(key);
    const i = this.lowerBound(key);
    if (this.slots[i]?.[0] === key) this.slots.splice(i, 1);
  }

  /** Replaces the whole state (after a list); `list` is usually already in key order. */
  replace(list: ReadonlyArray<readonly [string, CacheEntry]>): void {
    this.lastSnapshot = undefined;
    this.entries.clear();
    this.errors = 0;
    for (const [key, entry] of list) {
      const old = this.entries.get(key);
      if (old?.error !== undefined) this.errors--;
      if (entry.error !== undefined) this.errors++;
      this.entries.set(key, entry);
    }
    const slots: Slot[] = [];
    for (const [key, entry] of this.entries) slots.push([key, entry]);
    let sorted = true;
    for (let i = 1; i < slots.length && sorted; i++) sorted = compareKeysFast((slots[i - 1] as Slot)[0], (slots[i] as Slot)[0]) < 0;
    if (!sorted) slots.sort((a, b) => compareKeysFast(a[0], b[0]));
    this.slots = slots;
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

  /**
   * The entries `scan` yields, collected now: later changes to the state do not reach the array. A
   * range snapshot is shared with the next callers until the state changes (a burst of watchers
   * starting at one revision copies 100,000 entries once, not once each).
   */
  snapshot(prefix: string, singleKey?: string): readonly CacheEntry[] {
    if (singleKey !== undefined) {
      const entry = this.entries.get(singleKey);
      return entry === undefined ? [] : [entry];
    }
    if (this.lastSnapshot?.prefix === prefix) return this.lastSnapshot.entries;
    const start = this.lowerBound(prefix);
    const out = new Array<CacheEntry>(Math.max(0, this.endOf(prefix) - start));
    for (let i = 0; i < out.length; i++) out[i] = (this.slots[start + i] as Slot)[1];
    this.lastSnapshot = { prefix, entries: out };
    return out;
  }

  /** The entries of the keys starting with `prefix` that are not less than `start`, in key order. */
  *scanFrom(start: string, prefix: string): Generator<readonly [string, CacheEntry]> {
    const end = this.endOf(prefix);
    for (let i = Math.max(this.lowerBound(start), this.lowerBound(prefix)); i < end; i++) yield this.slots[i] as Slot;
  }

  /** Number of keys starting with `prefix` that are greater than `after`. */
  countAfter(after: string, prefix: string): number {
    const from = this.lowerBound(singleKeyEnd(after));
    return Math.max(0, this.endOf(prefix) - from);
  }

  /** Index just past the last key starting with `prefix`. */
  private endOf(prefix: string): number {
    return prefix === '' ? this.slots.length : this.lowerBound(prefixEnd(prefix));
  }

  /** Index of the first key not less than `key`. */
  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeysFast((this.slots[mid] as Slot)[0], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
