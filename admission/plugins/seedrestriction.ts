/**
 * SeedRestriction: a gardenlet (or a seed's extension) may create an InternalSecret only when it is the
 * `<shoot>.ca-client` of a Shoot whose `spec.seedName` is its own seed. A create of an InternalSecret
 * that already exists is let through (the storage answers 409 AlreadyExists), as Gardener's webhook
 * does; a missing Shoot is refused with its NotFound text. Refusals are worded as kube-apiserver
 * reports Gardener's `seed-restriction.gardener.cloud` webhook. Other users are not affected; reading
 * and changing existing objects is the SeedAuthorizer's business.
 */
import { isStatusError, webhookDenied } from '../../apimachinery/errors.js';
import { seedOf } from '../../registry/seed-identity.js';
import type { AdmissionDeps, AdmissionPlugin } from '../types.js';

export const SEED_RESTRICTION = 'SeedRestriction';
const CA_CLIENT_SUFFIX = '.ca-client';
const INTERNAL_SECRETS = { group: 'core.gardener.cloud', resource: 'internalsecrets' };
const WEBHOOK = 'seed-restriction.gardener.cloud';

/** Whether the InternalSecret is stored already. */
async function exists(deps: AdmissionDeps, namespace: string, name: string): Promise<boolean> {
  try {
    return (await deps.getInternalSecret?.(namespace, name)) !== undefined;
  } catch (e: unknown) {
    if (isStatusError(e) && e.code === 404) return false;
    throw e;
  }
}

/** The plugin; `deps.getShoot` reads Shoots from the server's own storage. */
export function seedRestriction(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: SEED_RESTRICTION,
    operations: ['CREATE'],
    async validate(attrs) {
      if (attrs.resource.group !== INTERNAL_SECRETS.group || attrs.resource.resource !== INTERNAL_SECRETS.resource) return;
      const seed = seedOf(attrs.user);
      if (seed === undefined) return;
      const name = attrs.object?.metadata.name ?? attrs.name;
      if (name !== '' && (await exists(deps, attrs.namespace, name))) return;
      const denied = webhookDenied(WEBHOOK, 403, `object does not belong to seed ${JSON.stringify(seed)}`);
      if (!name.endsWith(CA_CLIENT_SUFFIX)) throw denied;
      const shootName = name.slice(0, -CA_CLIENT_SUFFIX.length);
      const missing = webhookDenied(WEBHOOK, 403, `shoots.core.gardener.cloud ${JSON.stringify(shootName)} not found`);
      let seedName: unknown;
      try {
        const shoot = await deps.getShoot(attrs.namespace, shootName);
        if (shoot === undefined) throw missing;
        seedName = (shoot.spec as { seedName?: unknown } | undefined)?.seedName;
      } catch (e: unknown) {
        if (e === missing || (isStatusError(e) && e.code === 404)) throw missing;
        if (isStatusError(e)) throw e; // the storage's own answer (503 while it is unreachable)
        throw webhookDenied(WEBHOOK, 500, e instanceof Error ? e.message : String(e));
      }
      if (seedName !== seed) throw denied;
    },
  };
}
