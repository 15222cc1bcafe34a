/**
 * Garden-specific schema constructors on top of the Shoot helpers: CRD-style open objects, objects with
 * extensions, and the properties of a core type that a Garden type embeds inline.
 */
import type { Schema } from '../../../openapi/schema.js';
import { core, obj } from '../../shoot/schema/helpers.js';
import { coreDefinitions } from '../../shoot/schema/index.js';

export { obj };

/** An object kept as given (CRD `type: object` + `x-kubernetes-preserve-unknown-fields`). */
export const rawObject = (description: string): Schema => ({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true, description });

/** `schema` with a CEL rule that refuses changes once set (`self == oldSelf`), failing with `message`. */
export function immutable(schema: Schema, message: string): Schema {
  return { ...schema, 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message }] };
}

/** {@link obj} plus extensions such as `x-kubernetes-map-type`. */
export function objWith(description: string, properties: Record<string, Schema>, required: string[], extra: Partial<Schema>): Schema {
  return { ...obj(description, properties, required), ...extra };
}

/**
 * The fields of a core.gardener.cloud/v1beta1 type, for operator types that embed it inline
 * (the Garden's kubeAPIServer embeds KubeAPIServerConfig).
 * @throws Error when the type is not among the core definitions.
 */
export function coreProperties(type: string): Record<string, Schema> {
  const properties = coreDefinitions[core(type)]?.properties;
  if (properties === undefined) throw new Error(`no core definition ${type}`);
  return properties;
}
