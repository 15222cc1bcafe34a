/**
 * How the generic store treats Shoots (gardener-apiserver's shootStrategy): PUT never creates and needs a
 * resourceVersion; the main resource cannot change status (spec.seedName changes are refused by the
 * ShootValidator admission plugin: that is the binding subresource's job); the generation follows
 * upstream's mustIncreaseGeneration (spec changes, unless confined to the maintenance window; a new
 * deletion or force-deletion; operation annotations that trigger work, reconcile and retry consumed);
 * the seed name labels follow spec/status.seedName. The status strategy is the same with
 * the roles swapped: only status changes, with its own validation.
 */
import { isDeepStrictEqual } from 'node:util';
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';
import type { RequestContext, Strategy } from '../types.js';
import { field, nested, text } from '../encryptionconfig/types.js';
import { fillGoZeroValues } from '../generic/go-zero.js';
import { normalizeDurations } from './decode.js';
import { applyShootCreateDefaults, applyShootDefaults } from './defaults.js';
import { coreDefinitions, shootSchema } from './schema/index.js';
import { applyOperations, cleanUpOperations } from './operation-annotation.js';
import { canonicalizeShoot, syncCloudProfileFields, syncDNSProviderCredentials } from './sync.js';
import { KIND, lastOperationOf, rotationPhase } from './types.js';
import { validateShoot, validateShootStatus, validateShootUpdate } from './validation/index.js';
import { needsForceDeletion } from './validation/changes.js';
import { DEFAULT_CREDENTIALS_ROTATION_INTERVAL_SECONDS } from './rotation-interval.js';
import { shootWarnings } from './warnings.js';

/** Label prefix marking the seeds a Shoot is (or was last) placed on. */
export const SEED_NAME_LABEL_PREFIX = 'name.seed.gardener.cloud/';

/** Sets `name.seed.gardener.cloud/<seed>: "true"` for spec.seedName and status.seedName, dropping stale ones. */
export function maintainSeedNameLabels(shoot: KubeObject): void {
  const labels = { ...(shoot.metadata.labels ?? {}) };
  for (const k of Object.keys(labels)) if (k.startsWith(SEED_NAME_LABEL_PREFIX)) delete labels[k];
  for (const name of [text(field(shoot, 'spec'), 'seedName'), text(field(shoot, 'status'), 'seedName')]) {
    if (name !== undefined && name !== '') labels[SEED_NAME_LABEL_PREFIX + name] = 'true';
  }
  if (Object.keys(labels).length > 0) shoot.metadata.labels = labels;
  else delete shoot.metadata.labels;
}

/**
 * Decodes a request body as gardener-apiserver does: durations in Go's form, the defaults, and Go's
 * zero values. Decoding comes before the field manager, so the zero values a write brings belong to
 * its manager, as upstream's field manager finds them in the decoded struct.
 */
export function decodeShoot(obj: KubeObject): void {
  normalizeDurations(obj, shootSchema, coreDefinitions, KIND);
  applyShootDefaults(obj);
  fillZeroValues(obj);
}

/**
 * The stored object as gardener-apiserver would read it from etcd: decoded (durations and quantities
 * in Go's canonical form) and defaulted. A Shoot stored before a default existed, or with a quantity
 * written before quantities were made canonical (`1024Mi`), is compared to its update as if it had
 * the default and the canonical form (`1Gi`). A value that no longer decodes stays as stored.
 */
function asDecoded(old: KubeObject): KubeObject {
  const copy = structuredClone(old);
  try {
    normalizeDurations(copy, shootSchema, coreDefinitions, KIND);
  } catch {
    // Stored before decoding refused it: compared as it is.
  }
  applyShootDefaults(copy);
  fillGoZeroValues(copy, shootSchema, coreDefinitions);
  return copy;
}

/** What Go's encoding writes for unset fields (after prepare, so also a fresh status; before validation). */
function fillZeroValues(shoot: KubeObject): void {
  fillGoZeroValues(shoot, shootSchema, coreDefinitions);
}

function hibernationEnabled(shoot: KubeObject): boolean {
  return nested(shoot, 'spec', 'hibernation')?.enabled === true;
}

/**
 * Whether the spec change from `old` to `obj` counts for the generation: any change, except that a
 * Shoot with `spec.maintenance.confineSpecUpdateRollout` counts only switching hibernation (the rest
 * waits for the maintenance window).
 */
function specChangeBumps(obj: KubeObject, old: KubeObject): boolean {
  if (nested(obj, 'spec', 'maintenance')?.confineSpecUpdateRollout === true) return hibernationEnabled(old) !== hibernationEnabled(obj);
  return !isDeepStrictEqual(obj.spec, old.spec);
}

