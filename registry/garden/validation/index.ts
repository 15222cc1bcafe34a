/**
 * Garden validation: the object metadata rules kube-apiserver applies to a cluster-scoped custom
 * resource, and gardener-operator's ValidateGarden/ValidateGardenUpdate (the encryption and operation
 * parts), which its validating webhook runs (the GardenValidator admission plugin here).
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

/** Create: the metadata rules of the custom resource. */
export function validateGardenMeta(garden: KubeObject): FieldError[] {
  return validateObjectMeta(garden.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
}

/** Update (main resource and status): the metadata update rules of the custom resource. */
export function validateGardenMetaUpdate(garden: KubeObject, old: KubeObject): FieldError[] {
  return validateObjectMetaUpdate(garden.metadata, old.metadata);
}

/** The webhook's rules on create (ValidateGarden). */
export function validateGarden(garden: KubeObject): FieldError[] {
  return validateGardenObject(garden);
}

/** The webhook's rules on an update of the main resource: encryption update rules, then the object rules. */
export function validateGardenUpdate(garden: KubeObject, old: KubeObject): FieldError[] {
  return [...validateGardenEncryptionUpdate(garden, old), ...validateGardenObject(garden)];
}
