/**
 * The authorizer for self-hosted shoots (Gardener's shoot authorizer, the part this server serves):
 * their gardenlets and extensions (see registry/shoot-identity.ts) may read their own Shoot, update and
 * patch it and its status, and work with its `<shoot>.ca-client` InternalSecret in the Shoot's
 * namespace; InternalSecrets are created subject to the ShootRestriction admission plugin. An extension
 * (a ServiceAccount name) counts only for a Shoot that is self-hosted. gardenadm is given nothing here. It only allows or has no opinion; RBAC or the SubjectAccessReview decide next.
 */
import { selfHostedShootOf, type ShootIdentity } from '../../registry/shoot-identity.js';
import type { RequestInfo } from '../requestinfo.js';
import type { ShootLookup } from './seed.js';
import type { AuthorizationResult, Authorizer } from './types.js';

const CA_CLIENT_SUFFIX = '.ca-client';
const GARDENER_CORE_GROUP = 'core.gardener.cloud';
const SECRET_VERBS = ['get', 'update', 'patch', 'delete', 'list', 'watch'];
/** Go's `%+v` of the sorted verb list, as in Gardener's reason text. */
const SECRET_VERB_TEXT = `[${['create', ...SECRET_VERBS].sort().join(' ')}]`;
const SHOOT_WRITE_VERBS = ['patch', 'update'];

const allow: AuthorizationResult = { decision: 'allow' };
const noOpinion = (reason?: string): AuthorizationResult => (reason === undefined ? { decision: 'noOpinion' } : { decision: 'noOpinion', reason });

/**
 * `<shoot>.ca-client` of the identity's own Shoot: allowed; of another existing Shoot: no relationship;
 * of a Shoot that is gone, which the graph no longer knows: delete only. Other names: no relationship
 * (see the SeedAuthorizer on the InternalSecrets of CredentialsBindings).
 */
async function authorizeInternalSecret(getShoot: ShootLookup, info: RequestInfo, own: ShootIdentity): Promise<AuthorizationResult> {
  if (info.subresource !== '') return noOpinion('only the following subresources are allowed for this resource type: []');
  if (info.verb === 'create') return allow;
  if (!SECRET_VERBS.includes(info.verb)) return noOpinion(`only the following verbs are allowed for this resource type: ${SECRET_VERB_TEXT}`);
  if ((info.verb === 'list' || info.verb === 'watch') && info.name === '') return noOpinion(`must specify field or label selector for name ${own.name}`);
  if (info.name === '') return noOpinion('No Object name found');
  const shootName = info.name.endsWith(CA_CLIENT_SUFFIX) ? info.name.slice(0, -CA_CLIENT_SUFFIX.length) : '';
  if (shootName === '') return noOpinion('no relationship found');
  const shoot = await getShoot(info.namespace, shootName);
  if (shoot === undefined) return info.verb === 'delete' ? allow : noOpinion('no relationship found');
  return info.namespace === own.namespace && shootName === own.name ? allow : noOpinion('no relationship found');
}

/** Its own Shoot: read it; update and patch it and its status. */
async function authorizeShoot(getShoot: ShootLookup, info: RequestInfo, own: ShootIdentity): Promise<AuthorizationResult> {
  const isOwn = info.namespace === own.namespace && info.name === own.name;
  if (['get', 'list', 'watch'].includes(info.verb) && isOwn) return allow;
  if (info.subresource !== '' && info.subresource !== 'status') return noOpinion('only the following subresources are allowed for this resource type: [status]');
  if (!SHOOT_WRITE_VERBS.includes(info.verb)) return noOpinion(`only the following verbs are allowed for this resource type: [${SHOOT_WRITE_VERBS.join(' ')}]`);
  if (info.name === '') return noOpinion('No Object name found');
  return isOwn && (await getShoot(info.namespace, info.name)) !== undefined ? allow : noOpinion('no relationship found');
}

/** Whether a Shoot runs its own control plane (a worker pool with `controlPlane`). */
function isSelfHosted(shoot: unknown): boolean {
  const workers = (shoot as { spec?: { provider?: { workers?: unknown } } } | undefined)?.spec?.provider?.workers;
  return Array.isArray(workers) && workers.some((w: unknown) => typeof w === 'object' && w !== null && (w as { controlPlane?: unknown }).controlPlane != null);
}

/**
 * The shoot authorizer. Other users, gardenadm and other resources: no opinion. A failing Shoot lookup
 * is no opinion with the error set.
 */
export function shootAuthorizer(getShoot: ShootLookup): Authorizer {
  return {
    async authorize({ user, info }) {
      const own = selfHostedShootOf(user);
      if (own === undefined || own.type === 'gardenadm' || !info.isResourceRequest || info.apiGroup !== GARDENER_CORE_GROUP) return noOpinion();
      if (info.resource !== 'internalsecrets' && info.resource !== 'shoots') return noOpinion();
      try {
        // An extension's identity is only a ServiceAccount name, which whoever manages ServiceAccounts
        // in a project namespace could mint (Gardener reserves the prefix with a webhook this server
        // cannot rely on): it counts only for a Shoot that is self-hosted.
        if (own.type === 'extension' && !isSelfHosted(await getShoot(own.namespace, own.name))) return noOpinion();
        if (info.resource === 'shoots') return await authorizeShoot(getShoot, info, own);
        return await authorizeInternalSecret(getShoot, info, own);
      } catch (e: unknown) {
        return { decision: 'noOpinion', error: `shoot authorizer: cannot read shoot: ${e instanceof Error ? e.message : String(e)}` };
      }
    },
  };
}
