/**
 * The schema shape shared by validation, OpenAPI and `kubectl explain`: an OpenAPI v3 structural schema
 * (as in a CRD) with the Kubernetes extensions. Named types live in a definitions table and are referenced
 * as `{ $ref: '#/definitions/<name>' }`; the OpenAPI v3 document rewrites those to `#/components/schemas/`.
 */

export interface Schema {
  $ref?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  nullable?: boolean;
  allOf?: Schema[];
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  /** CEL rules of a CRD's schema (only `self == oldSelf` is evaluated here). */
  'x-kubernetes-validations'?: { rule: string; message?: string }[];
}

/** Named schemas, keyed by their OpenAPI definition name. */
export type Definitions = Record<string, Schema>;

/** `{ $ref }` to a named definition. */
export function ref(name: string): Schema {
  return { $ref: `#/definitions/${name}` };
}

/** The definition name a `$ref` points at. */
export function refName(s: Schema): string | undefined {
  return s.$ref?.replace(/^#\/definitions\//, '');
}

/** The schema a `$ref` names in `definitions` (the schema itself when it is no reference or names nothing known). */
export function resolveRef(schema: Schema, definitions: Definitions): Schema {
  const name = refName(schema);
  return name === undefined ? schema : (definitions[name] ?? schema);
}

/**
 * Schemas of resource.Quantity values. Published as int-or-string, but Go decodes any JSON number into
 * a Quantity (`cpu: 0.5`), so the type check lets numbers through for these.
 */
export const QUANTITY_SCHEMAS: WeakSet<Schema> = new WeakSet();
