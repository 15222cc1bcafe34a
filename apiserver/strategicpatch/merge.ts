/**
 * Applies a strategic merge patch to an object, as kube-apiserver applies one (k8s.io/apimachinery's
 * `strategicpatch`, with parallel lists merged and unmatched nulls ignored). Maps merge key by key and
 * `null` removes; lists are replaced unless the field's strategy is `merge`: lists of objects then merge
 * by the merge key, lists of scalars become the union. Directives: `$patch: replace|delete|merge`,
 * `$setElementOrder/<list>`, `$retainKeys`, `$deleteFromPrimitiveList/<list>`.
 *
 * `original` and `patch` are changed in place; pass copies.
 */
import { errBadArgType, errBadPatchFormatForPrimitiveList, errBadPatchFormatForRetainKeys, errBadPatchFormatForSetElementOrderList, errBadPatchType, errNoListOfLists, errNoMergeKey, goValue, PatchError } from './errors.js';
import { isMap, jsonType, type JsonMap } from './json.js';
import type { PatchMetaLookup } from './meta.js';
import { normalizeOrder, splitDeletes } from './order.js';

const DIRECTIVE = '$patch';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';
const RETAIN_KEYS = '$retainKeys';

/** The field name after a `<prefix>/` directive key. */
function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === DELETE_FROM_PRIMITIVE_LIST ? errBadPatchFormatForPrimitiveList() : errBadPatchFormatForSetElementOrderList();
  }
  return key.slice(slash + 1);
}

/** The strategy other than `retainKeys` among a field's strategies. */
function otherStrategy(strategies: readonly string[]): string {
  if (strategies.length === 0) return '';
  if (strategies.length === 1) return strategies[0] === 'retainKeys' ? '' : (strategies[0] ?? '');
  if (strategies.length === 2 && strategies[0] === 'retainKeys') return strategies[1] ?? '';
  if (strategies.length === 2 && strategies[1] === 'retainKeys') return strategies[0] ?? '';
  throw new PatchError(`unexpected patch strategy: [${strategies.join(' ')}]`);
}

/** Removes directives (maps with `$patch`) from a value; false when the value itself is one. */
function removeDirectives(v: unknown): [unknown, boolean] {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const item of v) {
      const [x, keep] = removeDirectives(item);
      if (keep) out.push(x);
    }
    return [out, true];
  }
  if (!isMap(v)) return [v, true];
  if (Object.hasOwn(v, DIRECTIVE)) return [undefined, false];
  for (const k of Object.keys(v)) {
    const [x, keep] = removeDirectives(v[k]);
    if (keep) v[k] = x;
    else delete v[k];
  }
  return [v, true];
}

function discardNulls(v: unknown): void {
  if (Array.isArray(v)) for (const item of v) discardNulls(item);
  else if (isMap(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else discardNulls(v[k]);
    }
  }
}

/** The element type shared by the lists' items; errors for lists of lists and mixed types. */
function elementType(...lists: readonly unknown[][]): string {
  let type: string | undefined;
  for (const list of lists) {
    for (const item of list) {
      const t = jsonType(item);
      if (type === undefined) {
        if (t === 'slice') throw errNoListOfLists();
        type = t;
      } else if (t !== type) {
        throw new PatchError(`list element types are not identical: ${goValue(lists)}`);
      }
    }
  }
  if (type === undefined) throw new PatchError('no elements in any of the given slices');
  return type;
}

/** The map in `list` whose `key` is `value`, and its index. */
function findByKey(list: readonly unknown[], key: string, value: unknown): { map: JsonMap; index: number } | undefined {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isMap(item)) throw new PatchError(`value for key ${i} is not a map`);
    if (Object.hasOwn(item, key) && item[key] === value) return { map: item, index: i };
  }
  return undefined;
}

