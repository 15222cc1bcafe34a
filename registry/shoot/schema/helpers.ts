/**
 * Small constructors for the Gardener API schemas, so each field reads as one line: its JSON type (with
 * the Go integer width as format) and its description. Conventions, matching how the upstream types
 * serialize:
 * - durations (metav1.Duration) are strings such as "1h30m";
 * - quantities (resource.Quantity) and IntOrString values accept a string or an integer;
 * - times reference meta/v1 Time (RFC 3339);
 * - raw extensions (runtime.RawExtension, e.g. providerConfig) are left open: any JSON value, unknown
 *   fields kept, exactly as Go's RawExtension decoding accepts it.
 */
import { TIME } from '../../../openapi/meta.js';
import { QUANTITY_SCHEMAS, ref, type Schema } from '../../../openapi/schema.js';

/** Package prefix of the core.gardener.cloud/v1beta1 definition names. */
export const CORE_PACKAGE = 'com.github.gardener.gardener.pkg.apis.core.v1beta1';

/** Definition name of a core.gardener.cloud/v1beta1 type, e.g. `core('ShootSpec')`. */
export function core(type: string): string {
  return `${CORE_PACKAGE}.${type}`;
}

export const str = (description: string): Schema => ({ type: 'string', description });
export const bool = (description: string): Schema => ({ type: 'boolean', description });
export const int32 = (description: string): Schema => ({ type: 'integer', format: 'int32', description });
export const int64 = (description: string): Schema => ({ type: 'integer', format: 'int64', description });
/** A Go float64. */
export const num = (description: string): Schema => ({ type: 'number', format: 'double', description });
/** Every schema made by {@link duration}, so decoding can find the duration fields. */
export const DURATION_SCHEMAS: WeakSet<Schema> = new WeakSet();

/** A metav1.Duration: a Go duration string ("10m", "1h30m0s"). */
export function duration(description: string): Schema {
  const s: Schema = { type: 'string', description };
  DURATION_SCHEMAS.add(s);
  return s;
}
function quantitySchema(description?: string): Schema {
  const s: Schema = { type: 'string', 'x-kubernetes-int-or-string': true, ...(description !== undefined && { description }) };
  QUANTITY_SCHEMAS.add(s);
  return s;
}

/** A resource.Quantity ("100Mi", "2", or a plain number). */
export const quantity = (description: string): Schema => quantitySchema(description);
/** An intstr.IntOrString (a number or a string such as "25%"). */
export const intOrString = (description: string): Schema => ({
  type: 'string',
  format: 'int-or-string',
  'x-kubernetes-int-or-string': true,
  description,
});
/** A metav1.Time. */
export const time = (description: string): Schema => ({ ...ref(TIME), description });
/** A runtime.RawExtension: any JSON value, passed on unchanged. */
export const raw = (description: string): Schema => ({ 'x-kubernetes-preserve-unknown-fields': true, description });
export const strMap = (description: string): Schema => ({ type: 'object', additionalProperties: { type: 'string' }, description });
export const boolMap = (description: string): Schema => ({ type: 'object', additionalProperties: { type: 'boolean' }, description });
/** A corev1.ResourceList: resource name to quantity. */
export const quantityMap = (description: string): Schema => ({
  type: 'object',
  additionalProperties: quantitySchema(),
  description,
});
export const strList = (description: string): Schema => ({ type: 'array', items: { type: 'string' }, description });

/** A list of `items`, optionally with list extensions (see {@link mergeKey}). */
export function list(items: Schema, description: string, extensions: Partial<Schema> = {}): Schema {
  return { type: 'array', items, description, ...extensions };
}

/** The strategic-merge extensions of a list merged by `key` (Go `+patchMergeKey`/`+patchStrategy=merge`). */
export function mergeKey(key: string): Partial<Schema> {
  return { 'x-kubernetes-patch-merge-key': key, 'x-kubernetes-patch-strategy': 'merge' };
}

/** A named definition with a field-specific description. */
export function refTo(name: string, description: string): Schema {
  return { ...ref(name), description };
}

/** A struct: its fields and the fields upstream marks as required. */
export function obj(description: string, properties: Record<string, Schema>, required: string[] = []): Schema {
  const s: Schema = { type: 'object', description, properties };
  if (required.length > 0) s.required = required;
  return s;
}
