/**
 * Update validation of an encryption configuration against what is rolled out (Gardener's
 * `ValidateEncryptionConfigUpdate`). Resource lists compare as sets of group/resources; provider types
 * compare as plain strings with unset as `""`. Nothing is immutable: changes are only refused while a
 * previous change or a key rotation is in flight, or while the cluster is hibernated.
 */
import { fieldErr, type FieldError, type FieldPath } from '../../apimachinery/field.js';
import { groupResourceSet, sameSet } from './groupresource.js';
import { isReadyForRotationStart, rotationInProgress } from './rotation.js';
import { providerType, texts, type LastOperation } from './types.js';

export const MSG_RESOURCES_PHASE = 'resources cannot be changed when .status.credentials.rotation.etcdEncryptionKey.phase is not "Completed"';
export const MSG_RESOURCES_ROLLOUT = 'resources cannot be changed because a previous encryption configuration change is currently being rolled out';
export const MSG_RESOURCES_HIBERNATION = 'resources cannot be changed when shoot is in hibernation';
export const MSG_PROVIDER_NOT_READY = 'provider type cannot be changed if resource was not yet created successfully or is not ready for reconciliation';
export const MSG_PROVIDER_PHASE = 'provider type cannot be changed when .status.credentials.rotation.etcdEncryptionKey.phase is not "Completed"';
export const MSG_PROVIDER_ROLLOUT = 'provider type cannot be changed because a previous encryption configuration change is currently being rolled out';
export const MSG_PROVIDER_HIBERNATION = 'provider type cannot be changed when shoot is in hibernation';
export const MSG_PROVIDER_AND_RESOURCES = 'provider type and resources cannot be changed simultaneously';

/** What the update rules compare the new configuration with. */
export interface EncryptionUpdateInput {
  /** The new and old encryptionConfig objects (absent or null = nothing configured). */
  newConfig: unknown;
  oldConfig: unknown;
  /** Group/resource keys currently encrypted (from the status, possibly filtered). */
  current: ReadonlySet<string>;
  /** Provider type currently in use (status), `""` when unknown. */
  currentProvider: string;
  /** `status.credentials.rotation.etcdEncryptionKey.phase`, `""` when absent. */
  phase: string;
  /** Desired hibernation state of the new object. */
  hibernated: boolean;
  lastOperation: LastOperation | undefined;
}

/**
 * Validates a change of the encryption configuration; `path` points at the encryptionConfig field.
 * Resource changes are reported at `<path>.resources`, provider changes at `<path>.provider.type`.
 */
export function validateEncryptionConfigUpdate(input: EncryptionUpdateInput, path: FieldPath): FieldError[] {
  const oldSet = groupResourceSet(texts(input.oldConfig, 'resources'));
  const newSet = groupResourceSet(texts(input.newConfig, 'resources'));
  const oldProvider = providerType(input.oldConfig);
  const newProvider = providerType(input.newConfig);
  const resourcesChanged = !sameSet(oldSet, newSet);
  const rollingOut = !sameSet(oldSet, input.current) || oldProvider !== input.currentProvider;
  const inRotation = rotationInProgress(input.phase);
  const errs: FieldError[] = [];
  if (resourcesChanged) {
    const p = path.child('resources');
    if (inRotation) errs.push(fieldErr.forbidden(p, MSG_RESOURCES_PHASE));
    if (rollingOut) errs.push(fieldErr.forbidden(p, MSG_RESOURCES_ROLLOUT));
    if (input.hibernated) errs.push(fieldErr.forbidden(p, MSG_RESOURCES_HIBERNATION));
  }
  if (newProvider !== oldProvider) {
    const p = path.child('provider', 'type');
    if (!isReadyForRotationStart(input.lastOperation)) errs.push(fieldErr.forbidden(p, MSG_PROVIDER_NOT_READY));
    if (inRotation) errs.push(fieldErr.forbidden(p, MSG_PROVIDER_PHASE));
    if (rollingOut) errs.push(fieldErr.forbidden(p, MSG_PROVIDER_ROLLOUT));
    if (input.hibernated) errs.push(fieldErr.forbidden(p, MSG_PROVIDER_HIBERNATION));
    if (resourcesChanged) errs.push(fieldErr.forbidden(p, MSG_PROVIDER_AND_RESOURCES));
  }
  return errs;
}
