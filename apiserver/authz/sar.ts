/**
 * Delegated authorization: a SubjectAccessReview sent to the garden cluster's kube-apiserver
 * (`POST /apis/authorization.k8s.io/v1/subjectaccessreviews`, `--authorization-kubeconfig`), as
 * k8s.io/apiserver's webhook authorizer does it. `status.allowed` -> allow, `status.denied` -> deny,
 * neither -> no opinion, each with `status.reason`. Answers are cached by the exact review spec
 * (allowed for `--authorization-webhook-cache-authorized-ttl`, the rest for
 * `--authorization-webhook-cache-unauthorized-ttl`, 10 s each); failed calls are not cached and give
 * no opinion with `error` set.
 */
import { AuthorizationV1Api, type KubeConfig, type V1SubjectAccessReview, type V1SubjectAccessReviewSpec, type V1SubjectAccessReviewStatus } from '@kubernetes/client-node';
import type { UserInfo } from '../../registry/types.js';
import { describeApiError, makeGardenApi, withRetries, type RetryBackoff } from '../authn/kubeclient.js';
import { TTLCache } from '../authn/ttlcache.js';
import type { RequestInfo } from '../requestinfo.js';
import type { AuthorizationResult, Authorizer } from './types.js';

/** Options of {@link subjectAccessReviewAuthorizer}. */
export interface SubjectAccessReviewOptions {
  /** Garden cluster access (`--authorization-kubeconfig` or in-cluster). */
  kubeConfig: KubeConfig;
  /** Cache TTL of allowed answers (default 10 s; 0 disables). */
  allowTTLms?: number;
  /** Cache TTL of denied and no-opinion answers (default 10 s; 0 disables). */
  denyTTLms?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Retries of a failed call (default kube-apiserver's: 5 attempts from 500 ms, ×1.5). */
  retry?: RetryBackoff;
  /** Called with a log-friendly message when a review call fails. */
  onError?(message: string): void;
}

/** Copies `value` into `target[key]` unless it is empty (Go's `omitempty`). */
function setIfNonEmpty<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return;
  target[key] = value;
}

/** The review spec for a user and request, with the fields Kubernetes' webhook authorizer sets. */
export function subjectAccessReviewSpec(user: UserInfo, info: RequestInfo): V1SubjectAccessReviewSpec {
  const spec: V1SubjectAccessReviewSpec = {};
  setIfNonEmpty(spec, 'user', user.name);
  setIfNonEmpty(spec, 'uid', user.uid);
  setIfNonEmpty(spec, 'groups', [...user.groups]);
  if (user.extra !== undefined && Object.keys(user.extra).length > 0) spec.extra = user.extra;
  if (!info.isResourceRequest) {
    spec.nonResourceAttributes = { path: info.path, verb: info.verb };
    return spec;
  }
  const attrs: NonNullable<V1SubjectAccessReviewSpec['resourceAttributes']> = {};
  setIfNonEmpty(attrs, 'namespace', info.namespace);
  setIfNonEmpty(attrs, 'verb', info.verb);
  setIfNonEmpty(attrs, 'group', info.apiGroup);
  setIfNonEmpty(attrs, 'version', info.apiVersion);
  setIfNonEmpty(attrs, 'resource', info.resource);
  setIfNonEmpty(attrs, 'subresource', info.subresource);
  setIfNonEmpty(attrs, 'name', info.name);
  // Authorizers such as Gardener's SeedAuthorizer allow lists and watches by their selectors.
  if (info.labelSelector !== '') attrs.labelSelector = { rawSelector: info.labelSelector };
  if (info.fieldSelector !== '') attrs.fieldSelector = { rawSelector: info.fieldSelector };
  spec.resourceAttributes = attrs;
  return spec;
}

/** The decision a review status stands for. */
export function decisionOf(status: V1SubjectAccessReviewStatus | undefined): AuthorizationResult {
  const reason = status?.reason;
  // Denied wins, also over a (contradictory) allowed, as kube-apiserver's webhook authorizer decides.
  const result: AuthorizationResult = { decision: status?.denied === true ? 'deny' : status?.allowed === true ? 'allow' : 'noOpinion' };
  if (reason !== undefined && reason !== '') result.reason = reason;
  return result;
}

/** The delegated SubjectAccessReview authorizer. Concurrent identical reviews share one call. */
export function subjectAccessReviewAuthorizer(options: SubjectAccessReviewOptions): Authorizer {
  const api = makeGardenApi(options.kubeConfig, AuthorizationV1Api, options.timeoutMs);
  const allowTTL = options.allowTTLms ?? 10_000;
  const denyTTL = options.denyTTLms ?? 10_000;
  const cache = new TTLCache<AuthorizationResult>();
  const review = async (spec: V1SubjectAccessReviewSpec): Promise<AuthorizationResult> => {
    const body: V1SubjectAccessReview = { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec };
    return decisionOf((await withRetries(() => api.createSubjectAccessReview({ body }), options.retry)).status);
  };
  return {
    async authorize({ user, info }) {
      const spec = subjectAccessReviewSpec(user, info);
      try {
        return await cache.getOrLoad(JSON.stringify(spec), () => review(spec), (r) => (r.decision === 'allow' ? allowTTL : denyTTL));
      } catch (e: unknown) {
        const message = `SubjectAccessReview failed: ${describeApiError(e)}`;
        options.onError?.(message);
        return { decision: 'noOpinion', reason: 'the authorization webhook could not be reached', error: message };
      }
    },
  };
}
