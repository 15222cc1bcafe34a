/**
 * Pages of a list served by the watch cache, with the object store's paging rules: at most `limit`
 * selected items, a continue token after the last examined key when more keys follow, and
 * `remainingItemCount` when nothing is filtered.
 *
 * A page is read either at the cache's current revision or at an older revision X whose later changes
 * are all in the event buffer (the pages after the first are pinned to the first page's revision). The
 * state at X is the current state with every key changed after X put back to what it held before its
 * first change after X: an {@link Overlay} built from the buffered events.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { encodeContinue } from '../continue.js';
import type { ListResult, SelectionPredicate } from '../interface.js';
import { singleKeyEnd } from '../keys.js';
import type { CacheEvent } from './event.js';
import { compareKeysFast, type CacheEntry, type CacheState } from './state.js';

/** The keys whose value at an older revision differs from the current state: key -> entry then (undefined: absent). */
export type Overlay = ReadonlyMap<string, CacheEntry | undefined>;

/** What one page covers. */
export interface PageRequest {
  /** The list's key prefix (continue tokens are relative to it). */
  prefix: string;
  /** List only this key (a `metadata.name` field selector). */
  singleKey?: string | undefined;
  /** First key to examine: the prefix, or the position of a continue token. */
  start: string;
  /** Most items on the page; 0 for all. */
  limit: number;
  predicate?: SelectionPredicate | undefined;
}

/**
 * The overlay that turns the state after `events` (every change after X in scope, oldest first) back
 * into the state at X: the first change of each key tells what it held before.
 */
export function overlayOf(events: readonly CacheEvent[], prefix: string): Map<string, CacheEntry | undefined> {
  const overlay = new Map<string, CacheEntry | undefined>();
  for (const event of events) {
    if (event.key.startsWith(prefix) && !overlay.has(event.key)) overlay.set(event.key, event.before);
  }
  return overlay;
}

/** The page of `req` read from `state` seen through `overlay`, as of `revision`. */
export function readPage(state: CacheState, overlay: Overlay, req: PageRequest, revision: number): ListResult {
  const items: KubeObject[] = [];
  const filtering = req.predicate !== undefined && !req.predicate.empty;
  let lastKey: string | undefined;
  let more = false;
  for (const [key, entry] of entriesAt(state, overlay, req)) {
    if (req.limit > 0 && items.length >= req.limit) {
      more = true;
      break;
    }
    lastKey = key;
    if (entry.obj === undefined) throw entry.error;
    if (!filtering || req.predicate?.matches(entry.obj) === true) items.push(entry.obj);
  }
  const result: ListResult = { items, resourceVersion: String(revision) };
  if (more && lastKey !== undefined) {
    result.continue = encodeContinue(singleKeyEnd(lastKey), req.prefix, revision);
    if (!filtering) result.remainingItemCount = countAfter(state, overlay, lastKey, req.prefix);
  }
  return result;
}

/** The entries in scope from `req.start` on, in key order, as of the overlay's revision. */
function* entriesAt(state: CacheState, overlay: Overlay, req: PageRequest): Generator<readonly [string, CacheEntry]> {
  if (req.singleKey !== undefined) {
    const key = req.singleKey;
    const entry = overlay.has(key) ? overlay.get(key) : state.get(key);
    if (entry !== undefined && compareKeysFast(key, req.start) >= 0) yield [key, entry];
    return;
  }
  const changed = [...overlay.keys()].filter((k) => k.startsWith(req.prefix) && compareKeysFast(k, req.start) >= 0).sort(compareKeysFast);
  let next = 0;
  for (const [key, entry] of state.scanFrom(req.start, req.prefix)) {
    // Keys that existed at the revision but are gone now come from the overlay alone.
    for (; next < changed.length && compareKeysFast(changed[next] ?? '', key) < 0; next++) yield* overlayEntry(overlay, changed[next] ?? '');
    if (next < changed.length && changed[next] === key) {
      next++;
      yield* overlayEntry(overlay, key);
    } else {
      yield [key, entry];
    }
  }
  for (; next < changed.length; next++) yield* overlayEntry(overlay, changed[next] ?? '');
}

function* overlayEntry(overlay: Overlay, key: string): Generator<readonly [string, CacheEntry]> {
  const entry = overlay.get(key);
  if (entry !== undefined) yield [key, entry];
}

/** Keys in scope after `lastKey` as of the overlay's revision. */
function countAfter(state: CacheState, overlay: Overlay, lastKey: string, prefix: string): number {
  let count = state.countAfter(lastKey, prefix);
  for (const [key, then] of overlay) {
    if (!key.startsWith(prefix) || compareKeysFast(key, lastKey) <= 0) continue;
    const now = state.get(key) !== undefined;
    if (then !== undefined && !now) count++;
    if (then === undefined && now) count--;
  }
  return count;
}
