/**
 * Rules on the operation annotations (`gardener.cloud/operation`, `maintenance.gardener.cloud/operation`),
 * each a `;`-separated list of operations, as gardener-apiserver enforces them: supported operations
 * only, which of them may run in parallel, rollouts of worker pools only with managed infrastructure,
 * operations that cannot run together (in one annotation or across both), that are gone from Kubernetes
 * 1.34 on, that wait for a rolled-out encryption change or for the cluster to be awake, and the phase
 * each start/complete operation requires.
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

const ROTATE_ROLLOUT_WORKERS = 'rotate-rollout-workers';
const ROLLOUT_WORKERS = 'rollout-workers';
/** Operations that may be listed together with others (everything but maintain, retry, force-in-place-update). */
const PARALLEL_OPERATIONS: ReadonlySet<string> = new Set([
  'reconcile',
  'rotate-ca-start',
  `rotate-ca-start${WITHOUT_ROLLOUT}`,
  'rotate-ca-complete',
  'rotate-observability-credentials',
  'rotate-ssh-keypair',
  ROTATE_ROLLOUT_WORKERS,
  ROLLOUT_WORKERS,
  ...FORBIDDEN_WHEN_HIBERNATED,
]);
/** Every operation a Shoot accepts, sorted as NotSupported lists them. */
export const SHOOT_OPERATIONS: readonly string[] = [...PARALLEL_OPERATIONS, 'maintain', 'retry', 'force-in-place-update'].sort();

/** Operations that conflict with a credentials rotation in the other annotation. */
const CONFLICTS_WITH_OTHER_ANNOTATION: Readonly<Record<string, readonly string[]>> = {
  'rotate-credentials-start': ['rotate-ca-start', `rotate-ca-start${WITHOUT_ROLLOUT}`, 'rotate-serviceaccount-key-start', `rotate-serviceaccount-key-start${WITHOUT_ROLLOUT}`, 'rotate-etcd-encryption-key', 'rotate-etcd-encryption-key-start'],
  [`rotate-credentials-start${WITHOUT_ROLLOUT}`]: ['rotate-ca-start', `rotate-ca-start${WITHOUT_ROLLOUT}`, 'rotate-serviceaccount-key-start', `rotate-serviceaccount-key-start${WITHOUT_ROLLOUT}`, 'rotate-etcd-encryption-key', 'rotate-etcd-encryption-key-start'],
  'rotate-credentials-complete': ['rotate-ca-complete', 'rotate-serviceaccount-key-complete', 'rotate-etcd-encryption-key-complete'],
};

const isRollout = (op: string): boolean => op.startsWith(ROTATE_ROLLOUT_WORKERS) || op.startsWith(ROLLOUT_WORKERS);

/** A self-hosted Shoot (a worker pool runs the control plane) whose infrastructure Gardener does not manage. */
function selfHostedUnmanaged(shoot: KubeObject): boolean {
  const spec = (shoot.spec ?? {}) as { provider?: { workers?: unknown }; credentialsBindingName?: unknown; secretBindingName?: unknown };
  const workers = Array.isArray(spec.provider?.workers) ? (spec.provider.workers as { controlPlane?: unknown }[]) : [];
  const selfHosted = workers.some((w) => w !== null && typeof w === 'object' && w.controlPlane !== undefined && w.controlPlane !== null);
  return selfHosted && spec.credentialsBindingName == null && spec.secretBindingName == null;
}

/** The first admissibility error of one annotation's list (Gardener stops at it), if any. */
function admissibility(shoot: KubeObject, ops: readonly string[], path: FieldPath): FieldError | undefined {
  for (const op of ops) {
    if (!SHOOT_OPERATIONS.includes(op) && !isRollout(op)) return fieldErr.notSupported(path, op, SHOOT_OPERATIONS);
    if (ops.length > 1 && !PARALLEL_OPERATIONS.has(op) && !isRollout(op)) {
      return fieldErr.forbidden(path, `operation '${op}' is not permitted to be run in parallel with other operations`);
    }
    if (isRollout(op) && selfHostedUnmanaged(shoot)) {
      return fieldErr.forbidden(path, `operation '${op}' is not permitted for self-hosted shoot clusters with unmanaged infrastructure`);
    }
  }
  return undefined;
}

/** Credentials rotations in one annotation against the rotations they conflict with in the other. */
function crossAnnotationConflicts(ops: readonly string[], maintenance: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  const shared = (op: string, others: readonly string[]) => [...new Set((CONFLICTS_WITH_OTHER_ANNOTATION[op] ?? []).filter((o) => others.includes(o)))].sort();
  for (const op of maintenance) {
    const hit = shared(op, ops);
    if (hit.length > 0) errs.push(fieldErr.forbidden(operationPath, `operation '${hit.join(', ')}' is not permitted when maintenance operation is '${op}'`));
  }
  for (const op of ops) {
    const hit = shared(op, maintenance);
    if (hit.length > 0) errs.push(fieldErr.forbidden(operationPath, `operation '${op}' is not permitted when maintenance operation is '${hit.join(', ')}'`));
  }
  return errs;
}

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
    if (isInHibernation(shoot) && (FORBIDDEN_WHEN_HIBERNATED.has(op) || isRollout(op))) {
      errs.push(fieldErr.forbidden(set.path, `operation '${op}' is not permitted when shoot is hibernated or is waking up`));
    }
    if (rollingOut && FORBIDDEN_WHILE_ENCRYPTION_ROLLS_OUT.has(op)) {
      errs.push(fieldErr.forbidden(set.path, `operation '${op}' is not permitted because a previous encryption configuration change is currently being rolled out`));
    }
  }
  return errs;
}

/** All operation annotation rules of `shoot` (Gardener's validateShootOperation). */
export function validateShootOperations(shoot: KubeObject): FieldError[] {
  const ops = operationsOf(shoot, Annotation.Operation);
  const maintenance = operationsOf(shoot, Annotation.MaintenanceOperation);
  if (ops.length === 0 && maintenance.length === 0) return [];
  const first = admissibility(shoot, ops, operationPath) ?? admissibility(shoot, maintenance, maintenanceOperationPath);
  if (first !== undefined) return [first];
  const errs: FieldError[] = [];
  if (ops.some((op) => maintenance.includes(op))) {
    errs.push(fieldErr.forbidden(annotationsPath, `annotations ${operationPath.toString()} and ${maintenanceOperationPath.toString()} must not have any equal operations`));
  }
  errs.push(...validateOperationList(shoot, { ops, path: operationPath, noun: '' }));
  errs.push(...validateOperationList(shoot, { ops: maintenance, path: maintenanceOperationPath, noun: ' maintenance' }));
  errs.push(...crossAnnotationConflicts(ops, maintenance));
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
