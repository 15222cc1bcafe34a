/**
 * The state each credentials operation requires (Gardener's validateShootOperationContext): starts need
 * a ready cluster and a completed (or never run) rotation, completions need the Prepared phase. The
 * etcd key phase only matters for rotate-credentials-complete below Kubernetes 1.34. Rotations that
 * touch the workers' credentials do not start while worker pools wait for an in-place update.
 */
import { fieldErr, type FieldError, type FieldPath } from '../../../apimachinery/field.js';
import { isPlainObject, type KubeObject } from '../../../apimachinery/types.js';
import { isReadyForRotationStart, rotationInProgress } from '../../encryptionconfig/rotation.js';
import { RotationPhase } from '../../encryptionconfig/types.js';
import { kubernetesVersionOf, lastOperationOf, rotationPhase } from '../types.js';
import { versionLessThan } from './version.js';

type Rotation = 'certificateAuthorities' | 'serviceAccountKey' | 'etcdEncryptionKey';

const LABEL: Record<Rotation, string> = {
  certificateAuthorities: 'CA rotation',
  serviceAccountKey: 'service account key rotation',
  etcdEncryptionKey: 'ETCD encryption key rotation',
};

function notReady(what: string, shoot: KubeObject, path: FieldPath): FieldError[] {
  if (isReadyForRotationStart(lastOperationOf(shoot))) return [];
  return [fieldErr.forbidden(path, `cannot start ${what} if shoot was not yet created successfully or is not ready for reconciliation`)];
}

function notCompleted(what: string, rotation: Rotation, shoot: KubeObject, path: FieldPath): FieldError[] {
  if (!rotationInProgress(rotationPhase(shoot, rotation))) return [];
  return [fieldErr.forbidden(path, `cannot start ${what} if .status.credentials.rotation.${rotation}.phase is not 'Completed'`)];
}

function notPrepared(what: string, rotation: Rotation, shoot: KubeObject, path: FieldPath): FieldError[] {
  if (rotationPhase(shoot, rotation) === RotationPhase.Prepared) return [];
  return [fieldErr.forbidden(path, `cannot complete ${what} if .status.credentials.rotation.${rotation}.phase is not 'Prepared'`)];
}

/** Worker pools waiting for an in-place update hold back rotations that roll the workers' credentials. */
function pendingWorkerUpdates(what: string, shoot: KubeObject, path: FieldPath): FieldError[] {
  const inPlace = isPlainObject(shoot.status) ? shoot.status.inPlaceUpdates : undefined;
  const pending = isPlainObject(inPlace) ? inPlace.pendingWorkerUpdates : undefined;
  if (!isPlainObject(pending)) return [];
  return (['autoInPlaceUpdate', 'manualInPlaceUpdate'] as const)
    .filter((list) => Array.isArray(pending[list]) && (pending[list] as unknown[]).length > 0)
    .map((list) => fieldErr.forbidden(path, `cannot start ${what} if status.inPlaceUpdates.pendingWorkerUpdates.${list} is not empty`));
}

function startOne(rotation: Rotation, shoot: KubeObject, path: FieldPath): FieldError[] {
  const errs = [...notReady(LABEL[rotation], shoot, path), ...notCompleted(LABEL[rotation], rotation, shoot, path)];
  // The etcd encryption key is not on the workers.
  if (rotation !== 'etcdEncryptionKey') errs.push(...pendingWorkerUpdates(LABEL[rotation], shoot, path));
  return errs;
}

function startAll(shoot: KubeObject, path: FieldPath): FieldError[] {
  const what = 'rotation of all credentials';
  return [
    ...notReady(what, shoot, path),
    ...notCompleted(what, 'certificateAuthorities', shoot, path),
    ...notCompleted(what, 'serviceAccountKey', shoot, path),
    ...notCompleted(what, 'etcdEncryptionKey', shoot, path),
    ...pendingWorkerUpdates(what, shoot, path),
  ];
}

function completeAll(shoot: KubeObject, path: FieldPath): FieldError[] {
  const what = 'rotation of all credentials';
  const errs = [...notPrepared(what, 'certificateAuthorities', shoot, path), ...notPrepared(what, 'serviceAccountKey', shoot, path)];
  if (versionLessThan(kubernetesVersionOf(shoot), 1, 34)) errs.push(...notPrepared(what, 'etcdEncryptionKey', shoot, path));
  return errs;
}

/** The context rules of one operation, reported at `path`. */
export function validateOperationContext(op: string, shoot: KubeObject, path: FieldPath): FieldError[] {
  switch (op) {
    case 'rotate-credentials-start':
    case 'rotate-credentials-start-without-workers-rollout':
      return startAll(shoot, path);
    case 'rotate-credentials-complete':
      return completeAll(shoot, path);
    case 'rotate-ca-start':
    case 'rotate-ca-start-without-workers-rollout':
      return startOne('certificateAuthorities', shoot, path);
    case 'rotate-ca-complete':
      return notPrepared(LABEL.certificateAuthorities, 'certificateAuthorities', shoot, path);
    case 'rotate-serviceaccount-key-start':
    case 'rotate-serviceaccount-key-start-without-workers-rollout':
      return startOne('serviceAccountKey', shoot, path);
    case 'rotate-serviceaccount-key-complete':
      return notPrepared(LABEL.serviceAccountKey, 'serviceAccountKey', shoot, path);
    case 'rotate-etcd-encryption-key':
    case 'rotate-etcd-encryption-key-start':
      return startOne('etcdEncryptionKey', shoot, path);
    case 'rotate-etcd-encryption-key-complete':
      return notPrepared(LABEL.etcdEncryptionKey, 'etcdEncryptionKey', shoot, path);
    default:
      return [];
  }
}
