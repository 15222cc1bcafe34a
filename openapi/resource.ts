/**
 * What the OpenAPI module needs to know about a served resource. `openapi/` is a leaf module, so it
 * declares the structural subset of registry's `ResourceDescriptor` it reads; a descriptor is assignable
 * to {@link OpenAPIResource} as is.
 */
import type { Definitions, Schema } from './schema.js';

/** A group, version and kind, as in `x-kubernetes-group-version-kind`. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** A served group/version. */
export interface GroupVersion {
  group: string;
  version: string;
}

/** API verbs as listed in discovery (same union as registry's `Verb`). */
export type OpenAPIVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** A subresource such as `status` (get/update/patch) or `adminkubeconfig` (create). */
export interface OpenAPISubresource {
  name: string;
  verbs: readonly OpenAPIVerb[];
  /**
   * Kind of the request and response body when it is not the parent's kind. Its schema is the definition
   * (among all served definitions) whose `x-kubernetes-group-version-kind` lists this GVK.
   */
  kind?: GroupVersionKind;
}

/** One served kind: everything the documents and the body validator read. */
export interface OpenAPIResource {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** Plural, lower case (`internalsecrets`). */
  resource: string;
  namespaced: boolean;
  verbs: readonly OpenAPIVerb[];
  subresources: readonly OpenAPISubresource[];
  /** Definition name of the kind, e.g. `com.github.gardener.gardener.pkg.apis.core.v1beta1.InternalSecret`. */
  definitionName: string;
  /** Schema of the kind; may `$ref` entries of `definitions` and the meta definitions. */
  schema: Schema;
  /** Named schemas the kind's schema references. */
  definitions: Definitions;
  /** The kind's protobuf message, when bodies and responses may also be protobuf. */
  protobuf?: string;
  /** PATCH also takes strategic merge patches. */
  strategicMergePatch?: boolean;
}

/** `info` of a served document. */
export interface OpenAPIInfo {
  title: string;
  version: string;
}

/** The `info` used when the caller gives none. */
export const DEFAULT_INFO: OpenAPIInfo = { title: 'Gardener', version: 'v0.1.0' };

/** `apis/<g>/<v>` (or `api/v1` for the core group): the v3 index key and URL tail of a group/version. */
export function groupVersionPath(gv: GroupVersion): string {
  return gv.group === '' ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;
}

/** The GVK of a resource's kind. */
export function gvkOf(r: Pick<OpenAPIResource, 'group' | 'version' | 'kind'>): GroupVersionKind {
  return { group: r.group, version: r.version, kind: r.kind };
}

/**
 * kube-apiserver's `ToValidOperationID`: keeps letters, `_` and non-leading digits; any other character
 * drops out and capitalizes the next kept one.
 */
export function toValidOperationID(s: string, capitalizeFirstLetter: boolean): string {
  let out = '';
  let capitalize = capitalizeFirstLetter;
  let i = 0;
  for (const ch of s) {
    const isLetter = /\p{L}/u.test(ch);
    if (isLetter || ch === '_' || (i !== 0 && /\p{Nd}/u.test(ch))) {
      out += capitalize ? ch.toUpperCase() : ch;
      capitalize = false;
    } else {
      capitalize = true;
    }
    i += ch.length;
  }
  return out;
}

/**
 * The operation id kube-apiserver derives from a route (k8s.io/apiserver `GetOperationIDAndTags`): the
 * verb, then the group (without `.k8s.io`) and version, then the rest, e.g.
 * `operationId('list', gv, 'NamespacedInternalSecret')` is `listCoreGardenerCloudV1beta1NamespacedInternalSecret`.
 */
export function operationId(verb: string, gv: GroupVersion, rest: string): string {
  const group = gv.group === '' ? 'core' : gv.group.replace(/\.k8s\.io$/, '');
  return verb + toValidOperationID(group, true) + toValidOperationID(gv.version, true) + toValidOperationID(rest, true);
}

/** The operation tag of a group/version, e.g. `coreGardenerCloud_v1beta1`. */
export function operationTag(gv: GroupVersion): string {
  const group = gv.group === '' ? 'core' : gv.group.replace(/\.k8s\.io$/, '');
  return `${toValidOperationID(group, false)}_${toValidOperationID(gv.version, false)}`;
}

/** Go's `strings.Title` for a one-word subresource name (`adminkubeconfig` -> `Adminkubeconfig`). */
export function title(s: string): string {
  return s.replace(/(^|[^\p{L}\p{Nd}_'])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}
