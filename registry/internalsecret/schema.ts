/**
 * OpenAPI schema of InternalSecret (what `kubectl explain internalsecrets` shows). `metadata` points at
 * the shared ObjectMeta definition maintained with the other meta schemas.
 */
import { ref, type Schema } from '../../openapi/schema.js';
import { GROUP, KIND, VERSION } from './types.js';

/** Definition name of the kind. */
export const INTERNAL_SECRET_DEFINITION = 'com.github.gardener.gardener.pkg.apis.core.v1beta1.InternalSecret';
const OBJECT_META_DEFINITION = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** The kind's schema. */
export const internalSecretSchema: Schema = {
  type: 'object',
  description:
    'InternalSecret holds secret data of a certain type, like a Kubernetes Secret, but is served by the ' +
    'Gardener API server so that access to it can be granted separately from access to Secrets. Gardener ' +
    'uses it for data that project members must not read or change. The values in data may add up to at ' +
    'most 1 MiB.',
  properties: {
    apiVersion: {
      type: 'string',
      description:
        'Versioned schema of this representation of the object. Servers convert recognized schemas to the ' +
        'latest internal value and may reject unrecognized values. More info: ' +
        'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
    },
    kind: {
      type: 'string',
      description:
        'REST resource this object represents, inferred by servers from the endpoint the client sends ' +
        'requests to. Cannot be updated. In CamelCase. More info: ' +
        'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
    },
    metadata: {
      ...ref(OBJECT_META_DEFINITION),
      description: 'Standard object metadata. The namespace is required; the name must be a DNS-1123 subdomain.',
    },
    immutable: {
      type: 'boolean',
      description:
        'When true, data and immutable can no longer be changed; only the metadata of the object may be ' +
        'updated, and the object can still be deleted. When unset or false, the data may change at any time. ' +
        'Not defaulted.',
    },
    data: {
      type: 'object',
      additionalProperties: { type: 'string', format: 'byte' },
      description:
        'The secret data: keys of alphanumeric characters, "-", "_" or "." (at most 253), each value the ' +
        'base64 encoding of arbitrary, possibly binary, bytes (RFC 4648 section 4). The decoded values may ' +
        'total at most 1048576 bytes.',
    },
    stringData: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description:
        'Write-only convenience input for text data: on create and update each entry is stored in data as ' +
        'its UTF-8 bytes, replacing a data entry with the same key. It is never returned when the object is ' +
        'read.',
    },
    type: {
      type: 'string',
      description:
        'Kind of data held, for programmatic handling, with the Kubernetes Secret types and their rules ' +
        '(e.g. "kubernetes.io/tls" requires the keys tls.crt and tls.key; "Opaque" and custom types have ' +
        'no rules). Unlike for a Secret, an empty type is not defaulted to "Opaque". It cannot be changed ' +
        'after creation; an update that leaves it empty keeps the stored type. More info: ' +
        'https://kubernetes.io/docs/concepts/configuration/secret/#secret-types',
    },
  },
  'x-kubernetes-group-version-kind': [{ group: GROUP, version: VERSION, kind: KIND }],
};
