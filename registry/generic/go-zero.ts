/**
 * The fields Go's encoding/json writes although they are empty. Gardener's own API types are Go
 * structs: gardener-apiserver decodes every object into them and encodes it back, so a field whose
 * JSON tag lacks `omitempty` is always there, with its type's zero value when nobody set it, and a
 * struct-typed field is always an object. A Shoot fresh from a create therefore reads
 * `status: {gardener: {id: "", name: "", version: ""}, hibernated: false, technicalID: "", uid: ""}`,
 * and a Project `status: {}`. The schemas' `required` lists name exactly those fields (Kubernetes'
 * OpenAPI generator marks a field required when its tag has no `omitempty`), so the fill follows them.
 *
 * Zero values by type: `""`, `false`, `0`; a struct `{}` with its own such fields; a quantity `"0"`;
 * times, lists, maps and raw extensions `null` (Go's nil). A field present as JSON `null` is what Go
 * decodes to the zero value, so it gets the zero value too. The other way round, a list or map field
 * with `omitempty` that is empty or null is left out, as Go leaves it out (`resources: []` is not kept).
 */
import { isPlainObject } from '../../apimachinery/types.js';
import { TIME } from '../../openapi/meta.js';
import { QUANTITY_SCHEMAS, refName, resolveRef, type Definitions, type Schema } from '../../openapi/schema.js';


/** The JSON Go writes for an unset field of this schema's type; undefined when the type is unknown. */
function zeroOf(schema: Schema, definitions: Definitions): unknown {
  if (refName(schema) === TIME) return null;
  if (QUANTITY_SCHEMAS.has(schema)) return '0';
  if (schema['x-kubernetes-int-or-string'] === true) return 0;
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return null;
  const s = resolveRef(schema, definitions);
  if (s.properties !== undefined) return {};
  switch (s.type) {
    case 'string':
      return '';
    case 'boolean':
      return false;
    case 'integer':
    case 'number':
      return 0;
    case 'array':
    case 'object':
      return null;
    default:
      return undefined;
  }
}

function fill(value: unknown, schema: Schema, definitions: Definitions): void {
  const s = resolveRef(schema, definitions);
  if (Array.isArray(value)) {
    if (s.items !== undefined) for (const item of value) fill(item, s.items, definitions);
    return;
  }
  if (!isPlainObject(value)) return;
  const props = s.properties;
  if (props !== undefined) {
    for (const name of s.required ?? []) {
      const prop = props[name];
      if (prop === undefined || (value[name] !== undefined && value[name] !== null)) continue;
      const zero = zeroOf(prop, definitions);
      if (zero !== undefined) value[name] = zero;
    }
  }
  const additional = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  const required = s.required ?? [];
  for (const key of Object.keys(value)) {
    const prop = props?.[key];
    if (prop !== undefined && !required.includes(key) && isOmittedCollection(value[key], prop, definitions)) {
      delete value[key];
      continue;
    }
    const child = prop ?? additional;
    if (child !== undefined) fill(value[key], child, definitions);
  }
}

/**
 * Whether Go's encoding leaves this `omitempty` field out: a list or map (never a pointer in these
 * types) that is empty or null.
 */
function isOmittedCollection(value: unknown, schema: Schema, definitions: Definitions): boolean {
  if (QUANTITY_SCHEMAS.has(schema) || schema['x-kubernetes-preserve-unknown-fields'] === true) return false;
  const s = resolveRef(schema, definitions);
  if (s.type === 'array') return value === null || (Array.isArray(value) && value.length === 0);
  const isMap = s.type === 'object' && s.properties === undefined && typeof s.additionalProperties === 'object';
  return isMap && (value === null || (isPlainObject(value) && Object.keys(value).length === 0));
}

/**
 * Writes into `obj` (in place) what Go's JSON encoding of the kind would hold: `spec` and `status` as
 * objects, and every field without `omitempty` under them (see the module comment).
 */
export function fillGoZeroValues(obj: Record<string, unknown>, kindSchema: Schema, definitions: Definitions): void {
  const s = resolveRef(kindSchema, definitions);
  for (const part of ['spec', 'status'] as const) {
    const schema = s.properties?.[part];
    if (schema === undefined) continue;
    if (!isPlainObject(obj[part])) obj[part] = {};
    fill(obj[part], schema, definitions);
  }
}
