/**
 * A kind's OpenAPI schema resolved into the structural types server-side apply needs (like upstream's
 * kube-openapi `schemaconv` turning OpenAPI into a structured-merge-diff schema):
 *
 * - objects with `properties` are structs (named fields), `additionalProperties` makes them maps;
 *   `x-kubernetes-map-type: atomic` makes either atomic (owned and replaced as a whole);
 * - arrays are atomic unless `x-kubernetes-list-type` says `set` (items by value) or `map` (items by
 *   `x-kubernetes-list-map-keys`); without a list type, `x-kubernetes-patch-strategy: merge` with a
 *   `x-kubernetes-patch-merge-key` makes an associative list keyed by the merge key, as upstream does;
 * - free-form values (`x-kubernetes-preserve-unknown-fields`, `additionalProperties: true`, schemas
 *   without a type) are "deduced" from the value: maps are granular, lists atomic, the rest scalars;
 * - int-or-string and every other type are scalars.
 */
import { metaDefinitions, OBJECT_META } from '../../openapi/meta.js';
import { ref, refName, type Definitions, type Schema } from '../../openapi/schema.js';

/** A scalar, or anything handled as one value. */
export interface ScalarType {
  readonly kind: 'scalar';
}

/** A list: atomic, or associative by `keys` (a map list) or by value (a set, no keys). */
export interface ListType {
  readonly kind: 'list';
  readonly relationship: 'atomic' | 'associative';
  readonly keys: readonly string[];
  readonly element: TypeNode;
}

/** A struct and/or map: named `fields`, and `element` for other keys (undefined: no other keys). */
export interface MapType {
  readonly kind: 'map';
  readonly atomic: boolean;
  readonly fields: ReadonlyMap<string, TypeNode>;
  readonly element: TypeNode | undefined;
}

/** A free-form value whose shape is deduced from the value itself. */
export interface DeducedType {
  readonly kind: 'deduced';
}

export type TypeNode = ScalarType | ListType | MapType | DeducedType;

export const SCALAR: ScalarType = { kind: 'scalar' };
export const DEDUCED: DeducedType = { kind: 'deduced' };
/** What a deduced map is: granular, every key a deduced value. */
export const DEDUCED_MAP: MapType = { kind: 'map', atomic: false, fields: new Map(), element: DEDUCED };
/** What a deduced list is: atomic. */
export const DEDUCED_LIST: ListType = { kind: 'list', relationship: 'atomic', keys: [], element: DEDUCED };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Keys that make a `$ref` site differ from the plain definition (the site then gets its own node). */
const SITE_KEYS = [
  'type',
  'properties',
  'additionalProperties',
  'items',
  'allOf',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-patch-merge-key',
] as const;

/** Resolves schemas against one definitions table; named definitions are memoized (recursion-safe). */
export class TypeResolver {
  private readonly named = new Map<string, TypeNode>();
  private readonly building = new Set<string>();

  constructor(private readonly definitions: Definitions) {}

  /** The type of `schema`. Throws on a `$ref` to a missing definition. */
  node(schema: Schema): TypeNode {
    const name = refName(schema);
    if (name !== undefined && !SITE_KEYS.some((k) => schema[k] !== undefined)) return this.namedNode(name);
    return this.build(this.flatten(schema, new Set()), undefined);
  }

  private namedNode(name: string): TypeNode {
    const existing = this.named.get(name);
    if (existing !== undefined) return existing;
    const parts = this.flatten(ref(name), new Set());
    if (!isObjectLike(parts)) {
      // A non-object definition that reaches itself (through items) is treated as free-form there.
      if (this.building.has(name)) return DEDUCED;
      this.building.add(name);
      try {
        return this.build(parts, undefined);
      } finally {
        this.building.delete(name);
      }
    }
    // Objects may refer to themselves: register the node before filling its fields.
    const node: Mutable<MapType> = { kind: 'map', atomic: false, fields: new Map(), element: undefined };
    this.named.set(name, node);
    this.build(parts, node);
    return node;
  }

  /** The schema and everything it pulls in through `$ref` and `allOf`, in order. */
  private flatten(schema: Schema, seen: Set<string>): Schema[] {
    const out: Schema[] = [schema];
    const name = refName(schema);
    if (name !== undefined && !seen.has(name)) {
      const def = this.definitions[name];
      if (def === undefined) throw new Error(`apply: $ref to unknown definition ${JSON.stringify(name)}`);
      out.push(...this.flatten(def, new Set([...seen, name])));
    }
    for (const part of schema.allOf ?? []) out.push(...this.flatten(part, seen));
    return out;
  }

