/** Graph lookups over fixed tables, for authorizer tests. */
import type { GraphLookups, ShootSeedRef } from '../../apiserver/authz/seed.js';

/**
 * Lookups over `shoots` (keyed `namespace/name`) and `projects` (name to `spec.namespace`); every
 * Shoot lookup by name is recorded in `calls` when given.
 */
export function tableLookups(shoots: ReadonlyMap<string, ShootSeedRef>, projects: Readonly<Record<string, string>> = {}, calls?: string[]): GraphLookups {
  return {
    getShoot: async (namespace, name) => {
      calls?.push(`${namespace}/${name}`);
      return shoots.get(`${namespace}/${name}`);
    },
    projectNamespace: async (name) => projects[name],
    shootsIn: async (namespace) => [...shoots].filter(([key]) => key.startsWith(`${namespace}/`)).map(([, shoot]) => shoot),
  };
}
