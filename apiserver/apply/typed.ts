/**
 * Walks over JSON values typed by a {@link TypeNode} (sigs.k8s.io/structured-merge-diff `typed`):
 * the field set a value sets, the comparison of two values, and the field-set schema helpers.
 *
 * Values are plain JSON; `undefined` stands for "absent". Values that do not have the shape their type
 * says (which validation normally rules out) are handled as single leaf values.
 */
import { isDeepStrictEqual } from 'node:util';
import { isPlainObject } from '../../apimachinery/types.js';
import { FieldSet } from './fieldset.js';
import { fieldElement, keyElement, pathString, serializeElement, type JsonValue, type Path, type PathElement } from './pathelement.js';
import { DEDUCED, DEDUCED_LIST, DEDUCED_MAP, SCALAR, type ListType, type MapType, type ScalarType, type TypeNode } from './schema.js';

/** A type with deduced values resolved. */
export type ResolvedType = ScalarType | ListType | MapType;

type JsonObject = Record<string, unknown>;

/** Resolves a deduced type from the (present, non-null) values it describes. */
export function resolveType(t: TypeNode, ...values: unknown[]): ResolvedType {
  if (t.kind !== 'deduced') return t;
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.length > 0 && present.every(isPlainObject)) return DEDUCED_MAP;
  if (present.length > 0 && present.every(Array.isArray)) return DEDUCED_LIST;
  return SCALAR;
}

/** The type of key `key` of a map type (unknown keys are free-form). */
export function fieldType(t: MapType, key: string): TypeNode {
  return t.fields.get(key) ?? t.element ?? DEDUCED;
}

/** The element of a list item (index for atomic lists), or the reason there is none. */
export function listItemElement(t: ListType, item: unknown, index: number): PathElement | string {
  if (t.relationship === 'atomic') return { kind: 'index', index };
  if (t.keys.length > 0) {
    if (item === null || item === undefined) return 'associative list with keys may not have a null element';
    if (!isPlainObject(item)) return 'associative list with keys may not have non-map elements';
    const fields: [string, JsonValue][] = [];
    for (const k of t.keys) {
      if (!Object.hasOwn(item, k)) return `associative list with keys has an element that omits key field ${JSON.stringify(k)}`;
      fields.push([k, item[k] as JsonValue]);
    }
    return keyElement(fields);
  }
  if (isPlainObject(item)) return "associative list without keys has an element that's a map type";
  if (Array.isArray(item)) return 'not supported: associative list with lists as elements';
  if (item === null || item === undefined) return "associative list without keys has an element that's an explicit null";
  return { kind: 'value', value: item as JsonValue };
}

/** An item of a list with its element. */
export interface IndexedItem {
  readonly pe: PathElement;
  readonly key: string;
  readonly value: unknown;
}

/** The items of a list that have an element; `onError` hears about the others and about duplicates. */
export function indexItems(t: ListType, list: readonly unknown[], onError?: (message: string) => void): IndexedItem[] {
  const out: IndexedItem[] = [];
  const seen = new Set<string>();
  list.forEach((value, i) => {
    const pe = listItemElement(t, value, i);
    if (typeof pe === 'string') {
      onError?.(`element ${i}: ${pe}`);
      return;
    }
    const key = serializeElement(pe);
    if (seen.has(key)) onError?.(`duplicate entries for key ${pathString([pe])}`);
    seen.add(key);
    out.push({ pe, key, value });
  });
  return out;
}

/** Problems of an applied configuration, as `<path>: <message>` (upstream's typed-value errors). */
export type ValueErrors = string[];

/**
 * The fields `value` sets (upstream's `ToFieldSet`): scalars, atomic lists and maps, list items, map
 * entries of non-struct maps, and empty or null struct fields. With `errors`, list items without an
 * element and duplicate items are reported (the applied configuration must not have any).
 */
export function toFieldSet(value: unknown, t: TypeNode, errors?: ValueErrors): FieldSet {
  const out = new FieldSet();
  walkSet(value, t, [], out, errors);
  return out;
}

function walkSet(v: unknown, t: TypeNode, path: Path, out: FieldSet, errors: ValueErrors | undefined): void {
  const r = resolveType(t, v);
  if (r.kind === 'scalar') {
    out.insert(path);
  } else if (r.kind === 'list') {
    if (r.relationship === 'atomic' || (!Array.isArray(v) && v !== null)) out.insert(path);
    else if (Array.isArray(v)) walkListSet(v, r, path, out, errors);
  } else if (r.atomic || (!isPlainObject(v) && v !== null)) {
    out.insert(path);
  } else if (isPlainObject(v)) {
    for (const [k, child] of Object.entries(v)) {
      const childPath = [...path, fieldElement(k)];
      walkSet(child, fieldType(r, k), childPath, out, errors);
      if (child === null || (isPlainObject(child) && Object.keys(child).length === 0) || !r.fields.has(k)) out.insert(childPath);
    }
  }
}

function walkListSet(list: unknown[], t: ListType, path: Path, out: FieldSet, errors: ValueErrors | undefined): void {
  const onError = errors === undefined ? undefined : (m: string) => errors.push(path.length === 0 ? m : `${pathString(path)}: ${m}`);
  for (const item of indexItems(t, list, onError)) {
    const childPath = [...path, item.pe];
    walkSet(item.value, t.element, childPath, out, errors);
    out.insert(childPath);
  }
}

