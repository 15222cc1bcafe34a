/**
 * The JSON shapes of the encryption-at-rest settings shared by Shoot and Garden
 * (core.gardener.cloud/v1beta1 `EncryptionConfig`, `EncryptionAtRest`, `ETCDEncryptionKeyRotation`,
 * `LastOperation`) and the constants Gardener's rules use. Objects come from request bodies whose JSON
 * types were checked, but any field may still be absent or null; the readers here tolerate both.
 */
import { isPlainObject } from '../../apimachinery/types.js';

/** `spec...encryptionConfig`. */
export interface EncryptionConfig {
  resources?: string[] | null;
  provider?: { type?: string | null } | null;
}

/** `status.credentials.encryptionAtRest`. */
export interface EncryptionAtRest {
  resources?: string[] | null;
  provider?: { type?: string | null } | null;
}

/** `status.lastOperation`. */
export interface LastOperation {
  type?: string | null;
  state?: string | null;
  progress?: number | null;
  description?: string | null;
  lastUpdateTime?: string | null;
}

/** Encryption providers Gardener accepts, sorted (as listed in NotSupported errors). */
export const ENCRYPTION_PROVIDERS = ['aescbc', 'aesgcm', 'secretbox'] as const;
/** The provider used when none is given. */
export const DEFAULT_ENCRYPTION_PROVIDER = 'aescbc';
export const AESGCM = 'aesgcm';

/** Credentials rotation phases (core.gardener.cloud CredentialsRotationPhase). */
export const RotationPhase = {
  Preparing: 'Preparing',
  PreparingWithoutWorkersRollout: 'PreparingWithoutWorkersRollout',
  WaitingForWorkersRollout: 'WaitingForWorkersRollout',
  Prepared: 'Prepared',
  Completing: 'Completing',
  Completed: 'Completed',
} as const;

/** Resources kube-apiserver always encrypts; listing them is forbidden. */
export const KUBE_APISERVER_ALWAYS_ENCRYPTED: readonly string[] = ['secrets'];

/** Resources gardener-apiserver always encrypts; listing them is forbidden. */
export const GARDENER_APISERVER_ALWAYS_ENCRYPTED: readonly string[] = [
  'controllerdeployments.core.gardener.cloud',
  'controllerregistrations.core.gardener.cloud',
  'internalsecrets.core.gardener.cloud',
  'shootstates.core.gardener.cloud',
];

/** API groups served by gardener-apiserver, whose resources belong in its encryption configuration. */
export const GARDENER_APISERVER_GROUPS: readonly string[] = [
  'authentication.gardener.cloud',
  'core.gardener.cloud',
  'operations.gardener.cloud',
  'security.gardener.cloud',
  'seedmanagement.gardener.cloud',
];

/** A plain object field, or undefined when absent, null or not an object. */
export function field(obj: unknown, name: string): Record<string, unknown> | undefined {
  if (!isPlainObject(obj)) return undefined;
  const v = obj[name];
  return isPlainObject(v) ? v : undefined;
}

/** Follows a path of object fields. */
export function nested(obj: unknown, ...names: string[]): Record<string, unknown> | undefined {
  let cur: unknown = obj;
  for (const n of names) {
    cur = field(cur, n);
    if (cur === undefined) return undefined;
  }
  return isPlainObject(cur) ? cur : undefined;
}

/** A string field, or undefined. */
export function text(obj: unknown, name: string): string | undefined {
  if (!isPlainObject(obj)) return undefined;
  const v = obj[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * The string entries of a list field (absent or null = empty). A null entry is `""`, as Go decodes it
 * into a []string, so that the others keep their index and it counts in set comparisons.
 */
export function texts(obj: unknown, name: string): string[] {
  if (!isPlainObject(obj)) return [];
  const v = obj[name];
  return Array.isArray(v) ? v.flatMap((x) => (typeof x === 'string' ? [x] : x === null ? [''] : [])) : [];
}

/** `provider.type` of an EncryptionConfig or EncryptionAtRest, `""` when unset (Go's ptr.Deref). */
export function providerType(config: unknown): string {
  return text(field(config, 'provider'), 'type') ?? '';
}
