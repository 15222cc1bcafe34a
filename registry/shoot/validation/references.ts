/**
 * References a Shoot makes to other objects, checked for form only (whether they exist is an admission
 * matter): the cloud profile, credentials references, `spec.resources`, extensions and object references
 * by name and namespace. Texts are Gardener's.
 */
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import { parseGroupVersion } from '../../../apimachinery/decoding.js';
import { validateNamespaceName } from '../../../apimachinery/validation.js';
import { k8sAtLeastMinor } from '../../../apimachinery/semver.js';
import { dns1123Label, dns1123Subdomain } from './common.js';
import { child, objs, str, strOr, type Obj } from './read.js';

const SECRET_GVK = '/v1, Kind=Secret';
const INTERNAL_SECRET_GVK = 'core.gardener.cloud/v1beta1, Kind=InternalSecret';
const WORKLOAD_IDENTITY_GVK = 'security.gardener.cloud/v1alpha1, Kind=WorkloadIdentity';

/** `group/version, Kind=kind` as schema.GroupVersionKind prints. */
function gvkString(group: string, version: string, kind: string): string {
  return `${group}/${version}, Kind=${kind}`;
}

/** A `resourceRef` (CrossVersionObjectReference) to a Secret, ConfigMap or, if allowed, WorkloadIdentity. */
export function validateCrossVersionObjectReference(ref: Obj | undefined, path: FieldPath, allowWorkloadIdentity: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const allowed = [SECRET_GVK, '/v1, Kind=ConfigMap', ...(allowWorkloadIdentity ? [WORKLOAD_IDENTITY_GVK] : [])];
  const apiVersion = strOr(ref, 'apiVersion');
  const kind = strOr(ref, 'kind');
  if (apiVersion === '') errs.push(fieldErr.required(path.child('apiVersion'), 'must provide an apiVersion'));
  if (kind === '') errs.push(fieldErr.required(path.child('kind'), 'must provide a kind'));
  const gv = parseGroupVersion(apiVersion);
  if (typeof gv === 'string') errs.push(fieldErr.invalid(path, ref ?? null, `cannot determine GroupVersionKind for specified reference: ${gv}`));
  else {
    const gvk = gvkString(gv.group, gv.version, kind);
    if (!allowed.includes(gvk)) errs.push(fieldErr.notSupported(path, gvk, allowed));
  }
  if (strOr(ref, 'name') === '') errs.push(fieldErr.required(path.child('name'), 'must provide a name'));
  return errs;
}

/** How Go prints a corev1.ObjectReference. */
function objectReferenceString(ref: Obj | undefined): string {
  const f = (k: string): string => strOr(ref, k);
  return `&ObjectReference{Kind:${f('kind')},Namespace:${f('namespace')},Name:${f('name')},UID:${f('uid')},APIVersion:${f('apiVersion')},ResourceVersion:${f('resourceVersion')},FieldPath:${f('fieldPath')},}`;
}

/** A credentials reference to a Secret, InternalSecret or WorkloadIdentity, with or without namespace. */
function validateCredentialsRefWith(ref: Obj | undefined, requireNamespace: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = strOr(ref, 'apiVersion');
  const kind = strOr(ref, 'kind');
  const name = strOr(ref, 'name');
  const namespace = strOr(ref, 'namespace');
  if (apiVersion === '') errs.push(fieldErr.required(path.child('apiVersion'), 'must provide an apiVersion'));
  if (kind === '') errs.push(fieldErr.required(path.child('kind'), 'must provide a kind'));
  if (name === '') errs.push(fieldErr.required(path.child('name'), 'must provide a name'));
  errs.push(...dns1123Subdomain(name, path.child('name')));
  if (requireNamespace) {
    if (namespace === '') errs.push(fieldErr.required(path.child('namespace'), 'must provide a namespace'));
    errs.push(...dns1123Subdomain(namespace, path.child('namespace')));
  } else if (namespace !== '') errs.push(fieldErr.invalid(path.child('namespace'), namespace, 'namespace must not be set'));
  const gv = parseGroupVersion(apiVersion);
  const gvk = typeof gv === 'string' ? gvkString('', '', kind) : gvkString(gv.group, gv.version, kind);
  const valid = [SECRET_GVK, INTERNAL_SECRET_GVK, WORKLOAD_IDENTITY_GVK];
  if (!valid.includes(gvk)) errs.push(fieldErr.notSupported(path, objectReferenceString(ref), valid));
  return errs;
}

