/**
 * The Swagger 2.0 document (`/openapi/v2`), laid out like kube-apiserver's: one path item per REST path,
 * operations with kube's operation ids, `x-kubernetes-action` and a single-object
 * `x-kubernetes-group-version-kind`, and definitions carrying GVK lists.
 */
import { collectDefinitions, kindIndex, sortKeys } from './definitions.js';
import { resourcePaths, type HttpMethod, type OperationSpec, type PathSpec } from './operations.js';
import type { ParamSpec } from './parameters.js';
import { DEFAULT_INFO, type GroupVersionKind, type OpenAPIInfo, type OpenAPIResource } from './resource.js';
import { ref, type Definitions, type Schema } from './schema.js';

/** A Swagger 2.0 parameter. */
export interface V2Parameter {
  name: string;
  in: 'query' | 'path' | 'body';
  description?: string;
  type?: string;
  required?: boolean;
  uniqueItems?: boolean;
  schema?: Schema;
}

/** A Swagger 2.0 operation with the Kubernetes extensions. */
export interface V2Operation {
  description: string;
  consumes: string[];
  produces: string[];
  schemes: string[];
  tags: string[];
  operationId: string;
  parameters?: V2Parameter[];
  responses: Record<string, { description: string; schema?: Schema }>;
  'x-kubernetes-action': string;
  'x-kubernetes-group-version-kind': { group: string; kind: string; version: string };
}

/** A Swagger 2.0 path item. */
export type V2PathItem = { parameters?: V2Parameter[] } & Partial<Record<HttpMethod, V2Operation>>;

/** The Swagger 2.0 document. */
export interface V2Document {
  swagger: '2.0';
  info: OpenAPIInfo;
  paths: Record<string, V2PathItem>;
  definitions: Definitions;
  securityDefinitions: Record<string, { type: 'apiKey'; description: string; name: string; in: 'header' }>;
  security: Record<string, string[]>[];
}

/** `{group, kind, version}`, the key order of kube's documents. */
export function gvkObject(gvk: GroupVersionKind): { group: string; kind: string; version: string } {
  return { group: gvk.group, kind: gvk.kind, version: gvk.version };
}

function v2Param(p: ParamSpec): V2Parameter {
  const out: V2Parameter = { name: p.name, in: p.in, description: p.description, type: p.type };
  if (p.required === true) out.required = true;
  if (p.in === 'query') out.uniqueItems = true;
  return out;
}

function v2Operation(op: OperationSpec): V2Operation {
  const parameters = op.parameters.map(v2Param);
  if (op.body !== undefined) {
    const body: V2Parameter = { name: 'body', in: 'body', schema: op.body.definition === undefined ? { type: 'object' } : ref(op.body.definition) };
    if (op.body.required) body.required = true;
    parameters.unshift(body);
  }
  const responses: V2Operation['responses'] = {};
  for (const r of op.responses) responses[r.code] = r.definition === undefined ? { description: r.description } : { description: r.description, schema: ref(r.definition) };
  const out: V2Operation = {
    description: op.description,
    consumes: [...op.consumes],
    produces: [...op.produces],
    schemes: ['https'],
    tags: [op.tag],
    operationId: op.operationId,
    responses,
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': gvkObject(op.gvk),
  };
  if (parameters.length > 0) out.parameters = parameters;
  return out;
}

/** Renders path specs as Swagger 2.0 path items. */
export function v2Paths(specs: readonly PathSpec[]): Record<string, V2PathItem> {
  const paths: Record<string, V2PathItem> = {};
  for (const spec of specs) {
    const item: V2PathItem = { parameters: spec.parameters.map(v2Param) };
    for (const op of spec.operations) item[op.method] = v2Operation(op);
    paths[spec.path] = item;
  }
  return paths;
}

/** Drops what Swagger 2.0 lacks (`nullable`) from a schema, recursively. */
export function toV2Schema(s: Schema): Schema {
  const { nullable: _nullable, properties, items, additionalProperties, allOf, ...rest } = s;
  const out: Schema = { ...rest };
  if (properties !== undefined) out.properties = Object.fromEntries(Object.entries(properties).map(([k, p]) => [k, toV2Schema(p)]));
  if (items !== undefined) out.items = toV2Schema(items);
  if (additionalProperties !== undefined) out.additionalProperties = typeof additionalProperties === 'boolean' ? additionalProperties : toV2Schema(additionalProperties);
  if (allOf !== undefined) out.allOf = allOf.map(toV2Schema);
  return out;
}

/** The Swagger 2.0 document of all `resources`. */
export function buildV2Document(resources: readonly OpenAPIResource[], info: OpenAPIInfo = DEFAULT_INFO): V2Document {
  const defs = collectDefinitions(resources);
  const lookup = kindIndex(defs);
  const paths = v2Paths(resources.flatMap((r) => resourcePaths(r, lookup)));
  const definitions: Definitions = {};
  for (const [name, schema] of Object.entries(sortKeys(defs))) definitions[name] = toV2Schema(schema);
  return {
    swagger: '2.0',
    info: { title: info.title, version: info.version },
    paths,
    definitions,
    securityDefinitions: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    security: [{ BearerToken: [] }],
  };
}
