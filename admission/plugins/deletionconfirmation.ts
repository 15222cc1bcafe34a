/**
 * DeletionConfirmation: a Shoot is only deleted when it carries the annotation
 * `confirmation.gardener.cloud/deletion=true`, so a stray `kubectl delete` cannot remove a cluster.
 */
import { checkDeletionConfirmation } from '../../registry/shoot/deletion.js';
import type { AdmissionPlugin } from '../types.js';

export const DELETION_CONFIRMATION = 'DeletionConfirmation';

/** Refuses DELETE of unconfirmed Shoots (each item of a deletecollection too). */
export function deletionConfirmation(): AdmissionPlugin {
  return {
    name: DELETION_CONFIRMATION,
    operations: ['DELETE'],
    async validate(attrs) {
      if (attrs.resource.group !== 'core.gardener.cloud' || attrs.resource.resource !== 'shoots' || attrs.subresource !== '') return;
      const current = attrs.oldObject ?? attrs.object;
      if (current === undefined) return;
      const err = checkDeletionConfirmation(current);
      if (err !== undefined) throw err;
    },
  };
}
