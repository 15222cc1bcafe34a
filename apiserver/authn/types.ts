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

/** Thrown by an authenticator that recognized its credential but rejects it. */
export class AuthenticationError extends Error {}

/** Runs authenticators in order; the first answer wins. Null when none applies. */
export function authenticatorChain(authenticators: readonly Authenticator[]): Authenticator {
  return {
    async authenticate(req) {
      for (const a of authenticators) {
        const user = await a.authenticate(req);
        if (user !== null) {
          if (!user.groups.includes('system:authenticated') && user.name !== 'system:anonymous') {
            user.groups = [...user.groups, 'system:authenticated'];
          }
          return user;
        }
      }
      return null;
    },
  };
}

/** The anonymous user, when anonymous requests are allowed. */
export const anonymousUser = (): UserInfo => ({ name: 'system:anonymous', groups: ['system:unauthenticated'] });
