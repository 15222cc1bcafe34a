/**
 * SeedAuthorizer: scopes gardenlets (user `gardener.cloud:system:seed:<seed>` in group
 * `gardener.cloud:system:seeds`) and their extensions (ServiceAccounts `extension-*` in namespace
 * `seed-<seed>`) to their own seed's shoots: the Shoots whose `spec.seedName` or `status.seedName` is
 * the seed (read, and written with their status and finalizers; listed and watched with the label
 * selector `name.seed.gardener.cloud/<seed>=true`), their `<shoot>.ca-client` InternalSecrets, and the
 * Projects whose namespace holds such a Shoot (read one by name, as gardenlet's single-object cache does).
 * Creation of InternalSecrets is left to the SeedRestriction admission plugin. It only allows or has no
 * opinion; RBAC or the SubjectAccessReview decide next.
 */
import { labelSelectorOf, parseLabelSelector, type LabelSelector } from '../../apimachinery/labels.js';
import { isStatusError } from '../../apimachinery/errors.js';
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

/** What the graph authorizers read from the server's own stores to follow Gardener's graph. */
export interface GraphLookups {
  getShoot: ShootLookup;
  /** The `spec.namespace` of Project `name`; undefined when the Project does not exist or names none. */
  projectNamespace(name: string): Promise<string | undefined>;
  /** The Shoots of `namespace` (from the watch cache: as current as Gardener's informer-fed graph). */
  shootsIn(namespace: string): Promise<ShootSeedRef[]>;
}

const ALWAYS_ALLOWED_VERBS = ['create'];
const GRAPH_VERBS = ['get', 'update', 'patch', 'delete', 'list', 'watch'];
/** Go's `%+v` of the sorted verb list, as in Gardener's reason text. */
const VERB_LIST_TEXT = `[${[...ALWAYS_ALLOWED_VERBS, ...GRAPH_VERBS].sort().join(' ')}]`;

export const allow: AuthorizationResult = { decision: 'allow' };
export const noOpinion = (reason?: string): AuthorizationResult => (reason === undefined ? { decision: 'noOpinion' } : { decision: 'noOpinion', reason });

/** The shoot whose `ca-client` an InternalSecret name is, or undefined for any other name. */
function shootOfSecret(name: string): string | undefined {
  if (!name.endsWith(CA_CLIENT_SUFFIX)) return undefined;
  const shoot = name.slice(0, -CA_CLIENT_SUFFIX.length);
  return shoot === '' ? undefined : shoot;
}

/** Whether the stored Shoot `namespace/name` belongs to the identity asking (its seed, or itself). */
export type ShootRelation = (shoot: ShootSeedRef, namespace: string, name: string) => boolean;

/**
 * The rules for one request on `internalsecrets` of an identity acting for `toName` (a seed, or a
 * self-hosted shoot): create always (admission decides); the other verbs on one named object only, a
 * `<shoot>.ca-client` whose Shoot is `related`. `delete` of a `<shoot>.ca-client` whose Shoot is gone,
 * which the graph no longer knows, is allowed. Gardener's graph also holds InternalSecrets that
 * CredentialsBindings reference, which this server does not serve, so a delete of any other name is not
 * taken for one outside the graph.
 */
export async function authorizeCaClient(getShoot: ShootLookup, info: RequestInfo, toName: string, related: ShootRelation): Promise<AuthorizationResult> {
  if (info.subresource !== '') return noOpinion('only the following subresources are allowed for this resource type: []');
  if (ALWAYS_ALLOWED_VERBS.includes(info.verb)) return allow;
  if (!GRAPH_VERBS.includes(info.verb)) return noOpinion(`only the following verbs are allowed for this resource type: ${VERB_LIST_TEXT}`);
  if ((info.verb === 'list' || info.verb === 'watch') && info.name === '') {
    return noOpinion(`must specify field or label selector for name ${toName}`);
  }
  if (info.name === '') return noOpinion('No Object name found');
  const shootName = shootOfSecret(info.name);
  if (shootName === undefined) return noOpinion('no relationship found');
  const shoot = await getShoot(info.namespace, shootName);
  if (shoot === undefined) return info.verb === 'delete' ? allow : noOpinion('no relationship found');
  return related(shoot, info.namespace, shootName) ? allow : noOpinion('no relationship found');
}

const PROJECT_VERBS = ['get', 'list', 'watch'];

/**
 * The rules for one request on `projects` of an identity acting for `toName` (Gardener's CheckRead on
 * the Project vertex): get, list and watch of one named Project whose namespace `leadsTo` the identity
 * (the graph's Project -> Namespace -> Shoot edges); nothing else.
 */
