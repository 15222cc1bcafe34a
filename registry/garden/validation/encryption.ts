/**
 * The Garden's encryption rules (gardener-operator's Garden validation): the virtual kube-apiserver's
 * configuration has the Shoot's static rules without the AES-GCM auto-rotation requirement; the
 * gardener-apiserver's lists only Gardener resources that are not always encrypted, with the same provider
 * as the kube-apiserver. Updates are checked per API server against its share of the one status list.
 */
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import { isPlainObject, type KubeObject } from '../../../apimachinery/types.js';
import { groupResourceKey } from '../../encryptionconfig/groupresource.js';
import { GARDENER_APISERVER_ALWAYS_ENCRYPTED, KUBE_APISERVER_ALWAYS_ENCRYPTED, providerType, texts } from '../../encryptionconfig/types.js';
import { validateEncryptionConfigUpdate } from '../../encryptionconfig/update.js';
import { alwaysEncryptedMessage, MSG_LOWER_CASE, MSG_WILDCARD, validateEncryptionConfig } from '../../encryptionconfig/validation.js';
import {
  GARDENER_APISERVER_ENCRYPTION_PATH,
  gardenEncryptedResources,
  gardenEncryptionProviderInStatus,
  gardenerAPIServerEncryptionConfig,
  gardenLastOperation,
  gardenRotationPhase,
  groupResourcesWhere,
  isServedByGardenerAPIServer,
  KUBE_APISERVER_ENCRYPTION_PATH,
  kubeAPIServerEncryptionConfig,
} from '../types.js';

export const kubeAPIServerEncryptionPath = FieldPath.of(...KUBE_APISERVER_ENCRYPTION_PATH);
export const gardenerAPIServerEncryptionPath = FieldPath.of(...GARDENER_APISERVER_ENCRYPTION_PATH);

export const MSG_NOT_SERVED_BY_GARDENER =
  'should be a resource served by gardener-apiserver. ie; should have any of the suffixes {authentication,core,operations,security,settings,seedmanagement}.gardener.cloud';
export const MSG_PROVIDER_MISMATCH = 'field must be equal to spec.virtualCluster.kubernetes.kubeAPIServer.encryptionConfig.provider.type';

/** Static rules of the virtual kube-apiserver's encryption configuration. */
export function validateKubeAPIServerEncryption(garden: KubeObject): FieldError[] {
  return validateEncryptionConfig(
    kubeAPIServerEncryptionConfig(garden),
    { alwaysEncrypted: KUBE_APISERVER_ALWAYS_ENCRYPTED, autoRotationEnabled: false, skipAESGCMAutoRotationCheck: true },
    kubeAPIServerEncryptionPath,
  );
}

/** Static rules of gardener-apiserver's encryption configuration. */
export function validateGardenerAPIServerEncryption(garden: KubeObject): FieldError[] {
  const config = gardenerAPIServerEncryptionConfig(garden);
  if (config === undefined) return [];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  const always = new Set(GARDENER_APISERVER_ALWAYS_ENCRYPTED.map(groupResourceKey));
  texts(config, 'resources').forEach((resource, i) => {
    const path = gardenerAPIServerEncryptionPath.child('resources').index(i);
    const key = groupResourceKey(resource);
    if (resource.toLowerCase() !== resource) errs.push(fieldErr.invalid(path, resource, MSG_LOWER_CASE));
    if (resource.includes('*')) errs.push(fieldErr.invalid(path, resource, MSG_WILDCARD));
    if (seen.has(key)) errs.push(fieldErr.duplicate(path, resource));
    if (always.has(key)) errs.push(fieldErr.forbidden(path, alwaysEncryptedMessage(resource)));
    if (!isServedByGardenerAPIServer(resource)) errs.push(fieldErr.invalid(path, resource, MSG_NOT_SERVED_BY_GARDENER));
    seen.add(key);
  });
  if (providerType(config) !== providerType(kubeAPIServerEncryptionConfig(garden))) {
    const provider = config.provider;
    const value = isPlainObject(provider) && typeof provider.type === 'string' ? provider.type : null;
    errs.push(fieldErr.invalid(gardenerAPIServerEncryptionPath.child('provider', 'type'), value, MSG_PROVIDER_MISMATCH));
  }
  return errs;
}

/** Update rules of both configurations, each against the status resources its API server serves. */
export function validateGardenEncryptionUpdate(garden: KubeObject, old: KubeObject): FieldError[] {
  const status = gardenEncryptedResources(garden);
  const common = {
    currentProvider: gardenEncryptionProviderInStatus(garden),
    phase: gardenRotationPhase(garden, 'etcdEncryptionKey'),
    hibernated: false,
    lastOperation: gardenLastOperation(garden),
  };
  return [
    ...validateEncryptionConfigUpdate(
      {
        ...common,
        newConfig: kubeAPIServerEncryptionConfig(garden),
        oldConfig: kubeAPIServerEncryptionConfig(old),
        current: groupResourcesWhere(status, (r) => !isServedByGardenerAPIServer(r)),
      },
      kubeAPIServerEncryptionPath,
    ),
    ...validateEncryptionConfigUpdate(
      {
        ...common,
        newConfig: gardenerAPIServerEncryptionConfig(garden),
        oldConfig: gardenerAPIServerEncryptionConfig(old),
        current: groupResourcesWhere(status, isServedByGardenerAPIServer),
      },
      gardenerAPIServerEncryptionPath,
    ),
  ];
}
