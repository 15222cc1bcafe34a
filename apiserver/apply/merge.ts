/**
 * Merging an applied configuration into a live object and removing owned items from a value
 * (sigs.k8s.io/structured-merge-diff `TypedValue.Merge` and `RemoveItems`).
 *
 * Merge: struct fields and map entries are merged key by key, associative list items by their
 * element, and everything else (scalars, atomic lists and maps) is taken from the configuration.
 */
import { isPlainObject } from '../../apimachinery/types.js';
import type { FieldSet } from './fieldset.js';
import { fieldElement, type PathElement } from './pathelement.js';
import type { TypeNode } from './schema.js';
import { fieldType, indexItems, isLeaf, own, resolveType, type IndexedItem } from './typed.js';

type JsonObject = Record<string, unknown>;

/** `lhs` with `rhs` merged in (rhs wins on leaves); `undefined` when both are absent. */
export function mergeValues(lhs: unknown, rhs: unknown, t: TypeNode): unknown {
  const r = resolveType(t, lhs, rhs);
  if (isLeaf(r, lhs, rhs)) return rhs !== undefined ? structuredClone(rhs) : structuredClone(lhs);
  if (r.kind === 'map') {
    const lm: JsonObject = isPlainObject(lhs) ? lhs : {};
    const rm: JsonObject = isPlainObject(rhs) ? rhs : {};
    const out: JsonObject = {};
    for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)])) {
      const v = mergeValues(own(lm, k), own(rm, k), fieldType(r, k));
      if (v !== undefined) out[k] = v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (r.kind === 'list') {
    const out = mergeListItems(indexItems(r, Array.isArray(lhs) ? lhs : []), indexItems(r, Array.isArray(rhs) ? rhs : []), r.element);
    return out.length > 0 ? out : undefined;
  }
  return rhs ?? lhs;
}

const DUPLICATE = Symbol('duplicate');

function observe(items: readonly IndexedItem[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const item of items) out.set(item.key, out.has(item.key) ? DUPLICATE : item.value);
  return out;
}

function present(observed: Map<string, unknown>, key: string): unknown {
  const v = observed.get(key);
  return v === DUPLICATE ? undefined : v;
}

/**
 * Merges associative list items, keeping the live order and placing new items where the applied order
 * puts them (upstream's `visitListItems` of the merging walker).
 */
function mergeListItems(lhs: readonly IndexedItem[], rhs: readonly IndexedItem[], element: TypeNode): unknown[] {
  const observedL = observe(lhs);
  const observedR = observe(rhs);
  const shared = rhs.filter((i) => observedL.has(i.key)).map((i) => i.key);
  let next = shared.shift();
  const merged = new Set<string>();
  const out: unknown[] = [];
  const emit = (v: unknown) => {
    if (v !== undefined) out.push(v);
  };
  let li = 0;
  let ri = 0;
  while (li < lhs.length || ri < rhs.length) {
    const l = lhs[li];
    const r = rhs[ri];
    if (l !== undefined && r !== undefined) {
      if (l.key === r.key) {
        merged.add(l.key);
        emit(mergeValues(present(observedL, l.key), present(observedR, l.key), element));
        li++;
        ri++;
        next = shared.shift();
        continue;
      }
      if (observedR.has(l.key) && next !== undefined && next !== l.key) {
        li++;
        continue;
      }
    }
    if (l !== undefined) {
      if (!observedR.has(l.key)) {
        emit(mergeValues(l.value, undefined, element));
        li++;
        continue;
      }
      if (merged.has(l.key)) {
        li++;
        continue;
      }
    }
    if (r !== undefined) {
      merged.add(r.key);
      emit(mergeValues(present(observedL, r.key), present(observedR, r.key), element));
      ri++;
      if (next === r.key) next = shared.shift();
    }
  }
  return out;
}

/**
 * `value` without the members of `toRemove` (and everything under them). Maps and lists left empty by
 * a removal become absent (`undefined`), so their parent drops them.
 */
export function removeItems(value: unknown, toRemove: FieldSet, t: TypeNode): unknown {
  const r = resolveType(t, value);
  if (r.kind === 'scalar') return value;
  if (r.kind === 'list') {
    if (!Array.isArray(value) || value.length === 0 || r.relationship === 'atomic') return undefined;
    const out: unknown[] = [];
    for (const item of indexItems(r, value)) {
      if (toRemove.hasMember(item.pe)) continue;
      const sub = toRemove.withPrefix(item.pe);
      const v = sub.empty() ? item.value : removeItems(item.value, sub, r.element);
      if (v !== undefined) out.push(v);
    }
    return out.length > 0 ? out : undefined;
  }
  if (!isPlainObject(value) || Object.keys(value).length === 0 || r.atomic) return undefined;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const pe: PathElement = fieldElement(k);
    if (toRemove.hasMember(pe)) continue;
    const sub = toRemove.withPrefix(pe);
    const kept = sub.empty() ? v : removeItems(v, sub, fieldType(r, k));
    if (kept !== undefined) out[k] = kept;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Drops struct fields and map entries whose value is null, as decoding into typed objects does (an
 * applied `field: null` only claims the field).
 */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isPlainObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v);
  return out;
}
