/**
 * What kube-apiserver does with a CustomResourceDefinition's schema for a custom resource, beyond field
 * types and pruning, here driven by the kind's schema: nulls of non-nullable fields are dropped, `default`s are filled where the parent
 * object exists (on every request body, and again after the mutating webhooks), and the value
 * constraints are validated with the texts of kube-openapi's validator (422, paths such as
 * `spec.dns.providers[0].name`, map values as `...maxAllowed.cpu`):
 *
 * - `required`: `<path>: Required value`
 * - `enum`: `<path>: Unsupported value: "x": supported values: "a", "b"`
 * - `pattern`, `minLength`, `minItems`, `minimum`, `maximum`:
 *   `<path>: Invalid value: <v>: <path> in body should match '<re>'` (and the like)
 * - `immutable` (a CEL transition rule `self == oldSelf`): `<path>: Invalid value: "string": <message>`
 *   (1.32 shows the schema type, not the value), on updates where the old object has the field.
 *
 * Updates ratchet as kube-apiserver 1.30+ does: a value equal to the old object's value at the same
 * path (object fields and map entries correlate, list items do not) is not validated again, so an
 * object stored before a constraint existed can still be updated elsewhere.
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldErr, type FieldError } from '../../apimachinery/field.js';
import { isPlainObject } from '../../apimachinery/types.js';
import { QUANTITY_SCHEMAS, resolveRef, type Definitions, type Schema } from '../../openapi/schema.js';

/** The constraints at one field path, as the schema states them. */
export interface CrdRule {
  required?: readonly string[];
  enum?: readonly unknown[];
  pattern?: string;
  minLength?: number;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  /** The message of a `self == oldSelf` rule. */
  immutable?: string;
  /** The schema type the refusal of a CEL rule shows as its value (kube-apiserver 1.32 prints the type). */
  type?: string;
}

/** The constraints of a kind's schema as a tree that follows an object. */
export interface CrdRuleTree {
  rule?: CrdRule;
  pattern?: RegExp;
  props: Map<string, CrdRuleTree>;
  items?: CrdRuleTree;
  values?: CrdRuleTree;
}

/** resource.Quantity's pattern, which CRD generators give every quantity field. */
export const QUANTITY_PATTERN = '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

const IMMUTABLE_RULE = 'self == oldSelf';


/** The constraints stated at one schema node (the reference and what it names). */
function ruleOf(schema: Schema, resolved: Schema): CrdRule | undefined {
  const r: CrdRule = {};
  for (const s of [resolved, schema]) {
    if (s.required !== undefined && s.required.length > 0) r.required = s.required;
    if (s.enum !== undefined) r.enum = s.enum;
    if (s.pattern !== undefined) r.pattern = s.pattern;
    if (s.minLength !== undefined) r.minLength = s.minLength;
    if (s.minItems !== undefined) r.minItems = s.minItems;
    if (s.minimum !== undefined) r.minimum = s.minimum;
    if (s.maximum !== undefined) r.maximum = s.maximum;
    if (s.default !== undefined) r.default = s.default;
    for (const v of s['x-kubernetes-validations'] ?? []) {
      // Only immutability is written as a rule in the schemas served here; anything else is a bug.
      if (v.rule !== IMMUTABLE_RULE) throw new Error(`unsupported validation rule ${JSON.stringify(v.rule)}`);
      r.immutable = v.message ?? `failed rule: ${v.rule}`;
      const type = s.type ?? resolved.type;
      if (type !== undefined) r.type = type;
    }
  }
  if (r.pattern === undefined && QUANTITY_SCHEMAS.has(schema)) r.pattern = QUANTITY_PATTERN;
  return Object.keys(r).length === 0 ? undefined : r;
}

/** The tree below one schema node, or undefined when nothing below it is constrained. */
function treeOf(schema: Schema, definitions: Definitions, depth: number): CrdRuleTree | undefined {
  if (depth > 64) throw new Error('schema nested too deeply for its rules');
  const s = resolveRef(schema, definitions);
  const t: CrdRuleTree = { props: new Map() };
  const rule = ruleOf(schema, s);
  if (rule !== undefined) t.rule = rule;
  if (rule?.pattern !== undefined) t.pattern = new RegExp(rule.pattern, 'u');
  // Sorted once here: errors come in field order, as the checks walk `props`.
  for (const [k, p] of Object.entries(s.properties ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const child = treeOf(p, definitions, depth + 1);
    if (child !== undefined) t.props.set(k, child);
  }
  const items = s.items === undefined ? undefined : treeOf(s.items, definitions, depth + 1);
  if (items !== undefined) t.items = items;
  const values = typeof s.additionalProperties === 'object' ? treeOf(s.additionalProperties, definitions, depth + 1) : undefined;
  if (values !== undefined) t.values = values;
  return t.rule === undefined && t.props.size === 0 && t.items === undefined && t.values === undefined ? undefined : t;
}

/** The constraints of a kind's `spec` and `status`, compiled once per kind. */
export function compileCrdRules(kindSchema: Schema, definitions: Definitions): CrdRuleTree {
  const s = resolveRef(kindSchema, definitions);
  const root: CrdRuleTree = { props: new Map() };
  for (const part of ['spec', 'status']) {
    const schema = s.properties?.[part];
    const t = schema === undefined ? undefined : treeOf(schema, definitions, 0);
    if (t !== undefined) root.props.set(part, t);
  }
  if (s.required !== undefined) root.rule = { required: s.required.filter((k) => k === 'spec' || k === 'status') };
  return root;
}

/** Marks "no correlated old value" (a create, a list item, a field the old object lacks). */
const NONE = Symbol('none');

const join = (path: string, name: string): string => (path === '' ? name : `${path}.${name}`);

function scalarErrors(value: unknown, t: CrdRuleTree, path: string, old: unknown): FieldError[] {
  const r = t.rule;
  if (r === undefined) return [];
  const errs: FieldError[] = [];
  if (typeof value === 'string') {
    if (r.minLength !== undefined && [...value].length < r.minLength) {
      errs.push(fieldErr.invalid(path, value, `${path} in body should be at least ${r.minLength} chars long`));
    }
    if (t.pattern !== undefined && !t.pattern.test(value)) errs.push(fieldErr.invalid(path, value, `${path} in body should match '${r.pattern}'`));
  }
  if (typeof value === 'number') {
    if (r.minimum !== undefined && value < r.minimum) errs.push(fieldErr.invalid(path, value, `${path} in body should be greater than or equal to ${r.minimum}`));
    if (r.maximum !== undefined && value > r.maximum) errs.push(fieldErr.invalid(path, value, `${path} in body should be less than or equal to ${r.maximum}`));
  }
  if (Array.isArray(value) && r.minItems !== undefined && value.length < r.minItems) {
    errs.push(fieldErr.invalid(path, value.length, `${path} in body should have at least ${r.minItems} items`));
  }
  if (r.enum !== undefined && !r.enum.some((e) => isDeepStrictEqual(e, value))) {
    errs.push(fieldErr.notSupported(path, value, r.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))));
  }
  if (r.immutable !== undefined && old !== NONE && !isDeepStrictEqual(value, old)) errs.push(fieldErr.invalid(path, r.type ?? '', r.immutable));
  return errs;
}