/**
 * Upstream's mustIncreaseGeneration, in its order, against the decoded stored Shoot: a counted spec
 * change decides alone (the operation annotations then stay as they are); else a new deletion or
 * force-deletion; else the operations, which are consumed as they are planned.
 */
function mustIncreaseGeneration(obj: KubeObject, old: KubeObject): boolean {
  if (specChangeBumps(obj, old)) return true;
  if (old.metadata.deletionTimestamp === undefined && obj.metadata.deletionTimestamp !== undefined) return true;
  if (!needsForceDeletion(old) && needsForceDeletion(obj)) return true;
  return applyOperations(obj);
}

/** The Shoot strategy. */
export const shootStrategy: Strategy = {
  allowCreateOnUpdate: false,
  allowUnconditionalUpdate: false,
  tracksGeneration: true,
  decode: decodeShoot,
  prepareForCreate(obj) {
    delete obj.status;
    applyShootCreateDefaults(obj);
    syncCloudProfileFields(undefined, obj);
    syncDNSProviderCredentials(obj);
    maintainSeedNameLabels(obj);
  },
  prepareForUpdate(obj, old) {
    if (old.status === undefined) delete obj.status;
    else obj.status = structuredClone(old.status);
    cleanUpOperations(obj);
    syncDNSProviderCredentials(obj);
    if (mustIncreaseGeneration(obj, old)) obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
    syncCloudProfileFields(old, obj);
    maintainSeedNameLabels(obj);
  },
  preparesGeneration: true,
  validate: (obj) => validateShoot(obj),
  validateUpdate: (obj, old) => validateShootUpdate(obj, old),
  decodeStored: asDecoded,
  warningsOnCreate: (obj, ctx) => shootWarnings(obj, undefined, rotationInterval(ctx)),
  warningsOnUpdate: (obj, old, ctx) => shootWarnings(obj, old, rotationInterval(ctx)),
  applyDefaults: fillZeroValues,
  canonicalize: canonicalizeShoot,
};

function rotationInterval(ctx: RequestContext): number {
  return ctx.settings?.shootCredentialsRotationIntervalSeconds ?? DEFAULT_CREDENTIALS_ROTATION_INTERVAL_SECONDS;
}

/** Whether a migration just ended, which bumps the generation through the status. */
function migrationFinished(obj: KubeObject): boolean {
  const op = lastOperationOf(obj);
  return op?.type === 'Migrate' && (op.state === 'Succeeded' || op.state === 'Aborted');
}

/**
 * Whether the ETCD encryption key rotation has just reached `Prepared` and is to complete on its own
 * (`autoCompleteAfterPrepared`), which bumps the generation so that gardenlet reconciles again.
 */
function etcdKeyRotationPreparedForCompletion(obj: KubeObject, old: KubeObject): boolean {
  const phase = rotationPhase(obj, 'etcdEncryptionKey');
  if (phase === rotationPhase(old, 'etcdEncryptionKey') || phase !== 'Prepared') return false;
  return nested(obj, 'status', 'credentials', 'rotation', 'etcdEncryptionKey')?.autoCompleteAfterPrepared === true;
}

/** The strategy of `shoots/status`: only status (and metadata) change; status rules apply; no warnings. */
export const shootStatusStrategy: Strategy = {
  ...shootStrategy,
  prepareForUpdate(obj, old) {
    if (old.spec === undefined) delete obj.spec;
    else obj.spec = structuredClone(old.spec);
    if (migrationFinished(obj) || etcdKeyRotationPreparedForCompletion(obj, old)) {
      obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    syncDNSProviderCredentials(obj);
    maintainSeedNameLabels(obj);
  },
  validateUpdate: (obj, old) => validateShootStatus(obj, old),
  warningsOnUpdate: () => [],
};

/** The binding counts every spec change for the generation, confined or not. */
const { preparesGeneration: _confined, ...withoutConfinement } = shootStrategy;

/**
 * The strategy of `shoots/binding` (gardener-scheduler's call to place a Shoot on a seed): the spec
 * may change, spec.seedName included (the ShootValidator admission plugin decides what is allowed);
 * status stays, except that a pending creation's last operation is cleared when the Shoot is first
 * scheduled. The Shoot's update rules apply; it sends no warnings.
 */
export const shootBindingStrategy: Strategy = {
  ...withoutConfinement,
  prepareForUpdate(obj, old) {
    if (old.status === undefined) delete obj.status;
    else obj.status = structuredClone(old.status);
    const op = lastOperationOf(obj);
    const firstScheduled = field(old, 'spec')?.seedName === undefined && field(obj, 'spec')?.seedName !== undefined;
    if (firstScheduled && op?.type === 'Create' && op.state === 'Pending' && isPlainObject(obj.status)) delete obj.status.lastOperation;
    syncDNSProviderCredentials(obj);
    maintainSeedNameLabels(obj);
  },
  warningsOnUpdate: () => [],
};