/** A namespaced credentials reference (ValidateCredentialsRef). */
export function validateCredentialsRef(ref: Obj | undefined, path: FieldPath): FieldError[] {
  return validateCredentialsRefWith(ref, true, path);
}

/** A credentials reference in the Shoot's own namespace (ValidateLocalCredentialsRef). */
export function validateLocalCredentialsRef(ref: Obj | undefined, path: FieldPath): FieldError[] {
  const local: Obj = { apiVersion: strOr(ref, 'apiVersion'), kind: strOr(ref, 'kind'), name: strOr(ref, 'name') };
  return validateCredentialsRefWith(local, false, path);
}

/** An object reference by name (a DNS subdomain) and optionally namespace. */
export function validateObjectReferenceNameAndNamespace(ref: Obj | undefined, path: FieldPath, requireNamespace: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const name = strOr(ref, 'name');
  const namespace = strOr(ref, 'namespace');
  if (name === '') errs.push(fieldErr.required(path.child('name'), 'must provide a name'));
  else errs.push(...dns1123Subdomain(name, path.child('name')));
  if (requireNamespace && namespace === '') errs.push(fieldErr.required(path.child('namespace'), 'must provide a namespace'));
  if (namespace !== '') {
    for (const msg of validateNamespaceName(namespace, false)) errs.push(fieldErr.invalid(path.child('namespace'), namespace, msg));
  }
  return errs;
}

/** `spec.resources`: unique non-empty names, valid references (ValidateResources). */
export function validateResources(resources: Obj[], path: FieldPath, allowWorkloadIdentity: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  resources.forEach((r, i) => {
    const name = strOr(r, 'name');
    if (name === '') errs.push(fieldErr.required(path.index(i).child('name'), 'field must not be empty'));
    else if (names.has(name)) errs.push(fieldErr.duplicate(path.index(i).child('name'), name));
    else names.add(name);
    errs.push(...validateCrossVersionObjectReference(child(r, 'resourceRef'), path.index(i).child('resourceRef'), allowWorkloadIdentity));
  });
  return errs;
}

/** `spec.extensions`: a unique, DNS-label type per extension. */
export function validateExtensions(extensions: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const types = new Set<string>();
  extensions.forEach((ext, i) => {
    const type = strOr(ext, 'type');
    if (type === '') errs.push(fieldErr.required(path.index(i).child('type'), 'field must not be empty'));
    else errs.push(...dns1123Label(type, path.index(i).child('type')));
    if (types.has(type)) errs.push(fieldErr.duplicate(path.index(i).child('type'), type));
    else types.add(type);
  });
  return errs;
}

const CLOUD_PROFILE_KINDS = ['CloudProfile', 'NamespacedCloudProfile'];

/**
 * `spec.cloudProfile` (or the deprecated `spec.cloudProfileName`, read as a CloudProfile reference):
 * present and of a supported kind; the deprecated field is refused from Kubernetes 1.34.
 */
export function validateCloudProfileReference(spec: Obj, kubernetesVersion: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const legacyName = str(spec, 'cloudProfileName');
  if (kubernetesVersion !== '' && k8sAtLeastMinor(kubernetesVersion, 34) && (legacyName ?? '') !== '') {
    errs.push(fieldErr.forbidden(path.child('cloudProfileName'), 'for Kubernetes version >= 1.34, cloudProfileName field is no longer supported, use spec.cloudProfile.name instead'));
  }
  const ref = child(spec, 'cloudProfile') ?? (legacyName !== undefined ? { kind: 'CloudProfile', name: legacyName } : undefined);
  const at = path.child('cloudProfile');
  if (ref === undefined || strOr(ref, 'name') === '') return [...errs, fieldErr.required(at.child('name'), 'must specify a cloud profile')];
  const kind = strOr(ref, 'kind');
  if (!CLOUD_PROFILE_KINDS.includes(kind)) errs.push(fieldErr.notSupported(at.child('kind'), kind, CLOUD_PROFILE_KINDS));
  return errs;
}

/** The references in `spec.resources` as objects (helper for callers). */
export function resourcesOf(spec: Obj): Obj[] {
  return objs(spec, 'resources');
}
