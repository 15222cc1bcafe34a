/**
 * SeedAuthorizer: scopes gardenlets (user `gardener.cloud:system:seed:<seed>` in group
 * `gardener.cloud:system:seeds`) and their extensions (ServiceAccounts `extension-*` in namespace
 * `seed-<seed>`) to the InternalSecrets of their own seed's shoots: `<shoot>.ca-client` of a Shoot whose
 * `spec.seedName` or `status.seedName` is the seed. Creation is left to the SeedRestriction admission
 * plugin. It only allows or has no opinion; RBAC or the SubjectAccessReview decide next.
 */
import { seedOf } from '../../registry/seed-identity.js';
export { SEEDS_GROUP, SEED_USER_PREFIX, seedOf } from '../../registry/seed-identity.js';
import type { RequestInfo } from '../requestinfo.js';
import type { AuthorizationResult, Authorizer } from './types.js';

const CA_CLIENT_SUFFIX = '.ca-client';
const GARDENER_CORE_GROUP = 'core.gardener.cloud';

/** The part of a Shoot the authorizer reads. */
export interface ShootSeedRef {
  spec?: { seedName?: string | null };
  status?: { seedName?: string | null };
}

/** Looks a Shoot up (the lead passes a lookup on the Shoot store); undefined when it does not exist. */
export type ShootLookup = (namespace: string, name: string) => Promise<ShootSeedRef | undefined>;

const ALWAYS_ALLOWED_VERBS = ['create'];
const GRAPH_VERBS = ['get', 'update', 'patch', 'delete', 'list', 'watch'];
/** Go's `%+v` of the sorted verb list, as in Gardener's reason text. */
const VERB_LIST_TEXT = `[${[...ALWAYS_ALLOWED_VERBS, ...GRAPH_VERBS].sort().join(' ')}]`;

const allow: AuthorizationResult = { decision: 'allow' };
const noOpinion = (reason?: string): AuthorizationResult => (reason === undefined ? { decision: 'noOpinion' } : { decision: 'noOpinion', reason });

/** The shoot whose `ca-client` an InternalSecret name is, or undefined for any other name. */
function shootOfSecret(name: string): string | undefined {
  if (!name.endsWith(CA_CLIENT_SUFFIX)) return undefined;
  const shoot = name.slice(0, -CA_CLIENT_SUFFIX.length);
  return shoot === '' ? undefined : shoot;
}

/**
 * Graph check for a named InternalSecret: allowed when it is `<shoot>.ca-client` of a Shoot assigned to
 * `seed` (spec or status). `delete` of an object the graph does not know (no such Shoot, or not a
 * ca-client name) is allowed.
 */
async function hasPathToSeed(getShoot: ShootLookup, info: RequestInfo, seed: string): Promise<AuthorizationResult> {
  const shootName = shootOfSecret(info.name);
  const shoot = shootName === undefined ? undefined : await getShoot(info.namespace, shootName);
  if (shoot === undefined) return info.verb === 'delete' ? allow : noOpinion('no relationship found');
  const seeds = [shoot.spec?.seedName, shoot.status?.seedName];
  return seeds.includes(seed) ? allow : noOpinion('no relationship found');
}

/** The rules for one request of a seed identity on `internalsecrets`. */
async function authorizeInternalSecret(getShoot: ShootLookup, info: RequestInfo, seed: string): Promise<AuthorizationResult> {
  if (info.subresource !== '') return noOpinion('only the following subresources are allowed for this resource type: []');
  if (ALWAYS_ALLOWED_VERBS.includes(info.verb)) return allow;
  if (!GRAPH_VERBS.includes(info.verb)) return noOpinion(`only the following verbs are allowed for this resource type: ${VERB_LIST_TEXT}`);
  if ((info.verb === 'list' || info.verb === 'watch') && info.name === '') {
    return noOpinion(`must specify field or label selector for name ${seed}`);
  }
  if (info.name === '') return noOpinion('No Object name found');
  return hasPathToSeed(getShoot, info, seed);
}

/**
 * The SeedAuthorizer. Non-seed users and other resources: no opinion. A failing Shoot lookup is no
 * opinion with the error set (RBAC or the SubjectAccessReview still get their say).
 */
export function seedAuthorizer(getShoot: ShootLookup): Authorizer {
  return {
    async authorize({ user, info }) {
      const seed = seedOf(user);
      if (seed === undefined || !info.isResourceRequest) return noOpinion();
      if (info.apiGroup !== GARDENER_CORE_GROUP || info.resource !== 'internalsecrets') return noOpinion();
      try {
        return await authorizeInternalSecret(getShoot, info, seed);
      } catch (e: unknown) {
        return { decision: 'noOpinion', error: `seed authorizer: cannot read shoot: ${e instanceof Error ? e.message : String(e)}` };
      }
    },
  };
}
