/**
 * A kind's schema resolved into a tree of field nodes (`$ref`s and `allOf`s merged, cycles shared), walked
 * to find and prune unknown fields, to find duplicate keys in the raw JSON, and to name Go-style types in
 * decode errors. Built once per kind.
 *
 * Object semantics, as Kubernetes decodes typed objects:
 * - keys listed in `properties` are struct fields; `additionalProperties: <schema>` makes a map;
 * - `x-kubernetes-preserve-unknown-fields` or `additionalProperties: true` accept any other key;
 * - an object schema with neither `properties` nor `additionalProperties` is free-form (like a Go
 *   `RawExtension`/`interface{}` field) and accepts any key, as does a schema without a type;
 * - `x-kubernetes-embedded-resource` objects also know `apiVersion`, `kind` and `metadata`.
 */
import { normalizeTime } from '../apimachinery/gotime.js';
import type { ArrayNode, ObjectNode, ValueNode } from '@humanwhocodes/momoa';
import { OBJECT_META } from './meta.js';
import { ref, refName, type Definitions, type Schema } from './schema.js';

/** One node of the resolved tree. */
export interface FieldNode {
  shape: 'object' | 'array' | 'scalar' | 'any';
  /** Struct fields of an object. */
  fields: Map<string, FieldNode>;
  /** Struct fields Go always writes (their JSON tag has no `omitempty`: the schema's `required`). */
  required: Set<string>;
  /** Value node of a map (`additionalProperties` schema). */
  values: FieldNode | undefined;
  /** Element node of an array. */
  items: FieldNode | undefined;
  /** Whether an object accepts keys that are neither fields nor map entries. */
  open: boolean;
  /** The schema type (`integer`, `string`, ...) of scalars; `int-or-string` for IntOrString. */
  type: string | undefined;
  format: string | undefined;
  /** The definition this node was resolved from (named struct), if any. */
  definition: string | undefined;
}

/** The node of anything (free-form values). */
export const ANY_NODE: FieldNode = {
  shape: 'any',
  fields: new Map(),
  required: new Set(),
  values: undefined,
  items: undefined,
  open: true,
  type: undefined,
  format: undefined,
  definition: undefined,
};

