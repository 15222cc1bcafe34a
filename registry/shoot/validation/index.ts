/**
 * Shoot validation, composed in Gardener's order from the rule modules: metadata, operations, spec and
 * encryption for every write of the main resource; update rules against the old object; status rules for
 * the status subresource.
 */
import type { FieldError } from '../../../apimachinery/field.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import { validateHibernationUpdate, validateShootEncryptionConfig, validateShootEncryptionConfigUpdate } from './encryption.js';
import { validateShootCreation, validateShootMetadata, validateShootMetadataUpdate } from './metadata.js';
import { validateHibernationWithMaintenanceOperations, validateShootOperations } from './operations.js';
import { validateImmutableSpecFields, validateRotationPeriods, validateSeedName } from './spec.js';
import { validateShootStatusUpdate } from './status.js';

/** Rules every version of a Shoot must satisfy (Gardener's ValidateShoot, the parts served here). */
export function validateShootObject(shoot: KubeObject): FieldError[] {
  return [
    ...validateShootMetadata(shoot),
    ...validateShootOperations(shoot),
    ...validateShootEncryptionConfig(shoot),
    ...validateRotationPeriods(shoot),
    ...validateHibernationWithMaintenanceOperations(shoot),
    ...validateSeedName(shoot),
  ];
}

/** Create: the object rules plus the create-only name length and finalizer rules. */
export function validateShoot(shoot: KubeObject): FieldError[] {
  return [...validateShootObject(shoot), ...validateShootCreation(shoot)];
}

/** Update of the main resource (Gardener's ValidateShootUpdate, the parts served here). */
export function validateShootUpdate(shoot: KubeObject, old: KubeObject): FieldError[] {
  return [
    ...validateShootMetadataUpdate(shoot, old),
    ...validateImmutableSpecFields(shoot, old),
    ...validateShootEncryptionConfigUpdate(shoot, old),
    ...validateShootObject(shoot),
    ...validateHibernationUpdate(shoot, old),
  ];
}

/** Update through the status subresource. */
export function validateShootStatus(shoot: KubeObject, old: KubeObject): FieldError[] {
  return [...validateShootMetadataUpdate(shoot, old), ...validateShootStatusUpdate(shoot, old)];
}
