/**
 * GardenValidator: what gardener-operator's Garden webhook (pkg/operator/webhook/validation/garden)
 * enforces beyond the Garden's own validation, served here directly instead of as a webhook (so the
 * messages lack kube-apiserver's `admission webhook "…" denied the request: ` prefix): only one Garden
 * may exist, the operator's finalizers cannot be set on creation, and a Garden is only deleted with
 * `confirmation.gardener.cloud/deletion=true`.
 */
import { badRequest, forbiddenMessage } from '../../apimachinery/errors.js';
import { DELETION_NOT_CONFIRMED, deletionConfirmed } from '../../registry/shoot/deletion.js';
import type { AdmissionDeps, AdmissionPlugin } from '../types.js';

export const GARDEN_VALIDATOR = 'GardenValidator';

/** Finalizers only gardener-operator may add. */
const FORBIDDEN_ON_CREATION: readonly string[] = ['gardener.cloud/operator', 'gardener.cloud/reference-protection'];

/** The plugin; `deps.gardens` lists the stored Gardens. */
export function gardenValidator(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: GARDEN_VALIDATOR,
    operations: ['CREATE', 'DELETE'],
    async validate(attrs) {
      if (attrs.resource.group !== 'operator.gardener.cloud' || attrs.resource.resource !== 'gardens' || attrs.subresource !== '') return;
      if (attrs.operation === 'DELETE') {
        const current = attrs.oldObject ?? attrs.object;
        if (current !== undefined && !deletionConfirmed(current)) throw forbiddenMessage(DELETION_NOT_CONFIRMED);
        return;
      }
      if (((await deps.gardens?.()) ?? []).length > 0) {
        throw badRequest('there can be only one operator.gardener.cloud/v1alpha1.Garden resource in the system at a time');
      }
      for (const finalizer of attrs.object?.metadata.finalizers ?? []) {
        if (FORBIDDEN_ON_CREATION.includes(finalizer)) throw badRequest(`finalizer ${JSON.stringify(finalizer)} cannot be added on creation`);
      }
    },
  };
}
