/**
 * The Garden kind (`operator.gardener.cloud/v1alpha1`) as the registry reads it: paths of the two
 * encryption configurations (virtual kube-apiserver and gardener-apiserver) and of the status fields the
 * rules compare with.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { groupResourceKey, groupResourceSet, parseGroupResource, sameSet } from '../encryptionconfig/groupresource.js';
import { GARDENER_APISERVER_GROUPS, nested, providerType, text, texts, type LastOperation } from '../encryptionconfig/types.js';

export { GROUP, KIND, VERSION } from './schema/index.js';

/** `spec.virtualCluster.kubernetes.kubeAPIServer.encryptionConfig`. */
export const KUBE_APISERVER_ENCRYPTION_PATH = ['spec', 'virtualCluster', 'kubernetes', 'kubeAPIServer', 'encryptionConfig'] as const;
/** `spec.virtualCluster.gardener.gardenerAPIServer.encryptionConfig`. */
export const GARDENER_APISERVER_ENCRYPTION_PATH = ['spec', 'virtualCluster', 'gardener', 'gardenerAPIServer', 'encryptionConfig'] as const;

/** The virtual kube-apiserver's encryption configuration. */
export function kubeAPIServerEncryptionConfig(garden: KubeObject): Record<string, unknown> | undefined {
  return nested(garden, ...KUBE_APISERVER_ENCRYPTION_PATH);
}

/** gardener-apiserver's encryption configuration. */
export function gardenerAPIServerEncryptionConfig(garden: KubeObject): Record<string, unknown> | undefined {
  return nested(garden, ...GARDENER_APISERVER_ENCRYPTION_PATH);
}

/** `status.credentials.encryptionAtRest.resources`: one list for both API servers. */
export function gardenEncryptedResources(garden: KubeObject): string[] {
  return texts(nested(garden, 'status', 'credentials', 'encryptionAtRest'), 'resources');
}

/** `status.credentials.encryptionAtRest.provider.type`, `""` when absent. */
export function gardenEncryptionProviderInStatus(garden: KubeObject): string {
  return providerType(nested(garden, 'status', 'credentials', 'encryptionAtRest'));
}

/** `status.credentials.rotation.<name>.phase`, `""` when absent. */
export function gardenRotationPhase(garden: KubeObject, name: string): string {
  return text(nested(garden, 'status', 'credentials', 'rotation', name), 'phase') ?? '';
}

/** `status.lastOperation`. */
export function gardenLastOperation(garden: KubeObject): LastOperation | undefined {
  return nested(garden, 'status', 'lastOperation');
}

/** `spec.virtualCluster.kubernetes.version`. */
export function virtualKubernetesVersion(garden: KubeObject): string {
  return text(nested(garden, 'spec', 'virtualCluster', 'kubernetes'), 'version') ?? '';
}

/** Whether gardener-apiserver serves the resource (its group is one of Gardener's API groups). */
export function isServedByGardenerAPIServer(resource: string): boolean {
  return GARDENER_APISERVER_GROUPS.includes(parseGroupResource(resource).group);
}

/** The group/resource keys of `resources` that the filter keeps. */
export function groupResourcesWhere(resources: readonly string[], keep: (r: string) => boolean): Set<string> {
  return new Set(resources.filter(keep).map(groupResourceKey));
}

/** Whether the configured resources of both API servers equal the encrypted ones in the status. */
export function encryptionRolledOut(garden: KubeObject): boolean {
  const configured = [...texts(kubeAPIServerEncryptionConfig(garden), 'resources'), ...texts(gardenerAPIServerEncryptionConfig(garden), 'resources')];
  return sameSet(groupResourceSet(configured), groupResourceSet(gardenEncryptedResources(garden)));
}
