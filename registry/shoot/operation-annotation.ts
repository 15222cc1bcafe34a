/**
 * What an update does with the Shoot's `gardener.cloud/operation` annotation (gardener-apiserver's
 * shoot strategy): both operation annotations lose duplicate entries; with a last operation, `retry`
 * after a failure and `reconcile` otherwise are consumed (removed) and bump the generation; rotations
 * and worker rollouts stay for gardenlet and bump it; a credentials rotation drops the operations it
 * covers; `rotate-ssh-keypair` only bumps when SSH access is enabled (and is dropped otherwise).
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { Annotation, lastOperationOf, OPERATIONS_SEPARATOR, operationsOf } from './types.js';

const WITHOUT_ROLLOUT = '-without-workers-rollout';

/** Operations that stay for gardenlet and bump the generation. */
const KEPT_AND_BUMPING: ReadonlySet<string> = new Set([
  'rotate-ca-start',
  `rotate-ca-start${WITHOUT_ROLLOUT}`,
  'rotate-ca-complete',
  'rotate-serviceaccount-key-start',
  `rotate-serviceaccount-key-start${WITHOUT_ROLLOUT}`,
  'rotate-serviceaccount-key-complete',
  'rotate-etcd-encryption-key',
  'rotate-etcd-encryption-key-start',
  'rotate-etcd-encryption-key-complete',
  'rotate-observability-credentials',
]);

/** The operations a credentials rotation covers, dropped from the annotation next to it. */
const COVERED: Readonly<Record<string, readonly string[]>> = {
  'rotate-credentials-start': ['rotate-ca-start', 'rotate-serviceaccount-key-start', 'rotate-etcd-encryption-key', 'rotate-etcd-encryption-key-start', 'rotate-observability-credentials', 'rotate-ssh-keypair'],
  [`rotate-credentials-start${WITHOUT_ROLLOUT}`]: [
    `rotate-ca-start${WITHOUT_ROLLOUT}`,
    `rotate-serviceaccount-key-start${WITHOUT_ROLLOUT}`,
    'rotate-etcd-encryption-key',
    'rotate-etcd-encryption-key-start',
    'rotate-observability-credentials',
    'rotate-ssh-keypair',
  ],
  'rotate-credentials-complete': ['rotate-ca-complete', 'rotate-serviceaccount-key-complete', 'rotate-etcd-encryption-key-complete'],
};

const isRollout = (op: string): boolean => op.startsWith('rotate-rollout-workers') || op.startsWith('rollout-workers');

/** Whether the Shoot has workers and SSH access is not switched off. */
function sshAccessEnabled(shoot: KubeObject): boolean {
  const provider = (shoot.spec as { provider?: { workers?: unknown; workersSettings?: { sshAccess?: { enabled?: unknown } } } } | undefined)?.provider;
  const workers = Array.isArray(provider?.workers) ? provider.workers : [];
  return workers.length > 0 && provider?.workersSettings?.sshAccess?.enabled !== false;
}

/** Removes duplicate entries from both operation annotations, keeping the first of each. */
export function cleanUpOperations(shoot: KubeObject): void {
  const annotations = shoot.metadata.annotations;
  if (annotations === undefined) return;
  for (const key of [Annotation.Operation, Annotation.MaintenanceOperation]) {
    if (annotations[key] !== undefined) annotations[key] = [...new Set(operationsOf(shoot, key))].join(OPERATIONS_SEPARATOR);
  }
}

/** What the operations ask of this update: a new generation, and the operations left afterwards. */
function plan(shoot: KubeObject, failed: boolean, ops: string[]): { bump: boolean; remove: boolean; left: string[] } {
  if (failed) {
    const retry = shoot.metadata.annotations?.[Annotation.Operation] === 'retry';
    return { bump: retry, remove: retry, left: ops };
  }
  let bump = false;
  let remove = false;
  let left = [...ops];
  const drop = (...gone: string[]) => (left = left.filter((o) => !gone.includes(o)));
  for (const op of ops) {
    if (op === 'reconcile') {
      bump = true;
      drop(op);
    } else if (KEPT_AND_BUMPING.has(op)) bump = true;
    else if (COVERED[op] !== undefined) {
      bump = true;
      drop(...(COVERED[op] ?? []));
    } else if (op === 'rotate-ssh-keypair') {
      if (sshAccessEnabled(shoot)) bump = true;
      else drop(op);
    } else if (op === 'force-in-place-update') {
      bump = false;
      remove = false;
    }
    if (isRollout(op)) {
      bump = true;
      remove = false;
    }
  }
  return { bump, remove, left };
}

/**
 * Applies the operation annotation's effect on an update (once the Shoot has a last operation) and
 * tells whether the generation must be bumped for it.
 */
export function applyOperations(shoot: KubeObject): boolean {
  const lastOperation = lastOperationOf(shoot);
  if (lastOperation === undefined) return false;
  const ops = operationsOf(shoot, Annotation.Operation);
  const { bump, remove, left } = plan(shoot, lastOperation.state === 'Failed', ops);
  const annotations = shoot.metadata.annotations;
  if (annotations !== undefined) {
    if (remove || left.length === 0) delete annotations[Annotation.Operation];
    else if (left.length !== ops.length) annotations[Annotation.Operation] = left.join(OPERATIONS_SEPARATOR);
  }
  return bump;
}
