/**
 * Who acts for a seed: gardenlet (user `gardener.cloud:system:seed:<seed>` in group
 * `gardener.cloud:system:seeds`) and the seed's extensions (ServiceAccounts `extension-*` in namespace
 * `seed-<seed>`). Used by the SeedAuthorizer and the SeedRestriction admission plugin.
 */
import type { UserInfo } from './types.js';

export const SEEDS_GROUP = 'gardener.cloud:system:seeds';
export const SEED_USER_PREFIX = 'gardener.cloud:system:seed:';
const SA_PREFIX = 'system:serviceaccount:';
const SEED_NAMESPACE_PREFIX = 'seed-';
const EXTENSION_SA_PREFIX = 'extension-';

/** The seed a user acts for, or undefined when the user is neither a gardenlet nor a seed's extension. */
export function seedOf(user: UserInfo): string | undefined {
  if (user.groups.includes(SEEDS_GROUP) && user.name.startsWith(SEED_USER_PREFIX)) {
    const seed = user.name.slice(SEED_USER_PREFIX.length);
    return seed === '' ? undefined : seed;
  }
  if (user.name.startsWith(SA_PREFIX)) {
    const [namespace = '', name = '', ...rest] = user.name.slice(SA_PREFIX.length).split(':');
    if (rest.length > 0 || !namespace.startsWith(SEED_NAMESPACE_PREFIX) || !name.startsWith(EXTENSION_SA_PREFIX)) return undefined;
    const seed = namespace.slice(SEED_NAMESPACE_PREFIX.length);
    return seed === '' ? undefined : seed;
  }
  return undefined;
}
