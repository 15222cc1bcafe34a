/**
 * ShootRestriction (Gardener's webhook of that name, the part about InternalSecrets): the gardenlet or
 * an extension of a self-hosted shoot may create an InternalSecret only when it is `<shoot>.ca-client`
 * of its own Shoot, in the Shoot's namespace; gardenadm creates none. Refusals are worded as
 * kube-apiserver reports Gardener's `shoot-restriction.gardener.cloud` webhook. Other users are not affected;
 * reading and changing existing objects is the shoot authorizer's business.
 */
import { webhookDenied } from '../../apimachinery/errors.js';
import { selfHostedShootOf } from '../../registry/shoot-identity.js';
import type { AdmissionPlugin } from '../types.js';

export const SHOOT_RESTRICTION = 'ShootRestriction';
const INTERNAL_SECRETS = { group: 'core.gardener.cloud', resource: 'internalsecrets' };
const WEBHOOK = 'shoot-restriction.gardener.cloud';

/** The plugin. */
export function shootRestriction(): AdmissionPlugin {
  return {
    name: SHOOT_RESTRICTION,
    operations: ['CREATE'],
    async validate(attrs) {
      if (attrs.resource.group !== INTERNAL_SECRETS.group || attrs.resource.resource !== INTERNAL_SECRETS.resource || attrs.subresource !== '') return;
      const own = selfHostedShootOf(attrs.user);
      if (own === undefined) return;
      if (own.type === 'gardenadm') throw webhookDenied(WEBHOOK, 400, `unexpected resource: "${INTERNAL_SECRETS.resource}.${INTERNAL_SECRETS.group}"`);
      const name = attrs.object?.metadata.name ?? attrs.name;
      if (attrs.namespace !== own.namespace || name !== `${own.name}.ca-client`) {
        throw webhookDenied(WEBHOOK, 403, `object does not belong to shoot ${own.namespace}/${own.name}`);
      }
    },
  };
}