const STRUCTURAL_KEYS = ['type', 'properties', 'additionalProperties', 'items', 'allOf', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-embedded-resource'] as const;

/** Resolves schemas against one definitions table; nodes of named definitions are memoized. */
export class FieldTreeBuilder {
  private readonly named = new Map<string, FieldNode>();

  constructor(private readonly definitions: Definitions) {}

  /** The node of `schema`. Throws on a `$ref` to a missing definition. */
  node(schema: Schema): FieldNode {
    const name = refName(schema);
    if (name !== undefined && !STRUCTURAL_KEYS.some((k) => schema[k] !== undefined)) return this.namedNode(name);
    const node = emptyNode(name);
    this.fill(node, this.flatten(schema, new Set()));
    return node;
  }

  /** The node of a named definition. */
  namedNode(name: string): FieldNode {
    const existing = this.named.get(name);
    if (existing !== undefined) return existing;
    const def = this.definitions[name];
    if (def === undefined) throw new Error(`openapi: $ref to unknown definition ${JSON.stringify(name)}`);
    const node = emptyNode(name);
    this.named.set(name, node);
    this.fill(node, this.flatten(def, new Set([name])));
    return node;
  }

  /** The schema and everything it pulls in through `$ref` and `allOf`, in order. */
  private flatten(schema: Schema, seen: Set<string>): Schema[] {
    const out: Schema[] = [schema];
    const name = refName(schema);
    if (name !== undefined && !seen.has(name)) {
      const def = this.definitions[name];
      if (def === undefined) throw new Error(`openapi: $ref to unknown definition ${JSON.stringify(name)}`);
      out.push(...this.flatten(def, new Set([...seen, name])));
    }
    for (const part of schema.allOf ?? []) out.push(...this.flatten(part, seen));
    return out;
  }

  private fill(node: FieldNode, parts: Schema[]): void {
    const first = <K extends keyof Schema>(k: K): Schema[K] | undefined => parts.find((p) => p[k] !== undefined)?.[k];
    const type = first('type');
    const properties = parts.filter((p) => p.properties !== undefined);
    const additional = first('additionalProperties');
    const items = first('items');
    const intOrString = parts.some((p) => p['x-kubernetes-int-or-string'] === true);
    const embedded = parts.some((p) => p['x-kubernetes-embedded-resource'] === true);
    node.format = first('format');
    if (intOrString) {
      node.shape = 'scalar';
      node.type = 'int-or-string';
      return;
    }
    if (type === 'array' || (type === undefined && items !== undefined)) {
      node.shape = 'array';
      node.items = items === undefined ? ANY_NODE : this.node(items);
      return;
    }
    if (type !== undefined && type !== 'object') {
      node.shape = 'scalar';
      node.type = type;
      return;
    }
    if (type === undefined && properties.length === 0 && additional === undefined && !embedded) {
      node.shape = 'any';
      node.open = true;
      return;
    }
    node.shape = 'object';
    node.type = 'object';
    for (const p of properties) {
      for (const [key, sub] of Object.entries(p.properties ?? {})) {
        if (!node.fields.has(key)) node.fields.set(key, this.node(sub));
      }
      for (const key of p.required ?? []) node.required.add(key);
    }
    if (typeof additional === 'object') node.values = this.node(additional);
    if (embedded) this.addTypeMeta(node, true);
    const preserve = parts.some((p) => p['x-kubernetes-preserve-unknown-fields'] === true);
    node.open = preserve || additional === true || (properties.length === 0 && additional === undefined && !embedded);
  }

  /** Makes `apiVersion` and `kind` (and `metadata`, when asked) known fields of an object node. */
  addTypeMeta(node: FieldNode, metadata: boolean): void {
    for (const key of ['apiVersion', 'kind']) {
      if (!node.fields.has(key)) node.fields.set(key, { ...emptyNode(undefined), shape: 'scalar', type: 'string' });
    }
    if (metadata && !node.fields.has('metadata') && this.definitions[OBJECT_META] !== undefined) {
      node.fields.set('metadata', this.node(ref(OBJECT_META)));
    }
  }
}

function emptyNode(definition: string | undefined): FieldNode {
  return { shape: 'any', fields: new Map(), required: new Set(), values: undefined, items: undefined, open: false, type: undefined, format: undefined, definition };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `path.key`, or `key` at the root. */
export function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Paths of the fields of `value` the tree does not know (`spec.foo`, `spec.items[0].bar`), in document
 * order. Values whose type does not match the node are not descended into.
 */
export function findUnknownFields(value: unknown, node: FieldNode, path: string, out: string[]): void {
  if (node.shape === 'object' && isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      const child = node.fields.get(key) ?? node.values;
      if (child !== undefined) findUnknownFields(value[key], child, joinPath(path, key), out);
      else if (!node.open) out.push(joinPath(path, key));
    }
  } else if (node.shape === 'array' && Array.isArray(value) && node.items !== undefined) {
    const items = node.items;
    value.forEach((v: unknown, i) => findUnknownFields(v, items, `${path}[${i}]`, out));
  }
}

/**
 * The value Go decodes a JSON null into where it cannot leave the place empty (a list element or a
 * map value): the zero value of the node's type. Undefined where Go keeps a nil that encodes as null
 * again (lists, maps, byte strings, anything).
 */
function goZero(node: FieldNode): unknown {
  if (node.shape === 'object') return node.values === undefined && !node.open ? {} : undefined;
  if (node.shape !== 'scalar') return undefined;
  switch (node.type) {
    case 'string':
      return node.format === 'byte' ? undefined : '';
    case 'integer':
    case 'number':
    case 'int-or-string':
      return 0;
    case 'boolean':
      return false;
    default:
      return undefined;
  }
}

/** Whether the node is a metav1.Time. */
function isTime(node: FieldNode): boolean {
  return node.shape === 'scalar' && node.type === 'string' && node.format === 'date-time';
}

/**
 * What Go's encoding writes for a struct field that was sent as JSON null: nothing (undefined) for an
 * optional field, whose nil pointer, list or map, or zero value `omitempty` leaves out; otherwise the
 * zero value it always writes (`""`, `0`, `false`, `{}`), which is itself null for a nil list, map,
 * byte string or raw document and for a zero time.
 */
function nullFieldValue(node: FieldNode, key: string, child: FieldNode): unknown {
  if (!node.required.has(key)) return undefined;
  if (isTime(child)) return null;
  return goZero(child) ?? null;
}

/**
 * Deletes, in place, every field {@link findUnknownFields} would report, replaces nulls in lists and as
 * map values with what Go decodes them into (`labels: {a: null}` is the label `a: ""`, `finalizers:
 * [null]` the finalizer `""`), and writes times as Go writes them back (UTC, whole seconds), so the
 * object is what a Go server would store. With `goStructs`, a struct field sent as null is what Go
 * writes back for it ({@link nullFieldValue}: `hibernation: null` is left out). Times must have passed
 * the check first.
 */
export function pruneUnknownFields(value: unknown, node: FieldNode, goStructs = false): void {
  if (node.shape === 'object' && isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      const field = node.fields.get(key);
      const child = field ?? node.values;
      if (child === undefined) {
        if (!node.open) delete value[key];
        continue;
      }
      if (value[key] === null) {
        const decoded = field === undefined ? (goZero(child) ?? null) : goStructs ? nullFieldValue(node, key, field) : null;
        if (decoded === undefined) {
          delete value[key];
          continue;
        }
        value[key] = decoded;
      }
      if (isTime(child) && typeof value[key] === 'string') value[key] = normalizeTime(value[key]);
      pruneUnknownFields(value[key], child, goStructs);
    }
  } else if (node.shape === 'array' && Array.isArray(value) && node.items !== undefined) {
    const items = node.items;
    const list = value as unknown[];
    for (let i = 0; i < list.length; i++) {
      if (list[i] === null) list[i] = goZero(items) ?? null;
      const item = list[i];
      if (isTime(items) && typeof item === 'string') list[i] = normalizeTime(item);
      pruneUnknownFields(list[i], items, goStructs);
    }
  }
}

