/**
 * Authorization seam: authorizers answer allow, deny or no opinion; a union asks them in order and
 * the first allow or deny decides. No opinion at the end is a deny.
 */
import type { UserInfo } from '../../registry/types.js';
import type { RequestInfo } from '../requestinfo.js';

export type Decision = 'allow' | 'deny' | 'noOpinion';

/** What is being asked: who, and the request's attributes. */
export interface Attributes {
  user: UserInfo;
  info: RequestInfo;
}

export interface AuthorizationResult {
  decision: Decision;
  reason?: string;
}

export interface Authorizer {
  authorize(attrs: Attributes): Promise<AuthorizationResult>;
}

/** Asks each authorizer in turn until one allows or denies. */
export function authorizerUnion(authorizers: readonly Authorizer[]): Authorizer {
  return {
    async authorize(attrs) {
      const reasons: string[] = [];
      for (const a of authorizers) {
        const r = await a.authorize(attrs);
        if (r.decision !== 'noOpinion') return r;
        if (r.reason) reasons.push(r.reason);
      }
      return reasons.length > 0 ? { decision: 'noOpinion', reason: reasons.join(', ') } : { decision: 'noOpinion' };
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
