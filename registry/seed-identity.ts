/**
 * Who acts for a seed: gardenlet (user `gardener.cloud:system:seed:<seed>` in group
 * `gardener.cloud:system:seeds`) and the seed's extensions (ServiceAccounts `extension-*` in namespace
 * `seed-<seed>`, with the ServiceAccount groups). Used by the SeedAuthorizer and the SeedRestriction admission plugin.
 */
import { SERVICE_ACCOUNT_USERNAME_PREFIX, SERVICE_ACCOUNTS_GROUP } from './serviceaccount.js';
import type { UserInfo } from './types.js';

export const SEEDS_GROUP = 'gardener.cloud:system:seeds';
export const SEED_USER_PREFIX = 'gardener.cloud:system:seed:';
const SEED_NAMESPACE_PREFIX = 'seed-';
const EXTENSION_SA_PREFIX = 'extension-';

const SA_NAMESPACE_GROUP_PREFIX = `${SERVICE_ACCOUNTS_GROUP}:`;

/**
 * The seed a user acts for, or undefined when the user is neither a gardenlet nor a seed's extension.
 * As Gardener's gardenlet identity: a member of the seeds group is a gardenlet only by its user name;
 * a ServiceAccount counts only with the ServiceAccount groups, its namespace taken from the first
 * `system:serviceaccounts:<namespace>` group (a user name alone is no seed identity).
 */
export function seedOf(user: UserInfo): string | undefined {
  if (user.groups.includes(SEEDS_GROUP)) {
    if (!user.name.startsWith(SEED_USER_PREFIX)) return undefined;
    const seed = user.name.slice(SEED_USER_PREFIX.length);
    return seed === '' ? undefined : seed;
  }
  if (!user.groups.includes(SERVICE_ACCOUNTS_GROUP)) return undefined;
  const namespace = (user.groups.find((g) => g.startsWith(SA_NAMESPACE_GROUP_PREFIX)) ?? '').slice(SA_NAMESPACE_GROUP_PREFIX.length);
  if (!namespace.startsWith(SEED_NAMESPACE_PREFIX)) return undefined;
  const seed = namespace.slice(SEED_NAMESPACE_PREFIX.length);
  const ownPrefix = `${SERVICE_ACCOUNT_USERNAME_PREFIX}${namespace}:`;
  const name = user.name.startsWith(ownPrefix) ? user.name.slice(ownPrefix.length) : user.name;
  return seed !== '' && name.startsWith(EXTENSION_SA_PREFIX) ? seed : undefined;
}