/**
 * Fields `value` sets that its type does not declare, as upstream's typed conversion of an applied
 * configuration reports them: `.spec.bar: field not declared in schema`. Upstream stops reading a
 * struct at the first such key it meets in Go's (random) map order; here that is the value's order.
 */
export function undeclaredFields(value: unknown, t: TypeNode): string[] {
  const out: string[] = [];
  walkDeclared(value, t, [], out);
  return out;
}

function walkDeclared(v: unknown, t: TypeNode, path: Path, out: string[]): void {
  const r = resolveType(t, v);
  if (r.kind === 'list' && Array.isArray(v)) {
    v.forEach((item, i) => {
      const pe = listItemElement(r, item, i);
      if (typeof pe !== 'string') walkDeclared(item, r.element, [...path, pe], out);
    });
  } else if (r.kind === 'map' && isPlainObject(v)) {
    for (const [k, child] of Object.entries(v)) {
      const childPath = [...path, fieldElement(k)];
      if (!r.fields.has(k) && r.element === undefined) {
        out.push(`${pathString(childPath)}: field not declared in schema`);
        return;
      }
      walkDeclared(child, fieldType(r, k), childPath, out);
    }
  }
}

/** What changed between two values (upstream's `Comparison`). */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * Compares `lhs` (old) with `rhs` (new): leaves (scalars, atomic values, empty or null maps and lists)
 * that appear, change or disappear, plus map entries and list items that appear or disappear.
 */
export function compareValues(lhs: unknown, rhs: unknown, t: TypeNode): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(lhs, rhs, t, [], c);
  return c;
}

/** Whether a node of type `r` is handled as one leaf value for these two values. */
export function isLeaf(r: ResolvedType, l: unknown, rv: unknown): boolean {
  if (r.kind === 'scalar') return true;
  if (r.kind === 'list') {
    if (r.relationship === 'atomic') return true;
    const bad = (v: unknown) => v !== undefined && v !== null && !Array.isArray(v);
    if (bad(l) || bad(rv)) return true;
    const empty = (v: unknown) => !Array.isArray(v) || v.length === 0;
    return empty(l) && empty(rv);
  }
  if (r.atomic) return true;
  const bad = (v: unknown) => v !== undefined && v !== null && !isPlainObject(v);
  if (bad(l) || bad(rv)) return true;
  const empty = (v: unknown) => !isPlainObject(v) || Object.keys(v).length === 0;
  return empty(l) && empty(rv);
}

function walkCompare(l: unknown, rv: unknown, t: TypeNode, path: Path, c: Comparison): void {
  const r = resolveType(t, l, rv);
  if (isLeaf(r, l, rv)) {
    if (l === undefined) c.added.insert(path);
    else if (rv === undefined) c.removed.insert(path);
    else if (!isDeepStrictEqual(l, rv)) c.modified.insert(path);
    return;
  }
  if (r.kind === 'map') {
    const lm: JsonObject = isPlainObject(l) ? l : {};
    const rm: JsonObject = isPlainObject(rv) ? rv : {};
    for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)])) {
      walkCompare(own(lm, k), own(rm, k), fieldType(r, k), [...path, fieldElement(k)], c);
    }
  } else if (r.kind === 'list') {
    const li = firstByKey(indexItems(r, Array.isArray(l) ? l : []));
    const ri = firstByKey(indexItems(r, Array.isArray(rv) ? rv : []));
    const elements = new Map<string, PathElement>();
    for (const [key, item] of [...li, ...ri]) if (!elements.has(key)) elements.set(key, item.pe);
    for (const [key, pe] of elements) walkCompare(li.get(key)?.value, ri.get(key)?.value, r.element, [...path, pe], c);
  }
  if (l === undefined) c.added.insert(path);
  else if (rv === undefined) c.removed.insert(path);
}

/** The value of an own key, `undefined` when absent. */
export function own(obj: JsonObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Items by element key, first occurrence winning. */
export function firstByKey(items: readonly IndexedItem[]): Map<string, IndexedItem> {
  const out = new Map<string, IndexedItem>();
  for (const item of items) if (!out.has(item.key)) out.set(item.key, item);
  return out;
}

/**
 * `set` plus, at every level, the struct fields it has children under (upstream's
 * `EnsureNamedFieldsAreMembers`): so removing the set's members removes whole struct fields.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, t: TypeNode): FieldSet {
  const out = new FieldSet();
  for (const pe of set.memberElements()) out.insert([pe]);
  for (const { pe, set: sub } of set.childElements()) {
    let childType: TypeNode = DEDUCED;
    if (t.kind === 'map' && pe.kind === 'field') {
      childType = fieldType(t, pe.name);
      if (t.fields.has(pe.name)) out.insert([pe]);
    } else if (t.kind === 'list' && pe.kind !== 'field') {
      childType = t.element;
    }
    for (const p of ensureNamedFieldsAreMembers(sub, childType).paths()) out.insert([pe, ...p]);
  }
  return out;
}
