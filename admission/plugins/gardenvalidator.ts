/**
 * GardenValidator: gardener-operator's validating webhook for Gardens
 * (pkg/operator/webhook/validation/garden), served here directly. On create: only one Garden may
 * exist, the operator's finalizers cannot be set, then ValidateGarden; on update of the main resource
 * ValidateGardenUpdate; a Garden is only deleted with `confirmation.gardener.cloud/deletion=true`.
 * Refusals are worded as kube-apiserver reports the webhook's (`garden-validation.operator.gardener.cloud`).
 */
import { badRequest, deniedByWebhook, forbiddenMessage, invalid } from '../../apimachinery/errors.js';
import type { FieldError } from '../../apimachinery/field.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { validateGarden, validateGardenUpdate } from '../../registry/garden/validation/index.js';
import { DELETION_NOT_CONFIRMED, deletionConfirmed } from '../../registry/shoot/deletion.js';
import type { AdmissionDeps, AdmissionPlugin } from '../types.js';

export const GARDEN_VALIDATOR = 'GardenValidator';
const WEBHOOK = 'garden-validation.operator.gardener.cloud';
const GARDEN = { group: 'operator.gardener.cloud', kind: 'Garden' };

/** Finalizers only gardener-operator may add. */
const FORBIDDEN_ON_CREATION: readonly string[] = ['gardener.cloud/operator', 'gardener.cloud/reference-protection'];

function throwIfInvalid(garden: KubeObject, errs: FieldError[]): void {
  if (errs.length > 0) throw deniedByWebhook(WEBHOOK, invalid(GARDEN, garden.metadata.name ?? '', errs));
}

/** The plugin; `deps.gardens` lists the stored Gardens. */
export function gardenValidator(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: GARDEN_VALIDATOR,
    operations: ['CREATE', 'UPDATE', 'DELETE'],
    async validate(attrs) {
      if (attrs.resource.group !== GARDEN.group || attrs.resource.resource !== 'gardens' || attrs.subresource !== '') return;
      const garden = attrs.object;
      if (attrs.operation === 'DELETE') {
        const current = attrs.oldObject ?? garden;
        if (current !== undefined && !deletionConfirmed(current)) throw deniedByWebhook(WEBHOOK, forbiddenMessage(DELETION_NOT_CONFIRMED));
        return;
      }
      if (garden === undefined) return;
      if (attrs.operation === 'UPDATE') {
        if (attrs.oldObject !== undefined) throwIfInvalid(garden, validateGardenUpdate(garden, attrs.oldObject));
        return;
      }
      if (((await deps.gardens?.()) ?? []).length > 0) {
        throw deniedByWebhook(WEBHOOK, badRequest('there can be only one operator.gardener.cloud/v1alpha1.Garden resource in the system at a time'));
      }
      for (const finalizer of garden.metadata.finalizers ?? []) {
        if (FORBIDDEN_ON_CREATION.includes(finalizer)) throw deniedByWebhook(WEBHOOK, badRequest(`finalizer ${JSON.stringify(finalizer)} cannot be added on creation`));
      }
      throwIfInvalid(garden, validateGarden(garden));
    },
  };
}
