/**
 * The InternalSecret kind (`core.gardener.cloud/v1beta1`): a copy of the Kubernetes Secret that
 * Gardener keeps in its own API so that project members' rights on `secrets` do not reach it.
 */
import type { KubeObject } from '../../apimachinery/types.js';

export const GROUP = 'core.gardener.cloud';
export const VERSION = 'v1beta1';
export const KIND = 'InternalSecret';

/** The JSON shape after {@link normalizeInternalSecret}: `stringData` folded away, `data` canonical base64. */
export interface InternalSecret extends KubeObject {
  immutable?: boolean;
  /** Key to standard padded base64. */
  data?: Record<string, string>;
  /** Write-only; never present after normalization. */
  stringData?: Record<string, string>;
  /** Never defaulted: absent and `""` both mean "no type". */
  type?: string;
}

/** Secret types with per-type rules (k8s.io/api core/v1 constants). */
export const SecretType = {
  Opaque: 'Opaque',
  ServiceAccountToken: 'kubernetes.io/service-account-token',
  Dockercfg: 'kubernetes.io/dockercfg',
  DockerConfigJson: 'kubernetes.io/dockerconfigjson',
  BasicAuth: 'kubernetes.io/basic-auth',
  SSHAuth: 'kubernetes.io/ssh-auth',
  TLS: 'kubernetes.io/tls',
} as const;

/** Data keys and annotations the per-type rules look at. */
export const SecretKeys = {
  ServiceAccountName: 'kubernetes.io/service-account.name',
  DockerConfig: '.dockercfg',
  DockerConfigJson: '.dockerconfigjson',
  BasicAuthUsername: 'username',
  BasicAuthPassword: 'password',
  SSHAuthPrivateKey: 'ssh-privatekey',
  TLSCert: 'tls.crt',
  TLSPrivateKey: 'tls.key',
} as const;

/** Upper bound of the summed decoded `data` values, in bytes (corev1.MaxSecretSize). */
export const MAX_SECRET_SIZE = 1024 * 1024;

/** The view of a stored or normalized object as an InternalSecret. */
export function asInternalSecret(obj: KubeObject): InternalSecret {
  return obj as InternalSecret;
}
