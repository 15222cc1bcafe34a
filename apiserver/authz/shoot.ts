/**
 * The authorizer for self-hosted shoots (Gardener's shoot authorizer, the part this server serves):
 * their gardenlets and extensions (see registry/shoot-identity.ts) may read their own Shoot, update and
 * patch it and its status, and work with its `<shoot>.ca-client` InternalSecret in the Shoot's
 * namespace (the SeedAuthorizer's rules, see `authorizeCaClient`), and read the Project of that
 * namespace (see `authorizeProjectRead`); InternalSecrets are created subject to
 * the ShootRestriction admission plugin. An extension (a ServiceAccount name) counts only for a Shoot
 * that is self-hosted. gardenadm is given nothing here. It only allows or has no opinion; RBAC or the
 * SubjectAccessReview decide next.
 */
import { selfHostedShootOf, type ShootIdentity } from '../../registry/shoot-identity.js';
import { isSelfHosted, workersOf } from '../../registry/shoot/validation/provider.js';
import type { RequestInfo } from '../requestinfo.js';
import { allow, authorizeCaClient, authorizeProjectRead, noOpinion, type GraphLookups, type ShootLookup } from './seed.js';
import type { AuthorizationResult, Authorizer } from './types.js';

const GARDENER_CORE_GROUP = 'core.gardener.cloud';
const SHOOT_WRITE_VERBS = ['patch', 'update'];
const SERVED = ['internalsecrets', 'shoots', 'projects'];

/** Its own Shoot: read it; update and patch it and its status. */
async function authorizeShoot(getShoot: ShootLookup, info: RequestInfo, own: ShootIdentity): Promise<AuthorizationResult> {
  const isOwn = info.namespace === own.namespace && info.name === own.name;
  if (['get', 'list', 'watch'].includes(info.verb) && isOwn) return allow;
  if (info.subresource !== '' && info.subresource !== 'status') return noOpinion('only the following subresources are allowed for this resource type: [status]');
  if (!SHOOT_WRITE_VERBS.includes(info.verb)) return noOpinion(`only the following verbs are allowed for this resource type: [${SHOOT_WRITE_VERBS.join(' ')}]`);
  if (info.name === '') return noOpinion('No Object name found');
  return isOwn && (await getShoot(info.namespace, info.name)) !== undefined ? allow : noOpinion('no relationship found');
}

/**
 * The shoot authorizer. Other users, gardenadm and other resources: no opinion. A failing lookup is no
 * opinion with the error set.
 */
export function shootAuthorizer(lookups: GraphLookups): Authorizer {
  const { getShoot } = lookups;
  return {
    async authorize({ user, info }) {
      const own = selfHostedShootOf(user);
      if (own === undefined || own.type === 'gardenadm' || !info.isResourceRequest || info.apiGroup !== GARDENER_CORE_GROUP) return noOpinion();
      if (!SERVED.includes(info.resource)) return noOpinion();
      try {
        // An extension's identity is only a ServiceAccount name, which whoever manages ServiceAccounts
        // in a project namespace could mint (Gardener reserves the prefix with a webhook this server
        // cannot rely on): it counts only for a Shoot that is self-hosted.
        if (own.type === 'extension' && !isSelfHosted(workersOf((await getShoot(own.namespace, own.name))?.spec))) return noOpinion();
        if (info.resource === 'shoots') return await authorizeShoot(getShoot, info, own);
        if (info.resource === 'projects') {
          return await authorizeProjectRead(lookups, info, own.name, async (namespace) => namespace === own.namespace && (await getShoot(own.namespace, own.name)) !== undefined);
        }
        return await authorizeCaClient(getShoot, info, own.name, (_shoot, namespace, name) => namespace === own.namespace && name === own.name);
      } catch (e: unknown) {
        return { decision: 'noOpinion', error: `shoot authorizer: cannot read the graph: ${e instanceof Error ? e.message : String(e)}` };
      }
    },
  };
}