  private build(parts: Schema[], into: Mutable<MapType> | undefined): TypeNode {
    const first = <K extends keyof Schema>(k: K): Schema[K] | undefined => parts.find((p) => p[k] !== undefined)?.[k];
    if (parts.some((p) => p['x-kubernetes-int-or-string'] === true)) return SCALAR;
    const type = first('type');
    const items = first('items');
    if (type === 'array' || (type === undefined && items !== undefined)) return this.list(parts, items);
    if (type !== undefined && type !== 'object') return SCALAR;
    if (!isObjectLike(parts)) return DEDUCED;
    const node = into ?? { kind: 'map', atomic: false, fields: new Map<string, TypeNode>(), element: undefined };
    this.fillObject(node, parts);
    return node;
  }

  private list(parts: Schema[], items: Schema | undefined): ListType {
    const first = <K extends keyof Schema>(k: K): Schema[K] | undefined => parts.find((p) => p[k] !== undefined)?.[k];
    const element = items === undefined ? DEDUCED : this.node(items);
    const listType = first('x-kubernetes-list-type');
    if (listType === 'set') return { kind: 'list', relationship: 'associative', keys: [], element };
    if (listType === 'map') return { kind: 'list', relationship: 'associative', keys: first('x-kubernetes-list-map-keys') ?? [], element };
    if (listType === undefined) {
      const strategy = first('x-kubernetes-patch-strategy') ?? '';
      const mergeKey = first('x-kubernetes-patch-merge-key');
      if (strategy.split(',').includes('merge') && mergeKey !== undefined) {
        return { kind: 'list', relationship: 'associative', keys: [mergeKey], element };
      }
    }
    return { kind: 'list', relationship: 'atomic', keys: [], element };
  }

  private fillObject(node: Mutable<MapType>, parts: Schema[]): void {
    const fields = node.fields as Map<string, TypeNode>;
    for (const p of parts) {
      for (const [key, sub] of Object.entries(p.properties ?? {})) {
        if (!fields.has(key)) fields.set(key, this.node(sub));
      }
    }
    const additional = parts.find((p) => p.additionalProperties !== undefined)?.additionalProperties;
    const preserve = parts.some((p) => p['x-kubernetes-preserve-unknown-fields'] === true);
    if (typeof additional === 'object') node.element = this.node(additional);
    else if (additional === true || preserve || fields.size === 0) node.element = DEDUCED;
    if (parts.some((p) => p['x-kubernetes-embedded-resource'] === true)) this.addTypeMeta(node, true);
    node.atomic = parts.some((p) => p['x-kubernetes-map-type'] === 'atomic');
  }

  /** Makes `apiVersion`, `kind` (and `metadata`) named fields of an object type. */
  addTypeMeta(node: MapType, metadata: boolean): void {
    const fields = node.fields as Map<string, TypeNode>;
    for (const key of ['apiVersion', 'kind']) if (!fields.has(key)) fields.set(key, SCALAR);
    if (metadata && !fields.has('metadata') && this.definitions[OBJECT_META] !== undefined) {
      fields.set('metadata', this.node(ref(OBJECT_META)));
    }
  }
}

function isObjectLike(parts: Schema[]): boolean {
  const typed = parts.find((p) => p.type !== undefined)?.type;
  if (typed !== undefined) return typed === 'object';
  if (parts.some((p) => p.items !== undefined || p['x-kubernetes-int-or-string'] === true)) return false;
  return parts.some((p) => p.properties !== undefined || p.additionalProperties !== undefined || p['x-kubernetes-embedded-resource'] === true);
}

/** The schema of a kind: its schema plus the definitions it references. */
export interface KindSchema {
  readonly schema: Schema;
  readonly definitions: Definitions;
}

const cache = new WeakMap<KindSchema, MapType>();

/**
 * The root type of a kind (memoized per descriptor object): its schema with the meta definitions merged
 * in, and `apiVersion`, `kind` and `metadata` always known fields.
 */
export function kindType(kind: KindSchema): MapType {
  const hit = cache.get(kind);
  if (hit !== undefined) return hit;
  const resolver = new TypeResolver({ ...metaDefinitions, ...kind.definitions });
  const root = resolver.node(kind.schema);
  const map: MapType = root.kind === 'map' ? root : { kind: 'map', atomic: false, fields: new Map(), element: DEDUCED };
  resolver.addTypeMeta(map, true);
  cache.set(kind, map);
  return map;
}
