/**
 * Schemas of the shared meta.k8s.io/v1 types under their upstream definition names, so kind schemas can
 * `ref(OBJECT_META)` and the served documents line up with kube-apiserver's (the aggregator merges
 * definitions by name). Descriptions are our own wording.
 */
import { ref, type Definitions, type Schema } from './schema.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export const OBJECT_META = `${META}.ObjectMeta`;
export const LIST_META = `${META}.ListMeta`;
export const OWNER_REFERENCE = `${META}.OwnerReference`;
export const MANAGED_FIELDS_ENTRY = `${META}.ManagedFieldsEntry`;
export const FIELDS_V1 = `${META}.FieldsV1`;
export const TIME = `${META}.Time`;
export const STATUS = `${META}.Status`;
export const STATUS_DETAILS = `${META}.StatusDetails`;
export const STATUS_CAUSE = `${META}.StatusCause`;
export const DELETE_OPTIONS = `${META}.DeleteOptions`;
export const PRECONDITIONS = `${META}.Preconditions`;
export const WATCH_EVENT = `${META}.WatchEvent`;
export const PATCH = `${META}.Patch`;
export const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';

/** Description of the `apiVersion` field every kind carries. */
export const API_VERSION_DESCRIPTION =
  'The versioned schema this object is written in (group/version). The server converts objects it recognizes to the version it serves and may reject unknown values.';

/** Description of the `kind` field every kind carries. */
export const KIND_DESCRIPTION =
  'The type of object this is, in CamelCase. The server can infer it from the endpoint the request is sent to; it cannot be changed.';

/** Description of an object's `metadata` field. */
export const OBJECT_METADATA_DESCRIPTION = 'Standard object metadata: name, namespace, labels, annotations and the fields the server maintains.';

/** Description of a list's `metadata` field. */
export const LIST_METADATA_DESCRIPTION = 'Standard list metadata: the resource version of the list and the continue token for paging.';

const str = (description: string): Schema => ({ type: 'string', description });
const int64 = (description: string): Schema => ({ type: 'integer', format: 'int64', description });
const int32 = (description: string): Schema => ({ type: 'integer', format: 'int32', description });
const bool = (description: string): Schema => ({ type: 'boolean', description });
const withDescription = (s: Schema, description: string): Schema => ({ ...s, description });
const stringMap = (description: string): Schema => ({ type: 'object', additionalProperties: { type: 'string', default: '' }, description });

const objectMeta: Schema = {
  type: 'object',
  description: 'Metadata that every persisted object carries, whether set by users or maintained by the server.',
  properties: {
    annotations: stringMap(
      'Unstructured key/value pairs that tools and extensions use to store and read arbitrary metadata. They are not queryable.',
    ),
    creationTimestamp: withDescription(
      ref(TIME),
      'When the server created this object, in RFC 3339 form (UTC). Set by the server; clients cannot set it. Absent for objects that are not stored.',
    ),
    deletionGracePeriodSeconds: int64(
      'Seconds the object is allowed to terminate gracefully before it is removed from the system. Only set together with deletionTimestamp; read-only.',
    ),
    deletionTimestamp: withDescription(
      ref(TIME),
      'When this object will be deleted, in RFC 3339 form. Set by the server when a graceful deletion is requested; the object remains visible until its finalizers are cleared. Read-only.',
    ),
    finalizers: {
      type: 'array',
      description:
        'Entries that must be empty before the object is removed from storage. Each entry names a component responsible for removing it once its clean-up is done. Order does not matter.',
      items: { type: 'string', default: '' },
      'x-kubernetes-list-type': 'set',
      'x-kubernetes-patch-strategy': 'merge',
    },
    generateName: str(
      'An optional prefix the server uses to generate a unique name when name is not given: the prefix plus a random suffix. A collision is reported as a conflict (409).',
    ),
    generation: int64('A sequence number for a specific generation of the desired state. Set by the server; read-only.'),
    labels: stringMap('Key/value pairs used to organize and select objects (label selectors). Keys and values follow the label syntax.'),
    managedFields: {
      type: 'array',
      description:
        'Which field manager owns which fields, as maintained by server-side apply. Internal bookkeeping: clients normally neither set nor read it.',
      items: ref(MANAGED_FIELDS_ENTRY),
      'x-kubernetes-list-type': 'atomic',
    },
    name: str('The name of the object, unique within its namespace (or cluster for cluster-scoped kinds). Required on create unless generateName is set; cannot be changed.'),
    namespace: str('The namespace the object lives in. Empty for cluster-scoped kinds; for namespaced kinds it defaults to the namespace of the request path.'),
    ownerReferences: {
      type: 'array',
      description:
        'Objects this object depends on. When all owners are deleted, the garbage collector removes this object. At most one entry may be the managing controller.',
      items: ref(OWNER_REFERENCE),
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
      'x-kubernetes-patch-merge-key': 'uid',
      'x-kubernetes-patch-strategy': 'merge',
    },
    resourceVersion: str(
      'An opaque value that changes on every write, used for optimistic concurrency, watches and consistent reads. Clients must treat it as opaque and pass it back unmodified. Read-only.',
    ),
    selfLink: str('Deprecated and never set by the server.'),
    uid: str('A unique identifier of this object in time and space, generated by the server on create. Read-only.'),
  },
};

