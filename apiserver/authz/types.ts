/**
 * Authorization seam: authorizers answer allow, deny or no opinion; a union asks them in order and
 * the first allow or deny decides. No opinion at the end is a deny.
 */
import type { UserInfo } from '../../registry/types.js';
import type { RequestInfo } from '../requestinfo.js';

/** allow and deny are final; noOpinion passes the question on (and is a deny at the end). */
export type Decision = 'allow' | 'deny' | 'noOpinion';

/** What is being asked: who, and the request's attributes. */
export interface Attributes {
  user: UserInfo;
  info: RequestInfo;
}

/** An authorizer's answer. */
export interface AuthorizationResult {
  decision: Decision;
  /** Why (appended to the 403 message after `: `). */
  reason?: string;
  /**
   * Set when the authorizer could not evaluate the request (e.g. the SubjectAccessReview call
   * failed). The decision is then `noOpinion`; Kubernetes answers 500 instead of 403 when no other
   * authorizer allowed the request and one of them had an error.
   */
  error?: string;
}

/** One source of authorization decisions. */
export interface Authorizer {
  authorize(attrs: Attributes): Promise<AuthorizationResult>;
}

/**
 * Asks each authorizer in turn until one allows or denies (Kubernetes' union authorizer). When all
 * have no opinion, their reasons are joined with newlines and the first error is kept.
 */
export function authorizerUnion(authorizers: readonly Authorizer[]): Authorizer {
  return {
    async authorize(attrs) {
      const reasons: string[] = [];
      let error: string | undefined;
      for (const a of authorizers) {
        const r = await a.authorize(attrs);
        if (r.decision !== 'noOpinion') return r;
        if (r.reason) reasons.push(r.reason);
        if (r.error !== undefined && error === undefined) error = r.error;
      }
      const result: AuthorizationResult = { decision: 'noOpinion' };
      if (reasons.length > 0) result.reason = reasons.join('\n');
      if (error !== undefined) result.error = error;
      return result;
    },
  };
}

/** Allows members of the given groups everything (`system:masters`). */
export function groupAuthorizer(groups: readonly string[]): Authorizer {
  const set = new Set(groups);
  return {
    authorize: async ({ user }) => (user.groups.some((g) => set.has(g)) ? { decision: 'allow' } : { decision: 'noOpinion' }),
  };
}

/** Allows non-resource requests to the given paths (exact, or `prefix*`). */
export function pathAuthorizer(paths: readonly string[]): Authorizer {
  const exact = new Set(paths.filter((p) => !p.endsWith('*')));
  const prefixes = paths.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  return {
    authorize: async ({ info }) => {
      if (info.isResourceRequest) return { decision: 'noOpinion' };
      const allowed = exact.has(info.path) || prefixes.some((p) => info.path.startsWith(p));
      return allowed ? { decision: 'allow' } : { decision: 'noOpinion' };
    },
  };
}