/** Items of `merged` that `by` names (by merge key, or by value for scalars), and the others. */
function partition(merged: readonly unknown[], by: readonly unknown[], mergeKey: string): { named: unknown[]; others: unknown[] } {
  const named: unknown[] = [];
  const others: unknown[] = [];
  if (mergeKey === '') {
    const set = new Set(by);
    for (const v of merged) (set.has(v) ? named : others).push(v);
    return { named, others };
  }
  for (const v of merged) {
    if (!isMap(v)) throw errBadArgType('map', v);
    if (!Object.hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (findByKey(by, mergeKey, v[mergeKey]) !== undefined ? named : others).push(v);
  }
  return { named, others };
}

/** Go's in-place deduplication of scalars (a duplicate is replaced by the last item). */
function dedupe(s: unknown[]): unknown[] {
  let last = s.length - 1;
  for (let i = 0; i < last; i++) {
    for (let j = i + 1; j <= last; j++) {
      if (s[i] === s[j]) {
        s[j] = s[last];
        s.length = last;
        last--;
        j--;
      }
    }
  }
  return s;
}

/**
 * A list of the original object as upstream's code holds it: a Go slice whose backing array the caller
 * shares. Removing an item shifts the rest left in place and appending writes into spare capacity, so
 * the caller's view of the original list changes too; upstream orders lists by that changed view. The
 * capacity is what Go's append growth gives a decoded list of that length (the next power of two).
 */
class GoSlice {
  private backing: unknown[];
  private len: number;
  private cap: number;
  private readonly callerBacking: unknown[];
  private readonly callerLen: number;

  constructor(items: readonly unknown[]) {
    this.len = items.length;
    this.cap = items.length === 0 ? 0 : 2 ** Math.ceil(Math.log2(items.length));
    this.backing = [...items];
    this.callerBacking = this.backing;
    this.callerLen = items.length;
  }

  items(): unknown[] {
    return this.backing.slice(0, this.len);
  }

  /** What the caller's slice of the original list shows now. */
  callerView(): unknown[] {
    return this.callerBacking.slice(0, this.callerLen);
  }

  removeAt(i: number): void {
    this.backing.copyWithin(i, i + 1, this.len);
    this.len--;
  }

  set(i: number, v: unknown): void {
    this.backing[i] = v;
  }

  push(v: unknown): void {
    if (this.len >= this.cap) {
      this.backing = this.backing.slice(0, this.len);
      this.cap = Math.max(1, this.cap * 2);
    }
    this.backing[this.len++] = v;
  }
}

/** Handles `$patch` items of a list of maps: deletions by key (in place), `replace`; returns the rest of the patch, or undefined after a replace. */
function specialElements(original: GoSlice, patch: readonly unknown[], mergeKey: string): { rest: unknown[]; replaced: boolean } {
  const rest: unknown[] = [];
  let replaced = false;
  for (const v of patch) {
    const item = v as JsonMap;
    if (!Object.hasOwn(item, DIRECTIVE)) {
      rest.push(v);
      continue;
    }
    const type = item[DIRECTIVE];
    if (type === 'delete') {
      if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      for (let found = findByKey(original.items(), mergeKey, item[mergeKey]); found !== undefined; found = findByKey(original.items(), mergeKey, item[mergeKey])) {
        original.removeAt(found.index);
      }
    } else if (type === 'replace') replaced = true;
    else if (type === 'merge') throw new PatchError('merging lists cannot yet be specified in the patch');
    else throw errBadPatchType(type, item);
  }
  return { rest, replaced };
}

/** A merged list, and the caller's view of its original list afterwards (see {@link GoSlice}). */
interface Merged {
  list: unknown[];
  originalView: readonly unknown[];
}

function mergeSlice(original: unknown[], patch: unknown[], meta: PatchMetaLookup, mergeKey: string, isDeleteList: boolean): Merged {
  if (original.length === 0 && patch.length === 0) return { list: original, originalView: original };
  const type = elementType(original, patch);
  if (type !== 'map') {
    if (isDeleteList) {
      const remove = new Set(patch);
      return { list: original.filter((v) => !remove.has(v)), originalView: original };
    }
    const merged = dedupe([...original, ...patch]);
    const { named, others } = partition(merged, patch, '');
    return { list: normalizeOrder(named, others, patch, original, '', false), originalView: original };
  }
  if (mergeKey === '') throw new PatchError(`cannot merge lists without merge key for ${meta.name}`);
  const slice = new GoSlice(original);
  const { rest, replaced } = specialElements(slice, patch, mergeKey);
  const target = replaced ? new GoSlice(rest) : slice;
  const items = replaced ? [] : rest;
  // Upstream orders by the original list as the deletions left it (appends come after it).
  const serverOrder = replaced ? rest : slice.items();
  for (const v of items) {
    const item = v as JsonMap;
    if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    const found = findByKey(target.items(), mergeKey, item[mergeKey]);
    if (found === undefined) target.push(v);
    else target.set(found.index, mergeMap(found.map, item, meta));
  }
  const merged = target.items();
  const { named, others } = partition(merged, items, mergeKey);
  return { list: normalizeOrder(named, others, items, serverOrder, mergeKey, true), originalView: slice.callerView() };
}

function mergeSliceField(original: unknown, patch: unknown, meta: PatchMetaLookup, strategy: string, mergeKey: string, isDeleteList: boolean): Merged {
  if (!Array.isArray(original)) throw errBadArgType('slice', original);
  if (!Array.isArray(patch)) throw errBadArgType('slice', patch);
  return strategy === 'merge' || isDeleteList ? mergeSlice(original, patch, meta, mergeKey, isDeleteList) : { list: patch, originalView: original };
}

function mergeMapField(original: unknown, patch: unknown, meta: PatchMetaLookup, strategy: string): JsonMap {
  if (!isMap(original)) throw errBadArgType('map', original);
  if (!isMap(patch)) throw errBadArgType('map', patch);
  return strategy === 'replace' ? patch : mergeMap(original, patch, meta);
}

/** `$retainKeys`: keys of `original` not listed go; every key the patch sets must be listed. */
function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw errBadPatchFormatForRetainKeys();
  const keep = new Set(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw errBadPatchFormatForRetainKeys();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (mergeKey === '') return left === right;
  if (!isMap(left)) throw errBadArgType('map', left);
  if (!isMap(right)) throw errBadArgType('map', right);
  if (!Object.hasOwn(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!Object.hasOwn(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/** The patch list's items (deletions aside) must come in the `$setElementOrder` list's order. */
function checkSetOrder(patchList: readonly unknown[], order: readonly unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey === '' ? patchList : splitDeletes(patchList).keep;
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    if (isMap(items[p]) && Object.hasOwn(items[p] as JsonMap, DIRECTIVE)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(items[p], order[o], mergeKey)) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    throw new PatchError(`The order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goValue(order)}\n`);
  }
}

/** Merges each list that has a `$setElementOrder` and puts it in that order (before the other fields). */
function mergeOrderedLists(original: JsonMap, patch: JsonMap, meta: PatchMetaLookup): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw errBadArgType('slice', order);
    const field = extractKey(key, SET_ELEMENT_ORDER);
    const foundOriginal = Object.hasOwn(original, field);
    const foundPatch = Object.hasOwn(patch, field);
    const originalList = foundOriginal ? original[field] : undefined;
    const patchList = foundPatch ? patch[field] : undefined;
    if (foundOriginal && !Array.isArray(originalList)) throw errBadArgType('slice', originalList);
    if (foundPatch && !Array.isArray(patchList)) throw errBadArgType('slice', patchList);
    const origItems = (originalList as unknown[] | undefined) ?? [];
    const patchItems = (patchList as unknown[] | undefined) ?? [];
    const { meta: fieldMeta, inner } = meta.forSlice(field);
    const strategy = otherStrategy(fieldMeta.strategies);
    checkSetOrder(patchItems, order, fieldMeta.mergeKey);
    let merged: Merged;
    if (foundOriginal && !foundPatch) merged = { list: origItems, originalView: origItems };
    else if (!foundOriginal && foundPatch) merged = { list: removeDirectives(patchItems)[0] as unknown[], originalView: origItems };
    else if (foundOriginal && foundPatch) merged = mergeSliceField(originalList, patchList, inner, strategy, fieldMeta.mergeKey, false);
    else continue;
    const { named, others } = partition(merged.list, order, fieldMeta.mergeKey);
    const type = elementType(merged.originalView as unknown[], patchItems);
    original[field] = normalizeOrder(named, others, order, merged.originalView, fieldMeta.mergeKey, type === 'map');
    delete patch[field];
  }
}

/** Sets `original[key]` to the patch value with directives (and, unless `keepNulls`, nulls) removed. */
function takePatchValue(original: JsonMap, key: string, value: unknown): void {
  discardNulls(value);
  const [v, keep] = removeDirectives(value);
  if (keep) original[key] = v;
  else delete original[key];
}

/** Merges `patch` into `original` (a map, or undefined for a new one) along `meta`. */
export function mergeMap(original: JsonMap | undefined, patch: JsonMap, meta: PatchMetaLookup): JsonMap {
  if (Object.hasOwn(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    if (directive === 'replace') {
      delete patch[DIRECTIVE];
      return patch;
    }
    if (directive === 'delete') return {};
    throw errBadPatchType(directive, patch);
  }
  const orig: JsonMap = original ?? {};
  applyRetainKeys(orig, patch);
  mergeOrderedLists(orig, patch, meta);
  for (const rawKey of Object.keys(patch)) {
    const value = patch[rawKey];
    const isDeleteList = rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST);
    const key = isDeleteList ? extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST) : rawKey;
    if (value === null) {
      delete orig[key];
      continue;
    }
    if (!Object.hasOwn(orig, key) || jsonType(orig[key]) !== jsonType(value)) {
      if (!isDeleteList) takePatchValue(orig, key, value);
      continue;
    }
    const type = jsonType(orig[key]);
    if (type === 'map') {
      const { meta: fieldMeta, inner } = meta.forStruct(key);
      orig[key] = mergeMapField(orig[key], value, inner, otherStrategy(fieldMeta.strategies));
    } else if (type === 'slice') {
      const { meta: fieldMeta, inner } = meta.forSlice(key);
      orig[key] = mergeSliceField(orig[key], value, inner, otherStrategy(fieldMeta.strategies), fieldMeta.mergeKey, isDeleteList).list;
    } else {
      const [v, keep] = removeDirectives(value);
      if (keep) orig[key] = v;
      else delete orig[key];
    }
  }
  return orig;
}