function check(value: unknown, t: CrdRuleTree, path: string, old: unknown, errs: FieldError[]): void {
  if (old !== NONE && isDeepStrictEqual(value, old)) return;
  errs.push(...scalarErrors(value, t, path, old));
  if (Array.isArray(value)) {
    if (t.items !== undefined) value.forEach((item, i) => check(item, t.items as CrdRuleTree, `${path}[${i}]`, NONE, errs));
    return;
  }
  if (!isPlainObject(value)) return;
  const oldObj = isPlainObject(old) ? old : undefined;
  const oldOf = (k: string): unknown => (oldObj !== undefined && Object.hasOwn(oldObj, k) ? oldObj[k] : NONE);
  for (const [k, child] of t.props) if (Object.hasOwn(value, k)) check(value[k], child, join(path, k), oldOf(k), errs);
  if (t.values !== undefined) {
    for (const k of Object.keys(value).sort()) if (!t.props.has(k)) check(value[k], t.values, join(path, k), oldOf(k), errs);
  }
  for (const k of t.rule?.required ?? []) if (!Object.hasOwn(value, k)) errs.push(fieldErr.required(join(path, k)));
}

/** The constraint violations of `obj` (a create, or an update against `old`). */
export function validateCrdRules(obj: Record<string, unknown>, tree: CrdRuleTree, old?: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  check(obj, tree, '', old ?? NONE, errs);
  return errs;
}

/** Fills the defaults where the parent object exists and the field is absent or null, top down. */
export function applyCrdDefaults(value: unknown, tree: CrdRuleTree): void {
  if (Array.isArray(value)) {
    if (tree.items !== undefined) for (const item of value) applyCrdDefaults(item, tree.items);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [k, child] of tree.props) {
    const d = child.rule?.default;
    if (d !== undefined && (value[k] === undefined || value[k] === null)) value[k] = structuredClone(d);
  }
  for (const [k, child] of tree.props) if (Object.hasOwn(value, k)) applyCrdDefaults(value[k], child);
  if (tree.values !== undefined) {
    for (const k of Object.keys(value)) if (!tree.props.has(k)) applyCrdDefaults(value[k], tree.values);
  }
}

/**
 * Drops `null` from fields whose schema is not nullable and has no default (those get the default);
 * fields the schema does not describe (inside preserved unknown fields) keep their nulls.
 */
function pruneNulls(value: unknown, schema: Schema, definitions: Definitions, tree: CrdRuleTree | undefined): void {
  const s = resolveRef(schema, definitions);
  if (s['x-kubernetes-preserve-unknown-fields'] === true && s.properties === undefined) return;
  if (Array.isArray(value)) {
    if (s.items !== undefined) for (const item of value) pruneNulls(item, s.items, definitions, tree?.items);
    return;
  }
  if (!isPlainObject(value)) return;
  const additional = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  for (const k of Object.keys(value)) {
    const known = s.properties?.[k] !== undefined;
    const child = s.properties?.[k] ?? additional;
    if (child === undefined) continue;
    const childTree = known ? tree?.props.get(k) : tree?.values;
    if (value[k] === null) {
      if (resolveRef(child, definitions).nullable !== true && childTree?.rule?.default === undefined) delete value[k];
    } else pruneNulls(value[k], child, definitions, childTree);
  }
}

/**
 * A custom resource's request body as kube-apiserver decodes it: non-nullable nulls dropped, then the
 * defaults filled. `spec` and `status` only; metadata is not the schema's.
 */
export function decodeCustomResource(obj: Record<string, unknown>, kindSchema: Schema, definitions: Definitions, tree: CrdRuleTree): void {
  const s = resolveRef(kindSchema, definitions);
  for (const part of ['spec', 'status']) {
    const schema = s.properties?.[part];
    if (schema === undefined) continue;
    if (obj[part] === null && tree.props.get(part)?.rule?.default === undefined) delete obj[part];
    else if (obj[part] !== undefined) pruneNulls(obj[part], schema, definitions, tree.props.get(part));
  }
  applyCrdDefaults(obj, tree);
}