/**
 * Paths of repeated keys in a parsed JSON document (`metadata.name`), one per repetition, in document
 * order. Like Kubernetes' strict decoder, subtrees of unknown fields are not looked into.
 */
export function findDuplicateFields(ast: ValueNode, node: FieldNode, path: string, out: string[]): void {
  if (ast.type === 'Object') duplicatesInObject(ast, node, path, out);
  else if (ast.type === 'Array') duplicatesInArray(ast, node, path, out);
}

function duplicatesInObject(ast: ObjectNode, node: FieldNode, path: string, out: string[]): void {
  if (node.shape !== 'object' && node.shape !== 'any') return;
  const seen = new Set<string>();
  for (const member of ast.members) {
    const key = member.name.type === 'String' ? member.name.value : member.name.name;
    const p = joinPath(path, key);
    if (seen.has(key)) out.push(p);
    else seen.add(key);
    const child = memberNode(node, key);
    if (child !== undefined) findDuplicateFields(member.value, child, p, out);
  }
}

function duplicatesInArray(ast: ArrayNode, node: FieldNode, path: string, out: string[]): void {
  if (node.shape !== 'array' && node.shape !== 'any') return;
  const items = itemNode(node);
  ast.elements.forEach((el, i) => findDuplicateFields(el.value, items, `${path}[${i}]`, out));
}

/** A number written with a fraction or an exponent where an integer field is: its path segments and its text. */
export interface IntegerLiteral {
  /** Keys and indices (as strings) from the root to the number. */
  segments: string[];
  /** The number as written (`600.0`, `1e3`). */
  text: string;
}

/**
 * Numbers in a parsed JSON document (`text` is its source) that integer fields hold but that are not
 * written as integers, which Go's decoder refuses even when their value is whole (`600.0`, `1e3`);
 * in document order. Subtrees of unknown fields are not looked into.
 */
export function findIntegerLiterals(ast: ValueNode, node: FieldNode, text: string, segments: string[], out: IntegerLiteral[]): void {
  if (ast.type === 'Number') {
    const literal = text.slice(ast.loc.start.offset, ast.loc.end.offset);
    if ((isIntegerField(node) || node.type === 'int-or-string') && /[.eE]/.test(literal)) out.push({ segments, text: literal });
  } else if (ast.type === 'Object' && (node.shape === 'object' || node.shape === 'any')) {
    for (const member of ast.members) {
      const key = member.name.type === 'String' ? member.name.value : member.name.name;
      const child = memberNode(node, key);
      if (child !== undefined) findIntegerLiterals(member.value, child, text, [...segments, key], out);
    }
  } else if (ast.type === 'Array' && (node.shape === 'array' || node.shape === 'any')) {
    const items = itemNode(node);
    ast.elements.forEach((el, i) => findIntegerLiterals(el.value, items, text, [...segments, String(i)], out));
  }
}

/** Whether `node` is an integer field (Go decodes it into an int type). */
export function isIntegerField(node: FieldNode | undefined): boolean {
  return node !== undefined && node.shape === 'scalar' && node.type === 'integer';
}

/** The node of member `key` of an object node (undefined for an unknown field). */
function memberNode(node: FieldNode, key: string): FieldNode | undefined {
  if (node.shape === 'any') return ANY_NODE;
  if (node.shape !== 'object') return undefined;
  return node.fields.get(key) ?? node.values ?? (node.open ? ANY_NODE : undefined);
}

/** The node of the items of an array node. */
function itemNode(node: FieldNode): FieldNode {
  return node.shape === 'array' ? (node.items ?? ANY_NODE) : ANY_NODE;
}

/** The node at `segments` (keys and indices) below `root`; undefined inside unknown fields. */
export function fieldAt(root: FieldNode, segments: readonly string[]): FieldNode | undefined {
  let node: FieldNode | undefined = root;
  for (const seg of segments) {
    if (node === undefined) return undefined;
    node = node.shape === 'array' ? itemNode(node) : memberNode(node, seg);
  }
  return node;
}
