/**
 * Shoot naming rules: the generic ObjectMeta rules with DNS-label names, no "--" in the name, the length
 * limit Gardener's ShootValidator applies together with the project name, and the finalizers a new Shoot
 * may not carry.
 */
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import { nameIsDNSLabel, validateObjectMeta, validateObjectMetaUpdate } from '../../../apimachinery/validation.js';

/** Longest `<project name><shoot name>`: the technical ID of the control plane namespace must stay short. */
export const SHOOT_NAME_LENGTH_LIMIT = 21;
/** Characters `generateName` adds. */
const GENERATED_SUFFIX_LENGTH = 5;
/** Finalizers only Gardener itself adds (`gardener`, `gardener.cloud/reference-protection`). */
export const FORBIDDEN_FINALIZERS_ON_CREATION: readonly string[] = ['gardener', 'gardener.cloud/reference-protection'];

const namePath = FieldPath.of('metadata', 'name');

/**
 * The project a namespace belongs to, by Gardener's naming convention: `garden-<project>`, and the
 * `garden` namespace for the `garden` project. Other namespaces count as a project of their own name.
 */
export function projectNameForNamespace(namespace: string): string {
  return namespace.startsWith('garden-') ? namespace.slice('garden-'.length) : namespace;
}

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
 * Create-only rules: the name length together with the project name (as ShootValidator checks it, the
 * generateName variant when the name was generated), and no Gardener-owned finalizers.
 */
export function validateShootCreation(shoot: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const meta = shoot.metadata;
  const project = projectNameForNamespace(meta.namespace ?? '');
  const name = meta.name ?? '';
  const generateName = meta.generateName ?? '';
  const generated = generateName !== '' && name.startsWith(generateName.slice(0, 58)) && name.length === Math.min(generateName.length, 58) + GENERATED_SUFFIX_LENGTH;
  if (generated && (project + generateName).length > SHOOT_NAME_LENGTH_LIMIT - GENERATED_SUFFIX_LENGTH) {
    const limit = SHOOT_NAME_LENGTH_LIMIT - GENERATED_SUFFIX_LENGTH;
    const detail = `the length of the shoot generateName and the project name must not exceed ${limit} characters (project: ${project}; shoot with generateName: ${generateName})`;
    errs.push(fieldErr.invalid(namePath, name, detail));
  } else if (!generated && (project + name).length > SHOOT_NAME_LENGTH_LIMIT) {
    const detail = `the length of the shoot name and the project name must not exceed ${SHOOT_NAME_LENGTH_LIMIT} characters (project: ${project}; shoot: ${name})`;
    errs.push(fieldErr.invalid(namePath, name, detail));
  }
  (meta.finalizers ?? []).forEach((f, i) => {
    if (FORBIDDEN_FINALIZERS_ON_CREATION.includes(f)) {
      errs.push(fieldErr.forbidden(FieldPath.of('metadata', 'finalizers').index(i), `finalizer ${JSON.stringify(f)} cannot be added on creation`));
    }
  });
  return errs;
}