const listMeta: Schema = {
  type: 'object',
  description: 'Metadata of a list: its resource version and the paging state.',
  properties: {
    continue: str(
      'Set when the list was limited: pass it as the continue parameter to get the next page. It expires with the resource version it was issued for.',
    ),
    remainingItemCount: int64('The number of items after this page, when the server can tell. An estimate; it may be absent.'),
    resourceVersion: str('The resource version of the list, usable as the starting point of a watch. Opaque.'),
    selfLink: str('Deprecated and never set by the server.'),
  },
};

const ownerReference: Schema = {
  type: 'object',
  description: 'Identifies an owner of an object: enough to find it and to tell whether it still exists.',
  required: ['apiVersion', 'kind', 'name', 'uid'],
  properties: {
    apiVersion: str('API version of the owner.'),
    blockOwnerDeletion: bool(
      'When true and the owner uses foreground deletion, the owner is not removed from storage before this object is. Setting it requires delete permission on the owner.',
    ),
    controller: bool('When true, the owner is the managing controller of this object.'),
    kind: str('Kind of the owner.'),
    name: str('Name of the owner.'),
    uid: str('UID of the owner.'),
  },
  'x-kubernetes-map-type': 'atomic',
};

const managedFieldsEntry: Schema = {
  type: 'object',
  description: 'The set of fields one field manager owns, per operation and API version.',
  properties: {
    apiVersion: str('The API version the fields are expressed in.'),
    fieldsType: str('Format of fieldsV1; the only value is "FieldsV1".'),
    fieldsV1: withDescription(ref(FIELDS_V1), 'The owned fields, in the FieldsV1 trie format.'),
    manager: str('Name of the field manager (workflow) that owns the fields.'),
    operation: str('The operation that made the manager own the fields: "Apply" or "Update".'),
    subresource: str('The subresource the fields were written through; empty for the main resource.'),
    time: withDescription(ref(TIME), 'When the manager last changed the owned fields.'),
  },
};

const statusCause: Schema = {
  type: 'object',
  description: 'One cause of a failed request, possibly pointing at a field.',
  properties: {
    field: str('The field the cause applies to, as a path such as "spec.containers[2].name". May be empty.'),
    message: str('A human-readable description of the cause.'),
    reason: str('A machine-readable description of the cause, e.g. FieldValueInvalid.'),
  },
};

const statusDetails: Schema = {
  type: 'object',
  description: 'Extra, reason-specific data about a failure.',
  properties: {
    causes: {
      type: 'array',
      description: 'The individual causes of the failure.',
      items: ref(STATUS_CAUSE),
      'x-kubernetes-list-type': 'atomic',
    },
    group: str('Group of the resource concerned.'),
    kind: str('Kind (or resource) of the object concerned.'),
    name: str('Name of the object concerned.'),
    retryAfterSeconds: int32('Seconds to wait before retrying, when the failure is temporary.'),
    uid: str('UID of the object concerned.'),
  },
};

