/**
 * Garden validation (gardener-operator's ValidateGarden/ValidateGardenUpdate, the encryption and
 * operation parts) plus the object metadata rules of a cluster-scoped custom resource.
 */
import type { FieldError } from '../../../apimachinery/field.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../../apimachinery/validation.js';
import { validateGardenEncryptionUpdate, validateGardenerAPIServerEncryption, validateKubeAPIServerEncryption } from './encryption.js';
import { validateGardenerAPIServerConfig } from './apiserver.js';
import { validateGardenOperations } from './operations.js';

/** Rules of every Garden version. */
export function validateGardenObject(garden: KubeObject): FieldError[] {
  return [
    ...validateGardenOperations(garden),
    ...validateKubeAPIServerEncryption(garden),
    ...validateGardenerAPIServerEncryption(garden),
    ...validateGardenerAPIServerConfig(garden),
  ];
}

/** Create. */
export function validateGarden(garden: KubeObject): FieldError[] {
  return [...validateObjectMeta(garden.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain }), ...validateGardenObject(garden)];
}

/** Update of the main resource: metadata, encryption update rules, then the object rules. */
export function validateGardenUpdate(garden: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(garden.metadata, old.metadata), ...validateGardenEncryptionUpdate(garden, old), ...validateGardenObject(garden)];
}

/** Update through the status subresource: metadata rules only (the operator's webhook does not run). */
export function validateGardenStatusUpdate(garden: KubeObject, old: KubeObject): FieldError[] {
  return validateObjectMetaUpdate(garden.metadata, old.metadata);
}
