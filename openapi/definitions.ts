/**
 * The definitions of the served documents: every kind (with `apiVersion`/`kind`/`metadata` and its GVK
 * list), a `<Kind>List` per kind, the definitions the kinds reference and the meta definitions.
 */
import {
  API_VERSION_DESCRIPTION,
  KIND_DESCRIPTION,
  LIST_META,
  LIST_METADATA_DESCRIPTION,
  metaDefinitions,
  OBJECT_META,
  OBJECT_METADATA_DESCRIPTION,
} from './meta.js';
import { gvkOf, type GroupVersionKind, type OpenAPIResource } from './resource.js';
import { ref, refName, type Definitions, type Schema } from './schema.js';

type GVKList = NonNullable<Schema['x-kubernetes-group-version-kind']>;

/** The definition name of a resource's list kind. */
export function listDefinitionName(r: Pick<OpenAPIResource, 'definitionName'>): string {
  return `${r.definitionName}List`;
}

function withGVK(schema: Schema, gvk: GroupVersionKind): Schema {
  const list: GVKList = [...(schema['x-kubernetes-group-version-kind'] ?? [])];
  if (!list.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind)) {
    list.push({ group: gvk.group, kind: gvk.kind, version: gvk.version });
  }
  return { ...schema, 'x-kubernetes-group-version-kind': list };
}

/** The kind's definition: its schema plus the type meta fields and the GVK list. */
export function kindDefinition(r: OpenAPIResource): Schema {
  const name = refName(r.schema);
  const base = name === r.definitionName && r.definitions[name] !== undefined ? r.definitions[name] : r.schema;
  const props = base.properties ?? {};
  const properties: Record<string, Schema> = {
    ...(props.apiVersion === undefined ? { apiVersion: { type: 'string', description: API_VERSION_DESCRIPTION } } : {}),
    ...(props.kind === undefined ? { kind: { type: 'string', description: KIND_DESCRIPTION } } : {}),
    ...(props.metadata === undefined ? { metadata: { ...ref(OBJECT_META), description: OBJECT_METADATA_DESCRIPTION } } : {}),
    ...props,
  };
  return withGVK({ type: 'object', ...base, properties }, gvkOf(r));
}

/** The `<Kind>List` definition. */
export function listDefinition(r: OpenAPIResource): Schema {
  return {
    description: `${r.listKind} is a list of ${r.kind} objects.`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string', description: API_VERSION_DESCRIPTION },
      items: { type: 'array', description: `The ${r.resource} in the list.`, items: ref(r.definitionName) },
      kind: { type: 'string', description: KIND_DESCRIPTION },
      metadata: { ...ref(LIST_META), description: LIST_METADATA_DESCRIPTION },
    },
    'x-kubernetes-group-version-kind': [{ group: r.group, kind: r.listKind, version: r.version }],
  };
}

function put(defs: Definitions, name: string, schema: Schema): void {
  const existing = defs[name];
  if (existing !== undefined && existing !== schema && JSON.stringify(existing) !== JSON.stringify(schema)) {
    throw new Error(`openapi: two different schemas are defined as ${JSON.stringify(name)}`);
  }
  defs[name] = schema;
}

/**
 * All definitions of `resources`: meta, referenced, kinds and lists. Throws when two resources define
 * one name differently.
 */
export function collectDefinitions(resources: readonly OpenAPIResource[]): Definitions {
  const defs: Definitions = { ...metaDefinitions };
  for (const r of resources) {
    for (const [name, schema] of Object.entries(r.definitions)) {
      if (name !== r.definitionName) put(defs, name, schema);
    }
  }
  for (const r of resources) {
    defs[r.definitionName] = kindDefinition(r);
    put(defs, listDefinitionName(r), listDefinition(r));
  }
  return defs;
}

/** GVK -> definition name, from the definitions' `x-kubernetes-group-version-kind` lists. */
export function kindIndex(defs: Definitions): (gvk: GroupVersionKind) => string | undefined {
  const index = new Map<string, string>();
  for (const [name, schema] of Object.entries(defs)) {
    for (const g of schema['x-kubernetes-group-version-kind'] ?? []) {
      const key = `${g.group}/${g.version}/${g.kind}`;
      if (!index.has(key)) index.set(key, name);
    }
  }
  return (gvk) => index.get(`${gvk.group}/${gvk.version}/${gvk.kind}`);
}

function collectRefs(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.add(v.replace(/^#\/(definitions|components\/schemas)\//, ''));
      else collectRefs(v, out);
    }
  }
}

/**
 * The definitions reachable from `roots` (names) and from every `$ref` inside `from` (e.g. the paths
 * object). Throws on a `$ref` to a name `defs` lacks.
 */
export function reachableDefinitions(defs: Definitions, roots: Iterable<string>, from: unknown): Definitions {
  const pending = new Set<string>(roots);
  collectRefs(from, pending);
  const out: Definitions = {};
  for (const name of pending) {
    if (out[name] !== undefined) continue;
    const schema = defs[name];
    if (schema === undefined) throw new Error(`openapi: $ref to unknown definition ${JSON.stringify(name)}`);
    out[name] = schema;
    const refs = new Set<string>();
    collectRefs(schema, refs);
    for (const r of refs) pending.add(r);
  }
  return sortKeys(out);
}

/** A copy with keys in sorted order (stable documents, like kube-openapi's). */
export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
