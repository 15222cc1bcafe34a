/**
 * The order of merged lists. Items named by the patch (or by its `$setElementOrder`) come in the
 * patch's order; items only the server had keep their place relative to those, by their order in the
 * live object. Upstream sorts with Go's `sort.SliceStable` and a comparison that is not a strict weak
 * order (an item the order list does not name sorts before anything), so the result depends on that
 * sort's exact steps: {@link stableSort} takes the same steps (insertion sort on blocks of 20, then
 * SymMerge of neighbouring blocks).
 */
import { errBadArgType, errNoMergeKey } from './errors.js';
import { isMap } from './json.js';

type Less = (a: unknown, b: unknown) => boolean;

function insertionSort(xs: unknown[], less: Less, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) {
    for (let j = i; j > a && less(xs[j], xs[j - 1]); j--) [xs[j], xs[j - 1]] = [xs[j - 1], xs[j]];
  }
}

function swapRange(xs: unknown[], a: number, b: number, n: number): void {
  for (let i = 0; i < n; i++) [xs[a + i], xs[b + i]] = [xs[b + i], xs[a + i]];
}

/** Rotates xs[a..m) and xs[m..b) by block swaps. */
function rotate(xs: unknown[], a: number, m: number, b: number): void {
  let i = m - a;
  let j = b - m;
  while (i !== j) {
    if (i > j) {
      swapRange(xs, m - i, m, j);
      i -= j;
    } else {
      swapRange(xs, m - i, m + j - i, i);
      j -= i;
    }
  }
  swapRange(xs, m - i, m, i);
}

/** Merges the sorted runs xs[a..m) and xs[m..b) in place (SymMerge, Kim & Kutzner). */
function symMerge(xs: unknown[], less: Less, a: number, m: number, b: number): void {
  if (m - a === 1) {
    let i = m;
    let j = b;
    while (i < j) {
      const h = (i + j) >>> 1;
      if (less(xs[h], xs[a])) i = h + 1;
      else j = h;
    }
    for (let k = a; k < i - 1; k++) [xs[k], xs[k + 1]] = [xs[k + 1], xs[k]];
    return;
  }
  if (b - m === 1) {
    let i = a;
    let j = m;
    while (i < j) {
      const h = (i + j) >>> 1;
      if (!less(xs[m], xs[h])) i = h + 1;
      else j = h;
    }
    for (let k = m; k > i; k--) [xs[k], xs[k - 1]] = [xs[k - 1], xs[k]];
    return;
  }
  const mid = (a + b) >>> 1;
  const n = mid + m;
  let start = m > mid ? n - b : a;
  let r = m > mid ? mid : m;
  const p = n - 1;
  while (start < r) {
    const c = (start + r) >>> 1;
    if (!less(xs[p - c], xs[c])) start = c + 1;
    else r = c;
  }
  const end = n - start;
  if (start < m && m < end) rotate(xs, start, m, end);
  if (a < start && start < mid) symMerge(xs, less, a, start, mid);
  if (mid < end && end < b) symMerge(xs, less, mid, end, b);
}

/** Sorts `xs` in place, taking exactly the steps of Go's `sort.SliceStable`. */
export function stableSort(xs: unknown[], less: Less): void {
  const n = xs.length;
  let block = 20;
  let a = 0;
  for (let b = block; b <= n; b += block) {
    insertionSort(xs, less, a, b);
    a = b;
  }
  insertionSort(xs, less, a, n);
  for (; block < n; block *= 2) {
    a = 0;
    let b = 2 * block;
    for (; b <= n; b += 2 * block) {
      symMerge(xs, less, a, a + block, b);
      a = b;
    }
    if (a + block < n) symMerge(xs, less, a, a + block, n);
  }
}

/** The value an item is identified by: its merge key's value for maps, itself for scalars. */
function identity(item: unknown, mergeKey: string, maps: boolean): unknown {
  if (!maps) return item;
  return isMap(item) ? item[mergeKey] : undefined;
}

/** Position of `item` in `list` by identity; -1 when absent. */
export function indexOf(list: readonly unknown[], item: unknown, mergeKey: string, maps: boolean): number {
  const id = identity(item, mergeKey, maps);
  for (let i = 0; i < list.length; i++) if (identity(list[i], mergeKey, maps) === id) return i;
  return -1;
}

/** Items of a list of maps without and with `$patch: delete`. */
export function splitDeletes(list: readonly unknown[]): { keep: unknown[]; remove: unknown[] } {
  const keep: unknown[] = [];
  const remove: unknown[] = [];
  for (const v of list) {
    if (!isMap(v)) throw errBadArgType('map', v);
    (v.$patch === 'delete' ? remove : keep).push(v);
  }
  return { keep, remove };
}

/** Every item of the lists has the merge key. */
export function requireMergeKey(mergeKey: string, ...lists: readonly unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isMap(item)) throw errBadArgType('map', item);
      if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

/** `toSort` sorted by the positions its items have in `order` (deletions last, for maps). */
function sortByOrder(toSort: unknown[], order: readonly unknown[], mergeKey: string, maps: boolean): unknown[] {
  let items = toSort;
  let deletes: unknown[] = [];
  if (maps) {
    requireMergeKey(mergeKey, toSort, order as unknown[]);
    ({ keep: items, remove: deletes } = splitDeletes(toSort));
  }
  stableSort(items, (x, y) => {
    const i = indexOf(order, x, mergeKey, maps);
    if (i < 0) return true;
    const j = indexOf(order, y, mergeKey, maps);
    return j < 0 ? true : i < j;
  });
  return [...items, ...deletes];
}

/**
 * Interleaves server-only items into the patch items: each keeps its relative order, and a server
 * item goes before the first patch item that comes after it in the live list.
 */
function mergeSorted(left: unknown[], right: unknown[], serverOrder: readonly unknown[], mergeKey: string, maps: boolean): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexOf(serverOrder, left[i], mergeKey, maps);
      const ri = indexOf(serverOrder, right[j], mergeKey, maps);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** The final order of a merged list: patch items by `patchOrder`, server-only items woven in by `serverOrder`. */
export function normalizeOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string,
  maps: boolean,
): unknown[] {
  const patch = sortByOrder(patchItems, patchOrder, mergeKey, maps);
  const server = sortByOrder(serverOnly, serverOrder, mergeKey, maps);
  return mergeSorted(server, patch, serverOrder, mergeKey, maps);
}
