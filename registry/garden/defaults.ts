/**
 * Garden defaults (gardener-operator's defaulting webhook, encryption part): the virtual kube-apiserver's
 * encryption provider defaults to aescbc, and gardener-apiserver's encryption configuration is created
 * when missing with the kube-apiserver's provider.
 */
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';
import { DEFAULT_ENCRYPTION_PROVIDER } from '../encryptionconfig/types.js';
import { GARDENER_APISERVER_ENCRYPTION_PATH, KUBE_APISERVER_ENCRYPTION_PATH } from './types.js';

/** The object at the end of `path` below `obj`, creating (or replacing null) along the way. */
function ensure(obj: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  let cur = obj;
  for (const key of path) {
    const next = cur[key];
    if (isPlainObject(next)) cur = next;
    else {
      const created: Record<string, unknown> = {};
      cur[key] = created;
      cur = created;
    }
  }
  return cur;
}

/** Applies the encryption defaults in place. */
export function applyGardenDefaults(garden: KubeObject): void {
  const kubeProvider = ensure(garden, [...KUBE_APISERVER_ENCRYPTION_PATH, 'provider']);
  if (typeof kubeProvider.type !== 'string') kubeProvider.type = DEFAULT_ENCRYPTION_PROVIDER;
  const gardenerProvider = ensure(garden, [...GARDENER_APISERVER_ENCRYPTION_PATH, 'provider']);
  if (typeof gardenerProvider.type !== 'string') gardenerProvider.type = kubeProvider.type;
}
