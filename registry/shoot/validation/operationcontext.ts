/**
 * The state each credentials operation requires (Gardener's validateShootOperationContext): starts need
 * a ready cluster and a completed (or never run) rotation, completions need the Prepared phase. The
 * etcd key phase only matters for rotate-credentials-complete below Kubernetes 1.34. Rotations that
 * touch the workers' credentials do not start while worker pools wait for an in-place update. Worker
 * rollouts (`rotate-rollout-workers=<pools>`, `rollout-workers=<pools>|*`) name existing pools, each
 * once; the rotation's needs a rotation waiting for it, the plain one pools that are not updated in place.
 */
import { fieldErr, type FieldError, type FieldPath } from '../../../apimachinery/field.js';
import { isPlainObject, type KubeObject } from '../../../apimachinery/types.js';
import { isReadyForRotationStart, rotationInProgress } from '../../encryptionconfig/rotation.js';
import { RotationPhase } from '../../encryptionconfig/types.js';
import { kubernetesVersionOf, lastOperationOf, rotationPhase } from '../types.js';
import { versionLessThan } from './version.js';
import { isInPlace } from './workeroptions.js';

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

const ROTATE_ROLLOUT_WORKERS = 'rotate-rollout-workers';
const ROLLOUT_WORKERS = 'rollout-workers';

/** The Shoot's worker pools by name, with their update strategy. */
function pools(shoot: KubeObject): Map<string, string | undefined> {
  const provider = isPlainObject(shoot.spec) && isPlainObject(shoot.spec.provider) ? shoot.spec.provider : undefined;
  const workers = Array.isArray(provider?.workers) ? provider.workers : [];
  const out = new Map<string, string | undefined>();
  for (const w of workers) {
    if (isPlainObject(w) && typeof w.name === 'string') out.set(w.name, typeof w.updateStrategy === 'string' ? w.updateStrategy : undefined);
  }
  return out;
}

/** The pool names after `<prefix>=` (without `=`, the whole operation, as upstream trims), split on commas. */
const poolNamesOf = (op: string, prefix: string): string[] => (op.startsWith(`${prefix}=`) ? op.slice(prefix.length + 1) : op).split(',');

/** Each named pool once, and existing (also what the rotation's rollout checks). */
function namedPools(names: readonly string[], shoot: KubeObject, path: FieldPath, inPlaceRefused: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const known = pools(shoot);
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) errs.push(fieldErr.duplicate(path, `pool name ${name} was specified multiple times`));
    seen.add(name);
    if (!known.has(name)) errs.push(fieldErr.invalid(path, name, `worker pool name ${name} does not exist in .spec.provider.workers[]`));
    else if (inPlaceRefused && isInPlace(known.get(name))) {
      errs.push(fieldErr.invalid(path, name, `worker pool ${name} is using in-place update strategy; manual worker pool rollout is not supported for such pools`));
    }
  }
  return errs;
}

function rotateRolloutWorkers(op: string, shoot: KubeObject, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const waiting = RotationPhase.WaitingForWorkersRollout;
  if (rotationPhase(shoot, 'certificateAuthorities') !== waiting && rotationPhase(shoot, 'serviceAccountKey') !== waiting) {
    errs.push(
      fieldErr.forbidden(
        path,
        "either .status.credentials.rotation.certificateAuthorities.phase or .status.credentials.rotation.serviceAccountKey.phase must be in 'WaitingForWorkersRollout' in order to trigger workers rollout",
      ),
    );
  }
  const names = poolNamesOf(op, ROTATE_ROLLOUT_WORKERS);
  if (names.includes('')) errs.push(fieldErr.required(path, `must provide at least one pool name via ${ROTATE_ROLLOUT_WORKERS}=<poolName1>[,<poolName2>,...]`));
  return [...errs, ...namedPools(names, shoot, path, false)];
}

function rolloutWorkers(op: string, shoot: KubeObject, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let names = poolNamesOf(op, ROLLOUT_WORKERS);
  if (names.includes('')) errs.push(fieldErr.required(path, `must provide either '*' or at least one pool name via ${ROLLOUT_WORKERS}=<poolName1>[,<poolName2>,...]`));
  if (names.length === 1 && names[0] === '*') names = [...pools(shoot).keys()];
  if (names.includes('*')) errs.push(fieldErr.forbidden(path, "if '*' is provided, no other pool names are allowed"));
  return [...errs, ...namedPools(names, shoot, path, true)];
}

/** The context rules of one operation, reported at `path`. */
export function validateOperationContext(op: string, shoot: KubeObject, path: FieldPath): FieldError[] {
  return [...credentialsContext(op, shoot, path), ...rolloutContext(op, shoot, path)];
}

function rolloutContext(op: string, shoot: KubeObject, path: FieldPath): FieldError[] {
  if (op.startsWith(ROTATE_ROLLOUT_WORKERS)) return rotateRolloutWorkers(op, shoot, path);
  if (op.startsWith(ROLLOUT_WORKERS)) return rolloutWorkers(op, shoot, path);
  return [];
}

function credentialsContext(op: string, shoot: KubeObject, path: FieldPath): FieldError[] {
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