export async function authorizeProjectRead(
  lookups: GraphLookups,
  info: RequestInfo,
  toName: string,
  leadsTo: (namespace: string) => Promise<boolean>,
): Promise<AuthorizationResult> {
  if (info.subresource !== '') return noOpinion('only the following subresources are allowed for this resource type: []');
  if (!PROJECT_VERBS.includes(info.verb)) return noOpinion(`only the following verbs are allowed for this resource type: [${PROJECT_VERBS.join(' ')}]`);
  if ((info.verb === 'list' || info.verb === 'watch') && info.name === '') {
    return noOpinion(`must specify field or label selector for name ${toName}`);
  }
  if (info.name === '') return noOpinion('No Object name found');
  const namespace = await lookups.projectNamespace(info.name);
  return namespace !== undefined && (await leadsTo(namespace)) ? allow : noOpinion('no relationship found');
}

/** Whether `shoot` is scheduled to `seed` or migrating from or to it. */
function onSeed(shoot: ShootSeedRef, seed: string): boolean {
  return shoot.spec?.seedName === seed || shoot.status?.seedName === seed;
}

/** Label prefix of the labels the Shoot strategy keeps for the seeds a Shoot is assigned to. */
const SEED_NAME_LABEL_PREFIX = 'name.seed.gardener.cloud/';
const SHOOT_VERBS = ['get', 'list', 'patch', 'update', 'watch'];
const SHOOT_SUBRESOURCES = ['finalizers', 'status'];

/**
 * Does the request's label selector demand the seed's label (`name.seed.gardener.cloud/<seed>=true`,
 * `in (true, ...)` or its presence)? Then it selects only that seed's Shoots (every requirement must hold). A
 * requirement that the label merely does not contradict (`!foo`, `<label>!=false`) would select every
 * seed's. Unparsable: no. (Gardener lets any requirement the seed's label satisfies pass.)
 */
function selectsSeedLabel(raw: string, seed: string): boolean {
  let selector: LabelSelector;
  try {
    selector = parseLabelSelector(raw);
  } catch (e: unknown) {
    if (isStatusError(e)) return false;
    throw e;
  }
  const key = `${SEED_NAME_LABEL_PREFIX}${seed}`;
  return selector.requirements.some((r) => r.key === key && labelSelectorOf([r]).matches({ [key]: 'true' }) && !labelSelectorOf([r]).matches({}));
}

/**
 * The rules for one request of a seed identity on `shoots`: its own Shoot in `garden` (a self-hosted
 * seed), lists and watches selected by the seed's label, and the Shoots assigned to the seed.
 */
async function authorizeShoot(getShoot: ShootLookup, info: RequestInfo, seed: string): Promise<AuthorizationResult> {
  if (info.verb === 'get' && info.namespace === 'garden' && info.name === seed) return allow;
  if (info.subresource !== '' && !SHOOT_SUBRESOURCES.includes(info.subresource)) {
    return noOpinion(`only the following subresources are allowed for this resource type: [${SHOOT_SUBRESOURCES.join(' ')}]`);
  }
  if (!SHOOT_VERBS.includes(info.verb)) return noOpinion(`only the following verbs are allowed for this resource type: [${SHOOT_VERBS.join(' ')}]`);
  if ((info.verb === 'list' || info.verb === 'watch') && info.name === '') {
    return selectsSeedLabel(info.labelSelector, seed) ? allow : noOpinion(`must specify field or label selector for name ${seed}`);
  }
  if (info.name === '') return noOpinion('No Object name found');
  const shoot = await getShoot(info.namespace, info.name);
  return shoot !== undefined && onSeed(shoot, seed) ? allow : noOpinion('no relationship found');
}

/**
 * The SeedAuthorizer. Non-seed users and other resources: no opinion. A failing lookup is no
 * opinion with the error set (RBAC or the SubjectAccessReview still get their say).
 */
export function seedAuthorizer(lookups: GraphLookups): Authorizer {
  const { getShoot } = lookups;
  return {
    async authorize({ user, info }) {
      const seed = seedOf(user);
      if (seed === undefined || !info.isResourceRequest || info.apiGroup !== GARDENER_CORE_GROUP) return noOpinion();
      try {
        switch (info.resource) {
          case 'shoots':
            return await authorizeShoot(getShoot, info, seed);
          case 'internalsecrets':
            return await authorizeCaClient(getShoot, info, seed, (shoot) => onSeed(shoot, seed));
          case 'projects':
            return await authorizeProjectRead(lookups, info, seed, async (namespace) => (await lookups.shootsIn(namespace)).some((shoot) => onSeed(shoot, seed)));
          default:
            return noOpinion();
        }
      } catch (e: unknown) {
        return { decision: 'noOpinion', error: `seed authorizer: cannot read the graph: ${e instanceof Error ? e.message : String(e)}` };
      }
    },
  };
}
