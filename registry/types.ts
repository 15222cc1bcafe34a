/**
 * What a resource is: one {@link ResourceDescriptor} per kind declares everything the server needs to
 * route, discover, document, validate, store and print it. The generic store, discovery, OpenAPI and
 * the HTTP routes are all driven from this table; nothing probes types.
 */
import type { FieldError } from '../apimachinery/field.js';
import type { KubeObject } from '../apimachinery/types.js';
import type { Definitions, Schema } from '../openapi/schema.js';

/** The API verbs a resource can serve (as listed in discovery). */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** One column of `kubectl get` output. */
export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

/** Columns and the cell values of one row. */
export interface TableConvertor {
  columns: TableColumn[];
  cells(obj: KubeObject): unknown[];
  /**
   * Whether a list's Table carries the list's `remainingItemCount`, as the convertors of custom
   * resources and built-in kinds do; Gardener's own convertors copy only resourceVersion and continue.
   */
  remainingItemCount?: boolean;
}

/** Who is asking, as established by authentication. */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/**
 * The resource attributes of a question the server asks its authorizer about a user, rather than
 * about an incoming request. The strings are passed on literally: Gardener asks with group `"v1"`,
 * resource `"Secret"`, verb `list` (admin) and group `"core.gardener.cloud/v1beta1"`, resource
 * `"Project"`, verb `list` (viewer), with an empty namespace.
 */
export interface AccessQuestion {
  verb: string;
  group: string;
  version?: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** Per-request facts a strategy or admission plugin may need. */
export interface RequestContext {
  user: UserInfo;
  namespace: string;
  dryRun: boolean;
  /** Warnings to add to the response as `Warning: 299` headers. */
  warnings: string[];
  /** Server-wide settings strategies read; defaults apply when absent. */
  settings?: RegistrySettings;
}

/** Server-wide settings of the kinds' strategies (gardener-apiserver flags). */
export interface RegistrySettings {
  /** `--shoot-credentials-rotation-interval` in seconds: when Shoot warnings ask for a rotation. */
  shootCredentialsRotationIntervalSeconds: number;
}

/**
 * Kind-specific behaviour plugged into the generic store, like k8s.io/apiserver's RESTStrategy: plain
 * objects, spread to derive a status strategy.
 */
export interface Strategy {
  /** Create a missing object on PUT instead of 404. */
  allowCreateOnUpdate: boolean;
  /** Accept a PUT without `metadata.resourceVersion`. */
  allowUnconditionalUpdate: boolean;
  /** Normalizes a decoded request body before anything else sees it (e.g. folds `stringData` into `data`). */
  decode?(obj: KubeObject): void;
  /** Clears fields a create may not set (status, generation); runs before validation. */
  prepareForCreate(obj: KubeObject, ctx: RequestContext): void;
  /** Carries over fields an update may not change; runs before validation. */
  prepareForUpdate(obj: KubeObject, old: KubeObject, ctx: RequestContext): void;
  /** Sets defaults (after prepare, before validation). */
  applyDefaults?(obj: KubeObject): void;
  validate(obj: KubeObject, ctx: RequestContext): FieldError[];
  validateUpdate(obj: KubeObject, old: KubeObject, ctx: RequestContext): FieldError[];
  /** Warnings for the client once a create passed validation (Kubernetes' WarningsOnCreate). */
  warningsOnCreate?(obj: KubeObject, ctx: RequestContext): string[];
  /** Warnings for the client once an update passed validation (Kubernetes' WarningsOnUpdate). */
  warningsOnUpdate?(obj: KubeObject, old: KubeObject, ctx: RequestContext): string[];
  /** Brings a valid object into its stored form (runs after validation, like Kubernetes' Canonicalize). */
  canonicalize?(obj: KubeObject): void;
  /**
   * The stored object as the upstream server reads it back (a copy, never throwing): what an update is
   * prepared, admitted, compared and validated against, so that a value stored in an older form (a
   * quantity written before it was canonical, a default added since) does not count as a change.
   */
  decodeStored?(stored: KubeObject): KubeObject;
  /** Spec changes bump `metadata.generation` (false for kinds without spec/status). */
  tracksGeneration: boolean;
  /**
   * `prepareForUpdate` decides the generation of an update itself (a Shoot's spec changes wait for the
   * maintenance window when it confines them); otherwise every spec change bumps it.
   */
  preparesGeneration?: boolean;
}

/** A subresource such as `status` or `adminkubeconfig`. */
export interface SubresourceDescriptor {
  name: string;
  verbs: Verb[];
  /** Kind of the request/response body when it differs from the parent's (e.g. AdminKubeconfigRequest). */
  kind?: { group: string; version: string; kind: string };
  /** For `status`-like subresources: the strategy used for updates through it. */
  strategy?: Strategy;
  /** Full name of the protobuf message of `kind`, when the subresource speaks protobuf. */
  protobuf?: string;
}

/** Everything the server knows about one kind. */
export interface ResourceDescriptor {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** Plural, lower case (`internalsecrets`). */
  resource: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: Verb[];
  subresources: SubresourceDescriptor[];
  table: TableConvertor;
  /** Field selector support beyond `metadata.name` / `metadata.namespace`: field label -> value. */
  selectableFields(obj: KubeObject): Record<string, string>;
  /** OpenAPI definition name of the kind (`com.github.gardener.gardener.pkg.apis.core.v1beta1.InternalSecret`). */
  definitionName: string;
  /** Schema of the kind; may reference `definitions`. */
  schema: Schema;
  /** Named schemas the kind's schema references (merged into the served documents). */
  definitions: Definitions;
  strategy: Strategy;
  /** Deletes go through finalizers `orphan`/`foregroundDeletion` handling (garbage collection). */
  garbageCollection: boolean;
  /**
   * Full name of the kind's protobuf message (its list is `<message>List`); bodies and responses may
   * then be `application/vnd.kubernetes.protobuf`. Absent: JSON only, as for a custom resource.
   */
  protobuf?: string;
  /**
   * PATCH accepts `application/strategic-merge-patch+json`, merging along the schema's
   * `x-kubernetes-patch-strategy`/`-merge-key`, as for built-in kinds (false: 415, as for a custom resource).
   */
  strategicMergePatch: boolean;
  /**
   * List items keep `apiVersion` and `kind`, as a custom resource's do (unstructured objects). Items
   * of a Go-typed kind's lists have neither: the list conversion leaves their type meta empty, and only
   * the list itself names its kind.
   */
  listItemsTyped?: boolean;
}

/** `apiVersion` string of a descriptor. */
export function apiVersionOf(d: Pick<ResourceDescriptor, 'group' | 'version'>): string {
  return d.group === '' ? d.version : `${d.group}/${d.version}`;
}

/**
 * The protobuf message of bodies sent to `d` or its subresource `sub` (the subresource's own kind when it
 * has one); undefined when they are JSON only.
 */
export function protobufMessage(d: ResourceDescriptor, sub?: SubresourceDescriptor): string | undefined {
  return sub?.kind !== undefined ? sub.protobuf : d.protobuf;
}
