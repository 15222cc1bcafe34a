/**
 * Path elements of field paths, as in sigs.k8s.io/structured-merge-diff `fieldpath`: a struct field or
 * map key (`f:name`), an associative-list item by its key fields (`k:{"name":"a"}`), a set item by its
 * value (`v:"x"`) and a list index (`i:0`, never produced for atomic lists but accepted when decoding).
 *
 * The serialized form is the FieldsV1 key and also the identity of an element: it is canonical (key
 * fields and nested map keys sorted), so two elements are equal exactly when their keys are.
 */

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One step of a field path. */
export type PathElement =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'key'; readonly fields: readonly (readonly [string, JsonValue])[] }
  | { readonly kind: 'value'; readonly value: JsonValue }
  | { readonly kind: 'index'; readonly index: number };

/** A path from the object root. */
export type Path = readonly PathElement[];

/** Thrown for a FieldsV1 key that is not a path element. */
export class PathElementError extends Error {
  override readonly name = 'PathElementError';
}

/** The element of a struct field or map key. */
export function fieldElement(name: string): PathElement {
  return { kind: 'field', name };
}

/** The element of an associative-list item with the given key fields (sorted here). */
export function keyElement(fields: Iterable<readonly [string, JsonValue]>): PathElement {
  return { kind: 'key', fields: [...fields].sort((a, b) => compareStrings(a[0], b[0])) };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * JSON text the way Go's encoding/json writes it: object keys sorted and `<`, `>`, `&`, U+2028 and
 * U+2029 escaped.
 */
export function goJson(v: unknown): string {
  return JSON.stringify(sortKeys(v)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort(compareStrings)) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** The FieldsV1 key of an element (`f:`, `k:`, `v:` or `i:` followed by the element). */
export function serializeElement(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `f:${pe.name}`;
    case 'key':
      return `k:{${pe.fields.map(([n, v]) => `${goJson(n)}:${goJson(v)}`).join(',')}}`;
    case 'value':
      return `v:${goJson(pe.value)}`;
    case 'index':
      return `i:${pe.index}`;
  }
}

/**
 * Parses a FieldsV1 key. Returns `undefined` for an unknown element type (upstream drops those), and
 * throws {@link PathElementError} for a malformed key.
 */
export function parseElement(s: string): PathElement | undefined {
  if (s.length < 2) throw new PathElementError(`key must be 2 characters long: ${JSON.stringify(s)}`);
  if (s[1] !== ':') throw new PathElementError(`missing colon: ${s}`);
  const body = s.slice(2);
  switch (s[0]) {
    case 'f':
      return fieldElement(body);
    case 'v':
      return { kind: 'value', value: parseJsonValue(body) };
    case 'k': {
      const obj = parseJsonValue(body);
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new PathElementError(`key element is not a JSON object: ${s}`);
      return keyElement(Object.entries(obj));
    }
    case 'i': {
      if (!/^-?\d+$/.test(body)) throw new PathElementError(`invalid index: ${s}`);
      return { kind: 'index', index: Number(body) };
    }
    default:
      return undefined;
  }
}

function parseJsonValue(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e: unknown) {
    throw new PathElementError(e instanceof Error ? e.message : String(e));
  }
}

const ELEMENT_ORDER = { field: 0, key: 1, value: 2, index: 3 } as const;

/** Total order of elements (fields, then keys, then values, then indices), as upstream sorts them. */
export function compareElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return ELEMENT_ORDER[a.kind] - ELEMENT_ORDER[b.kind];
  if (a.kind === 'field' && b.kind === 'field') return compareStrings(a.name, b.name);
  if (a.kind === 'index' && b.kind === 'index') return a.index - b.index;
  if (a.kind === 'value' && b.kind === 'value') return compareValues(a.value, b.value);
  if (a.kind === 'key' && b.kind === 'key') return compareFieldLists(a.fields, b.fields);
  return 0;
}

function compareFieldLists(a: readonly (readonly [string, JsonValue])[], b: readonly (readonly [string, JsonValue])[]): number {
  for (let i = 0; ; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return y === undefined ? 0 : -1;
    if (y === undefined) return 1;
    const c = compareStrings(x[0], y[0]) || compareValues(x[1], y[1]);
    if (c !== 0) return c;
  }
}

function typeRank(v: JsonValue): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v === null) return 5;
  return 4;
}

/** Total order of JSON values: numbers, strings, booleans, lists, maps, null. */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i] ?? null, b[i] ?? null);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (ra === 4) {
    const fa = Object.entries(a as Record<string, JsonValue>).sort((x, y) => compareStrings(x[0], y[0]));
    const fb = Object.entries(b as Record<string, JsonValue>).sort((x, y) => compareStrings(x[0], y[0]));
    return compareFieldLists(fa, fb);
  }
  return 0;
}

/** A value the way upstream's `value.ToString` prints it in paths: strings quoted. */
function valueString(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  return Object.keys(v)
    .sort(compareStrings)
    .map((k) => `${k}=${valueString(v[k] ?? null)}`)
    .join('');
}

/** One element as printed in a path: `.name`, `[name="a"]`, `[="x"]`, `[0]`. */
export function elementString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `.${pe.name}`;
    case 'key':
      return `[${pe.fields.map(([n, v]) => `${n}=${valueString(v)}`).join(',')}]`;
    case 'value':
      return `[=${valueString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

/** A path as upstream prints it in conflicts: `.spec.containers[name="a"].image`. */
export function pathString(path: Path): string {
  return path.map(elementString).join('');
}
