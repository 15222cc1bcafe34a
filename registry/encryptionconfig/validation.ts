/**
 * Static validation of an encryption configuration (Gardener's `validateEncryptionConfig`, shared by the
 * Shoot's and the Garden's kube-apiserver): the listed resources and the provider type. Every check runs
 * for every item; the messages and paths are Gardener's.
 */
import { fieldErr, type FieldError, type FieldPath } from '../../apimachinery/field.js';
import { isPlainObject } from '../../apimachinery/types.js';
import { groupResourceKey, parseGroupResource } from './groupresource.js';
import { AESGCM, ENCRYPTION_PROVIDERS, providerType, texts } from './types.js';

export const MSG_LOWER_CASE = 'resource must be lower case';
export const MSG_NO_REST_API = 'resources which do not have REST API/s cannot be encrypted';
export const MSG_TRAILING_DOT = "resource should not end with '.'";
export const MSG_WILDCARD = 'wildcards are not supported';
export const MSG_EVENTS_GROUP = "'*.events.k8s.io' objects are stored using the 'events' API group in etcd. Use 'events' instead";
export const MSG_EXTENSIONS_GROUP = "'extensions' group has been removed and cannot be used for encryption";
export const MSG_AESGCM_NEEDS_ROTATION = 'etcdEncryptionKey auto rotation must be enabled when encryption at rest provider is AES-GCM';

/** `"<resource>" are always encrypted` (Go's `%q are always encrypted`). */
export function alwaysEncryptedMessage(resource: string): string {
  return `${JSON.stringify(resource)} are always encrypted`;
}

const NO_REST_API = new Set(['apiserveripinfo', 'serviceipallocations', 'servicenodeportallocations']);

/** Options of {@link validateEncryptionConfig}. */
export interface EncryptionConfigOptions {
  /** Resources that are always encrypted and may not be listed (as `resource[.group]`). */
  alwaysEncrypted: readonly string[];
  /** Whether `spec.maintenance.autoRotation.credentials.etcdEncryptionKey.rotationPeriod` is set and not 0. */
  autoRotationEnabled: boolean;
  /** Skips the AES-GCM auto-rotation check (the Garden does). */
  skipAESGCMAutoRotationCheck: boolean;
}

/** The per-item checks of one listed resource, in Gardener's order. */
function validateResource(resource: string, seen: Set<string>, alwaysEncrypted: ReadonlySet<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const gr = parseGroupResource(resource);
  const key = groupResourceKey(resource);
  if (resource.toLowerCase() !== resource) errs.push(fieldErr.invalid(path, resource, MSG_LOWER_CASE));
  if (NO_REST_API.has(resource)) errs.push(fieldErr.invalid(path, resource, MSG_NO_REST_API));
  if (resource.endsWith('.')) errs.push(fieldErr.invalid(path, resource, MSG_TRAILING_DOT));
  if (resource.includes('*')) errs.push(fieldErr.invalid(path, resource, MSG_WILDCARD));
  if (gr.group === 'events.k8s.io') errs.push(fieldErr.invalid(path, resource, MSG_EVENTS_GROUP));
  if (gr.group === 'extensions') errs.push(fieldErr.invalid(path, resource, MSG_EXTENSIONS_GROUP));
  if (seen.has(key)) errs.push(fieldErr.duplicate(path, resource));
  if (alwaysEncrypted.has(key)) errs.push(fieldErr.forbidden(path, alwaysEncryptedMessage(resource)));
  seen.add(key);
  return errs;
}

/**
 * Validates `config` (the encryptionConfig object; absent or null passes) at `path`, which points at the
 * encryptionConfig field itself: items at `<path>.resources[i]`, the provider at `<path>.provider.type`.
 */
export function validateEncryptionConfig(config: unknown, opts: EncryptionConfigOptions, path: FieldPath): FieldError[] {
  if (!isPlainObject(config)) return [];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  const always = new Set(opts.alwaysEncrypted.map(groupResourceKey));
  texts(config, 'resources').forEach((resource, i) => {
    errs.push(...validateResource(resource, seen, always, path.child('resources').index(i)));
  });
  errs.push(...validateProviderType(config, opts, path.child('provider', 'type')));
  return errs;
}

function validateProviderType(config: Record<string, unknown>, opts: EncryptionConfigOptions, path: FieldPath): FieldError[] {
  const provider = config.provider;
  if (!isPlainObject(provider) || typeof provider.type !== 'string') return [];
  const type = providerType(config);
  const errs: FieldError[] = [];
  if (!(ENCRYPTION_PROVIDERS as readonly string[]).includes(type)) errs.push(fieldErr.notSupported(path, type, ENCRYPTION_PROVIDERS));
  if (type === AESGCM && !opts.skipAESGCMAutoRotationCheck && !opts.autoRotationEnabled) {
    errs.push(fieldErr.forbidden(path, MSG_AESGCM_NEEDS_ROTATION));
  }
  return errs;
}
