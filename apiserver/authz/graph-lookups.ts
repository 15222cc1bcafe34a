/**
 * The lookups the graph authorizers (SeedAuthorizer, shoot authorizer) make, over the server's own
 * Shoot store and Project cache. Gardener's graph is fed by informers; the Shoots of a namespace are
 * read from the watch cache likewise (`resourceVersion=0`), a single Shoot consistently.
 */
import { isStatusError } from '../../apimachinery/errors.js';
import type { ProjectCache } from '../../registry/project/cache.js';
import { projectNamespace } from '../../registry/project/types.js';
import type { RequestContext } from '../../registry/types.js';
import type { ResourceStore } from '../../registry/generic/store.js';
import type { GraphLookups, ShootSeedRef } from './seed.js';

/** Lookups over `shoots` (absent when Shoots are not served) and `projects`, made as `system`. */
export function graphLookups(shoots: ResourceStore | undefined, projects: ProjectCache, system: Omit<RequestContext, 'namespace'>): GraphLookups {
  return {
    async getShoot(namespace, name) {
      if (shoots === undefined) return undefined;
      try {
        return (await shoots.get({ ...system, namespace }, name)) as ShootSeedRef;
      } catch (e: unknown) {
        if (isStatusError(e) && e.code === 404) return undefined;
        throw e;
      }
    },
    async projectNamespace(name) {
      const project = await projects.get(name);
      return project === undefined ? undefined : projectNamespace(project);
    },
    async shootsIn(namespace) {
      if (shoots === undefined) return [];
      return (await shoots.list({ ...system, namespace }, { resourceVersion: '0' })).items as ShootSeedRef[];
    },
  };
}