const status: Schema = {
  type: 'object',
  description: 'The result of an operation that does not return an object, and of every failed one.',
  properties: {
    apiVersion: str(API_VERSION_DESCRIPTION),
    code: int32('The HTTP status code of the result.'),
    details: withDescription(ref(STATUS_DETAILS), 'Reason-specific details; may be absent.'),
    kind: str(KIND_DESCRIPTION),
    message: str('A human-readable description of the result.'),
    metadata: withDescription(ref(LIST_META), 'Standard list metadata.'),
    reason: str('A machine-readable reason (CamelCase), e.g. NotFound or Conflict. Empty when unknown.'),
    status: str('"Success" or "Failure".'),
  },
  'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
};

const preconditions: Schema = {
  type: 'object',
  description: 'Conditions that must hold for a delete to proceed.',
  properties: {
    resourceVersion: str('The object must have this resource version.'),
    uid: str('The object must have this UID.'),
  },
};

const deleteOptions: Schema = {
  type: 'object',
  description: 'Options of a delete request.',
  properties: {
    apiVersion: str(API_VERSION_DESCRIPTION),
    dryRun: {
      type: 'array',
      description: 'When present, the change is not persisted. The only valid value is "All".',
      items: { type: 'string', default: '' },
      'x-kubernetes-list-type': 'atomic',
    },
    gracePeriodSeconds: int64('Seconds before the object is deleted; zero means immediately. Defaults to the kind\'s default when absent.'),
    kind: str(KIND_DESCRIPTION),
    orphanDependents: bool('Deprecated; use propagationPolicy. When true, dependents are orphaned; when false, they are deleted in the background.'),
    preconditions: withDescription(ref(PRECONDITIONS), 'Must be fulfilled for the deletion to proceed.'),
    propagationPolicy: str('How dependents are garbage collected: "Orphan", "Background" or "Foreground".'),
  },
  'x-kubernetes-group-version-kind': [{ group: '', kind: 'DeleteOptions', version: 'v1' }],
};

const watchEvent: Schema = {
  type: 'object',
  description: 'One event of a watch stream.',
  required: ['type', 'object'],
  properties: {
    object: withDescription(
      ref(RAW_EXTENSION),
      'The object the event is about: the new state for ADDED and MODIFIED, the last state for DELETED, a Status for ERROR, and an object carrying only the resource version for BOOKMARK.',
    ),
    type: str('ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.'),
  },
  'x-kubernetes-group-version-kind': [{ group: '', kind: 'WatchEvent', version: 'v1' }],
};

/** The meta definitions, keyed by their upstream names. */
export const metaDefinitions: Definitions = {
  [DELETE_OPTIONS]: deleteOptions,
  [FIELDS_V1]: {
    type: 'object',
    description: 'A trie of field paths a manager owns, in the server-side apply FieldsV1 format.',
    'x-kubernetes-preserve-unknown-fields': true,
  },
  [LIST_META]: listMeta,
  [MANAGED_FIELDS_ENTRY]: managedFieldsEntry,
  [OBJECT_META]: objectMeta,
  [OWNER_REFERENCE]: ownerReference,
  [PATCH]: { type: 'object', description: 'The body of a PATCH request; its format is given by the Content-Type.' },
  [PRECONDITIONS]: preconditions,
  [STATUS]: status,
  [STATUS_CAUSE]: statusCause,
  [STATUS_DETAILS]: statusDetails,
  [TIME]: { type: 'string', format: 'date-time', description: 'A timestamp in RFC 3339 form with second precision.' },
  [WATCH_EVENT]: watchEvent,
  [RAW_EXTENSION]: {
    type: 'object',
    description: 'An embedded object in any format.',
    'x-kubernetes-preserve-unknown-fields': true,
  },
};
