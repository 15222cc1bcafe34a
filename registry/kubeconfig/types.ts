/**
 * Names and shapes shared by the kubeconfig subresources: `shoots/adminkubeconfig` and
 * `shoots/viewerkubeconfig`, whose bodies are `authentication.gardener.cloud/v1alpha1`
 * AdminKubeconfigRequest / ViewerKubeconfigRequest.
 */
import type { ObjectMeta } from '../../apimachinery/types.js';
import type { SubresourceDescriptor } from '../types.js';

/** Which of the two subresources. */
export type KubeconfigKind = 'admin' | 'viewer';

/** Group of the body kinds (registered in the scheme only, never served as an API group). */
export const AUTH_GROUP = 'authentication.gardener.cloud';
export const AUTH_VERSION = 'v1alpha1';
export const AUTH_API_VERSION = `${AUTH_GROUP}/${AUTH_VERSION}`;

/** Body kind per subresource. */
export const REQUEST_KINDS = {
  admin: 'AdminKubeconfigRequest',
  viewer: 'ViewerKubeconfigRequest',
} as const satisfies Record<KubeconfigKind, string>;

/** Subresource name per kind. */
export const SUBRESOURCES = {
  admin: 'adminkubeconfig',
  viewer: 'viewerkubeconfig',
} as const satisfies Record<KubeconfigKind, string>;

/** Prefix of the certificate's common name; the user name follows. */
export const COMMON_NAME_PREFIXES = {
  admin: 'gardener.cloud:admin:',
  viewer: 'gardener.cloud:viewer:',
} as const satisfies Record<KubeconfigKind, string>;

/** The groups the certificate's organization is chosen from (allowed, denied). */
export const GROUPS = {
  admin: { allowed: 'gardener.cloud:system:admins', denied: 'gardener.cloud:project:admins' },
  viewer: { allowed: 'gardener.cloud:system:viewers', denied: 'gardener.cloud:project:viewers' },
} as const satisfies Record<KubeconfigKind, { allowed: string; denied: string }>;

/**
 * The question whose answer picks the group (asked with the requesting user's name, groups, extra and
 * uid and an empty namespace). The attribute strings are Gardener's, sent literally: `"v1"` as the
 * group and `"Secret"` as the resource are what gardener-apiserver puts in its SubjectAccessReview.
 */
export const GROUP_QUESTIONS = {
  admin: { group: 'v1', resource: 'Secret', verb: 'list' },
  viewer: { group: 'core.gardener.cloud/v1beta1', resource: 'Project', verb: 'list' },
} as const satisfies Record<KubeconfigKind, { group: string; resource: string; verb: string }>;

/** A decoded, defaulted request body. */
export interface KubeconfigRequest {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: { expirationSeconds: number };
  [field: string]: unknown;
}

/** The 201 response body. */
export interface KubeconfigResponse {
  kind: string;
  apiVersion: string;
  metadata: ObjectMeta;
  spec: { expirationSeconds: number };
  status: {
    /** base64 of the kubeconfig YAML. */
    kubeconfig: string;
    /** RFC 3339, seconds precision, UTC: the certificate's NotAfter. */
    expirationTimestamp: string;
  };
}

/** The two subresources, for the Shoot descriptor's `subresources` (create only, with their body kinds). */
export const KUBECONFIG_SUBRESOURCES: readonly SubresourceDescriptor[] = (['admin', 'viewer'] as const).map((kind) => ({
  name: SUBRESOURCES[kind],
  verbs: ['create'],
  kind: { group: AUTH_GROUP, version: AUTH_VERSION, kind: REQUEST_KINDS[kind] },
  protobuf: `github.com.gardener.gardener.pkg.apis.authentication.${AUTH_VERSION}.${REQUEST_KINDS[kind]}`,
}));
