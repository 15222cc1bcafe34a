/**
 * Authentication seam: a chain of authenticators, each answering "this is the user", "not mine"
 * (null), or failing (401). The chain adds `system:authenticated`.
 */
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../../registry/types.js';

/** One way of establishing who is calling. */
export interface Authenticator {
  /** The user, or null when this authenticator does not apply; throws to fail the request with 401. */
  authenticate(req: IncomingMessage): Promise<UserInfo | null>;
}

/**
 * Thrown by an authenticator that recognized its credential but rejects it (an unverifiable client
 * certificate, a front-proxy certificate with a CN outside the allowed list, a rejected token).
 */
export class AuthenticationError extends Error {
  override name = 'AuthenticationError';
}

/**
 * Runs authenticators in order; the first user wins. Like Kubernetes' union authenticator, a failing
 * authenticator does not stop the chain (a direct client certificate fails the front-proxy check but
 * is then accepted by the x509 authenticator): only when no authenticator establishes a user is the
 * first error rethrown (401). Null when none applies and none failed (anonymous, if allowed).
 */
export function authenticatorChain(authenticators: readonly Authenticator[]): Authenticator {
  return {
    async authenticate(req) {
      let firstError: unknown;
      let failed = false;
      for (const a of authenticators) {
        let user: UserInfo | null;
        try {
          user = await a.authenticate(req);
        } catch (e: unknown) {
          if (!failed) firstError = e;
          failed = true;
          continue;
        }
        if (user !== null) return withAuthenticatedGroup(user);
      }
      if (failed) throw firstError;
      return null;
    },
  };
}

/**
 * Appends `system:authenticated` to an authenticated user, unless it is `system:anonymous` or already
 * carries `system:authenticated` or `system:unauthenticated` (Kubernetes' AuthenticatedGroupAdder).
 */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.name === 'system:anonymous' || user.groups.includes('system:authenticated') || user.groups.includes('system:unauthenticated')) return user;
  return { ...user, groups: [...user.groups, 'system:authenticated'] };
}

/** The anonymous user, when anonymous requests are allowed. */
export const anonymousUser = (): UserInfo => ({ name: 'system:anonymous', groups: ['system:unauthenticated'] });
