/**
 * Facts about the last operation and the etcd encryption key rotation that the update rules depend on.
 */
import { RotationPhase, type LastOperation } from './types.js';

/**
 * Whether a rotation (or a provider change) may start: the object was created or restored successfully,
 * or any reconciliation ran since (Gardener's `isShootReadyForRotationStart`).
 */
export function isReadyForRotationStart(lastOperation: LastOperation | null | undefined): boolean {
  if (lastOperation === null || lastOperation === undefined) return false;
  const { type, state } = lastOperation;
  if ((type === 'Create' || type === 'Restore') && state === 'Succeeded') return true;
  return type === 'Reconcile';
}

/** Whether a rotation phase counts as "in progress" (anything but empty and Completed). */
export function rotationInProgress(phase: string): boolean {
  return phase !== '' && phase !== RotationPhase.Completed;
}
