/**
 * Shoot defaults: the encryption configuration on every write (Gardener's SetDefaults_KubeAPIServerConfig
 * part for encryption: the config object exists and names a provider, aescbc by default), and on create
 * only the etcd encryption key rotation period of 28 days (the ShootMutator admission plugin), written as
 * Go prints it.
 */
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';
import { DEFAULT_ENCRYPTION_PROVIDER } from '../encryptionconfig/types.js';

/** 28 days as a Go duration string (ETCDEncryptionKeyAutoRotationPeriod). */
export const DEFAULT_ETCD_ENCRYPTION_KEY_ROTATION_PERIOD = '672h0m0s';

/** The object at `holder[key]`, created (replacing null or a non-object) when missing. */
function child(holder: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = holder[key];
  if (isPlainObject(v)) return v;
  const created: Record<string, unknown> = {};
  holder[key] = created;
  return created;
}

/** `spec.kubernetes.kubeAPIServer.encryptionConfig.provider.type` defaults to aescbc, creating the path. */
export function applyShootDefaults(shoot: KubeObject): void {
  const config = child(child(child(child(shoot, 'spec'), 'kubernetes'), 'kubeAPIServer'), 'encryptionConfig');
  const provider = child(config, 'provider');
  if (typeof provider.type !== 'string') provider.type = DEFAULT_ENCRYPTION_PROVIDER;
}

/** On create: `spec.maintenance.autoRotation.credentials.etcdEncryptionKey.rotationPeriod` = 28 days when unset. */
export function applyShootCreateDefaults(shoot: KubeObject): void {
  const rotation = child(child(child(child(child(shoot, 'spec'), 'maintenance'), 'autoRotation'), 'credentials'), 'etcdEncryptionKey');
  if (typeof rotation.rotationPeriod !== 'string') rotation.rotationPeriod = DEFAULT_ETCD_ENCRYPTION_KEY_ROTATION_PERIOD;
}
