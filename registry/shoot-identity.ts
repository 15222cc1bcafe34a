/**
 * Who acts for a self-hosted shoot: its gardenlet (user `gardener.cloud:system:shoot:<namespace>:<name>`
 * in group `gardener.cloud:system:shoots`), gardenadm while it bootstraps the shoot
 * (`gardener.cloud:gardenadm:shoot:<namespace>:<name>`, same group) and the shoot's extensions
 * (ServiceAccounts `extension-shoot--<name>--*` in the shoot's namespace, `garden` or `garden-*`, with
 * the ServiceAccount groups). Used by the shoot authorizer and the ShootRestriction admission plugin.
 */
import { SERVICE_ACCOUNTS_GROUP, splitServiceAccountUsername } from './serviceaccount.js';
import type { UserInfo } from './types.js';

export const SHOOTS_GROUP = 'gardener.cloud:system:shoots';
export const SHOOT_USER_PREFIX = 'gardener.cloud:system:shoot:';
export const GARDENADM_USER_PREFIX = 'gardener.cloud:gardenadm:shoot:';
const EXTENSION_SA_PREFIX = 'extension-shoot--';

/** A self-hosted shoot and what acts for it. */
export interface ShootIdentity {
  namespace: string;
  name: string;
  type: 'gardenlet' | 'gardenadm' | 'extension';
}

function fromShootsGroup(user: UserInfo): ShootIdentity | undefined {
  const type = user.name.startsWith(SHOOT_USER_PREFIX) ? 'gardenlet' : user.name.startsWith(GARDENADM_USER_PREFIX) ? 'gardenadm' : undefined;
  if (type === undefined) return undefined;
  const parts = user.name.slice((type === 'gardenlet' ? SHOOT_USER_PREFIX : GARDENADM_USER_PREFIX).length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace = '', name = ''] = parts;
  return { namespace, name, type };
}

function fromServiceAccount(user: UserInfo): ShootIdentity | undefined {
  const sa = splitServiceAccountUsername(user.name);
  if (sa === undefined) return undefined;
  const { namespace } = sa;
  if (namespace !== 'garden' && !namespace.startsWith('garden-')) return undefined;
  if (!sa.name.startsWith(EXTENSION_SA_PREFIX)) return undefined;
  const rest = sa.name.slice(EXTENSION_SA_PREFIX.length);
  const cut = rest.indexOf('--');
  if (cut <= 0) return undefined;
  return { namespace, name: rest.slice(0, cut), type: 'extension' };
}

/** The self-hosted shoot a user acts for, or undefined (as Gardener's shoot identity). */
export function selfHostedShootOf(user: UserInfo): ShootIdentity | undefined {
  if (user.groups.includes(SHOOTS_GROUP)) return fromShootsGroup(user);
  if (user.groups.includes(SERVICE_ACCOUNTS_GROUP)) return fromServiceAccount(user);
  return undefined;
}
