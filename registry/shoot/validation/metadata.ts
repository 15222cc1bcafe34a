/**
 * Shoot naming rules: the generic ObjectMeta rules with DNS-label names, no "--" in the name, and the
 * finalizers a new Shoot may not carry.
 */
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import { nameIsDNSLabel, validateObjectMeta, validateObjectMetaUpdate } from '../../../apimachinery/validation.js';

/** Finalizers only Gardener itself adds (`gardener`, `gardener.cloud/reference-protection`). */
export const FORBIDDEN_FINALIZERS_ON_CREATION: readonly string[] = ['gardener', 'gardener.cloud/reference-protection'];

const namePath = FieldPath.of('metadata', 'name');

/** ObjectMeta on create and update-independent name rules. */
export function validateShootMetadata(shoot: KubeObject): FieldError[] {
  const errs = validateObjectMeta(shoot.metadata, { namespaced: true, nameFn: nameIsDNSLabel });
  errs.push(...validateNameConsecutiveHyphens(shoot.metadata.name ?? ''));
  return errs;
}

/** ObjectMeta update rules plus the name rules of the new object. */
export function validateShootMetadataUpdate(shoot: KubeObject, old: KubeObject): FieldError[] {
  return validateObjectMetaUpdate(shoot.metadata, old.metadata);
}

/** `name may not contain two consecutive hyphens`. */
export function validateNameConsecutiveHyphens(name: string): FieldError[] {
  return name.includes('--') ? [fieldErr.invalid(namePath, name, 'name may not contain two consecutive hyphens')] : [];
}

/**
 * Create-only rules: no Gardener-owned finalizers. (The name's length together with the project's is
 * ShootValidator's, an admission check made after this validation, with the Project's real name.)
 */
export function validateShootCreation(shoot: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const meta = shoot.metadata;
  (meta.finalizers ?? []).forEach((f, i) => {
    if (FORBIDDEN_FINALIZERS_ON_CREATION.includes(f)) {
      errs.push(fieldErr.forbidden(FieldPath.of('metadata', 'finalizers').index(i), `finalizer ${JSON.stringify(f)} cannot be added on creation`));
    }
  });
  return errs;
}
