/**
 * OpenAPI 3.0 documents (`/openapi/v3`): one per group/version, with schemas under
 * `#/components/schemas/`, request and response bodies per media type, and the index that lists each
 * group/version document with the hash of its current content.
 *
 * `kubectl explain` needs, per kind, an operation under the kind's paths carrying its
 * `x-kubernetes-group-version-kind` and a `components.schemas` entry whose GVK list holds it; both come
 * from {@link resourcePaths} and the kind definitions. The PATCH request bodies list no strategic merge
 * patch, so `kubectl apply` falls back to merge patch.
 */
import { collectDefinitions, kindIndex, listDefinitionName, reachableDefinitions } from './definitions.js';
import { resourcePaths, type HttpMethod, type OperationSpec, type PathSpec } from './operations.js';
import type { ParamSpec } from './parameters.js';
import { DEFAULT_INFO, groupVersionPath, type GroupVersion, type OpenAPIInfo, type OpenAPIResource } from './resource.js';
import type { Schema } from './schema.js';
import { gvkObject } from './v2.js';

/** An OpenAPI 3.0 parameter. */
export interface V3Parameter {
  name: string;
  in: 'query' | 'path';
  description: string;
  required?: boolean;
  schema: { type: string; uniqueItems?: boolean };
}

type Content = Record<string, { schema: Schema }>;

/** An OpenAPI 3.0 operation with the Kubernetes extensions. */
export interface V3Operation {
  tags: string[];
  description: string;
  operationId: string;
  parameters?: V3Parameter[];
  requestBody?: { content: Content; required?: boolean };
  responses: Record<string, { description: string; content?: Content }>;
  'x-kubernetes-action': string;
  'x-kubernetes-group-version-kind': { group: string; kind: string; version: string };
}

/** An OpenAPI 3.0 path item. */
export type V3PathItem = { parameters?: V3Parameter[] } & Partial<Record<HttpMethod, V3Operation>>;

/** The OpenAPI 3.0 document of one group/version. */
export interface V3Document {
  openapi: '3.0.0';
  info: OpenAPIInfo;
  paths: Record<string, V3PathItem>;
  components: {
    schemas: Record<string, Schema>;
    securitySchemes: Record<string, { type: 'apiKey'; description: string; name: string; in: 'header' }>;
  };
  security: Record<string, string[]>[];
}

/** The `/openapi/v3` index. Keys are `apis/<g>/<v>` without a leading slash. */
export interface V3Index {
  paths: Record<string, { serverRelativeURL: string }>;
}

const COMPONENTS = '#/components/schemas/';

/** `#/components/schemas/<name>`. */
export function componentRef(name: string): Schema {
  return { $ref: `${COMPONENTS}${name}` };
}

/**
 * Rewrites a schema for OpenAPI 3.0: `$ref`s point into components, and a `$ref` with sibling keywords
 * (e.g. a description) becomes `allOf: [{$ref}]` plus the siblings, as kube-openapi does.
 */
export function toV3Schema(s: Schema): Schema {
  const { $ref, properties, items, additionalProperties, allOf, ...rest } = s;
  const out: Schema = { ...rest };
  if (properties !== undefined) out.properties = Object.fromEntries(Object.entries(properties).map(([k, p]) => [k, toV3Schema(p)]));
  if (items !== undefined) out.items = toV3Schema(items);
  if (additionalProperties !== undefined) out.additionalProperties = typeof additionalProperties === 'boolean' ? additionalProperties : toV3Schema(additionalProperties);
  const parts = allOf?.map(toV3Schema);
  if ($ref === undefined) {
    if (parts !== undefined) out.allOf = parts;
    return out;
  }
  const target = { $ref: $ref.replace(/^#\/definitions\//, COMPONENTS) };
  if (Object.keys(out).length === 0 && parts === undefined) return target;
  out.allOf = [target, ...(parts ?? [])];
  return out;
}

function v3Param(p: ParamSpec): V3Parameter {
  const out: V3Parameter = { name: p.name, in: p.in, description: p.description, schema: { type: p.type } };
  if (p.required === true) out.required = true;
  if (p.in === 'query') out.schema.uniqueItems = true;
  return out;
}

function content(mediaTypes: readonly string[], schema: Schema): Content {
  return Object.fromEntries(mediaTypes.map((mt) => [mt, { schema }]));
}

function v3Operation(op: OperationSpec): V3Operation {
  const responses: V3Operation['responses'] = {};
  for (const r of op.responses) {
    responses[r.code] = r.definition === undefined ? { description: r.description } : { description: r.description, content: content(op.produces, componentRef(r.definition)) };
  }
  const out: V3Operation = {
    tags: [op.tag],
    description: op.description,
    operationId: op.operationId,
    responses,
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': gvkObject(op.gvk),
  };
  if (op.parameters.length > 0) out.parameters = op.parameters.map(v3Param);
  if (op.body !== undefined) {
    const schema = op.body.definition === undefined ? { type: 'object' as const } : componentRef(op.body.definition);
    const requestBody: NonNullable<V3Operation['requestBody']> = { content: content(op.consumes, schema) };
    if (op.body.required) requestBody.required = true;
    out.requestBody = requestBody;
  }
  return out;
}

/** Renders path specs as OpenAPI 3.0 path items. */
export function v3Paths(specs: readonly PathSpec[]): Record<string, V3PathItem> {
  const paths: Record<string, V3PathItem> = {};
  for (const spec of specs) {
    const item: V3PathItem = { parameters: spec.parameters.map(v3Param) };
    for (const op of spec.operations) item[op.method] = v3Operation(op);
    paths[spec.path] = item;
  }
  return paths;
}

/**
 * The OpenAPI 3.0 document of one group/version. `resources` are those served under it; `all` (default:
 * the same) are searched for the definitions of subresource kinds from other groups.
 */
export function buildV3GroupVersionDocument(
  resources: readonly OpenAPIResource[],
  info: OpenAPIInfo = DEFAULT_INFO,
  all: readonly OpenAPIResource[] = resources,
): V3Document {
  const defs = collectDefinitions(all);
  const lookup = kindIndex(defs);
  const paths = v3Paths(resources.flatMap((r) => resourcePaths(r, lookup)));
  const roots = resources.flatMap((r) => [r.definitionName, listDefinitionName(r)]);
  const schemas: Record<string, Schema> = {};
  for (const [name, schema] of Object.entries(reachableDefinitions(defs, roots, paths))) schemas[name] = toV3Schema(schema);
  return {
    openapi: '3.0.0',
    info: { title: info.title, version: info.version },
    paths,
    components: {
      schemas,
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
    security: [{ BearerToken: [] }],
  };
}

/** The `/openapi/v3` index for group/versions whose documents hash to `hash` (uppercase hex SHA-512). */
export function buildV3Index(gvs: readonly (GroupVersion & { hash: string })[]): V3Index {
  const paths: V3Index['paths'] = {};
  for (const gv of gvs) {
    const key = groupVersionPath(gv);
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${gv.hash}` };
  }
  return { paths };
}
