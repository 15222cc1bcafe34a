/**
 * The Garden's `gardener.cloud/operation` annotation, a `;`-separated list (gardener-operator's
 * validateOperation): known
 * operations only, no conflicting pair, the etcd key start/complete split gone from Kubernetes 1.34, and
 * the state each rotation start or completion requires. Starting an etcd key or full credentials
 * rotation waits until the encryption status matches both API servers' configured resources.
 */
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import { OPERATIONS_SEPARATOR } from '../../shoot/types.js';
import { versionLessThan } from '../../shoot/validation/version.js';
import { virtualKubernetesVersion } from '../types.js';
import { validateGardenOperationContext } from './operationcontext.js';

export const gardenOperationPath = FieldPath.of('metadata', 'annotations').key('gardener.cloud/operation');

/** Operations a Garden accepts (sorted, as NotSupported lists them). */
export const GARDEN_OPERATIONS: readonly string[] = [
  'reconcile',
  'rotate-ca-complete',
  'rotate-ca-start',
  'rotate-credentials-complete',
  'rotate-credentials-start',
  'rotate-etcd-encryption-key',
  'rotate-etcd-encryption-key-complete',
  'rotate-etcd-encryption-key-start',
  'rotate-observability-credentials',
  'rotate-serviceaccount-key-complete',
  'rotate-serviceaccount-key-start',
  'rotate-workload-identity-key-complete',
  'rotate-workload-identity-key-start',
];

const FORBIDDEN_FROM_K8S_134: ReadonlySet<string> = new Set(['rotate-etcd-encryption-key-start', 'rotate-etcd-encryption-key-complete']);
const INCOMPATIBLE: Readonly<Record<string, readonly string[]>> = { 'rotate-etcd-encryption-key': ['rotate-etcd-encryption-key-start'] };

/**
 * The operations of the annotation: separated by `;`, trimmed, without duplicates (an empty entry
 * stays, and is then no supported operation); none for an absent or empty annotation.
 */
export function gardenOperations(garden: KubeObject): string[] {
  const value = garden.metadata.annotations?.['gardener.cloud/operation'] ?? '';
  return value === '' ? [] : [...new Set(value.split(OPERATIONS_SEPARATOR).map((s) => s.trim()))];
}

/** All rules of the Garden's operation annotation. */
export function validateGardenOperations(garden: KubeObject): FieldError[] {
  const ops = gardenOperations(garden);
  if (ops.length === 0) return [];
  const errs: FieldError[] = [];
  const k8sLess134 = versionLessThan(virtualKubernetesVersion(garden), 1, 34);
  for (const op of ops) {
    if (FORBIDDEN_FROM_K8S_134.has(op) && !k8sLess134) {
      const detail = `for Kubernetes versions >= 1.34, operation '${op}' is no longer supported, please use 'rotate-etcd-encryption-key' instead, which performs a complete etcd encryption key rotation`;
      errs.push(fieldErr.forbidden(gardenOperationPath, detail));
    }
    if (!GARDEN_OPERATIONS.includes(op)) errs.push(fieldErr.notSupported(gardenOperationPath, op, GARDEN_OPERATIONS));
    const incompatible = INCOMPATIBLE[op];
    if (incompatible !== undefined && incompatible.some((o) => ops.includes(o))) {
      errs.push(fieldErr.forbidden(gardenOperationPath, `operation '${op}' is not permitted to be run together with ${incompatible.join(', ')} operations`));
    }
  }
  for (const op of ops) errs.push(...validateGardenOperationContext(op, garden, gardenOperationPath));
  return errs;
}
