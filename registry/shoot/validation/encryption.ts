/**
 * The Shoot's encryption-at-rest rules: the static configuration checks (with the AES-GCM auto-rotation
 * requirement), the update rules against the rolled-out status and the key rotation, and the hibernation
 * rules that keep a hibernated cluster from half-finished encryption changes.
 */
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import { groupResourceSet, sameSet } from '../../encryptionconfig/groupresource.js';
import { RotationPhase, texts } from '../../encryptionconfig/types.js';
import { validateEncryptionConfigUpdate } from '../../encryptionconfig/update.js';
import { parseDuration } from '../../../apimachinery/duration.js';
import {
  ENCRYPTION_CONFIG_PATH,
  encryptedResources,
  encryptionConfigOf,
  encryptionProviderInStatus,
  hibernationEnabled,
  lastOperationOf,
  rotationPeriodOf,
  rotationPhase,
} from '../types.js';

/** `spec.kubernetes.kubeAPIServer.encryptionConfig`. */
export const encryptionConfigPath = FieldPath.of(...ENCRYPTION_CONFIG_PATH);
const hibernationPath = FieldPath.of('spec', 'hibernation', 'enabled');

export const MSG_HIBERNATION_RESOURCES_NOT_EQUAL =
  'shoot cannot be hibernated when spec.kubernetes.kubeAPIServer.encryptionConfig.resources and status.credentials.encryptionAtRest.resources are not equal';

/** Whether the etcd encryption key rotates automatically: rotationPeriod set and not 0. */
export function etcdKeyAutoRotationEnabled(shoot: KubeObject): boolean {
  const period = rotationPeriodOf(shoot, 'etcdEncryptionKey');
  if (period === undefined) return false;
  try {
    return parseDuration(period) !== 0n;
  } catch (e: unknown) {
    // An unparsable period is rejected when decoding; it cannot enable anything.
    void e;
    return false;
  }
}

/** Update rules of the encryption configuration against the new object's status. */
export function validateShootEncryptionConfigUpdate(shoot: KubeObject, old: KubeObject): FieldError[] {
  return validateEncryptionConfigUpdate(
    {
      newConfig: encryptionConfigOf(shoot),
      oldConfig: encryptionConfigOf(old),
      current: groupResourceSet(encryptedResources(shoot)),
      currentProvider: encryptionProviderInStatus(shoot),
      phase: rotationPhase(shoot, 'etcdEncryptionKey'),
      hibernated: hibernationEnabled(shoot),
      lastOperation: lastOperationOf(shoot),
    },
    encryptionConfigPath,
  );
}

/**
 * Switching hibernation on is refused while the etcd key or service account key rotation is preparing or
 * completing, and while the old spec's resources differ from the status (a change is rolling out).
 */
export function validateHibernationUpdate(shoot: KubeObject, old: KubeObject): FieldError[] {
  if (hibernationEnabled(old) || !hibernationEnabled(shoot)) return [];
  const errs: FieldError[] = [];
  const etcdPhase = rotationPhase(shoot, 'etcdEncryptionKey');
  if (etcdPhase === RotationPhase.Preparing || etcdPhase === RotationPhase.Completing) {
    errs.push(fieldErr.forbidden(hibernationPath, `shoot cannot be hibernated when .status.credentials.rotation.etcdEncryptionKey.phase is ${JSON.stringify(etcdPhase)}`));
  }
  const saPhase = rotationPhase(shoot, 'serviceAccountKey');
  const saBusy: string[] = [RotationPhase.Preparing, RotationPhase.PreparingWithoutWorkersRollout, RotationPhase.Completing];
  if (saBusy.includes(saPhase)) {
    errs.push(fieldErr.forbidden(hibernationPath, `shoot cannot be hibernated when .status.credentials.rotation.serviceAccountKey.phase is ${JSON.stringify(saPhase)}`));
  }
  const oldSpec = groupResourceSet(texts(encryptionConfigOf(old), 'resources'));
  if (!sameSet(oldSpec, groupResourceSet(encryptedResources(old)))) errs.push(fieldErr.forbidden(hibernationPath, MSG_HIBERNATION_RESOURCES_NOT_EQUAL));
  return errs;
}
