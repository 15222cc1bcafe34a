/**
 * DeletionConfirmation: a Shoot or a Project is only deleted when it carries the annotation
 * `confirmation.gardener.cloud/deletion=true`, so a stray `kubectl delete` cannot remove a cluster or a
 * project with all of its clusters.
 */
import { checkDeletionConfirmation } from '../../registry/shoot/deletion.js';
import type { AdmissionPlugin } from '../types.js';

export const DELETION_CONFIRMATION = 'DeletionConfirmation';

/** The kinds whose deletion must be confirmed. */
const CONFIRMED_RESOURCES: ReadonlySet<string> = new Set(['shoots', 'projects']);

/** Refuses DELETE of unconfirmed Shoots and Projects (each item of a deletecollection too). */
export function deletionConfirmation(): AdmissionPlugin {
  return {
    name: DELETION_CONFIRMATION,
    operations: ['DELETE'],
    async validate(attrs) {
      const { group, resource } = attrs.resource;
      if (group !== 'core.gardener.cloud' || !CONFIRMED_RESOURCES.has(resource) || attrs.subresource !== '') return;
      const current = attrs.oldObject ?? attrs.object;
      if (current === undefined) return;
      const err = checkDeletionConfirmation(current, resource);
      if (err !== undefined) throw err;
    },
  };
}
