/**
 * The Shoot kind (`core.gardener.cloud/v1beta1`) as the registry reads it: constants, annotation keys and
 * null-tolerant readers of the fields the strategy, the validation and the table need. Objects travel as
 * plain JSON; only these few paths are looked at, the rest is kept as stored.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { field, nested, providerType, text, texts, type LastOperation } from '../encryptionconfig/types.js';

export const GROUP = 'core.gardener.cloud';
export const VERSION = 'v1beta1';
export const KIND = 'Shoot';

/** Annotations with meaning to the Shoot rules. */
export const Annotation = {
  /** Operations for gardenlet/gardener-controller-manager, comma separated. */
  Operation: 'gardener.cloud/operation',
  /** Operations to run in the next maintenance, comma separated. */
  MaintenanceOperation: 'maintenance.gardener.cloud/operation',
  /** Must be a true value ("true", "1", "t", ...) for a DELETE to be admitted. */
  ConfirmDeletion: 'confirmation.gardener.cloud/deletion',
} as const;

/** Operation annotation values the rules refer to. */
export const Operation = {
  Reconcile: 'reconcile',
  Retry: 'retry',
  RotateCredentialsStart: 'rotate-credentials-start',
  RotateCredentialsComplete: 'rotate-credentials-complete',
  RotateETCDEncryptionKey: 'rotate-etcd-encryption-key',
  RotateETCDEncryptionKeyStart: 'rotate-etcd-encryption-key-start',
  RotateETCDEncryptionKeyComplete: 'rotate-etcd-encryption-key-complete',
  RotateCAStart: 'rotate-ca-start',
  RotateServiceAccountKeyStart: 'rotate-serviceaccount-key-start',
} as const;

/** The path of the Shoot's encryption configuration. */
export const ENCRYPTION_CONFIG_PATH = ['spec', 'kubernetes', 'kubeAPIServer', 'encryptionConfig'] as const;

/** `spec`, or an empty object. */
export function specOf(shoot: KubeObject): Record<string, unknown> {
  return field(shoot, 'spec') ?? {};
}

/** `spec.kubernetes.kubeAPIServer.encryptionConfig` (undefined when absent or null). */
export function encryptionConfigOf(shoot: KubeObject): Record<string, unknown> | undefined {
  return nested(shoot, ...ENCRYPTION_CONFIG_PATH);
}

/** `status.credentials.encryptionAtRest.resources`. */
export function encryptedResources(shoot: KubeObject): string[] {
  return texts(nested(shoot, 'status', 'credentials', 'encryptionAtRest'), 'resources');
}

/** `status.credentials.encryptionAtRest.provider.type`, `""` when absent. */
export function encryptionProviderInStatus(shoot: KubeObject): string {
  return providerType(nested(shoot, 'status', 'credentials', 'encryptionAtRest'));
}

/** `status.credentials.rotation.<name>.phase`, `""` when absent. */
export function rotationPhase(shoot: KubeObject, name: 'etcdEncryptionKey' | 'certificateAuthorities' | 'serviceAccountKey'): string {
  return text(nested(shoot, 'status', 'credentials', 'rotation', name), 'phase') ?? '';
}

/** `spec.hibernation.enabled` (false when unset). */
export function hibernationEnabled(shoot: KubeObject): boolean {
  return nested(shoot, 'spec', 'hibernation')?.enabled === true;
}

/** Hibernated or waking up: desired hibernation or `status.hibernated` (Gardener's IsShootInHibernation). */
export function isInHibernation(shoot: KubeObject): boolean {
  return hibernationEnabled(shoot) || field(shoot, 'status')?.hibernated === true;
}

/** `status.lastOperation`. */
export function lastOperationOf(shoot: KubeObject): LastOperation | undefined {
  return nested(shoot, 'status', 'lastOperation');
}

/** `spec.maintenance.autoRotation.credentials.<name>.rotationPeriod`. */
export function rotationPeriodOf(shoot: KubeObject, name: string): string | undefined {
  return text(nested(shoot, 'spec', 'maintenance', 'autoRotation', 'credentials', name), 'rotationPeriod');
}

/** `spec.kubernetes.version`, `""` when unset. */
export function kubernetesVersionOf(shoot: KubeObject): string {
  return text(nested(shoot, 'spec', 'kubernetes'), 'version') ?? '';
}

/** Separates operations that run in parallel in an operation annotation. */
export const OPERATIONS_SEPARATOR = ';';

/**
 * The operations listed in an operation annotation: separated by `;` and trimmed, as Gardener reads
 * them (an empty entry stays, and is then no supported operation); none for an absent or empty one.
 */
export function operationsOf(shoot: KubeObject, annotation: string): string[] {
  const value = shoot.metadata.annotations?.[annotation] ?? '';
  return value === '' ? [] : value.split(OPERATIONS_SEPARATOR).map((s) => s.trim());
}
