/**
 * Delegated bearer-token authentication: a TokenReview sent to the garden cluster's kube-apiserver
 * (`POST /apis/authentication.k8s.io/v1/tokenreviews`). Verdicts, accepting and rejecting, are cached
 * for the webhook cache TTL (`--authentication-token-webhook-cache-ttl`, 10 s); failed calls are not.
 */
import { createHash } from 'node:crypto';
import { AuthenticationV1Api, type KubeConfig, type V1TokenReview } from '@kubernetes/client-node';
import type { UserInfo } from '../../registry/types.js';
import type { TokenAuthenticator } from './bearer.js';
import { describeApiError, makeGardenApi, withRetries, type RetryBackoff } from './kubeclient.js';
import { TTLCache } from './ttlcache.js';
import { AuthenticationError } from './types.js';

/** Options of {@link tokenReviewAuthenticator}. */
export interface TokenReviewOptions {
  /** Garden cluster access (`--authentication-kubeconfig` or in-cluster). */
  kubeConfig: KubeConfig;
  /** How long verdicts are cached (default 10 s; 0 disables the cache). */
  cacheTTLms?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Retries of a failed call (default kube-apiserver's: 5 attempts from 500 ms, ×1.5). */
  retry?: RetryBackoff;
  /** Audiences to request; when set, the review must report at least one of them. */
  audiences?: readonly string[];
  /** Called with a log-friendly message when the TokenReview call itself fails. */
  onError?(message: string): void;
}

/** A cached verdict: the user, or why the token was rejected. */
type Verdict = { user: UserInfo } | { rejected: string };

function userFromReview(review: V1TokenReview): UserInfo {
  const u = review.status?.user ?? {};
  const user: UserInfo = { name: u.username ?? '', groups: u.groups ?? [] };
  if (u.uid !== undefined && u.uid !== '') user.uid = u.uid;
  if (u.extra !== undefined && Object.keys(u.extra).length > 0) user.extra = u.extra;
  return user;
}

function verdictOf(review: V1TokenReview, audiences: readonly string[]): Verdict {
  const status = review.status;
  if (status?.authenticated !== true) {
    return { rejected: status?.error !== undefined && status.error !== '' ? status.error : 'token rejected by TokenReview' };
  }
  if (audiences.length > 0 && !(status.audiences ?? []).some((a) => audiences.includes(a))) {
    return { rejected: 'token audiences do not intersect the requested audiences' };
  }
  const user = userFromReview(review);
  if (user.name === '') return { rejected: 'TokenReview returned no username' };
  return { user };
}

/**
 * Checks bearer tokens with TokenReviews against the garden cluster. Accepted -> the reviewed user;
 * rejected, or the call fails -> {@link AuthenticationError} (401). Concurrent checks of the same
 * token share one call.
 */
export function tokenReviewAuthenticator(options: TokenReviewOptions): TokenAuthenticator {
  const api = makeGardenApi(options.kubeConfig, AuthenticationV1Api, options.timeoutMs);
  const ttl = options.cacheTTLms ?? 10_000;
  const audiences = options.audiences ?? [];
  const cache = new TTLCache<Verdict>();
  const review = async (token: string): Promise<Verdict> => {
    const body: V1TokenReview = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } };
    if (audiences.length > 0 && body.spec !== undefined) body.spec.audiences = [...audiences];
    try {
      return verdictOf(await withRetries(() => api.createTokenReview({ body }), options.retry), audiences);
    } catch (e: unknown) {
      const message = `TokenReview failed: ${describeApiError(e)}`;
      options.onError?.(message);
      throw new AuthenticationError(message);
    }
  };
  return {
    async authenticateToken(token) {
      const key = createHash('sha256').update(token).update('\0').update(audiences.join(',')).digest('hex');
      const verdict = await cache.getOrLoad(key, () => review(token), () => ttl);
      if ('rejected' in verdict) throw new AuthenticationError(verdict.rejected);
      return { ...verdict.user, groups: [...verdict.user.groups] };
    },
  };
}
