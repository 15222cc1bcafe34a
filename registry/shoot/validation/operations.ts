/**
 * Rules on the operation annotations (`gardener.cloud/operation`, `maintenance.gardener.cloud/operation`)
 * that concern credentials rotation and encryption: operations that cannot run together, that are gone
 * from Kubernetes 1.34 on, that wait for a rolled-out encryption change or for the cluster to be awake,
 * and the phase each start/complete operation requires. Operations this server does not know are left to
 * the controllers (no NotSupported check).
 */
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import { groupResourceSet, sameSet } from '../../encryptionconfig/groupresource.js';
import { texts } from '../../encryptionconfig/types.js';
import {
  Annotation,
  encryptedResources,
  encryptionConfigOf,
  hibernationEnabled,
  isInHibernation,
  kubernetesVersionOf,
  operationsOf,
} from '../types.js';
import { validateOperationContext } from './operationcontext.js';
import { versionLessThan } from './version.js';

const annotationsPath = FieldPath.of('metadata', 'annotations');
export const operationPath = annotationsPath.key(Annotation.Operation);
export const maintenanceOperationPath = annotationsPath.key(Annotation.MaintenanceOperation);

const WITHOUT_ROLLOUT = '-without-workers-rollout';
/** Forbidden while the cluster is hibernated or waking up. */
export const FORBIDDEN_WHEN_HIBERNATED: ReadonlySet<string> = new Set([
  'rotate-credentials-start',
  `rotate-credentials-start${WITHOUT_ROLLOUT}`,
  'rotate-credentials-complete',
  'rotate-etcd-encryption-key',
  'rotate-etcd-encryption-key-start',
  'rotate-etcd-encryption-key-complete',
  'rotate-serviceaccount-key-start',
  `rotate-serviceaccount-key-start${WITHOUT_ROLLOUT}`,
  'rotate-serviceaccount-key-complete',
]);
/** Forbidden while an encryption configuration change is rolling out. */
export const FORBIDDEN_WHILE_ENCRYPTION_ROLLS_OUT: ReadonlySet<string> = new Set([
  'rotate-credentials-start',
  'rotate-etcd-encryption-key',
  'rotate-etcd-encryption-key-start',
]);
/** Replaced by `rotate-etcd-encryption-key` from Kubernetes 1.34 on. */
export const FORBIDDEN_FROM_K8S_134: ReadonlySet<string> = new Set(['rotate-etcd-encryption-key-start', 'rotate-etcd-encryption-key-complete']);
/** Operations that may not be combined with the listed ones in the same annotation. */
export const INCOMPATIBLE_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  'rotate-credentials-start': [`rotate-ca-start${WITHOUT_ROLLOUT}`, `rotate-serviceaccount-key-start${WITHOUT_ROLLOUT}`, `rotate-credentials-start${WITHOUT_ROLLOUT}`],
  [`rotate-credentials-start${WITHOUT_ROLLOUT}`]: ['rotate-ca-start', 'rotate-serviceaccount-key-start'],
  'rotate-ca-start': [`rotate-ca-start${WITHOUT_ROLLOUT}`],
  'rotate-serviceaccount-key-start': [`rotate-serviceaccount-key-start${WITHOUT_ROLLOUT}`],
  'rotate-etcd-encryption-key': ['rotate-etcd-encryption-key-start'],
};

interface OperationSet {
  ops: string[];
  path: FieldPath;
  /** "" for the operation annotation, " maintenance" for the maintenance one (as in Gardener's texts). */
  noun: string;
}

/** The per-operation checks of one annotation. */
function validateOperationList(shoot: KubeObject, set: OperationSet): FieldError[] {
  const errs: FieldError[] = [];
  const k8sLess134 = versionLessThan(kubernetesVersionOf(shoot), 1, 34);
  const rollingOut = !sameSet(groupResourceSet(encryptedResources(shoot)), groupResourceSet(texts(encryptionConfigOf(shoot), 'resources')));
  const present = new Set(set.ops);
  for (const op of set.ops) {
    if (FORBIDDEN_FROM_K8S_134.has(op) && !k8sLess134) {
      const detail = `for Kubernetes versions >= 1.34, operation '${op}' is no longer supported, please use 'rotate-etcd-encryption-key' instead, which performs a complete etcd encryption key rotation`;
      errs.push(fieldErr.forbidden(operationPath, detail));
    }
    const incompatible = INCOMPATIBLE_OPERATIONS[op];
    if (incompatible !== undefined && incompatible.some((o) => present.has(o))) {
      errs.push(fieldErr.forbidden(set.path, `operation '${op}' is not permitted to be run together with ${incompatible.join(', ')}${set.noun} operations`));
    }
    if (isInHibernation(shoot) && FORBIDDEN_WHEN_HIBERNATED.has(op)) {
      errs.push(fieldErr.forbidden(set.path, `operation '${op}' is not permitted when shoot is hibernated or is waking up`));
    }
    if (rollingOut && FORBIDDEN_WHILE_ENCRYPTION_ROLLS_OUT.has(op)) {
      errs.push(fieldErr.forbidden(set.path, `operation '${op}' is not permitted because a previous encryption configuration change is currently being rolled out`));
    }
  }
  return errs;
}

/** All operation annotation rules of `shoot` (Gardener's validateShootOperation, encryption-related part). */
export function validateShootOperations(shoot: KubeObject): FieldError[] {
  const ops = operationsOf(shoot, Annotation.Operation);
  const maintenance = operationsOf(shoot, Annotation.MaintenanceOperation);
  if (ops.length === 0 && maintenance.length === 0) return [];
  const errs: FieldError[] = [];
  if (ops.some((op) => maintenance.includes(op))) {
    errs.push(fieldErr.forbidden(annotationsPath, `annotations ${operationPath.toString()} and ${maintenanceOperationPath.toString()} must not have any equal operations`));
  }
  errs.push(...validateOperationList(shoot, { ops, path: operationPath, noun: '' }));
  errs.push(...validateOperationList(shoot, { ops: maintenance, path: maintenanceOperationPath, noun: ' maintenance' }));
  for (const op of ops) errs.push(...validateOperationContext(op, shoot, operationPath));
  if (shoot.metadata.deletionTimestamp === undefined) {
    for (const op of maintenance) errs.push(...validateOperationContext(op, shoot, maintenanceOperationPath));
  }
  return errs;
}

/** A maintenance operation that rotates credentials forbids switching hibernation on (ValidateHibernation). */
export function validateHibernationWithMaintenanceOperations(shoot: KubeObject): FieldError[] {
  if (!hibernationEnabled(shoot)) return [];
  return operationsOf(shoot, Annotation.MaintenanceOperation)
    .filter((op) => FORBIDDEN_WHEN_HIBERNATED.has(op))
    .map((op) =>
      fieldErr.forbidden(
        FieldPath.of('spec', 'hibernation', 'enabled'),
        `shoot cannot be hibernated when ${Annotation.MaintenanceOperation} annotation contains ${op} operation`,
      ),
    );
}
